"""Raw WordprocessingML: the only module that builds XML elements by hand (python-docx proxies everywhere else).

What python-docx has no proxy for lives here: paragraphs appended to a large body in constant time, bookmarks,
internal hyperlinks, footnotes (the footnotes part, its separators, references), simple fields (PAGE), paragraph
borders in a style, the document's default language, and body content made apart as serialised fragments and
spliced into ``word/document.xml`` when the package is saved (so that a large body is never one lxml tree),
and the package's zip entry times fixed so that the same input gives the same bytes.
camelCase XML names stay inside this module.
"""

from __future__ import annotations

import io
import os
import re
import struct
import time
import zipfile
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml.etree import Comment, SubElement, tostring

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_RUN_BREAKS = re.compile(r"([\t\r\n])")

_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _run(text: str | None = None, rstyle: str | None = None) -> Any:
    run = OxmlElement("w:r")
    if rstyle:
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), rstyle)
        rpr.append(style)
        run.append(rpr)
    if text is not None:
        t = OxmlElement("w:t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(t)
    return run


# ------------------------------------------------------------------------------------------------- the body


def body_anchor(body: Any) -> Any:
    """The element new body content goes before: the body's final sectPr (None: append at the end)."""
    last = body[-1] if len(body) else None
    return last if last is not None and last.tag == qn("w:sectPr") else None


def new_paragraph(body: Any, anchor: Any) -> Any:
    """A new empty w:p placed before ``anchor`` in O(1) (python-docx's add_paragraph searches the whole body)."""
    p = SubElement(body, _W + "p")  # made in place (cheaper than a free OxmlElement), then moved before the anchor
    if anchor is not None:
        anchor.addprevious(p)
    return p


def set_paragraph_style(p: Any, style_id: str) -> None:
    """Set a paragraph's style by ID: ``w:pPr/w:pStyle``, each made first child when missing, as python-docx's
    ``CT_P.style`` writes them.  (Its ``Paragraph.style`` setter scans every style for the default on each call,
    which makes a 10,000-paragraph body take seconds; even ``CT_P.style`` searches the schema's successor lists.)"""
    ppr = p.find(_W + "pPr")
    if ppr is None:
        ppr = SubElement(p, _W + "pPr")
        p.insert(0, ppr)
    style = ppr.find(_W + "pStyle")
    if style is None:  # w:pStyle comes first in w:pPr
        style = SubElement(ppr, _W + "pStyle")
        ppr.insert(0, style)
    style.set(_W + "val", style_id)


def add_run(
    p: Any,
    text: str,
    rstyle: str | None = None,
    *,
    bold: bool = False,
    strike: bool = False,
    underline: bool = False,
    colour: str | None = None,
    italic: bool = False,
) -> Any:
    """Append a run holding ``text`` (in character style ``rstyle``; bold, italic, struck, underlined, in an RGB
    ``colour`` such as "B01C1C") to a ``w:p``; returns the ``w:r``.

    The XML is what python-docx's ``Paragraph.add_run(text)``, ``Run.style`` and ``Font.bold`` / ``strike`` /
    ``underline = True`` / ``color.rgb`` write (``w:rPr`` first, its children in schema order; a tab a
    ``w:tab``, a line break a ``w:br``, ``xml:space="preserve"`` only on text with outer whitespace), at a
    fraction of the cost: python-docx feeds the text through a state machine one character at a time and
    places every child by searching the schema's successor lists (4 s for a 10,000-paragraph code)."""
    r = SubElement(p, _W + "r")
    if rstyle is not None or bold or strike or underline or colour or italic:
        rpr = SubElement(r, _W + "rPr")
        if rstyle is not None:
            SubElement(rpr, _W + "rStyle").set(_W + "val", rstyle)
        if bold:
            SubElement(rpr, _W + "b")
        if italic:
            SubElement(rpr, _W + "i")
        if strike:
            SubElement(rpr, _W + "strike")
        if colour:
            SubElement(rpr, _W + "color").set(_W + "val", colour)
        if underline:
            SubElement(rpr, _W + "u").set(_W + "val", "single")
    if not text:
        return r
    for piece in _RUN_BREAKS.split(text) if "\t" in text or "\n" in text or "\r" in text else (text,):
        if piece == "\t":
            SubElement(r, _W + "tab")
        elif piece == "\n" or piece == "\r":
            SubElement(r, _W + "br")
        elif piece:
            t = SubElement(r, _W + "t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_XML_SPACE, "preserve")
    return r


def add_bookmark(p: Any, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark called ``name``."""
    start = SubElement(p, _W + "bookmarkStart")
    start.set(_W + "id", str(bookmark_id))
    start.set(_W + "name", name)
    ppr = p.find(_W + "pPr")
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    SubElement(p, _W + "bookmarkEnd").set(_W + "id", str(bookmark_id))


def add_internal_link(p: Any, anchor: str, text: str, rstyle: str | None) -> None:
    """A hyperlink to the bookmark ``anchor`` in the same document, showing ``text``."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    link.append(_run(text, rstyle))
    p.append(link)


def add_tab(p: Any) -> None:
    SubElement(SubElement(p, _W + "r"), _W + "tab")


def add_break(p: Any) -> None:
    """A line break inside a paragraph (a heading whose title stands on its own line)."""
    SubElement(SubElement(p, _W + "r"), _W + "br")


def add_table(body: Any, anchor: Any, rows: int, cols: int, headers: list[bool]) -> list[list[Any]]:
    """A bordered table of ``rows`` by ``cols`` placed before ``anchor``, its header rows repeated on each page;
    returns each cell's (empty) ``w:p``, row by row."""
    table = SubElement(body, _W + "tbl")
    if anchor is not None:
        anchor.addprevious(table)
    properties = SubElement(table, _W + "tblPr")
    SubElement(properties, _W + "tblW").attrib.update({_W + "w": "5000", _W + "type": "pct"})
    borders = SubElement(properties, _W + "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        SubElement(borders, _W + side).attrib.update(
            {_W + "val": "single", _W + "sz": "4", _W + "space": "0", _W + "color": "auto"}
        )
    grid = SubElement(table, _W + "tblGrid")
    for _ in range(cols):
        SubElement(grid, _W + "gridCol").set(_W + "w", str(9000 // max(cols, 1)))
    cells: list[list[Any]] = []
    for index in range(rows):
        row = SubElement(table, _W + "tr")
        if index < len(headers) and headers[index]:
            SubElement(SubElement(row, _W + "trPr"), _W + "tblHeader")
        found = []
        for _ in range(cols):
            cell = SubElement(row, _W + "tc")
            SubElement(SubElement(cell, _W + "tcPr"), _W + "tcW").attrib.update(
                {_W + "w": str(9000 // max(cols, 1)), _W + "type": "dxa"}
            )
            found.append(SubElement(cell, _W + "p"))
        cells.append(found)
    return cells


# ------------------------------------------------------------------------------------- fragments, spliced


def scratch_body() -> Any:
    """A detached ``w:body`` to build body content in, away from the document's tree (``take_fragment``)."""
    return OxmlElement("w:body")


def take_fragment(scratch: Any) -> bytes:
    """The scratch body's children serialised as they are inside ``word/document.xml`` (the ``w`` prefix is
    declared on the document's root there, on the scratch body here, so no child declares it), then removed."""
    if not len(scratch):
        return b""
    xml: bytes = tostring(scratch, encoding="UTF-8")
    start, end = xml.index(b">") + 1, xml.rindex(b"</w:body>")
    for child in list(scratch):
        scratch.remove(child)
    return xml[start:end]


def fragment_marker(body: Any, anchor: Any, nonce: str) -> bytes:
    """Mark where spliced fragments go (before ``anchor``); returns the marker's serialised bytes."""
    marker = Comment(f"drafttools-fragments-{nonce}")
    body.append(marker)
    if anchor is not None:
        anchor.addprevious(marker)
    serialised: bytes = tostring(marker, encoding="UTF-8")
    return serialised


class _SplicedPart:
    """The document part as saved: its own name, content type and relationships, the spliced XML as blob."""

    def __init__(self, part: Any, blob: bytes) -> None:
        self._part, self.blob = part, blob

    def __getattr__(self, name: str) -> Any:
        return getattr(self._part, name)


def save_spliced(document: Any, out: Any, marker: bytes, fragments: list[bytes]) -> None:
    """Save the package with ``fragments`` in place of ``marker`` in ``word/document.xml``: what
    ``Document.save`` writes had the fragments been in the tree (python-docx's own serialiser and writer).
    ``fragments`` is emptied once they are joined, so that they are not held twice while the package is written."""
    part = document.part
    head, found, tail = serialize_part_xml(part.element).partition(marker)
    if not found or marker in tail:
        raise ValueError("the fragment marker is not in the document exactly once")
    blob = b"".join([head, *fragments, tail])
    fragments.clear()
    package = part.package
    for each in package.parts:
        each.before_marshal()
    parts = [_SplicedPart(each, blob) if each is part else each for each in package.parts]
    written = io.BytesIO()
    PackageWriter.write(written, package.rels, parts)  # type: ignore[no-untyped-call]
    out.write(fixed_zip_times(written.getvalue()))


# ------------------------------------------------------------------------------------ what a Word user sees

WORD_2013 = "15"  # the compatibility mode of Word 2013 and later: a file in an older mode opens "compatibility mode"
_WORD_URI = "http://schemas.microsoft.com/office/word"
MAX_OUTLINE_LEVEL = 8  # Word's outline levels run 0 (Level 1) to 8 (Level 9); 9 is body text


# What may follow w:outlineLvl in a w:pPr (CT_PPrBase, then CT_PPr's own), in schema order.
_AFTER_OUTLINE = frozenset(qn(tag) for tag in ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"))


def set_outline_level(p: Any, level: int) -> None:
    """Give a heading paragraph (or a paragraph style: ``w:style`` holds a ``w:pPr`` too) an outline level
    (0 = Level 1), so that Word's Navigation Pane, a TOC field and the bookmarks of an exported PDF show it.
    ``w:outlineLvl`` comes late in ``w:pPr``, before only the elements of ``_AFTER_OUTLINE``."""
    ppr = p.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(max(0, min(level, MAX_OUTLINE_LEVEL))))
    successor = next((child for child in ppr if child.tag in _AFTER_OUTLINE), None)
    if successor is None:
        ppr.append(element)
    else:
        successor.addprevious(element)


def set_word_2013(settings: Any) -> None:
    """Word 2013+ compatibility mode in ``word/settings.xml`` (python-docx's template says 14, Word 2010)."""
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            compat.remove(setting)
    mode = OxmlElement("w:compatSetting")
    mode.set(qn("w:name"), "compatibilityMode")
    mode.set(qn("w:uri"), _WORD_URI)
    mode.set(qn("w:val"), WORD_2013)
    compat.insert(0, mode)


def set_properties(
    document: Any, title: str, author: str, subject: str, language: str, category: str, when: str
) -> None:
    """The document's core properties as its readers see them in File > Info: its own title, subject, author (the
    body that issues it), language and category; created and modified on ``when`` (YYYY-MM-DD, the text's own
    date, so that the same input gives the same bytes); nothing about the program that wrote it."""
    import datetime

    core = document.core_properties
    core.title, core.subject, core.author, core.last_modified_by = title, subject, author, author
    core.language, core.category, core.comments, core.keywords = language, category, "", ""
    core.revision = 1
    try:
        moment = datetime.datetime.strptime(when[:10], "%Y-%m-%d")
    except ValueError:
        moment = datetime.datetime(1980, 1, 1)
    core.created = core.modified = moment
    set_word_2013(document.settings.element)


# ------------------------------------------------------------------------------------- reproducible packages


def zip_stamp() -> tuple[int, int]:
    """The DOS time and date every zip entry carries: ``SOURCE_DATE_EPOCH`` (UTC) when it is set, as the
    reproducible-builds convention asks, else 1980-01-01 00:00, the first date a zip can hold."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    year, month, day, hour, minute, second = (1980, 1, 1, 0, 0, 0)
    if epoch.isdigit():
        year, month, day, hour, minute, second = time.gmtime(int(epoch))[:6]
        year = min(max(year, 1980), 2107)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def fixed_zip_times(data: bytes) -> bytes:
    """``data`` (a zip) with every entry's modification time set to ``zip_stamp()``, in its local header and
    in the central directory: zipfile stamps each member with the current time, so the same document saved twice
    would differ.  The members' bytes are not touched (nothing is recompressed)."""
    stamp = struct.pack("<HH", *zip_stamp())
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        position = archive.start_dir
    for entry in entries:
        buffer[entry.header_offset + 10 : entry.header_offset + 14] = stamp  # local header: time, date
    for _ in entries:  # central directory: fixed 46 bytes, then name, extra field and comment
        if buffer[position : position + 4] != b"PK\x01\x02":
            raise ValueError("not a central directory entry where the zip's directory says one is")
        buffer[position + 12 : position + 16] = stamp
        name, extra, comment = struct.unpack("<HHH", buffer[position + 28 : position + 34])
        position += 46 + name + extra + comment
    return bytes(buffer)


# ------------------------------------------------------------------------------------------------ footnotes


def footnotes_part(document_part: Any) -> Any:
    """The document's footnotes part, created (with Word's two separator notes) when it has none."""
    for rel in document_part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            if isinstance(part, XmlPart):
                return part
            document_part.drop_rel(rel.rId)
            break
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTES_XML), document_part.package)
    document_part.relate_to(part, RT.FOOTNOTES)
    return part


def add_footnote_reference(p: Any, note_id: int, rstyle: str | None) -> None:
    run = _run(None, rstyle)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    run.append(ref)
    p.append(run)


def add_footnote(part: Any, note_id: int, rstyle: str | None) -> Any:
    """A new footnote ``note_id`` holding one paragraph that starts with the note's own mark; returns the w:p."""
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(note_id))
    p = OxmlElement("w:p")
    mark = _run(None, rstyle)
    mark.append(OxmlElement("w:footnoteRef"))
    p.append(mark)
    p.append(_run(" "))
    note.append(p)
    part.element.append(note)
    return p


# ----------------------------------------------------------------------------- fields, borders, language


def add_simple_field(p: Any, instruction: str, placeholder: str = "1") -> None:
    """A field such as PAGE, computed by Word and LibreOffice when the page is laid out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    field.append(_run(placeholder))
    p.append(field)


def set_paragraph_border(
    ppr: Any, size_eighths: int = 6, space: int = 4, sides: tuple[str, ...] = ("top", "left", "bottom", "right")
) -> None:
    """A single-line border (a box by default) around a paragraph; adjacent boxed paragraphs share one box."""
    border = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", str(space)), ("color", "auto")):
            edge.set(qn(f"w:{key}"), value)
        border.append(edge)
    ppr.insert_element_before(
        border,
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:jc",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )


def reset_style(style_element: Any) -> None:
    """Drop a style's inherited run and paragraph properties (theme fonts, colours, borders) to start clean."""
    for tag in ("w:rPr", "w:pPr"):
        found = style_element.find(qn(tag))
        if found is not None:
            style_element.remove(found)


def set_default_language(styles_element: Any, language: str) -> None:
    """The language every run inherits (docDefaults), so spelling and hyphenation follow the paper's language."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
