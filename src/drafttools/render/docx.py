"""A paper and its annexed code as a Word document, built on the document type's reference .docx.

The reference .docx brings the styles, A4 page setup, the first-page block, the running header (symbol) and the
footer (page number); their ``{{ paper.field }}`` placeholders are filled here.  The body is appended after the
first-page block: the title, the paper's blocks (real Word styles, printed numbers written out so every reader
sees the same number), Word footnotes, then the annex: every article, paragraph and item carries a bookmark named
by its stable ID, and every cross-reference is an internal hyperlink to that bookmark showing the target's current
number.  Paragraphs are appended in constant time (``_oxml.new_paragraph``) so that 10,000-paragraph texts build
in linear time; each article is made apart and serialised on its own (or served from the render cache,
``render.cache``), and the fragments are spliced into ``word/document.xml`` as the package is saved, so the
whole annex is never held as one XML tree.  Raw XML lives in ``_oxml``; this module uses python-docx proxies.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.text.paragraph import Paragraph as DocxParagraph

from drafttools.diagnostics import diag
from drafttools.model.tree import Element, Instrument, Note, Ref, Text, ref_label, split_opening
from drafttools.papers.model import Box, Heading, Insert, NoteRef, Paper, PaperBlock, Para, Styled
from drafttools.papers.templates import DocType, TemplateError, fill
from drafttools.render import _oxml
from drafttools.render.cache import FragmentCache
from drafttools.source.files import display

ISSUER = "World Health Organization"  # the author a paper's properties name, with its body: "…, Executive Board"

# The styles a reference .docx must hold, by role (scripts/make_reference_docx.py makes them).
PARAGRAPH_STYLES: dict[str, str] = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "para": "Paper Paragraph",
    "summary": "Summary Box",
    "annex-heading": "Annex Heading",
    "annex-title": "Annex Title",
    "annex-version": "Annex Version",
    "article": "Article Heading",
    "code-para": "Code Paragraph",
    "lead-in": "Code Lead-in",
    "item": "Code Item",
    "note": "Footnote Text",
}
# Styles made on the fly, from a house style, when the code needs them and the reference .docx lacks them: a
# division's heading, points nested deeper than (a), a table.  (name, based on, extra left indent in cm, centred)
EXTRA_STYLES: dict[str, tuple[str, str, float, bool]] = {
    "division": ("Division Heading", "article", 0.0, True),
    "item2": ("Code Item 2", "item", 1.0, False),
    "item3": ("Code Item 3", "item", 2.0, False),
    "item4": ("Code Item 4", "item", 3.0, False),
}
CHARACTER_STYLES: dict[str, str] = {
    "noteref": "Footnote Reference",
    "xref": "Cross Reference",
    "emphasis": "Emphasis",
    "strong": "Strong",
}


class _Writer:
    """One document being built: style lookups, the insertion point, bookmark and footnote counters."""

    def __init__(
        self, doctype: DocType, paper: Paper, instrument: Instrument, inserts: Mapping[str, Instrument] | None = None
    ) -> None:
        self.document = docx.Document(str(doctype.reference))
        self.instrument = instrument
        self.inserts = inserts or {}
        self.body = self.document.element.body
        self.anchor = _oxml.body_anchor(self.body)
        self.container = self.document._body
        self.style_ids = {role: style.style_id for role, style in self._styles(doctype).items()}  # looked up once
        self.bookmarks = 0
        self.notes_part: Any = None
        self.notes = {n.number: n for n in paper.footnotes}
        self.next_note = max(self.notes, default=0) + 1  # the code's own footnotes are numbered after the paper's

    def _styles(self, doctype: DocType) -> dict[str, Any]:
        found: dict[str, Any] = {}
        wanted = [(r, n, WD_STYLE_TYPE.PARAGRAPH) for r, n in PARAGRAPH_STYLES.items()]
        wanted += [(r, n, WD_STYLE_TYPE.CHARACTER) for r, n in CHARACTER_STYLES.items()]
        by_name = {(s.name, s.type): s for s in self.document.styles}
        for role, name, kind in wanted:
            if (name, kind) not in by_name:
                raise TemplateError(
                    diag(
                        "template.missing",
                        display(doctype.reference),
                        0,
                        f"{doctype.reference.name} of '{doctype.name}' has no style '{name}'",
                        "regenerate it: .venv/bin/python scripts/make_reference_docx.py",
                    )
                )
            found[role] = by_name[(name, kind)]
        return found

    # ------------------------------------------------------------------------------------------ primitives

    def paragraph(self, role: str) -> DocxParagraph:
        p = _oxml.new_paragraph(self.body, self.anchor)
        _oxml.set_paragraph_style(p, self.style_id(role))
        return DocxParagraph(p, self.container)

    def style_id(self, role: str) -> str:
        """The style of a role; a style of ``EXTRA_STYLES`` the reference .docx lacks is made from its base."""
        found = self.style_ids.get(role)
        if found is None:
            name, base, indent, centred = EXTRA_STYLES[role]
            existing = {s.name: s for s in self.document.styles}
            style = existing.get(name)
            if style is None:
                from docx.shared import Cm

                base_style = existing[PARAGRAPH_STYLES[base]]
                style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = base_style
                if indent:
                    style.paragraph_format.left_indent = (base_style.paragraph_format.left_indent or 0) + Cm(indent)
                if centred:
                    style.paragraph_format.alignment = 1
            found = self.style_ids[role] = str(style.style_id)
        return found

    def code_note(self, paragraph: DocxParagraph, note: Note, context: Element | None) -> None:
        """A footnote of the code text, numbered after the paper's own."""
        if self.notes_part is None:
            self.notes_part = _oxml.footnotes_part(self.document.part)
        number, self.next_note = self.next_note, self.next_note + 1
        _oxml.add_footnote_reference(paragraph._p, number, self.style_ids["noteref"])
        p = _oxml.add_footnote(self.notes_part, number, self.style_ids["noteref"])
        _oxml.set_paragraph_style(p, self.style_ids["note"])
        self.inlines(DocxParagraph(p, self.container), note.inlines, context)

    def text(self, paragraph: DocxParagraph, text: str, role: str | None = None) -> None:
        _oxml.add_run(paragraph._p, text, self.style_ids[role] if role else None)

    def bookmark(self, paragraph: DocxParagraph, name: str | None) -> None:
        if name:
            self.bookmarks += 1
            _oxml.add_bookmark(paragraph._p, name, self.bookmarks)

    def inlines(self, paragraph: DocxParagraph, inlines: tuple[Any, ...], context: Element | None = None) -> None:
        for piece in inlines:
            _INLINES.get(type(piece), _unknown)(self, paragraph, piece, context)

    def footnote(self, paragraph: DocxParagraph, ref: NoteRef) -> None:
        if self.notes_part is None:
            self.notes_part = _oxml.footnotes_part(self.document.part)
        _oxml.add_footnote_reference(paragraph._p, ref.number, self.style_ids["noteref"])
        note = self.notes.pop(ref.number, None)
        if note is not None:  # the first reference creates the note
            p = _oxml.add_footnote(self.notes_part, ref.number, self.style_ids["noteref"])
            _oxml.set_paragraph_style(p, self.style_ids["note"])
            self.inlines(DocxParagraph(p, self.container), note.inlines)


