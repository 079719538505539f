"""The render cache never serves a stale fragment: every rebuild equals a build with every cache off.

Each test builds the three shipped papers in a private project with the caches on, edits something an article's
HTML or DOCX depends on (its text, the ID a reference names, the numbering of a target in another file, the
article order, the HTML template, the reference .docx and its style IDs), builds again from the cache, and
compares with a build that uses no cache at all: HTML byte for byte, DOCX member by member after unzipping.
The last tests hold the papers' own parses (``papers.load_paper`` through ``parsecache``) to the same rule.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.api import build as use_case
from drafttools.cli.main import main
from drafttools.papers import load as papers
from drafttools.papers import model as paper_model
from drafttools.render import cache as render_cache
from drafttools.source import cache as parsecache
from drafttools.source import files as sources


@pytest.fixture
def project(shipped_project: Path) -> Path:
    """The shipped project with the three papers whose renders and parses these tests count (code.md, eb124-13.md,
    sea-rc62-working-paper.md); the other bodies' papers are built in tests/test_bodies.py."""
    for paper in (shipped_project / "papers").glob("*.md"):
        if paper.stem not in ("code", "eb124-13", "sea-rc62-working-paper"):
            paper.unlink()
    return shipped_project


def build(root: Path, out: Path, cache: bool = True) -> dict[str, dict[str, bytes]]:
    """Every output of a build, as {file name: {member: bytes}} (an HTML page is its one member)."""
    with contextlib.chdir(root):
        result = use_case.build(None, ("docx", "html"), out, project=use_case.Project.here(root), cache=cache)
    assert result.exit_code() == 0, [str(d) for d in result.diagnostics]
    found: dict[str, dict[str, bytes]] = {}
    for output in result.outputs:
        data = output.path.read_bytes()
        if output.format == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                found[output.path.name] = {name: package.read(name) for name in package.namelist()}
        else:
            found[output.path.name] = {"": data}
    return found


def assert_fresh(root: Path, tmp_path: Path) -> dict[str, dict[str, bytes]]:
    """Rebuild with the caches, and compare with a build that uses none."""
    cached = build(root, tmp_path / "cached")
    assert cached == build(root, tmp_path / "fresh", cache=False)
    return cached


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_cached_build_equals_an_uncached_one_and_is_served_from_the_cache(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = assert_fresh(project, tmp_path)
    assert list((project / "build" / ".cache" / "render").glob("*.pickle"))
    rendered: list[str] = []
    monkeypatch.setattr(render_cache.FragmentCache, "put", lambda self, key, fragment: rendered.append(key))
    assert build(project, tmp_path / "again") == first
    assert rendered == []  # nothing changed: every article came from the cache


def test_an_edited_article_is_rendered_again_and_only_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, tmp_path / "first")
    edit(project / "code_text" / "article-08.md", "register of designated", "list of designated")
    rendered: list[str] = []
    put = render_cache.FragmentCache.put
    monkeypatch.setattr(
        render_cache.FragmentCache,
        "put",
        lambda self, key, fragment: (rendered.append(self.fmt), put(self, key, fragment)),
    )
    cached = assert_fresh(project, tmp_path)
    assert b"list of designated" in cached["code.html"][""]
    assert sorted(rendered) == ["docx", "docx", "html", "html"]  # article 8, in code.md and eb124-13.md


def test_a_renumbered_target_in_another_file_shows_its_new_number(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "first")
    before = (project / "code_text" / "article-10.md").read_bytes()
    edit(
        project / "code_text" / "article-08.md",
        ":::{paragraph}",
        ":::{paragraph} an-inserted-paragraph\nA paragraph inserted first, so that every later one "
        "renumbers.\n:::\n\n:::{paragraph}",
    )
    cached = assert_fresh(project, tmp_path)
    assert (project / "code_text" / "article-10.md").read_bytes() == before  # article 10's references follow anyway
    assert b"an-inserted-paragraph" in cached["code.html"][""]


