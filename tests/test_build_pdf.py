"""`drafttools build --to pdf` on the shipped papers: LibreOffice converts the DOCX the build renders, and
pdffonts, pdftotext and pypdf read the PDF back (fonts embedded, the text, bookmarks, /Lang, title, date).

One LibreOffice conversion for the three papers, shared by the module.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.papers.load import load_paper
from drafttools.render import pdf as pdf_render
from drafttools.render import plain
from tests.clients import _run, pdf_text
from tests.conftest import ROOT
from tests.test_build import PAPERS, annexed
from tests.test_word_navigation import bookmarks


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    with contextlib.chdir(ROOT):
        # the three papers the checks below read closely (every body's PDF: tests/test_bodies.py)
        result = CliRunner().invoke(main, ["build", *(f"papers/{p}.md" for p in PAPERS), "--to", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(Path(line).name for line in result.stdout.split()) == sorted(f"{p}.pdf" for p in PAPERS)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p}.pdf" for p in PAPERS), "the DOCX stays in memory"
    return out


def _front(name: str) -> dict[str, str]:
    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None
    return paper.front.fields()


@pytest.mark.parametrize("name", PAPERS)
def test_every_font_is_embedded(built: Path, name: str) -> None:
    done = _run(["pdffonts", str(built / f"{name}.pdf")])
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()[2:]
    assert rows, "the PDF names its fonts"
    for row in rows:  # name type encoding emb sub uni object ID: emb is the fifth column from the end
        assert row.split()[-5] == "yes", row


@pytest.mark.parametrize("name", PAPERS)
def test_text_holds_the_title_and_the_annexed_code(built: Path, name: str) -> None:
    text = " ".join(pdf_text(built / f"{name}.pdf").split())
    instrument = annexed(name)
    assert " ".join(_front(name).get("title", instrument.meta.title).split()) in text
    assert instrument.meta.title in text
    for article in instrument.articles:  # the who-code profile's headings
        assert f"Article {article.label} – {article.title}" in text
    for para in plain.render(instrument, title=False).split("\n\n"):
        start = " ".join(para.split()[:8])  # a page's footer or header may fall inside a long paragraph
        assert start in text, start


@pytest.mark.parametrize("name", PAPERS)
def test_bookmarks_lang_and_metadata(built: Path, name: str) -> None:
    instrument = annexed(name)
    marks = bookmarks(built / f"{name}.pdf")
    title = marks.index((0, instrument.meta.title))
    under = [text for depth, text in marks[title + 1 :] if depth == 1]
    assert under == [f"Article {a.label} – {a.title}" for a in instrument.articles], "one per article, under the title"
    reader = pypdf.PdfReader(str(built / f"{name}.pdf"))
    language = _front(name).get("language", "en")
    assert str(reader.trailer["/Root"]["/Lang"]).split("-")[0] == language
    assert reader.metadata is not None
    assert reader.metadata.title == (_front(name).get("title") or instrument.meta.title)
    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None and reader.metadata.creation_date is not None
    date = paper.front.date.isoformat() if paper.front.date else instrument.meta.date
    assert reader.metadata.creation_date.date().isoformat() == date, "the paper's date, not the conversion's"


def test_settled_bytes_do_not_depend_on_the_time_of_conversion(built: Path) -> None:
    """LibreOffice 7.4 stamps the conversion's time (ignoring SOURCE_DATE_EPOCH) and hashes it into /ID; the
    settled bytes are the same whenever the conversion ran."""
    made = (built / "code.pdf").read_bytes()
    assert b"/CreationDate (D:20090907000000Z)" in made
    other = made.replace(b"/CreationDate (D:20090907000000Z)", b"/CreationDate(D:20311231235959Z')")
    found = re.search(rb"/ID \[ ?<([0-9A-F]{32})", made)
    assert found is not None
    other = other.replace(found[1], b"0123456789ABCDEF" * 2)
    assert other != made and len(other) == len(made)
    assert pdf_render.settle(other, "D:20090907000000Z") == made
    assert pdf_render.settle(made, "D:20090907000000Z") == made


def test_a_document_libreoffice_cannot_load_gives_its_message_and_no_pdf() -> None:
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as package:
        package.writestr("[Content_Types].xml", "<broken")
        package.writestr("word/document.xml", "<w:document")
    found = pdf_render.convert({"broken": broken.getvalue()})
    assert found["broken"].pdf is None
    assert "source file could not be loaded" in found["broken"].failure


def test_lang_is_the_papers_language(shipped_project: Path) -> None:
    """/Lang comes from the paper (through the DOCX's w:lang), not from LibreOffice's own locale."""
    paper = shipped_project / "papers" / "code.md"
    french = paper.read_text(encoding="utf-8").replace("\nlanguage: en\n", "\nlanguage: fr\n")
    paper.write_text(french, encoding="utf-8")
    with contextlib.chdir(shipped_project):
        result = CliRunner().invoke(main, ["build", "papers/code.md", "--to", "pdf", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(str(shipped_project / "out" / "code.pdf")).trailer["/Root"]["/Lang"] == "fr-FR"


def test_the_same_bytes_again_from_the_forked_renderer(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second conversion, later, gives the same bytes; here from the DOCX a forked renderer made (as for a large
    code), when only PDF is asked for."""
    from drafttools.api import build as use_case

    monkeypatch.setattr(use_case, "_worth_forking", lambda *a: True)
    with contextlib.chdir(ROOT):
        result = use_case.build([Path("papers/code.md")], ("pdf",), tmp_path, cache=False)
    assert result.exit_code() == 0, result.diagnostics
    assert [o.path.name for o in result.outputs] == ["code.pdf"]
    assert (tmp_path / "code.pdf").read_bytes() == (built / "code.pdf").read_bytes()
