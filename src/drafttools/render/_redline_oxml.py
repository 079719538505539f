"""Raw WordprocessingML for tracked changes: the only module that writes w:ins, w:del and w:delText.

Word's rules, as this module applies them:

- inserted text is ``<w:ins w:id w:author w:date><w:r><w:t>…</w:t></w:r></w:ins>``;
- deleted text is ``<w:del …><w:r><w:delText>…</w:delText></w:r></w:del>`` (``w:t`` inside ``w:del`` is invalid);
- a whole paragraph inserted or deleted also marks its paragraph mark, ``w:pPr/w:rPr/w:ins`` or ``…/w:del``, so
  that rejecting (accepting) the change removes the paragraph itself and leaves no empty paragraph behind;
- every revision carries a unique ``w:id``, the author and an ISO 8601 date;
- ``w:trackRevisions`` in the settings keeps Word tracking the reviewer's own edits.

Moves are written as a deletion plus an insertion (with a comment made by the caller), not ``w:moveFrom`` /
``w:moveTo``, whose rendering in LibreOffice and pandoc is not proven.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import SubElement

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class Revisions:
    """Author, date and the running revision id shared by every mark in one document."""

    author: str
    date: str  # ISO 8601, e.g. 2010-05-21T00:00:00Z
    _ids: Any = field(default_factory=lambda: count(1))

    def mark(self, tag: str, parent: Any | None = None) -> Any:
        """A ``w:ins`` or ``w:del`` with the next id, the author and the date; appended to ``parent`` if given."""
        element = OxmlElement(tag) if parent is None else SubElement(parent, qn(tag))
        element.set(_W + "id", str(next(self._ids)))
        element.set(_W + "author", self.author)
        element.set(_W + "date", self.date)
        return element


def _run(parent: Any, text: str, deleted: bool, bold: bool = False) -> Any:
    """A ``w:r`` appended to ``parent`` (made in place with lxml: a free ``OxmlElement`` costs three times more)."""
    run = SubElement(parent, _W + "r")
    if bold:
        SubElement(SubElement(run, _W + "rPr"), _W + "b")
    tag = _W + ("delText" if deleted else "t")
    for index, part in enumerate(text.split("\t")):
        if index:
            SubElement(run, _W + "tab")
        if part:
            t = SubElement(run, tag)
            t.set(_XML_SPACE, "preserve")
            t.text = part
    return run


def append_text(paragraph: Any, text: str, op: str, revisions: Revisions, bold: bool = False) -> None:
    """Append ``text`` to a ``w:p`` as plain (``equal``), inserted or deleted runs."""
    if not text:
        return
    if op == "equal":
        _run(paragraph, text, False, bold)
        return
    if op not in ("insert", "delete"):
        raise ValueError(f"unknown redline operation {op!r}")
    _run(revisions.mark("w:ins" if op == "insert" else "w:del", paragraph), text, op == "delete", bold)


def mark_paragraph(paragraph: Any, op: str, revisions: Revisions) -> None:
    """Mark a ``w:p``'s paragraph mark as inserted or deleted (the paragraph itself comes or goes)."""
    if op not in ("insert", "delete"):
        raise ValueError(f"unknown paragraph-mark operation {op!r}")
    ppr = paragraph.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)  # w:rPr is the last child of w:pPr but for w:sectPr/w:pPrChange, which we never write
    revisions.mark("w:ins" if op == "insert" else "w:del", rpr)


def date_comment(comment_element: Any, date: str) -> None:
    """Give a comment the revisions' date (python-docx stamps the wall clock, so the file would differ per run)."""
    comment_element.set(_W + "date", date)


def track_revisions(settings: Any) -> None:
    """Turn on 'Track Changes' in ``word/settings.xml`` (its ``w:settings`` element)."""
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    element = OxmlElement("w:trackRevisions")
    later = {qn(f"w:{name}") for name in _AFTER_TRACK_REVISIONS}
    for child in settings:
        if child.tag in later:
            child.addprevious(element)
            return
    settings.append(element)


def new_paragraph(body: Any, style_id: str) -> Any:
    """A ``w:p`` in the given paragraph style, appended to ``w:body`` before its section properties.

    Constant time (python-docx's ``add_paragraph`` looks the style up by name and scans the body each time,
    which makes a 10,000-paragraph redline quadratic; so does lxml's ``len(body)``, which counts the children:
    ``body[-1]`` reaches the last one directly)."""
    try:
        last = body[-1]
    except IndexError:  # an empty body
        last = None
    paragraph = SubElement(body, _W + "p")
    SubElement(SubElement(paragraph, _W + "pPr"), _W + "pStyle").set(_W + "val", style_id)
    if last is not None and last.tag == _W + "sectPr":
        last.addprevious(paragraph)
    return paragraph


def detach(element: Any) -> Any:
    """Remove an element from its parent and return it (a row to copy, for instance)."""
    element.getparent().remove(element)
    return element


def append_copy(parent: Any, element: Any) -> Any:
    """Append a deep copy of ``element`` to ``parent`` in constant time; returns the copy."""
    copied = deepcopy(element)
    parent.append(copied)
    return copied


def clear_body(body: Any) -> None:
    """Remove every block from a ``w:body`` but its final section properties (page setup, headers)."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def repeat_header_row(row: Any) -> None:
    """Make a table row (``w:tr``) repeat at the top of every page."""
    trpr = row.get_or_add_trPr()
    if trpr.find(qn("w:tblHeader")) is None:
        trpr.append(OxmlElement("w:tblHeader"))


# CT_Settings children that must follow w:trackRevisions (schema order), the first ones python-docx writes.
_AFTER_TRACK_REVISIONS = (
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "characterSpacingControl",
    "compat",
    "rsids",
    "mathPr",
    "themeFontLang",
    "clrSchemeMapping",
    "shapeDefaults",
    "decimalSymbol",
    "listSeparator",
)