# ------------------------------------------------------------------------------------------------- inlines


def _text(w: _Writer, p: DocxParagraph, piece: Text, context: Element | None) -> None:
    w.text(p, piece.text.replace("\n", " "))  # a line break in the source is a space in the text


def _styled(w: _Writer, p: DocxParagraph, piece: Styled, context: Element | None) -> None:
    w.text(p, piece.text, "strong" if piece.strong else "emphasis")


def _ref(w: _Writer, p: DocxParagraph, piece: Ref, context: Element | None) -> None:
    _oxml.add_internal_link(p._p, piece.target, ref_label(piece, w.instrument, context), w.style_ids["xref"])


def _noteref(w: _Writer, p: DocxParagraph, piece: NoteRef, context: Element | None) -> None:
    w.footnote(p, piece)


def _note(w: _Writer, p: DocxParagraph, piece: Note, context: Element | None) -> None:
    w.code_note(p, piece, context)


def _unknown(w: _Writer, p: DocxParagraph, piece: object, context: Element | None) -> None:
    raise TypeError(f"docx renderer does not know the inline {type(piece).__name__}")


_INLINES: dict[type, Callable[..., None]] = {Text: _text, Styled: _styled, Ref: _ref, NoteRef: _noteref, Note: _note}


# -------------------------------------------------------------------------------------------------- blocks


def _heading(w: _Writer, block: Heading) -> None:
    w.text(w.paragraph("heading1" if block.level <= 1 else "heading2"), block.text)


def _para(w: _Writer, block: Para, role: str = "para") -> None:
    paragraph = w.paragraph(role)
    if block.number:
        w.text(paragraph, f"{block.number}.")
        _oxml.add_tab(paragraph._p)
    w.inlines(paragraph, block.inlines)
    w.bookmark(paragraph, block.anchor)


def _box(w: _Writer, block: Box) -> None:
    for para in block.paragraphs:
        _para(w, para, "summary")


def _insert(w: _Writer, block: Insert) -> None:
    """A draft resolution printed whole where the paper says: its preamble and operative paragraphs, as the annex's
    elements are (bookmarks by stable ID, numbers typed), its references labelled in its own numbering."""
    inserted = w.inserts[block.name]
    annexed, w.instrument = w.instrument, inserted
    try:
        for _, elements in inserted.tops():
            for node in elements:
                _element(w, node)
    finally:
        w.instrument = annexed


