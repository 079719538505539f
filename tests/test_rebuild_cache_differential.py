"""The rebuild's incremental caches never serve a stale result: numbers replayed by the code text's skeleton
(``source.numbering_cache``) and reference findings kept file by file (``checks.xref_cache``), with the parse and
render caches beside them.

A generated instrument (benchmarks/generate.py, small) is edited at random, one edit after another: words changed,
a paragraph inserted or deleted (renumbering what follows it, and the references to those numbers elsewhere), an
ID changed, a reference broken, a typed reference added, a bracket opened, two articles swapped, the profile
edited.  After each edit, ``build`` and ``check`` run with every cache on (filled by the runs before) and again
with every cache off (DRAFTTOOLS_NO_CACHE=1): the diagnostics must be the same and the outputs byte for byte.
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from drafttools.api import build as use_case
from drafttools.api import check as api

ROOT = Path(__file__).resolve().parents[1]
SIZE = 80  # paragraphs: about ten articles, each its own file
EDITS = 24


def _generate(out: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate_differential", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    module.generate(SIZE, out)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    _generate(tmp_path / "generated")
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(tmp_path / "generated" / "v1" / "code_text", root / "code_text")
    shutil.copytree(ROOT / "annex_templates", root / "annex_templates")
    (root / "papers").mkdir()
    (root / "papers" / "code.md").write_text(
        "---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n", encoding="utf-8"
    )
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\nbuild = "build"\n', encoding="utf-8")
    return root


# ------------------------------------------------------------------------------------------------- the edits


def _articles(root: Path) -> list[Path]:
    return sorted((root / "code_text").glob("article-*.md"))


def _text_lines(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if line.strip() and not line.startswith(":")]


def _edit_lines(rng: random.Random, root: Path, change: Callable[[list[str]], bool]) -> None:
    """Apply ``change`` to the lines of a random article that it can change."""
    files = _articles(root)
    rng.shuffle(files)
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        if change(lines):
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise AssertionError("no article could take the edit")


def edit_words(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        n = rng.choice(_text_lines(lines))
        words = lines[n].split(" ")
        at = rng.randrange(len(words))
        words[at] = rng.choice(["revised", "amended", "Member States", "shall"])
        lines[n] = " ".join(words)
        return True

    _edit_lines(rng, root, change)


def insert_paragraph(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        starts = [n for n, line in enumerate(lines) if re.match(r":{3,4}\{paragraph\}", line)]
        at = rng.choice(starts)
        lines[at:at] = [":::{paragraph}", "Member States should cooperate in good faith.", ":::", ""]
        return True

    _edit_lines(rng, root, change)


def delete_paragraph(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        starts = [n for n, line in enumerate(lines) if line.startswith(":::{paragraph}")]
        if not starts:
            return False
        at = rng.choice(starts)
        end = next(n for n in range(at + 1, len(lines)) if lines[n] == ":::")
        del lines[at : end + 2 if end + 1 < len(lines) and not lines[end + 1].strip() else end + 1]
        return True

    _edit_lines(rng, root, change)


def change_id(rng: random.Random, root: Path) -> None:
    """Rename an ID that a reference in another article links to (its links now name no element)."""
    files = _articles(root)
    linked = {t for path in files for t in re.findall(r"\{xref\}`([^`<>]+)`", path.read_text(encoding="utf-8"))}

    def change(lines: list[str]) -> bool:
        starts = [n for n, line in enumerate(lines) if re.match(r":{3,}\{(paragraph|item)\} \S", line)]
        cited = [n for n in starts if lines[n].split(" ", 1)[1] in linked]
        if not starts:
            return False
        at = rng.choice(cited or starts)
        lines[at] = f"{lines[at]}-renamed"
        return True

    _edit_lines(rng, root, change)


def unnumber_paragraph(rng: random.Random, root: Path) -> None:
    """Make a paragraph unnumbered (as a lead-in is): the paragraphs after it renumber."""

    def change(lines: list[str]) -> bool:
        starts = [n for n, line in enumerate(lines) if re.match(r":{3,4}\{paragraph\}", line)]
        at = rng.choice(starts)
        lines.insert(at + 1, ":unnumbered:")
        return True

    _edit_lines(rng, root, change)


def edit_title(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        n = next(n for n, line in enumerate(lines) if line.startswith(":title:"))
        lines[n] += rng.choice([" and cooperation", " (revised)", " – part"])
        return True

    _edit_lines(rng, root, change)


def break_reference(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        linked = [n for n, line in enumerate(lines) if "{xref}`" in line]
        if not linked:
            return False
        at = rng.choice(linked)
        lines[at] = re.sub(r"\{xref\}`[^`]+`", "{xref}`no-such-element`", lines[at], count=1)
        return True

    _edit_lines(rng, root, change)


def add_typed_reference(rng: random.Random, root: Path) -> None:
    count = len(_articles(root))

    def change(lines: list[str]) -> bool:
        n = rng.choice(_text_lines(lines))
        where = rng.choice(["above", "below"])
        lines[n] += f" as paragraph {rng.randint(1, count)}.{rng.randint(1, 4)} {where} provides"
        return True

    _edit_lines(rng, root, change)


def open_bracket(rng: random.Random, root: Path) -> None:
    def change(lines: list[str]) -> bool:
        n = rng.choice(_text_lines(lines))
        words = lines[n].split(" ")
        words.insert(rng.randrange(len(words)), "[to be agreed")
        lines[n] = " ".join(words)
        return True

    _edit_lines(rng, root, change)


def swap_articles(rng: random.Random, root: Path) -> None:
    manifest = root / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    names = re.findall(r'"(article-\d+\.md)"', text)
    first, second = rng.sample(names, 2)
    text = text.replace(f'"{first}"', '"SWAP"').replace(f'"{second}"', f'"{first}"').replace('"SWAP"', f'"{second}"')
    manifest.write_text(text, encoding="utf-8")


def edit_profile(rng: random.Random, root: Path) -> None:
    profile = root / "code_text" / "profile.toml"
    if not profile.exists():
        shutil.copy(ROOT / "src" / "drafttools" / "profiles" / "who-code.toml", profile)
        manifest = root / "code_text" / "manifest.toml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("[instrument]\n", '[instrument]\nprofile = "profile.toml"\n', 1), "utf-8")
    text = profile.read_text(encoding="utf-8")
    choices = [
        ('heading = "Article {number}"', 'heading = "Art. {number}"'),
        ('heading = "Art. {number}"', 'heading = "Article {number}"'),
        ('number = "{article}.{t}"', 'number = "{article}-{t}"'),
        ('number = "{article}-{t}"', 'number = "{article}.{t}"'),
        ('label = "{article}.{t}"', 'label = "{article}/{t}"'),
    ]
    old, new = rng.choice([c for c in choices if c[0] in text])
    profile.write_text(text.replace(old, new, 1), encoding="utf-8")


KINDS = [
    edit_words,
    insert_paragraph,
    delete_paragraph,
    change_id,
    unnumber_paragraph,
    edit_title,
    break_reference,
    add_typed_reference,
    open_bracket,
    swap_articles,
    edit_profile,
]


# ------------------------------------------------------------------------------------------------- the runs


Run = tuple[list[str], dict[str, bytes], list[str], list[tuple[object, ...]]]


def _run(root: Path, out: str) -> Run:
    """A build of papers/code.md (diagnostics, outputs), a check of the code text (diagnostics) and its model
    (every element's fields, with its parent and what its ID finds), run in the project as the command line runs
    them."""
    with contextlib.chdir(root):
        project = use_case.Project.here(root)
        built = use_case.build([Path("papers/code.md")], ("docx", "html"), root / out, project=project)
        checked = api.check(Path("code_text"), cache_dir=root / "build" / ".cache")
        instrument = api.load_code_text(Path("code_text")).instrument
    assert instrument is not None
    model = [
        (
            e.kind,
            e.id,
            e.loc,
            e.title,
            e.inlines,
            e.cells,
            e.role,
            e.token,
            e.number,
            e.label,
            e.near,
            e.heading,
            len(e.children),
            getattr(instrument.parent_of(e), "id", None),
            instrument.region_of(e),
            e.id is not None and instrument.get(e.id) is e,
        )
        for e in instrument.walk()
    ]
    outputs = {o.path.name: o.path.read_bytes() for o in built.outputs}
    return [d.format() for d in built.diagnostics], outputs, [d.format() for d in checked.diagnostics], model


def _files(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (root / "code_text").iterdir() if path.is_file()}


def _restore(root: Path, files: dict[Path, bytes]) -> None:
    for path in (root / "code_text").iterdir():
        if path.is_file() and path not in files:
            path.unlink()
    for path, data in files.items():
        if path.read_bytes() != data if path.exists() else True:
            path.write_bytes(data)


@pytest.mark.parametrize("seed", [20261204, 7, 1181])
def test_every_rebuild_equals_a_build_without_cache(project: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Each edit is built and checked with the caches and without; an edit that leaves an error (no output is
    built then) is also undone, and the text as it was is built again, so that every step starts from a text
    whose outputs are built and compared."""
    rng = random.Random(seed)
    _run(project, "out/cached")  # fills every cache
    kinds = [*KINDS, *(rng.choice(KINDS) for _ in range(EDITS - len(KINDS)))]
    rng.shuffle(kinds)
    seen_codes: set[str] = set()
    built = 0

    def same(step: str) -> bool:
        nonlocal built
        cached = _run(project, "out/cached")
        monkeypatch.setenv("DRAFTTOOLS_NO_CACHE", "1")
        fresh = _run(project, "out/fresh")
        monkeypatch.delenv("DRAFTTOOLS_NO_CACHE")
        assert cached[3] == fresh[3], f"{step}: the models differ"
        assert cached[0] == fresh[0], f"{step}: build diagnostics differ"
        assert cached[2] == fresh[2], f"{step}: check diagnostics differ"
        assert cached[1].keys() == fresh[1].keys(), step
        for name, data in fresh[1].items():
            assert cached[1][name] == data, f"{step}: {name} differs"
        seen_codes.update(re.sub(r".*\[(\S+)\]$", r"\1", line.split("\n")[0]) for line in fresh[2])
        built += bool(fresh[1])
        return bool(fresh[1])

    for step, edit in enumerate(kinds):
        before = _files(project)
        edit(rng, project)
        if not same(f"step {step} ({edit.__name__})"):
            _restore(project, before)
            assert same(f"step {step} ({edit.__name__} undone)")
    # the edits did what they are for: renumbered references went stale, broken ones unknown, brackets open
    assert {"xref.unknown-id", "bracket.open"} <= seen_codes, seen_codes
    assert built >= EDITS, built  # outputs compared after most edits (and after every undo)
    assert (project / "build" / ".cache" / "numbers").is_dir() and (project / "build" / ".cache" / "xref").is_dir()
