"""A Word paragraph's location is Word's own count, however tracked changes are read: a table row a tracked
change removes (an inserted row rejected, a deleted row accepted) still counts its paragraphs, so the text after
it is found at the same Word paragraph in every reading (what `collect` matches each author's changes by)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from drafttools.importer.docx import read_docx


def _with_tracked_rows(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Article 1 – Scope", style="Heading 1")
    table = document.add_table(rows=3, cols=1)
    for number, row in enumerate(table.rows):
        row.cells[0].text = f"row {number}"
    for row, kind in ((table.rows[1], "w:ins"), (table.rows[2], "w:del")):
        properties = row._tr.get_or_add_trPr()
        mark = OxmlElement(kind)
        mark.set(qn("w:id"), str(len(kind)))
        mark.set(qn("w:author"), "Reviewer")
        mark.set(qn("w:date"), "2010-01-01T00:00:00Z")
        properties.append(mark)
    document.add_paragraph("1. The text after the table.")
    document.save(str(path))


def test_a_row_a_tracked_change_removes_still_counts_its_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "rows.docx"
    _with_tracked_rows(path)
    where = {}
    for mode in ("accept", "reject"):
        read = read_docx(path, "rows.docx", mode)
        after = [b for b in read.blocks if "text after the table" in b.text]
        assert len(after) == 1, (mode, [b.text for b in read.blocks])
        where[mode] = after[0].where
        rows = [b.text for b in read.blocks if b.text.startswith("row")]
        assert rows == (["row 0", "row 1"] if mode == "accept" else ["row 0", "row 2"]), (mode, rows)
    assert where["accept"] == where["reject"] == 5  # heading, three rows, then the paragraph
