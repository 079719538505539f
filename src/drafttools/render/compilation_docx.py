"""The compilation and the per-proponent view as Word documents (python-docx on the house reference .docx, as
the other renderers write; raw runs through ``_oxml``).

The compilation is landscape (each section's orientation set and its page size swapped): a cover, then one Word
table, its header row repeated on every page (``w:tblHeader``), its column widths adding up to the text width, in
the reference's table style; a heading row per division and article (one cell across the table, in the article
heading style, with an outline level so that Word's Navigation Pane lists the articles), a row per element.  In a
proposal's words, insertions are underlined and deletions struck through (real run formatting, and coloured).
The per-proponent view is portrait: a heading per role (proposed, supported, objected to), a sub-heading per
proposal, then what became of it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from docx.table import _Cell

from drafttools.diff.engine import Segment
from drafttools.render import _oxml, _redline_oxml
from drafttools.render.compilation import Compilation, Entry, ProponentView, Remark, Text, running
from drafttools.render.diff_docx import DELETE_COLOUR, INSERT_COLOUR, Canvas, new_document

LANDSCAPE = (Cm(29.7), Cm(21.0))  # A4 turned
MARGIN = Cm(1.5)
COLUMNS = ("Text", "Proposals and proponents", "Comments", "Secretariat note")
SHARES = (0.30, 0.35, 0.22, 0.13)  # of the text width, column by column
TABLE_STYLES = ("Table Grid",)  # the reference's table style, when it has it

NewParagraph = Callable[[], Any]  # gives a fresh w:p to write into


def _setup(canvas: Canvas, text: Text, what: str, header: str, landscape: bool) -> None:
    document = canvas.document
    _oxml.set_default_language(document.styles.element, text.language)
    _oxml.set_properties(
        document,
        title=f"{text.title}: {what.lower()}",
        author="World Health Organization",
        subject=f"{what}: proposals on version {text.version}",
        language=text.language,
        category=what,
        when=text.date,
    )
    for section in document.sections:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = LANDSCAPE
            section.left_margin = section.right_margin = MARGIN
        section.header.is_linked_to_previous = False
        paragraph = section.header.paragraphs[0]
        paragraph.text = header
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _writer(cell: _Cell) -> NewParagraph:
    """Fresh paragraphs of a cell: its first (empty) one, then new ones."""
    used = [False]

    def fresh() -> Any:
        if not used[0]:
            used[0] = True
            return cell.paragraphs[0]._p
        return cell.add_paragraph()._p

    return fresh


def _document_writer(document: Any) -> NewParagraph:
    return lambda: document.add_paragraph()._p


def _words(p: Any, segments: Iterable[Segment]) -> None:
    """A word diff into a ``w:p``: deletions struck, insertions underlined, each in its colour."""
    previous = ""
    for segment in segments:
        if not segment.text:
            continue
        text = segment.text
        if segment.op == "insert" and previous == "delete" and not text[:1].isspace():
            _oxml.add_run(p, " ")
        if segment.op == "delete":
            _oxml.add_run(p, text, strike=True, colour=str(DELETE_COLOUR))
        elif segment.op == "insert":
            _oxml.add_run(p, text, underline=True, colour=str(INSERT_COLOUR))
        else:
            _oxml.add_run(p, text)
        previous = segment.op


def _entry(fresh: NewParagraph, e: Entry) -> None:
    """A proposal: its ID, what it does, proponents and status in words; who supports and objects; its words."""
    head = fresh()
    _oxml.add_run(head, e.id, bold=True)
    _oxml.add_run(head, f" \u00b7 {e.what} \u00b7 {e.proponents} \u00b7 ")
    _oxml.add_run(head, e.says, bold=True)
    _people(fresh, e)
    if e.words:
        p = fresh()
        if e.kind in ("insert-after", "delete"):
            _oxml.add_run(p, f"{e.what}: ", italic=True)
        _words(p, e.words)
    if e.note and e.kind != "note":
        _oxml.add_run(fresh(), e.note, italic=True)
    for r in e.remarks:
        _remark(fresh, r)


def _people(fresh: NewParagraph, e: Entry) -> None:
    said = [f"supported by {e.supporters}" if e.supporters else ""]
    said.append(f"objected to by {e.objectors}" if e.objectors else "")
    if any(said):
        _oxml.add_run(fresh(), "; ".join(s for s in said if s), italic=True)


def _remark(fresh: NewParagraph, r: Remark) -> None:
    p = fresh()
    _oxml.add_run(p, r.by, bold=True)
    if r.anchor:
        _oxml.add_run(p, f" on \u201c{r.anchor}\u201d")
    _oxml.add_run(p, f": {r.text}")
    _oxml.add_run(p, f" ({r.proposal})", italic=True)
    for reply in r.replies:
        q = fresh()
        _oxml.add_run(q, f"\u21b3 {reply.author}", bold=True)
        _oxml.add_run(q, f" (reply): {reply.text}")
    if r.note:
        _oxml.add_run(fresh(), r.note, italic=True)


def _note(fresh: NewParagraph, e: Entry) -> None:
    p = fresh()
    _oxml.add_run(p, e.proponents, bold=True)
    _oxml.add_run(p, f" ({e.id}): {e.note}")


def _style_id(canvas: Canvas, role: str) -> str:
    return str(canvas.document.styles[canvas.styles[role]].style_id)


def _heading(canvas: Canvas, text: str, level: int) -> Any:
    """A heading paragraph in the article heading style, at outline ``level`` (0 = Level 1)."""
    paragraph = canvas.document.add_paragraph(text, style=canvas.styles["article"])
    _oxml.set_outline_level(paragraph._p, level)
    return paragraph


# ------------------------------------------------------------------------------------------------- compilation


def compilation(compiled: Compilation, template: Path | None = None) -> Any:
    """The compilation as a python-docx Document."""
    canvas = new_document(template)
    document = canvas.document
    text = compiled.text
    _setup(canvas, text, "Compilation of proposals", running(text), landscape=True)
    document.add_paragraph(text.title, style=canvas.styles["title"])
    document.add_paragraph(
        f"Compilation of proposals on the working text, version {text.version} ({text.date}), article by article, "
        "with the complete texts as received."
    )
    _cover(canvas, compiled)
    _table(canvas, compiled)
    if compiled.gone:
        _heading(canvas, "Proposals on text no longer in the draft", 1)
        document.add_paragraph(
            "Their target has left the working text (deleted, or merged into another element); they are kept here."
        )
        fresh = _document_writer(document)
        for e in compiled.gone:
            _oxml.add_run(fresh(), f"Target: {e.target}", bold=True)
            (_note if e.kind == "note" else _entry)(fresh, e)
    return document


def _cover(canvas: Canvas, compiled: Compilation) -> None:
    document, cover = canvas.document, compiled.cover
    _heading(canvas, "What was received", 1)
    answers = f", answering {', '.join(cover.answers)}" if cover.answers else ""
    document.add_paragraph(f"{cover.total} proposal{'s' * (cover.total != 1)} ({cover.shown}){answers}.")
    n = cover.returns_count
    document.add_paragraph(f"{n} return{'s' * (n != 1)}" + (":" if n else "."))
    for r in cover.returns:
        document.add_paragraph(f"{r.party}: {r.file} ({r.proposals} proposal{'s' * (r.proposals != 1)})")
    if cover.by_hand:
        document.add_paragraph(f"{cover.by_hand} written by hand or in the room (no return).")
    kinds = ", ".join(f"{k.n} {k.name}" for k in cover.kinds) or "none"
    statuses = ", ".join(f"{k.n} {k.name}" for k in cover.statuses) or "none"
    document.add_paragraph(f"By kind: {kinds}.  By status: {statuses}.")
    if compiled.only_filed:
        document.add_paragraph("Only the elements on which something was filed are shown.")


def _table(canvas: Canvas, compiled: Compilation) -> None:
    document = canvas.document
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    widths = [int(width * share) for share in SHARES]
    widths[-1] = width - sum(widths[:-1])  # the columns add up to the text width exactly
    table = document.add_table(rows=1, cols=len(COLUMNS))
    names = {s.name for s in document.styles}
    style = next((s for s in TABLE_STYLES if s in names), None)
    if style is not None:
        table.style = style
    table.autofit = False
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w
    for cell, name, w in zip(table.rows[0].cells, COLUMNS, widths, strict=True):
        cell.width = w
        _oxml.add_run(cell.paragraphs[0]._p, name, bold=True)
    _redline_oxml.repeat_header_row(table.rows[0]._tr)
    plain = table.add_row()
    for cell, w in zip(plain.cells, widths, strict=True):
        cell.width = w
    merged = table.add_row()
    for cell, w in zip(merged.cells, widths, strict=True):
        cell.width = w
    merged.cells[0].merge(merged.cells[-1])
    row_template = _redline_oxml.detach(plain._tr)  # each row a copy: python-docx's add_row is linear in the rows
    heading_template = _redline_oxml.detach(merged._tr)
    heading_style = _style_id(canvas, "article")
    for row in compiled.rows:
        if row.kind == "heading":
            tr = _redline_oxml.append_copy(table._tbl, heading_template)
            p = _Cell(tr.tc_lst[0], table).paragraphs[0]._p
            _oxml.set_paragraph_style(p, heading_style)
            _oxml.set_outline_level(p, 1 + row.depth)
            _oxml.add_run(p, row.words)
            continue
        tr = _redline_oxml.append_copy(table._tbl, row_template)
        cells = [_Cell(tc, table) for tc in tr.tc_lst]
        p = cells[0].paragraphs[0]._p
        if row.number:
            _oxml.add_run(p, row.number, bold=True)
            _oxml.add_run(p, "  ")
        _oxml.add_run(p, row.words)
        fresh = _writer(cells[1])
        for e in row.proposals:
            _entry(fresh, e)
        fresh = _writer(cells[2])
        for r in row.remarks:
            _remark(fresh, r)
        fresh = _writer(cells[3])
        for e in row.notes:
            _note(fresh, e)


def compilation_bytes(compiled: Compilation, template: Path | None = None) -> bytes:
    out = io.BytesIO()
    compilation(compiled, template).save(out)
    return _oxml.fixed_zip_times(out.getvalue())


# ------------------------------------------------------------------------------------------------- per proponent


def proponent(shown: ProponentView, template: Path | None = None) -> Any:
    """One proponent's view as a python-docx Document."""
    canvas = new_document(template)
    document = canvas.document
    text = shown.text
    named = shown.name if shown.name == shown.party else f"{shown.name} ({shown.party})"
    _setup(canvas, text, f"Proposals of {shown.party}", f"Proposals of {shown.party}: {text.version}", landscape=False)
    document.add_paragraph(f"Proposals of {named}", style=canvas.styles["title"])
    document.add_paragraph(
        f"{text.title}: what {shown.party} proposed, supported or objected to, and what became of it, against the "
        f"working text, version {text.version} ({text.date})."
    )
    counts = ", ".join(f"{k.n} {k.name}" for k in shown.counts) or "none"
    document.add_paragraph(f"Proposed: {counts}.")
    fresh = _document_writer(document)
    for group in shown.groups:
        _heading(canvas, group.heading, 1)
        for e in group.entries:
            head = document.add_paragraph()
            head.paragraph_format.keep_with_next = True
            _oxml.set_outline_level(head._p, 2)  # under its role's heading in the Navigation Pane
            _oxml.add_run(head._p, f"{e.id}: {e.what} \u2014 ", bold=True)
            _oxml.add_run(head._p, e.says, bold=True)
            _oxml.add_run(fresh(), f"Proponents: {e.proponents}")
            _people(fresh, e)
            if e.label:
                _oxml.add_run(fresh(), f"The text now ({e.label}):", italic=True)
                _oxml.add_run(fresh(), e.current)
            else:
                _oxml.add_run(fresh(), f"{e.target} is no longer in the working text.", italic=True)
            if e.kind == "note":
                _oxml.add_run(fresh(), f"Note: {e.note}")
            elif e.words:
                p = fresh()
                _oxml.add_run(p, "Comment: " if e.kind == "comment" else "Proposed: ", italic=True)
                _words(p, e.words)
            if e.merged_words:
                p = fresh()
                _oxml.add_run(p, "The words of the proposal it was merged into: ", italic=True)
                _words(p, e.merged_words)
            if e.note and e.kind != "note":
                _oxml.add_run(fresh(), e.note, italic=True)
            for r in e.remarks:
                _remark(fresh, r)
    return document


def proponent_bytes(shown: ProponentView, template: Path | None = None) -> bytes:
    out = io.BytesIO()
    proponent(shown, template).save(out)
    return _oxml.fixed_zip_times(out.getvalue())
