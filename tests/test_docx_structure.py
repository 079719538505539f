"""The DOCX part of issue 16, item 6: what a screen reader and Word's accessibility checker need of every Word file
drafttools writes: real heading structure (outline levels, which Word's Navigation Pane and a PDF's bookmarks
follow), the document's language in its styles (``w:lang`` in docDefaults, which every run inherits), and the
header rows of tables marked (``w:tblHeader``), for the papers and for the redline and synoptic table alike."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from drafttools.source.parse import load

from .clients import libreoffice_convert
from .test_word_navigation import bookmarks, build, part

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"
ROOT = Path(__file__).resolve().parents[1]
TREATY = ROOT / "tests" / "data" / "instruments" / "treaty" / "v1.txt"


def language(docx: Path) -> str | None:
    styles = part(docx, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    found = re.search(r'<w:lang w:val="([^"]+)"', defaults[0]) if defaults else None
    return found[1] if found else None


def header_rows(document: str) -> list[list[bool]]:
    """Per table, per row: marked as a header row (repeated at the top of each page, read as column heads)?"""
    return [
        [("<w:tblHeader/>" in row) for row in re.findall(r"<w:tr[ >].*?</w:tr>", table, re.S)]
        for table in re.findall(r"<w:tbl>.*?</w:tbl>", document, re.S)
    ]


def test_a_code_with_tables_marks_their_header_rows_and_says_its_language(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["cp", "-r", str(ROOT / "annex_templates"), str(project)], check=True)
    (project / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\nversions = "versions"\n')
    (project / "papers").mkdir()
    (project / "papers" / "code.md").write_text("---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n")
    imported = subprocess.run(
        [sys.executable, "-m", "drafttools", "import", str(TREATY), "--as", "code_text"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    build(project, tmp_path / "out")
    instrument = load(project / "code_text").instrument
    assert instrument is not None
    expected = [
        [row.header for row in table.children if row.role == "row"]
        for table in instrument.walk()
        if table.role == "table"
    ]
    assert expected and any(any(rows) for rows in expected)
    document = part(tmp_path / "out" / "code.docx", "word/document.xml")
    tables = header_rows(document)
    masthead = len(tables) - len(expected)  # the first-page block is a layout table: no header row
    assert masthead >= 0 and all(not any(rows) for rows in tables[:masthead])
    assert tables[masthead:] == expected
    assert language(tmp_path / "out" / "code.docx") == "en"


def test_the_redline_and_synoptic_table_have_headings_a_language_and_a_header_row(
    shipped_project: Path, tmp_path: Path
) -> None:
    for kind in ("docx", "synoptic"):
        target = tmp_path / f"{kind}.docx"
        run = subprocess.run(
            [sys.executable, "-m", "drafttools", "diff", OLD, NEW, "--format", kind, "-o", str(target)],
            cwd=shipped_project,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert language(target) == "en", kind  # the instrument's language, not python-docx's en-US
        styles = part(target, "word/styles.xml")
        for style, level in (("AnnexTitle", 0), ("ArticleHeading", 1)):
            found = re.search(rf'w:styleId="{style}".*?</w:style>', styles, re.S)
            assert found and f'<w:outlineLvl w:val="{level}"/>' in found[0], (kind, style)
    assert header_rows(part(tmp_path / "synoptic.docx", "word/document.xml"))[0][:2] == [True, False]
    # As a reader meets it: LibreOffice's PDF of the redline lists every article of the new text as a bookmark.
    marks = bookmarks(libreoffice_convert(tmp_path / "docx.docx", tmp_path / "pdf"))
    articles = [title for depth, title in marks if depth == 1 and title.startswith("Article ")]
    assert marks[0][0] == 0 and "Article 1 \u2013 Objectives" in articles and len(articles) >= 10, marks