def test_a_reference_pointed_at_another_id_and_articles_reordered(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "first")
    edit(
        project / "code_text" / "article-10.md",
        "Article {xref}`designated-national-authority`",
        "Article {xref}`periodic-reporting`",
    )
    assert_fresh(project, tmp_path / "one")
    edit(
        project / "code_text" / "manifest.toml",
        '    "article-09.md",\n    "article-10.md",\n',
        '    "article-10.md",\n    "article-09.md",\n',
    )
    assert_fresh(project, tmp_path / "two")


def test_a_changed_html_template_or_reference_docx(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "first")
    for template in (project / "annex_templates").rglob("*.html.j2"):
        template.write_text(template.read_text(encoding="utf-8") + "<!-- changed -->\n", encoding="utf-8")
    assert_fresh(project, tmp_path / "one")
    reference = project / "annex_templates" / "code" / "reference.docx"
    with zipfile.ZipFile(reference) as package:
        members = [(info, package.read(info)) for info in package.infolist()]
    styles = dict((i.filename, d) for i, d in members)["word/styles.xml"]
    style_id = styles.split(b'w:styleId="', 2)[1].split(b'"')[0]
    assert b'<w:name w:val="Code Paragraph"/>' in styles
    code_para = styles.split(b'<w:name w:val="Code Paragraph"/>')[0].rsplit(b'w:styleId="', 1)[1].split(b'"')[0]
    assert code_para and style_id
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in members:
            if info.filename == "word/styles.xml":
                data = data.replace(b'w:styleId="' + code_para + b'"', b'w:styleId="' + code_para + b'Renamed"')
            package.writestr(info, data)
    reference.write_bytes(out.getvalue())
    cached = assert_fresh(project, tmp_path / "two")
    assert code_para + b"Renamed" in cached["code.docx"]["word/document.xml"]


@pytest.mark.parametrize(
    "damage", [b"not a pickle", b"", pickle.dumps({"key": "not bytes"}), pickle.dumps(["a", "list"])]
)
def test_corrupt_cache_files_are_misses(project: Path, tmp_path: Path, damage: bytes) -> None:
    first = build(project, tmp_path / "first")
    files = list((project / "build" / ".cache" / "render").glob("*.pickle"))
    assert files
    for entry in files:
        entry.write_bytes(damage)
    assert assert_fresh(project, tmp_path) == first


def test_corrupt_fragments_under_right_keys_are_never_trusted_beyond_their_key(project: Path, tmp_path: Path) -> None:
    """An entry whose key no article has is never served: a cache file full of foreign keys is only misses."""
    first = build(project, tmp_path / "first")
    for entry in (project / "build" / ".cache" / "render").glob("*.pickle"):
        data = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps({key[::-1]: b"<w:p>stale</w:p>" for key in data}))
    assert assert_fresh(project, tmp_path) == first


