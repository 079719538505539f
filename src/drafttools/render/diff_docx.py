"""A diff as Word documents: the redline (native tracked changes) and the synoptic table.

The redline is the new version with every difference from the old one as a Word revision (author, date):
accept all and it is the new text, reject all and it is the old.  A moved element is a deletion at its old place
and an insertion at its new one, each with a comment saying where it went or came from.  Raw tracked-change XML
lives in ``_redline_oxml``; everything else here is python-docx.  ``redline_bytes`` writes the body in batches, so
the tree of a 10,000-paragraph body never exists at once.

Renumbering is shown ``tracked`` (each changed number struck and inserted) or ``quiet`` (``diff.renumbering``):
the quiet redline prints the new numbers as plain text, opens with a cover block naming both versions and
counting the changes by kind, and ends with the renumbering table (old → new) and the references whose printed
number changed: its own paragraphs, in the styles ``renumbering.WORD_APPARATUS`` ("Redline Note", "Redline
Heading", made here when the template lacks them), which a reader of the file leaves out of the text.

The document carries its own small set of styles, named as the house template names them ("Article Heading",
"Code Paragraph", "Code Lead-in", "Code Item"), so that a reference .docx can replace them.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from drafttools.diff import renumbering as renumbering_view
from drafttools.diff.engine import Change, Diff, RedlineBlock, Segment
from drafttools.render import _oxml, _redline_oxml
from drafttools.render import synoptic as synoptic_table

STYLES = {  # the built-in document's styles, named as the house template names them
    "title": "Code Title",
    "article": "Article Heading",
    "paragraph": "Code Paragraph",
    "lead-in": "Code Lead-in",
    "item": "Code Item",
}
HOUSE_STYLES = {  # annex_templates/code/reference.docx ("Title" would be read as metadata by pandoc)
    "title": "Annex Title",
    "article": "Article Heading",
    "paragraph": "Code Paragraph",
    "lead-in": "Code Lead-in",
    "item": "Code Item",
}
INSERT_COLOUR = RGBColor(0x1A, 0x5F, 0xB4)
DELETE_COLOUR = RGBColor(0xB0, 0x1C, 0x1C)


@dataclass
class Canvas:
    """A document to write into and the names of its styles (the house template's, or the built-in ones)."""

    document: Any
    styles: dict[str, str]


def new_document(template: Path | None = None) -> Canvas:
    """An empty document: the house reference .docx (``annex_templates/code/reference.docx``) emptied of its
    first-page block and placeholders, when it exists and holds the styles; else a built-in minimal one."""
    if template is not None and template.is_file():
        document = docx.Document(str(template))
        names = {style.name for style in document.styles}
        if all(name in names for name in HOUSE_STYLES.values()):
            _redline_oxml.clear_body(document.element.body)
            for section in document.sections:
                for part in (section.header, section.first_page_header, section.even_page_header):
                    for paragraph in part.paragraphs:
                        if "{{" in paragraph.text:
                            paragraph.text = ""
            return _outlined(Canvas(document, HOUSE_STYLES))
    return _outlined(Canvas(_document(), STYLES))


def _outlined(canvas: Canvas) -> Canvas:
    """The title style at outline Level 1 and the heading style (divisions, articles) at Level 2, so that Word's
    Navigation Pane and a PDF's bookmarks list a redline's or synoptic table's articles as they do a paper's (the
    levels sit on the styles: these documents use them for nothing else)."""
    for role, level in (("title", 0), ("article", 1)):
        _oxml.set_outline_level(canvas.document.styles[canvas.styles[role]].element, level)
    return canvas


def _document() -> Any:
    document = docx.Document()
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)

    def add(
        name: str,
        bold: bool = False,
        size: int = 11,
        left: float = 0.0,
        hanging: float = 0.0,
        centre: bool = False,
        before: int = 0,
    ) -> None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.bold = bold
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        fmt.left_indent = Cm(left)
        fmt.first_line_indent = Cm(-hanging) if hanging else None
        fmt.space_before = Pt(before)
        if hanging:
            fmt.tab_stops.add_tab_stop(Cm(left))
        if centre:
            fmt.alignment = 1
        fmt.keep_with_next = bold

    add(STYLES["title"], bold=True, size=14, centre=True, before=6)
    add(STYLES["article"], bold=True, size=11, before=12)
    add(STYLES["paragraph"], left=1.0, hanging=1.0)
    add(STYLES["lead-in"])
    add(STYLES["item"], left=2.0, hanging=1.0)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    return document


def _style(block: RedlineBlock, styles: dict[str, str]) -> str:
    """The paragraph style of a redline block, by its role: headings, numbered texts, lead-ins, points."""
    role = block.role
    if role == "title":
        return styles["title"]
    if role in ("division", "article", "annex", "table"):
        return styles["article"]
    if role in ("point", "definition", "row"):
        return styles["item"]
    numbered = bool(block.number_new or block.number_old)
    return styles["paragraph" if numbered else "lead-in"]


