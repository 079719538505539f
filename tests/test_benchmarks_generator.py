"""The benchmark generator (benchmarks/generate.py): its code texts pass `drafttools check`, its plain Markdown
carries the same words, and version 2 differs from version 1 as the benchmark issue specifies.

Only the generator is tested here; the benchmarks themselves are never run in CI.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from drafttools.model.tree import Element as Paragraph
from drafttools.model.tree import Instrument, Ref, Text
from drafttools.render import plain
from drafttools.source.parse import load

ROOT = Path(__file__).resolve().parents[1]
SIZE = 100


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench") / str(SIZE)
    return out, _generator().generate(SIZE, out)


def _instrument(folder: Path) -> Instrument:
    loaded = load(folder)
    assert loaded.instrument is not None
    return loaded.instrument


def _paragraphs(instrument: Instrument) -> dict[str, tuple[str, Paragraph]]:
    return {p.id: (a.id, p) for a in instrument.articles for p in a.children if p.id}


def _source_words(paragraph: Paragraph) -> tuple:
    """What the author wrote (words and link targets), not what prints: renumbering is no edit."""
    blocks = [paragraph.inlines, *(i.inlines for i in paragraph.children)]
    return tuple(
        tuple(" ".join(x.text.split()) if isinstance(x, Text) else ("ref", x.target) for x in b) for b in blocks
    )


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_code_text_passes_check(generated: tuple[Path, dict], version: str) -> None:
    out, _ = generated
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from drafttools.cli.main import main; main()",
            "check",
            "--strict",
            str(out / version / "code_text"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_is_deterministic(generated: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = generated
    again = tmp_path / "again"
    _generator().generate(SIZE, again)
    for name in ("v1/plain.md", "v2/plain.md", "v1/code_text/manifest.toml", "v2/code_text/article-00002.md"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_shape(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    v1 = _instrument(out / "v1" / "code_text")
    paragraphs = [p for a in v1.articles for p in a.children]
    assert len(paragraphs) == SIZE
    assert all(5 <= len(a.children) <= 12 for a in v1.articles)
    assert any(p.children for p in paragraphs)
    with_refs = [p for p in paragraphs if any(isinstance(x, Ref) for b in [p, *p.children] for x in b.inlines)]
    assert 0.08 * SIZE <= len(with_refs) <= 0.25 * SIZE
    assert any("[" in t.text for p in paragraphs for b in [p, *p.children] for t in b.inlines if isinstance(t, Text))


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_plain_markdown_has_the_same_words(generated: tuple[Path, dict], version: str) -> None:
    out, _ = generated
    expected = plain.words(plain.render(_instrument(out / version / "code_text")))
    markdown = [
        w for w in plain.words((out / version / "plain.md").read_text(encoding="utf-8")) if w not in ("#", "##")
    ]
    assert markdown == expected
    sphinx = out / version / "sphinx"
    assert 'extensions = ["myst_parser"]' in (sphinx / "conf.py").read_text(encoding="utf-8")
    per_article = [
        w for f in sorted(sphinx.glob("article-*.md")) for w in plain.words(f.read_text(encoding="utf-8")) if w != "#"
    ]
    assert per_article == expected[len(plain.words(_instrument(out / version / "code_text").meta.title)) :]


def test_version_two_differs_as_specified(generated: tuple[Path, dict]) -> None:
    out, stats = generated
    v1, v2 = _instrument(out / "v1" / "code_text"), _instrument(out / "v2" / "code_text")
    old, new = _paragraphs(v1), _paragraphs(v2)
    removed = {a.id for a in v1.articles} - {a.id for a in v2.articles}
    assert len(removed) == 1 and {a.id for a in v2.articles} < {a.id for a in v1.articles}
    in_removed = {p.id for a in v1.articles if a.id in removed for p in a.children}
    deleted = set(old) - set(new) - in_removed
    inserted = set(new) - set(old)
    assert len(deleted) == len(stats["changes"]["deleted"]) == round(0.02 * SIZE)
    assert len(inserted) == len(stats["changes"]["inserted"]) == round(0.02 * SIZE)
    common = set(old) & set(new)
    moved = {i for i in common if old[i][0] != new[i][0]}
    assert moved and moved == set(stats["changes"]["moved"])
    edited = {i for i in common if _source_words(old[i][1]) != _source_words(new[i][1])}
    assert set(stats["changes"]["edited"]) <= edited
    assert 0.08 * SIZE <= len(edited) <= 0.15 * SIZE
    removed_index = [a.id for a in v1.articles].index(next(iter(removed)))
    later = v1.articles[removed_index + 1]
    assert next(a for a in v2.articles if a.id == later.id).number == str(int(later.number) - 1)  # renumbered


# ------------------------------------------------------------------------------------------------ deep shape


def _deep_generator():
    spec = importlib.util.spec_from_file_location("bench_generate_deep", ROOT / "benchmarks" / "generate_deep.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_deep_shape_is_an_eu_act_that_checks_clean_in_both_versions(tmp_path: Path) -> None:
    out = tmp_path / "deep"
    stats = _deep_generator().generate(150, out)
    v1 = stats["v1"]
    assert v1["paragraphs"] >= 140 and v1["points"] >= 2 * v1["paragraphs"] and v1["divisions"] >= 5, v1
    for version in ("v1", "v2"):
        run = subprocess.run(
            [sys.executable, "-m", "drafttools", "check", "--strict", str(out / version / "code_text")],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
    first, second = _instrument(out / "v1" / "code_text"), _instrument(out / "v2" / "code_text")
    assert first.profile.name == "eu" and {e.role for e in first.walk()} >= {
        "division",
        "article",
        "paragraph",
        "point",
        "table",
    }
    depth = max(sum(1 for _ in first.ancestors(e)) for e in first.walk())
    assert depth >= 6  # part, title, chapter, article, paragraph, point, point ...
    kept = {e.id for e in first.walk()} & {e.id for e in second.walk()}
    assert len(kept) > 0.9 * sum(1 for _ in first.walk())  # version 2 was imported with version 1's IDs