_BLOCKS: dict[type, Callable[..., None]] = {Heading: _heading, Para: _para, Box: _box, Insert: _insert}


def _block(w: _Writer, block: PaperBlock) -> None:
    render = _BLOCKS.get(type(block))
    if render is None:
        raise TypeError(f"docx renderer does not know the block {type(block).__name__}")
    render(w, block)


# --------------------------------------------------------------------------------------------------- annex


HEADED = ("division", "article", "annex")


def _element(w: _Writer, node: Element) -> None:
    """One element and everything it holds: headings, numbered texts with a tab after the number, points in the
    style of their depth, tables; each with a bookmark named by its stable ID."""
    role = node.role
    if role in HEADED:
        _headed(w, node)
    elif role == "table":
        _table(w, node)
        return
    elif role == "row":
        return
    else:
        depth = _point_depth(w.instrument, node)
        style = (
            ("item" if depth <= 1 else f"item{min(depth, 4)}")
            if role in ("point", "definition")
            else "code-para"
            if node.numbered
            else "lead-in"
        )
        paragraph = w.paragraph(style)
        if node.number:
            w.text(paragraph, node.number)
            _oxml.add_tab(paragraph._p)
        words, rest = split_opening(node, w.instrument.profile)
        if words:  # a preambular paragraph's participle, in italics: "Recalling", "Noting with concern"
            _oxml.add_run(paragraph._p, words.replace("\n", " "), italic=True)
        w.inlines(paragraph, rest, node)
        w.bookmark(paragraph, node.id)
    for child in node.children:
        _element(w, child)


def _body(name: str) -> str:
    """The issuing body as a name, whatever the masthead's case: "EXECUTIVE BOARD" -> "Executive Board",
    "REGIONAL COMMITTEE FOR SOUTH-EAST ASIA" -> "Regional Committee for South-East Asia"."""
    if not name.isupper():
        return name
    return " ".join(word.lower() if word in ("OF", "FOR", "THE", "AND") else word.title() for word in name.split())


def _headed(w: _Writer, node: Element) -> None:
    """A division's, article's or annex's heading: its lines, its outline level and its bookmark."""
    heading = w.paragraph("division" if node.role == "division" else "article")
    _oxml.set_outline_level(heading._p, _outline_level(w.instrument, node))
    for index, line in enumerate(node.heading.split("\n")):
        if index:
            _oxml.add_break(heading._p)
        w.text(heading, line)
    w.bookmark(heading, node.id)


def _outline_level(instrument: Instrument, node: Element) -> int:
    """A heading's level in Word's outline: the annex title is Level 1, so a top division or an article outside
    any division is Level 2, and each division above adds one."""
    return 1 + sum(1 for a in instrument.ancestors(node) if a.role in HEADED)


def _point_depth(instrument: Instrument, node: Element) -> int:
    """1 for a point (a), 2 for a point (i) inside it ..."""
    return (node.role in ("point", "definition")) + sum(
        1 for a in instrument.ancestors(node) if a.role in ("point", "definition")
    )


def _table(w: _Writer, node: Element) -> None:
    if node.heading or node.title:
        caption = w.paragraph("lead-in")
        w.text(caption, node.heading or node.title)
        w.bookmark(caption, node.id)
    rows = [r for r in node.children if r.role == "row"]
    width = max((len(r.cells) for r in rows), default=1)
    cells = _oxml.add_table(w.body, w.anchor, len(rows), width, [r.header for r in rows])
    for row, row_cells in zip(rows, cells, strict=False):
        for index, cell in enumerate(row_cells):
            paragraph = DocxParagraph(cell, w.container)
            if index < len(row.cells):
                w.inlines(paragraph, row.cells[index], row)
            if index == 0:
                w.bookmark(paragraph, row.id)


def _annex(w: _Writer, doctype: DocType, annex: dict[str, str]) -> None:
    if doctype.annex_heading:
        w.text(w.paragraph("annex-heading"), doctype.annex_heading)
    title = w.paragraph("annex-title")
    _oxml.set_outline_level(title._p, 0)
    w.text(title, annex["title"])
    w.text(w.paragraph("annex-version"), annex["line"])
    for paragraph in w.instrument.preamble:
        _element(w, paragraph)


def _extra_styles(instrument: Instrument) -> list[str]:
    """The styles of ``EXTRA_STYLES`` this code needs: division headings, points nested deeper than (a).  One walk
    that carries the point depth down (``_point_depth`` asked of every point climbed its ancestors again: a
    tenth of the DOCX rebuild of the deep shape at 10,000 paragraphs, which runs while the HTML is made)."""
    needed: set[str] = set()

    def visit(nodes: tuple[Element, ...], above: int) -> None:  # above: the points and definitions they stand in
        for node in nodes:
            depth = above
            if node.role == "division":
                needed.add("division")
            elif node.role in ("point", "definition"):
                depth += 1
                if depth > 1:
                    needed.add(f"item{min(depth, 4)}")
            if node.children:
                visit(node.children, depth)

    for _, tops in instrument.tops():
        visit(tops, 0)
    return sorted(needed)