def _header(document: Any, text: str) -> None:
    section = document.sections[0]
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    if paragraph.text:
        return
    paragraph.text = text
    paragraph.runs[0].font.size = Pt(8)


def redline(
    diff: Diff,
    author: str,
    date: str,
    canvas: Canvas | None = None,
    revisions: _redline_oxml.Revisions | None = None,
    template: Path | None = None,
    renumbering: str = "tracked",
) -> Any:
    """The redline as a python-docx Document.  Pass a ``canvas`` (and its ``revisions``, whose ids must stay
    unique) to append to an existing one; else a new one is made from ``template``.  ``renumbering`` is
    ``tracked`` (reject all gives the old text exactly) or ``quiet`` (see the module's docstring)."""
    canvas = canvas or new_document(template)
    document = canvas.document
    started = _start(diff, author, date, canvas, renumbering)
    revisions = revisions or started
    quiet = renumbering == "quiet"
    _write_blocks(document, canvas.styles, diff.blocks, document.element.body, author, revisions, quiet)
    _finish(diff, canvas, renumbering)
    return document


def _start(diff: Diff, author: str, date: str, canvas: Canvas, renumbering: str) -> _redline_oxml.Revisions:
    if renumbering not in renumbering_view.MODES:
        raise ValueError(f"unknown renumbering mode {renumbering!r}")
    _header(canvas.document, f"Tracked changes: {diff.old_meta.version} \u2192 {diff.new_meta.version}")
    _redline_oxml.track_revisions(canvas.document.settings.element)
    _properties(canvas.document, diff, author, "Tracked changes", date)
    if renumbering == "quiet":
        _cover(diff, canvas)
    return _redline_oxml.Revisions(author, date)


def _apparatus(canvas: Canvas) -> tuple[str, str]:
    """The style IDs of the quiet redline's own paragraphs: a note (Normal's look) and a heading (the article
    heading's look and outline level), made in the document when its template lacks them."""
    styles = canvas.document.styles
    names = {style.name: style for style in styles}
    made = []
    for role, base in (("note", styles["Normal"]), ("heading", styles[canvas.styles["article"]])):
        name = renumbering_view.WORD_APPARATUS[role]
        style = names.get(name)
        if style is None:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = base
        made.append(style.style_id)
    return made[0], made[1]


def _note(document: Any, style: str, text: str = "") -> Any:
    """A paragraph of the redline's own, in its note (or heading) style."""
    p = _oxml.new_paragraph(document.element.body, _oxml.body_anchor(document.element.body))
    _oxml.set_paragraph_style(p, style)
    if text:
        _oxml.add_run(p, text)
    return p


def _cover(diff: Diff, canvas: Canvas) -> None:
    """Page 1 of the quiet redline: both versions (title, version, date, status, note), the changes by kind and
    how to read the file.  Untracked: it is the redline's, not the text's."""
    document = canvas.document
    note, _ = _apparatus(canvas)
    old, new = diff.old_meta, diff.new_meta
    rows = [("", "Old version", "New version"), ("Title", old.title, new.title), ("Version", old.version, new.version)]
    rows += [("Date", old.date, new.date), ("Status", old.status, new.status)]
    if old.note or new.note:
        rows.append(("Note", old.note, new.note))
    _oxml.add_run(_note(document, note), "Comparison of two versions", bold=True)
    _table(document, rows, note, bold_first_column=True)
    kinds = renumbering_view.counts(diff)
    said = ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none"
    _note(document, note, f"Changes by kind, each element counted once by its main change: {said}.")
    renumbered = len(renumbering_view.table(diff))
    _note(
        document,
        note,
        "Insertions and deletions are tracked changes; accept all for the new version's text.  Numbers are printed "
        "as the new version numbers them, untracked"
        + (
            f": the table at the end lists the {renumbered} elements whose number changed, and reject all gives "
            "the old wording under the new numbers."
            if renumbered
            else "; no number changed."
        ),
    )


def _finish(diff: Diff, canvas: Canvas, renumbering: str) -> None:
    """The end of the quiet redline: the renumbering table (old → new, what else changed) and the references
    whose printed number changed (those are tracked in the text)."""
    if renumbering != "quiet":
        return
    document = canvas.document
    note, heading = _apparatus(canvas)
    rows = renumbering_view.table(diff)
    if rows:
        _note(document, heading, "Renumbering")
        _note(document, note, "Each element whose number changed, once; the numbers above are the new ones.")
        lines = [renumbering_view.TABLE_HEADER] + [(r.old, r.new, ", ".join(r.also)) for r in rows]
        _table(document, lines, note)
    if diff.references:
        _note(document, heading, "References whose printed number changed")
        _note(document, note, "Tracked in the text where they stand:")
        for reference in diff.references:
            _note(document, note, reference.describe())


