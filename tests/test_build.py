"""`drafttools build` on the shipped papers, read back by real clients: pandoc, LibreOffice and Chromium.

The papers are built once per module (through the CLI); LibreOffice converts all DOCX files in one call.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from drafttools.api import build as use_case
from drafttools.cli.main import main
from drafttools.model.tree import Ref, plain_text, ref_label
from drafttools.papers import templates
from drafttools.papers.load import load_paper
from drafttools.render import paper_text, plain
from drafttools.source import versions
from drafttools.source.parse import load
from tests.clients import chromium_dom, libreoffice_convert_all, pandoc_text, pdf_pages, pdf_text
from tests.conftest import ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAPERS = ("code", "eb124-13", "sea-rc62-working-paper")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    with contextlib.chdir(ROOT):
        # the papers whose every word these tests compare with the model (the other bodies' papers: test_bodies.py)
        result = CliRunner().invoke(main, ["build", *(f"papers/{p}.md" for p in PAPERS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(Path(line).name for line in result.stdout.split()) == sorted(
        f"{p}.{f}" for p in PAPERS for f in ("docx", "html")
    )
    assert "built 6 files; 0 errors" in result.stderr
    return out


@pytest.fixture(scope="module")
def instrument(shipped):
    return shipped  # the shipped code text, parsed once per session (tests/conftest.py)


def annexed(name: str):
    """The model of the version of the code the paper annexes."""
    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None
    project = use_case.Project.here(ROOT)
    folder = versions.locate(paper.front.annex, project.versions, project.source)
    assert folder is not None
    loaded = load(folder)
    assert loaded.instrument is not None
    return loaded.instrument


@pytest.fixture(scope="module")
def pdfs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every built DOCX converted to PDF by one headless LibreOffice call."""
    out = tmp_path_factory.mktemp("pdf")
    libreoffice_convert_all(sorted(built.glob("*.docx")), out)
    return out


def expected(name: str, instrument) -> tuple[list[str], dict[str, str]]:
    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None
    doctype = templates.load(ROOT / templates.TEMPLATES, paper.front.document_type)
    annex = use_case.annex_fields(instrument)
    text = paper_text.render(paper, instrument, paper.front.fields(), doctype.annex_heading, annex["line"])
    return plain.words(text), paper.front.fields() | {f"annex.{k}": v for k, v in annex.items()}


@pytest.mark.parametrize("name", PAPERS)
def test_pandoc_reads_the_model_text(built: Path, name: str) -> None:
    """After the first-page block, pandoc reads exactly the paper's words, the code's and the notes'."""
    instrument = annexed(name)
    want, fields = expected(name, instrument)
    got = plain.words(re.sub(r"^\s*-{3,}[- ]*$", "", pandoc_text(built / f"{name}.docx"), flags=re.M))
    start = next(i for i in range(len(got)) if got[i : i + len(want)] == want) if want else 0
    assert got[start:] == want
    block_words = set(plain.words(" ".join(fields.values()))) | {"World", "Health", "Organization", "Code", "text"}
    assert got[:start] and set(got[:start]) <= block_words, got[:start]


def test_annex_equals_code_text(built: Path) -> None:
    for name in PAPERS:
        code = plain.words(plain.render(annexed(name), title=False))
        got = plain.words(pandoc_text(built / f"{name}.docx"))
        joined, want = " ".join(got), " ".join(code)
        assert want in joined, name


def test_libreoffice_converts_every_docx(pdfs: Path) -> None:
    for name, symbol in (
        ("code", "Draft text of 7 September 2009"),
        ("eb124-13", "EB124/13"),
        ("sea-rc62-working-paper", "SEA/RC62/unknown"),
    ):
        pdf = pdfs / f"{name}.pdf"
        assert pdf.is_file(), name
        assert pdf_pages(pdf) >= 4
        text = pdf_text(pdf)
        assert symbol in text
        assert "Article 11 – Partnerships, technical collaboration and financial support" in " ".join(text.split())
    first_pages = pdf_text(pdfs / "eb124-13.pdf").split("\f")
    assert "EXECUTIVE BOARD" in first_pages[0] and "Provisional agenda item 4.7" in first_pages[0]
    assert "\n2\n" in first_pages[1] or re.search(r"^\s*2\s*$", first_pages[1], re.M), "page number in the footer"
    assert "ANNEX" in pdf_text(pdfs / "eb124-13.pdf")
    assert "ACTION BY THE EXECUTIVE BOARD" in pdf_text(pdfs / "eb124-13.pdf")