def _bookmarks(article: Element) -> int:
    """How many bookmarks the article's fragment holds (one per element with an ID), as ``_Writer.bookmark``
    numbers them."""
    return sum(bool(e.id) for e in article.walk())


def _has_notes(node: Element) -> bool:
    return any(isinstance(p, Note) for e in node.walk() for run in e.texts() for p in run)


def _articles(w: _Writer, cache: FragmentCache | None) -> list[bytes]:
    """The body, final clauses and annexes as serialised XML, each article made in a scratch body (so the whole
    annex is never one tree) or, when the article, its references' labels, the styles and its first bookmark
    number are unchanged, served from the render cache (``render.cache``)."""
    body, anchor = w.body, w.anchor
    w.body, w.anchor = _oxml.scratch_body(), None
    fragments: list[bytes] = []

    def render(node: Element) -> None:
        if node.role == "division":
            _headed(w, node)
            fragments.append(_oxml.take_fragment(w.body))
            for child in node.children:
                render(child)
            return
        cached = cache is not None and node.role in ("article", "annex") and not _has_notes(node)
        key = cache.key(node, w.instrument, str(w.bookmarks)) if cache is not None and cached else ""
        found = cache.get(key) if cache is not None and cached else None
        if found is None:
            _element(w, node)
            found = _oxml.take_fragment(w.body)
            if cache is not None and cached:
                cache.put(key, found)
        else:
            w.bookmarks += _bookmarks(node)
        fragments.append(found)

    try:
        for region in ("body", "final", "annexes"):
            for node in getattr(w.instrument, region):
                render(node)
    finally:
        w.body, w.anchor = body, anchor
    if cache is not None:
        cache.save()
    return fragments


# ------------------------------------------------------------------------------------------------ the whole


def _fill_placeholders(document: Any, context: dict[str, dict[str, str]], doctype: DocType, paper: str) -> None:
    """Fill {{ paper.x }} placeholders in the first-page block, headers and footers (each one run)."""
    where = display(doctype.reference)
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not part.is_linked_to_previous:
                paragraphs += part.paragraphs
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "{{" in run.text:
                run.text = fill(run.text, context, where, paper)


def _cache(cache_dir: Path | None, paper: Paper, doctype: DocType, w: _Writer) -> FragmentCache | None:
    """The render cache of this paper's DOCX: its entries also depend on the reference .docx and its style IDs."""
    if cache_dir is None:
        return None
    inputs = doctype.reference.read_bytes() + repr(sorted(w.style_ids.items())).encode()
    return FragmentCache(cache_dir, paper.path, "docx", inputs)


def render(
    paper: Paper,
    instrument: Instrument,
    doctype: DocType,
    context: dict[str, dict[str, str]],
    cache_dir: Path | None = None,
    inserts: Mapping[str, Instrument] | None = None,
) -> bytes:
    """The paper as .docx bytes (raises TemplateError when the reference .docx or a field is missing).

    With ``cache_dir``, unchanged articles come from the render cache (``render.cache``); ``inserts`` are the
    resolutions the paper's ``{resolution}`` blocks print, by name."""
    w = _Writer(doctype, paper, instrument, inserts)
    for role in sorted(
        {r for i in (instrument, *w.inserts.values()) for r in _extra_styles(i)}
    ):  # made before any fragment, so a cached one finds its style
        w.style_id(role)
    _fill_placeholders(w.document, context, doctype, paper.path)
    _oxml.set_default_language(w.document.styles.element, paper.front.language)
    fields = context["paper"]
    if "title" in fields:
        w.text(w.paragraph("title"), fields["title"])
    if "subtitle" in fields:
        w.text(w.paragraph("subtitle"), fields["subtitle"])
    for block in paper.blocks:
        _block(w, block)
    _annex(w, doctype, context["annex"])
    marker = _oxml.fragment_marker(w.body, w.anchor, uuid.uuid4().hex)
    fragments = _articles(w, _cache(cache_dir, paper, doctype, w))
    _oxml.set_properties(
        w.document,
        title=fields.get("title", context["annex"]["title"]),
        author=f"{ISSUER}, {_body(fields['body'])}" if fields.get("body") else ISSUER,
        subject=fields.get("symbol", ""),
        language=paper.front.language,
        category=doctype.label,
        when=paper.front.date.isoformat() if paper.front.date else instrument.meta.date,
    )
    out = io.BytesIO()
    _oxml.save_spliced(w.document, out, marker, fragments)
    return out.getvalue()