def _table(document: Any, rows: Sequence[tuple[str, ...]], style: str, bold_first_column: bool = False) -> None:
    """A bordered table, its first row a header repeated on each page, its cells in ``style``; written raw
    (``_oxml.add_table``), as a renumbering table may hold thousands of rows."""
    body = document.element.body
    cells = _oxml.add_table(body, _oxml.body_anchor(body), len(rows), len(rows[0]), [True])
    for index, (row, texts) in enumerate(zip(cells, rows, strict=True)):
        for column, (cell, text) in enumerate(zip(row, texts, strict=True)):
            _oxml.set_paragraph_style(cell, style)
            _oxml.add_run(cell, text, bold=index == 0 or (bold_first_column and column == 0))


def _write_blocks(
    document: Any,
    styles: dict[str, str],
    blocks: Sequence[RedlineBlock],
    body: Any,
    author: str,
    revisions: _redline_oxml.Revisions,
    quiet: bool = False,
) -> None:
    style_ids = {name: document.styles[name].style_id for name in set(styles.values())}
    for block in blocks:
        if quiet:
            block = renumbering_view.quiet(block)
        paragraph = DocxParagraph(_redline_oxml.new_paragraph(body, style_ids[_style(block, styles)]), document._body)
        if block.moved:
            _move_note(document, paragraph, block, author, revisions.date)
        segments = renumbering_view.separated(block.segments)
        for k, segment in enumerate(segments):
            _redline_oxml.append_text(paragraph._p, _spaced(segments, k), segment.op, revisions)
        if block.mark:
            _redline_oxml.mark_paragraph(paragraph._p, block.mark, revisions)


def _spaced(segments: tuple[Segment, ...], k: int) -> str:
    """A deletion directly followed by an insertion gets a trailing space when neither has one, so that the
    struck and the inserted words do not run together on the page (the space goes with the deleted text, so
    neither side's words change)."""
    text = segments[k].text
    follows = segments[k + 1] if k + 1 < len(segments) else None
    if (
        segments[k].op == "delete"
        and follows is not None
        and follows.op == "insert"
        and not text[-1:].isspace()
        and not follows.text[:1].isspace()
    ):
        return text + " "
    return text


def _move_note(document: Any, paragraph: Any, block: RedlineBlock, author: str, date: str) -> None:
    anchor = paragraph.add_run("")
    where = block.moved
    text = f"Moved {where}: " + ("its old place is shown deleted" if block.op == "insert" else "shown inserted there")
    comment = document.add_comment(
        anchor, text=text, author=author, initials="".join(w[0] for w in author.split()[:2]).upper() or "D"
    )
    _redline_oxml.date_comment(comment._comment_elm, date)


REDLINE_BATCH = 500  # blocks written to the document tree at a time by redline_bytes


def redline_bytes(
    diff: Diff, author: str, date: str, template: Path | None = None, renumbering: str = "tracked"
) -> bytes:
    """The bytes of ``redline``'s document, made lean: the paragraphs are built ``REDLINE_BATCH`` blocks at a
    time in a scratch body, serialised and dropped, and spliced into ``word/document.xml`` as the package is
    saved (``_oxml.save_spliced``, as the papers' annex is); so the tree of the whole body never exists (at
    10,000 paragraphs it took some 75 MB).  Every member the same, byte for byte."""
    canvas = new_document(template)
    document = canvas.document
    revisions = _start(diff, author, date, canvas, renumbering)
    body = document.element.body
    marker = _oxml.fragment_marker(body, _oxml.body_anchor(body), uuid.uuid4().hex)
    _finish(diff, canvas, renumbering)  # after the marker: the blocks go between the cover and the end
    scratch = _oxml.scratch_body()
    batches: list[bytes] = []
    quiet = renumbering == "quiet"
    for start in range(0, len(diff.blocks), REDLINE_BATCH):
        batch = diff.blocks[start : start + REDLINE_BATCH]
        _write_blocks(document, canvas.styles, batch, scratch, author, revisions, quiet)
        batches.append(_oxml.take_fragment(scratch))
    out = io.BytesIO()
    _oxml.save_spliced(document, out, marker, batches)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------- synoptic


def _formatted(paragraph: Any, segments: tuple[Segment, ...], side: str, bold: bool = False) -> None:
    """One run per segment shown on ``side`` (a ``w:p``): deleted words struck, inserted ones underlined."""
    hidden = "insert" if side == "old" else "delete"
    for segment in segments:
        if segment.op == hidden or not segment.text:
            continue
        deleted, inserted = segment.op == "delete", segment.op == "insert"
        colour = str(DELETE_COLOUR) if deleted else str(INSERT_COLOUR) if inserted else None
        _oxml.add_run(paragraph, segment.text, bold=bold, strike=deleted, underline=inserted, colour=colour)