def test_no_cache_switch_and_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with contextlib.chdir(project):
        result = CliRunner().invoke(main, ["build", "--no-cache", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert not (project / "build" / ".cache").exists()
    monkeypatch.setenv("DRAFTTOOLS_NO_CACHE", "1")
    with contextlib.chdir(project):
        result = CliRunner().invoke(main, ["build", "-o", "out2"])
    assert result.exit_code == 0, result.output
    assert not (project / "build" / ".cache" / "render").exists()


def test_docx_rendered_in_a_forked_process_is_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large builds render DOCX in a forked process while this one checks: same outputs, cached or not."""
    serial = build(project, tmp_path / "serial", cache=False)
    monkeypatch.setattr(use_case, "BACKGROUND_FROM_ARTICLES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # a test runner's own threads hold no lock we take
    started: list[object] = []
    start = use_case._Background.start
    monkeypatch.setattr(use_case._Background, "start", lambda *a: started.append(start(*a)) or started[-1])
    assert build(project, tmp_path / "forked-cold") == serial
    assert started and all(b is not None for b in started)
    edit(
        project / "code_text" / "article-08.md",
        ":::{paragraph}",
        ":::{paragraph} an-inserted-paragraph\nA paragraph inserted first.\n:::\n\n:::{paragraph}",
    )
    assert_fresh(project, tmp_path / "forked")


def test_a_failed_check_stops_the_forked_render_and_writes_nothing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(use_case, "BACKGROUND_FROM_ARTICLES", 0)
    edit(
        project / "code_text" / "article-10.md",
        "Article {xref}`designated-national-authority`",
        "Article {xref}`no-such-element`",
    )
    with contextlib.chdir(project):
        result = use_case.build(None, ("docx", "html"), tmp_path / "out", project=use_case.Project.here(project))
    assert result.exit_code() == 1
    assert any(d.code == "xref.unknown-id" for d in result.diagnostics)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_files_parsed_in_worker_processes_are_stored_by_them(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafttools.source import parse

    monkeypatch.setattr(parse, "PARALLEL_FROM_FILES", 1)
    code = project / "code_text"
    fresh = parse.load(code)
    first = parse.load(code, cache_dir=tmp_path / "c")
    assert len(list((tmp_path / "c" / "parse").rglob("*.pickle"))) == len(first.sources)
    served = parse.load(code, cache_dir=tmp_path / "c")
    assert fresh.instrument == first.instrument == served.instrument
    assert fresh.diagnostics == first.diagnostics == served.diagnostics
    assert fresh.keys == served.keys


def test_a_forked_render_no_longer_wanted_unwinds_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``close`` stops the forked renderer with SIGTERM: its ``finally`` blocks run (as a cache write's removal of
    its temporary file does), it is reaped, and no SIGKILL is needed."""
    import os
    import time

    scratch = tmp_path / ".entry.pickle.tmp"

    def slow_render(job: object, fmt: str, cache_dir: object) -> bytes:
        try:  # made inside the try: a SIGTERM between its making and the try would leave it (a race of the test)
            scratch.write_bytes(b"half a cache entry")
            time.sleep(60)
            return b""
        finally:
            scratch.unlink(missing_ok=True)

    monkeypatch.setattr(use_case, "_render", slow_render)
    background = use_case._Background.start([object()], ("docx",), None)  # type: ignore[list-item]
    assert background is not None
    pid = background.pid
    deadline = time.monotonic() + 10
    while not scratch.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scratch.exists()
    started = time.monotonic()
    background.close()
    assert time.monotonic() - started < use_case.STOP_GRACE_SECONDS
    assert not scratch.exists()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left


# The environment of a subprocess that must use the caches, whatever the test run's own environment says.
_CACHING = {k: v for k, v in os.environ.items() if k != "DRAFTTOOLS_NO_CACHE"}


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the path of every paper parsed (not served from the parse cache) from now on."""
    parsed: list[str] = []
    parse = papers.parse_paper

    def recording(source, problems):  # type: ignore[no-untyped-def]
        parsed.append(Path(source.path).name)
        return parse(source, problems)

    monkeypatch.setattr(papers, "parse_paper", recording)
    return parsed


def test_an_unchanged_paper_is_not_parsed_again_and_an_edited_one_is(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(project, tmp_path / "first")
    parsed = _parses(monkeypatch)
    assert build(project, tmp_path / "again") == first
    assert parsed == []  # all three papers came from the parse cache
    edit(project / "papers" / "eb124-13.md", "concern has long been expressed", "concern has often been voiced")
    cached = assert_fresh(project, tmp_path)  # equal to a build with every cache off
    assert parsed == [
        "eb124-13.md",
        "code.md",
        "eb124-13.md",
        "sea-rc62-working-paper.md",
    ]  # the edit, then the uncached build
    assert b"concern has often been voiced" in cached["eb124-13.html"][""]
    edit(project / "papers" / "eb124-13.md", "date: 2008-12-04", "date: 2008-12-05")  # the front matter too
    assert b"5 December 2008" in assert_fresh(project, tmp_path)["eb124-13.html"][""]


def test_a_cached_paper_reports_its_problems_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse's diagnostics are cached with it; those of reading the file (a BOM) are found afresh."""
    path = project / "papers" / "eb124-13.md"
    text = path.read_text(encoding="utf-8") + "\nA last word.[^undefined]\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    def diagnostics() -> list[str]:
        with contextlib.chdir(project):
            result = use_case.build(None, ("html",), tmp_path / "out", project=use_case.Project.here(project))
        assert result.exit_code() == 1
        return [d.format() for d in result.diagnostics]

    cold = diagnostics()
    assert any("source.bom" in d for d in cold) and any("[^undefined]" in d for d in cold)
    parsed = _parses(monkeypatch)
    assert diagnostics() == cold
    assert parsed == []
    # the entry holds the parse's problems only; the BOM is reported first, by the read, on every load
    cache_dir = project / "build" / ".cache"
    with contextlib.chdir(project):
        loaded = papers.load_paper(Path("papers/eb124-13.md"), cache_dir)
        source = sources.read_source(Path("papers/eb124-13.md"), [])
    assert source is not None and parsed == []
    entry = parsecache.load(cache_dir, parsecache.key("paper", source))
    assert isinstance(entry, paper_model.LoadedPaper) and entry.diagnostics
    assert [d.code for d in entry.diagnostics] == [d.code for d in loaded.diagnostics[1:]]
    assert loaded.diagnostics[0].code == "source.bom" and "source.bom" not in [d.code for d in entry.diagnostics]


def test_a_build_with_every_paper_cached_does_not_load_docutils(project: Path) -> None:
    """An unchanged paper and an unchanged code text are served from the cache: the process that builds them
    never imports docutils or myst-parser (about 0.13 s of a small build)."""
    program = (
        "import sys\n"
        "from drafttools.cli.main import main\n"
        "try:\n"
        "    main(['build', '-o', 'out'])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'docutils', 'myst_parser', 'markdown_it'}))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", program], cwd=project, capture_output=True, text=True, timeout=300, env=_CACHING
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[0].stdout.split("\n")[-2] == "['docutils', 'markdown_it', 'myst_parser']"  # the first build parses
    assert runs[1].stdout.split("\n")[-2] == "[]"


def test_a_summary_box_in_the_code_text_reads_the_same_whatever_was_parsed_first(project: Path) -> None:
    """docutils keeps one directive registry per process: ``{summary}`` (a paper's box) is in it whether or not a
    paper was parsed first, so a code text holding one gets the same diagnostic from ``check`` (no paper parsed)
    as from ``build`` (papers parsed first, or served from the cache), and a cached parse is the same either way."""
    article = project / "code_text" / "article-02.md"
    edit(
        article,
        ":::\n\n:::{paragraph} global-scope-directed-toward",
        ":::\n\n:::{summary}\nA box.\n:::\n\n:::{paragraph} global-scope-directed-toward",
    )

    def codes(*args: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", "from drafttools.cli.main import main; main()", *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            env=_CACHING,
        )
        assert done.returncode == 1, done.stderr
        return sorted(set(re.findall(r"article-02\.md:\d+: error: .*\[([a-z.-]+)\]$", done.stderr, re.M)))

    assert codes("check", "--no-cache", "code_text") == ["structure.stray"]
    assert codes("build", "--no-cache", "-o", "out") == ["structure.stray"]
    assert not (project / "build").exists()
    assert codes("build", "-o", "out") == ["structure.stray"]  # papers parsed, then the code text: cached
    edit(article, "A box.", "A box, edited.")
    assert codes("build", "-o", "out") == ["structure.stray"]  # papers from the cache, the article parsed
    assert codes("check", "code_text") == ["structure.stray"]