def _xml(docx: Path, member: str) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read(member))


@pytest.mark.parametrize("name", PAPERS)
def test_bookmarks_and_internal_links(built: Path, name: str) -> None:
    instrument = annexed(name)
    document = _xml(built / f"{name}.docx", "word/document.xml")
    bookmarks = [b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")]
    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None
    ids = [p.anchor for p in paper.paragraphs()] + [n.id for n in instrument.walk()]
    assert bookmarks == ids, (
        "one bookmark per paragraph of the paper, and per article, paragraph and item of the code, named by its ID"
    )
    starts = {b.get(f"{W}id") for b in document.iter(f"{W}bookmarkStart")}
    assert starts == {b.get(f"{W}id") for b in document.iter(f"{W}bookmarkEnd")}
    links = [(h.get(f"{W}anchor"), "".join(h.itertext())) for h in document.iter(f"{W}hyperlink")]
    refs = [
        (r.target, ref_label(r, instrument, n))
        for n in instrument.walk()
        if hasattr(n, "inlines")
        for r in n.inlines
        if isinstance(r, Ref)
    ]
    refs = [(r.target, ref_label(r, instrument)) for r in paper.refs()] + refs
    assert links == refs, "every cross-reference is an internal link to its target's bookmark, showing its number"
    assert all(anchor in bookmarks for anchor, _ in links)
    assert ("register-of-authorities" in bookmarks) and ("data-to-secretariat", "8.2(c)") in links


def test_docx_styles_page_and_footnotes(built: Path) -> None:
    docx = built / "sea-rc62-working-paper.docx"
    document = _xml(docx, "word/document.xml")
    styles = _xml(docx, "word/styles.xml")
    names = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val").capitalize() for s in styles.iter(f"{W}style")}
    used = [names[p.get(f"{W}val")] for p in document.iter(f"{W}pStyle")]
    for style in (
        "Title",
        "Summary box",
        "Heading 1",
        "Paper paragraph",
        "Annex heading",
        "Annex title",
        "Article heading",
        "Code paragraph",
        "Code lead-in",
        "Code item",
    ):
        assert style in used, style
    numbered = [
        p
        for p in document.iter(f"{W}p")
        if (s := p.find(f"{W}pPr/{W}pStyle")) is not None and names[s.get(f"{W}val")] == "Paper paragraph"
    ]
    assert ["".join(p.itertext()).split(".")[0] for p in numbered] == [str(n) for n in range(1, 36)]
    size = document.find(f"{W}body/{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838"), "A4"
    notes = _xml(docx, "word/footnotes.xml")
    real = [n for n in notes.iter(f"{W}footnote") if int(n.get(f"{W}id")) > 0]
    assert len(real) == 9 and all("does not give its text" in "".join(n.itertext()) for n in real)
    assert len(list(document.iter(f"{W}footnoteReference"))) == 9
    with zipfile.ZipFile(docx) as package:
        headers = " ".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/header"))
        footers = " ".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
    assert "SEA/RC62/unknown" in headers and "{{" not in headers
    assert 'w:instr=" PAGE "' in footers
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "en"


class _Annex(HTMLParser):
    """The text inside <section class="annex">, permalinks left out."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.text: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self.permalinks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "section" and a.get("class") == "annex":
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth and a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "a" and a.get("class") == "xref":
            self.links.append((a.get("href") or "")[1:])
        if tag == "a" and a.get("class") == "permalink":
            self.permalinks += 1
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.skip:
            self.skip -= 1
        if self.depth and tag == "section":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def test_chromium_renders_every_page(built: Path) -> None:
    for name in PAPERS:
        instrument = annexed(name)
        code = plain.words(plain.render(instrument, title=False))
        page = (built / f"{name}.html").read_text(encoding="utf-8")
        assert "@media print" in page and "<link" not in page and "src=" not in page, (
            "self-contained, with print styles"
        )
        dom = chromium_dom(built / f"{name}.html")
        parsed = _Annex()
        parsed.feed(dom)
        words = plain.words("".join(parsed.text))
        assert " ".join(code) in " ".join(words), name
        assert words[-len(code) :] == code, "the annex ends with the code text, word for word"
        assert parsed.lang == "en"
        ids = [n.id for n in instrument.walk()]
        assert [i for i in parsed.ids if i != "annex"] == ids
        assert parsed.permalinks >= len(ids)
        all_ids = set(re.findall(r'id="([^"]+)"', dom))
        assert all(link in all_ids for link in parsed.links)
        assert "data-to-secretariat" in parsed.links


def test_html_paper_paragraphs_and_notes(built: Path) -> None:
    page = (built / "sea-rc62-working-paper.html").read_text(encoding="utf-8")
    for n in range(1, 36):
        assert f'<p id="para-{n}"><span class="num">{n}. </span>' in page
        assert f'href="#para-{n}"' in page
    assert page.count('role="doc-footnote"') == 9
    assert '<aside class="summary"' in page
    eb = (built / "eb124-13.html").read_text(encoding="utf-8")
    assert '<a class="xref" href="#art-objectives">1</a>' in eb
    assert "<h2>ACTION BY THE EXECUTIVE BOARD</h2>" in eb


def test_build_is_repeatable_and_atomic(built: Path, tmp_path: Path) -> None:
    """A second build of one paper gives the same HTML, and leaves no temporary files behind."""
    with contextlib.chdir(ROOT):
        result = CliRunner().invoke(main, ["build", "papers/eb124-13.md", "--to", "html", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["eb124-13.html"]
    assert (tmp_path / "eb124-13.html").read_bytes() == (built / "eb124-13.html").read_bytes()


def test_paper_text_of_code_paragraphs(instrument) -> None:
    node = instrument.get("register-of-authorities")
    assert "8.3" in plain_text(node.inlines, instrument, node)


def _synthetic(instrument, articles: int, per_article: int):
    from drafttools.model.numbering import number_instrument
    from drafttools.model.tree import Element, Instrument, Loc, Text

    loc, count, built_articles = Loc("synthetic.md", 1), 0, []
    for a in range(articles):
        paragraphs = []
        for _ in range(per_article):
            count += 1
            inlines = (
                Text("Words of a paragraph long enough to count, as drafted. " * 2),
                Ref(f"p{max(1, count - 1)}", loc),
            )
            paragraphs.append(Element("paragraph", f"p{count}", loc, inlines=inlines))
        built_articles.append(Element("article", f"a{a}", loc, f"Title {a}", children=tuple(paragraphs)))
    return number_instrument(Instrument(instrument.meta, instrument.profile, body=tuple(built_articles)))


def test_docx_body_builds_in_linear_time(instrument) -> None:
    """Paragraphs are appended in constant time: four times the paragraphs, well under sixteen times the time."""
    import time

    from drafttools.render import docx

    paper = load_paper(ROOT / "papers" / "code.md").paper
    doctype = templates.load(ROOT / templates.TEMPLATES, "code")

    def seconds(n: int) -> float:
        big = _synthetic(instrument, 10, n // 10)
        context = {"paper": paper.front.fields(), "annex": use_case.annex_fields(big)}
        start = time.perf_counter()
        data = docx.render(paper, big, doctype, context)
        assert data.count(b"PK") > 0
        return time.perf_counter() - start

    small = min(seconds(500), seconds(500))  # the best of two, so a busy machine does not fake a slope
    large = seconds(2000)
    assert large < 10 * max(small, 0.05), (small, large)