def _label(change: Change, side: str) -> str:
    part = change.old if side == "old" else change.new
    if part is None:
        return ""
    if part.role in ("division", "article", "annex", "table"):
        return part.prefix
    return f"{part.prefix}  " if part.prefix else ""


def _properties(document: Any, diff: Diff, author: str, what: str, date: str) -> None:
    """Core properties naming the comparison: its title, both versions as subject, the new text's language (also
    the language every run inherits, as in a paper)."""
    _oxml.set_default_language(document.styles.element, diff.new_meta.language)
    _oxml.set_properties(
        document,
        title=f"{diff.new_meta.title}: {what.lower()}",
        author=author,
        subject=f"{diff.old_meta.version} \u2192 {diff.new_meta.version}",
        language=diff.new_meta.language,
        category=what,
        when=date or diff.new_meta.date,
    )


def synoptic(
    diff: Diff, template: Path | None = None, order: str = "new", old_name: str = "", new_name: str = ""
) -> Any:
    """The synoptic table: old | new | what changed, one row per aligned pair, in the ``order`` ("new" or "old")
    version's order (``render.synoptic`` says how), under column heads naming each version."""
    shown = synoptic_table.table(diff, order, old_name, new_name)
    canvas = new_document(template)
    document = canvas.document
    _properties(document, diff, "World Health Organization", "Synoptic table", diff.new_meta.date)
    for section in document.sections:
        section.orientation = 1
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(1.5)
    _header(document, f"Synoptic table: {diff.old_meta.version} | {diff.new_meta.version}")
    document.add_paragraph(f"{diff.new_meta.title}", style=canvas.styles["title"])
    document.add_paragraph(shown.sentence)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    widths = (Cm(11.5), Cm(11.5), Cm(3.7))
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for cell, head, width in zip(table.rows[0].cells, (shown.old, shown.new, None), widths, strict=False):
        cell.width = width
        _head_cell(cell, head)
    _redline_oxml.repeat_header_row(table.rows[0]._tr)
    blank = table.add_row()
    for cell, width in zip(blank.cells, widths, strict=False):
        cell.width = width
    template = _redline_oxml.detach(blank._tr)  # each row is a copy: python-docx's add_row is linear in the rows
    for row in shown.rows:
        change = row.change
        cells = [_Cell(tc, table) for tc in _redline_oxml.append_copy(table._tbl, template).tc_lst]
        bold = (change.new or change.old).role in ("division", "article", "annex", "table")  # type: ignore[union-attr]
        for cell, side, mark in ((cells[0], "old", row.old_mark), (cells[1], "new", row.new_mark)):
            part = change.old if side == "old" else change.new
            if part is None:
                continue
            paragraph = cell.paragraphs[0]._p  # runs written raw (_oxml.add_run): python-docx's add_run is slow
            _oxml.add_run(paragraph, _label(change, side), bold=True)
            _formatted(paragraph, change.segments, side, bold)
            if mark:
                _oxml.add_run(paragraph, f" ({mark})", italic=True)
        _what(cells[2].paragraphs[0]._p, row)
    return document


def _head_cell(cell: _Cell, head: synoptic_table.Head | None) -> None:
    """A column head: the version's title (bold) and date, then its name and status in small type."""
    first = cell.paragraphs[0]
    if head is None:
        first.add_run("What changed").bold = True
        return
    first.add_run(head.title).bold = True
    cell.add_paragraph(head.date)
    small = cell.add_paragraph().add_run(f"{head.name} \u00b7 {head.status}" if head.status else head.name)
    small.font.size = Pt(8)


def _what(paragraph: Any, row: synoptic_table.Row) -> None:
    """The third cell: one line per kind of change, the kind in bold and its detail after it; then the note."""
    lines = 0
    for chip in row.chips:
        _oxml.add_run(paragraph, ("\n" if lines else "") + chip.kind, bold=True)
        if chip.detail:
            _oxml.add_run(paragraph, f" {chip.detail}")
        lines += 1
    if row.note:
        _oxml.add_run(paragraph, ("\n" if lines else "") + row.note, italic=True)
        lines += 1
    if not lines:
        _oxml.add_run(paragraph, "unchanged")


def synoptic_bytes(
    diff: Diff, template: Path | None = None, order: str = "new", old_name: str = "", new_name: str = ""
) -> bytes:
    out = io.BytesIO()
    synoptic(diff, template, order, old_name, new_name).save(out)
    return _oxml.fixed_zip_times(out.getvalue())
