"""The Sphinx site of the code text (drafttools.sphinx_ext): ids, links, numbers, warnings, a real browser.

The shipped site is built once with the README's command plus -W; the small projects under tests/roots are
built with sphinx.testing or, where the exit status is the point, with sphinx-build itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drafttools.model.tree import Instrument, Ref

from ..clients import chromium_dom
from ..conftest import ROOT
from .conftest import ROOTS


def sphinx_build(srcdir: Path, outdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -b html`` run from ``srcdir``, as a user runs it."""
    argv = [sys.executable, "-m", "sphinx", "-b", "html", *extra, ".", str(outdir)]
    return subprocess.run(argv, cwd=srcdir, capture_output=True, text=True, timeout=120, check=False)


class _Page(HTMLParser):
    """Every HTML id on a page, and every drafttools cross-reference link as (href, text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.xrefs: list[tuple[str, str]] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and "dt-xref" in found.get("class", "").split():
            self._open, self._text = found, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.xrefs.append((self._open["href"], "".join(self._text)))
            self._open = None


def page(outdir: Path, name: str) -> _Page:
    return _Page((outdir / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------- the shipped site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("site")
    done = sphinx_build(ROOT, outdir, "-W")
    assert done.returncode == 0, f"sphinx-build -W failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "WARNING" not in done.stderr, done.stderr
    return outdir


def _html_of(source: str) -> str:
    return str(Path(source).resolve().relative_to(ROOT).with_suffix(".html"))


def test_every_article_paragraph_and_item_id_is_an_html_id(site: Path, shipped: Instrument) -> None:
    for article in shipped.articles:
        shown = page(site, _html_of(article.loc.path))
        expected = {e.id for e in article.walk()}
        assert expected - shown.ids == set(), article.heading


def test_references_link_to_the_page_and_id_and_show_the_current_number(site: Path, shipped: Instrument) -> None:
    eight = page(site, "code_text/article-08.html")
    assert ("#data-to-secretariat", "8.2(c)") in eight.xrefs  # 8.3's reference
    assert ("article-07.html#national-data-gathering", "7.2") in eight.xrefs  # 8.2(b), across pages
    assert ("#database-of-laws", "(a)") in eight.xrefs  # between sibling items
    refs = [piece for node in shipped.walk() for piece in getattr(node, "inlines", ()) if isinstance(piece, Ref)]
    links = [link for article in shipped.articles for link in page(site, _html_of(article.loc.path)).xrefs]
    assert len(links) == len(refs)
    for href, _ in links:
        target_page, _, anchor = href.rpartition("#")
        assert anchor in page(site, f"code_text/{target_page or 'article-08.html'}").ids or target_page == ""


def test_numbers_and_headings_come_from_the_model(site: Path, shipped: Instrument) -> None:
    text = (site / "code_text/article-08.html").read_text(encoding="utf-8")
    assert "Article 8 \u2013 Information exchange" in text
    for paragraph in shipped.articles[7].children:
        assert f'id="{paragraph.id}"' in text and f'<span class="dt-number">{paragraph.number}</span>' in text
    lead_in = (site / "code_text/article-01.html").read_text(encoding="utf-8")
    assert re.search(r'id="objectives-lead-in">\s*<a class="dt-permalink"[^>]*>\u00b6</a><p>The objectives', lead_in)


def test_front_page_is_the_manifest(site: Path, shipped: Instrument) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    assert shipped.meta.title in text and shipped.meta.version in text and shipped.meta.date in text
    contents = text.split('<div class="toctree-wrapper compound">')[1].split("</div>")[0]
    order = [int(n) for n in re.findall(r'href="code_text/article-(\d+)\.html"', contents)]
    assert order == list(range(1, len(shipped.articles) + 1))


def test_chromium_renders_the_front_page_and_an_article(site: Path) -> None:
    front = chromium_dom(site / "index.html")
    assert "Article 11 \u2013 Partnerships" in front and "2009-09-SEARO-RC62" in front
    article = chromium_dom(site / "code_text" / "article-08.html")
    assert 'id="data-to-secretariat"' in article
    assert re.search(r'<a class="dt-xref reference internal" href="#data-to-secretariat"[^>]*>8\.2\(c\)</a>', article)


def test_the_footer_is_a_real_copyright_line(site: Path) -> None:
    """conf.py gives the copyright (issue 16, item 4): the footer read "©. |" without one."""
    for page in (site / "index.html", site / "code_text" / "article-08.html"):
        dom = chromium_dom(page)
        footer = re.search(r'<div class="footer">(.*?)</div>', dom, re.S)
        assert footer is not None
        text = " ".join(re.sub(r"<[^>]+>", " ", footer.group(1)).split())
        assert text.startswith("©2009, World Health Organization.") and "©." not in text, text


# ------------------------------------------------------------------------------------ small test projects


@pytest.mark.sphinx("html", testroot="small", srcdir="small")
def test_small_project_ids_numbers_and_contents(app) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    first, second = page(app.outdir, "code_text/first.html"), page(app.outdir, "code_text/second.html")
    assert {"art-scope", "scope-lead-in", "scope-states", "scope-others", "scope-voluntary"} <= first.ids
    assert first.xrefs == [("second.html#duties-report", "2.2"), ("#scope-states", "(a)")]
    assert second.xrefs == [("first.html#art-scope", "1"), ("#report-laws", "(a)"), ("#duties-cooperate", "2.1")]
    preamble = page(app.outdir, "code_text/preamble.html")
    assert {"preamble", "preamble-recalling", "preamble-agreeing"} <= preamble.ids
    front = (app.outdir / "index.html").read_text()
    contents = front.split('<div class="toctree-wrapper compound">')[1].split("</div>")[0]
    assert re.findall(r'href="code_text/(\w+)\.html">([^<]+)<', contents) == [
        ("preamble", "Preamble"),
        ("first", "Article 1 \u2013 Scope"),
        ("second", "Article 2 \u2013 Duties"),
    ]


@pytest.mark.sphinx("html", testroot="small", srcdir="small-renumber")
def test_moving_an_article_renumbers_references_in_files_left_unchanged(app, make_app) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    assert ("second.html#duties-report", "2.2") in page(app.outdir, "code_text/first.html").xrefs
    manifest = app.srcdir / "code_text" / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('["first.md", "second.md"]', '["second.md", "first.md"]'))
    again = make_app("html", srcdir=app.srcdir)  # an incremental build: first.md itself is unchanged
    again.build()
    first = page(again.outdir, "code_text/first.html")
    assert ("second.html#duties-report", "1.2") in first.xrefs
    assert "Article 2 \u2013 Scope" in (again.outdir / "code_text/first.html").read_text()
    # "{xref}`2.1 <duties-cooperate>`" now names 1.1: the link shows the current number, check says it is stale
    assert ("#duties-cooperate", "1.1") in page(again.outdir, "code_text/second.html").xrefs
    assert re.search(r"second\.md:\d+: WARNING: error: .*\[drafttools\.xref\.label-stale\]", again.warning.getvalue())


@pytest.mark.sphinx("html", testroot="broken-xref", srcdir="broken-xref-warnings")
def test_check_findings_are_typed_sphinx_warnings_at_file_and_line(app) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert re.search(
        r"code_text/second\.md:16: WARNING: error: .*'no-such-paragraph'.*\[drafttools\.xref\.unknown-id\]", warnings
    )
    text = (app.outdir / "code_text/second.html").read_text()
    assert '<span class="dt-xref-broken">??no-such-paragraph??</span>' in text  # as the model prints it


def test_a_broken_reference_fails_sphinx_build_w_naming_file_and_line(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-broken-xref", srcdir)
    done = sphinx_build(srcdir, tmp_path / "out", "-W")
    assert done.returncode != 0
    assert f"{srcdir / 'code_text' / 'second.md'}:16:" in done.stderr
    assert "[drafttools.xref.unknown-id]" in done.stderr


def test_a_file_that_is_not_utf8_is_a_warning_at_file_and_line_not_a_crash(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-broken-xref", srcdir)
    first = srcdir / "code_text" / "first.md"
    data = first.read_bytes()
    first.write_bytes(data + b"caf\xe9\n")
    line = data.count(b"\n") + 1
    where = f"{first}:{line}: WARNING: error: not valid UTF-8"
    for _ in ("first build", "rebuild from the saved environment"):
        relaxed = sphinx_build(srcdir, tmp_path / "out")
        assert relaxed.returncode == 0, relaxed.stderr
        assert where in relaxed.stderr and "[drafttools.source.encoding]" in relaxed.stderr
        assert "Encoding error" not in relaxed.stderr + relaxed.stdout and "Traceback" not in relaxed.stderr
    strict = sphinx_build(srcdir, tmp_path / "out-w", "-W")
    assert strict.returncode == 1, strict.stderr
    assert where in strict.stderr and "Encoding error" not in strict.stderr + strict.stdout


def test_an_instrument_in_another_profile_builds_as_a_site(tmp_path: Path) -> None:
    """The treaty fixture (Chapters, points to three levels, closing words, a table, footnotes, an annex), imported
    and built by Sphinx: divisions as sections, the table as a table with its header row, every ID an anchor."""
    from drafttools.importer import import_draft
    from drafttools.importer.usecase import Places
    from drafttools.source.parse import load

    project = tmp_path / "site-project"
    project.mkdir()
    done = import_draft(
        ROOT / "tests" / "data" / "instruments" / "treaty" / "v1.txt",
        "code_text",
        places=Places(project / "code_text", project / "versions"),
        force=True,
    )
    assert done.written, [d.format() for d in done.diagnostics]
    (project / "conf.py").write_text(
        'extensions = ["myst_parser", "drafttools.sphinx_ext"]\nmyst_enable_extensions = ["colon_fence"]\n'
        'drafttools_source = "code_text"\nroot_doc = "index"\ninclude_patterns = ["index.md", "code_text/*.md"]\n',
        encoding="utf-8",
    )
    (project / "index.md").write_text("# Agreement\n", encoding="utf-8")
    built = sphinx_build(project, tmp_path / "out")
    assert built.returncode == 0, built.stderr
    instrument = load(project / "code_text").instrument
    assert instrument is not None
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "code_text").glob("*.html")}
    ids = set().union(*(page(tmp_path / "out", f"code_text/{name}").ids for name in pages))
    assert {e.id for e in instrument.walk()} <= ids
    table = next(text for text in pages.values() if "<table" in text and "Indicative production targets" in text)
    assert re.search(r"<thead>.*Region.*Target share.*</thead>", table, re.S)
    assert "Chapter I. Introduction" in pages["chapter-01.html"]
    assert 'class="footnote' in pages["article-01.html"] or "footnote" in pages["article-01.html"]
