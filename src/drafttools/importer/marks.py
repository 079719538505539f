"""What a reviewer marked in a returned Word file: each tracked change with its author and date, and each comment
with its author, date, text, the words it is anchored to, the Word paragraphs its range covers, and the comment
it replies to.

The text itself (with one author's changes accepted, or none) is read by ``importer.docx``; this module only lists
the marks, so it is the second of the two modules that touch WordprocessingML, using the first one's helpers.
Paragraphs are counted as ``importer.docx`` counts them (every ``w:p`` of the body in reading order, from 1), so a
mark and a block of text meet at the same Word paragraph.

Replies are read as Word writes them: ``word/commentsExtended.xml`` gives each comment (known by the
``w14:paraId`` of its last paragraph) the paragraph ID of the comment it answers (``w15:paraIdParent``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from drafttools.importer.docx import _DELETED, _INSERTED, _P, _PARSER, _T, _w, open_package

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


@dataclass(frozen=True, slots=True)
class TrackedChange:
    """One tracked change (``w:ins``/``w:moveTo`` an insertion, ``w:del``/``w:moveFrom`` a deletion)."""

    type: str  # "insert" | "delete"
    author: str  # w:author, as written
    date: str  # w:date (ISO 8601), "" when the client wrote none
    text: str  # the words inserted or deleted ("" for a paragraph mark alone)
    paragraph: int  # the Word paragraph it stands in, from 1


@dataclass(frozen=True, slots=True)
class WordComment:
    id: str  # w:id in this file
    author: str
    date: str
    text: str
    anchor: str  # the words its range covers (deleted words included, as Word shows them), "" for a point
    first: int  # the Word paragraph its range starts in
    last: int  # ... and ends in
    parent: str = ""  # the w:id of the comment it replies to


@dataclass(frozen=True)
class Marks:
    changes: tuple[TrackedChange, ...]
    comments: tuple[WordComment, ...]

    def authors(self) -> tuple[str, ...]:
        """Every author of a tracked change, in order of first appearance."""
        return tuple(dict.fromkeys(c.author for c in self.changes))


def read_marks(path: Path, shown: str) -> Marks:
    """The tracked changes and comments of a Word file (``Refused`` when it cannot be read)."""
    document = open_package(path, shown)
    body = document.element.body
    return Marks(_changes(body), _comments(document, body))


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _changes(body: Any) -> tuple[TrackedChange, ...]:
    found: list[TrackedChange] = []
    paragraph = 0
    for element in body.iter(_P, *_INSERTED, *_DELETED):
        if element.tag == _P:
            paragraph += 1
            continue
        deleted = element.tag in _DELETED
        texts = element.iter(_w("delText") if deleted else _T)
        found.append(
            TrackedChange(
                "delete" if deleted else "insert",
                element.get(_w("author")) or "",
                element.get(_w("date")) or "",
                _space("".join(t.text or "" for t in texts)),
                paragraph,
            )
        )
    return tuple(found)


def _comments(document: Any, body: Any) -> tuple[WordComment, ...]:
    parts = {
        rel.reltype.rsplit("/", 1)[-1]: rel.target_part for rel in document.part.rels.values() if not rel.is_external
    }
    if "comments" not in parts:
        return ()
    try:
        root = etree.fromstring(parts["comments"].blob, _PARSER)
    except etree.XMLSyntaxError:
        return ()
    ranges = _ranges(body)
    parents = _parents(parts.get("commentsExtended"))
    by_para: dict[str, str] = {}
    found: list[WordComment] = []
    for comment in root.iter(_w("comment")):
        cid = comment.get(_w("id")) or ""
        paragraphs = list(comment.iter(_P))
        if paragraphs and (para := paragraphs[-1].get(f"{{{W14}}}paraId")):
            by_para[para] = cid
        text = "\n".join(_space("".join(t.text or "" for t in p.iter(_T))) for p in paragraphs).strip()
        first, last, anchor = ranges.get(cid, (0, 0, ""))
        found.append(
            WordComment(
                cid, comment.get(_w("author")) or "", comment.get(_w("date")) or "", text, _space(anchor), first, last
            )
        )
    parent_of = {by_para[child]: by_para.get(parent, "") for child, parent in parents.items() if child in by_para}
    return tuple(
        WordComment(c.id, c.author, c.date, c.text, c.anchor, c.first, c.last, parent_of.get(c.id, "")) for c in found
    )


def _ranges(body: Any) -> dict[str, tuple[int, int, str]]:
    """Each comment's first and last Word paragraph and anchored words, from its range marks in the body (a
    comment with a reference but no range is anchored at a point in its paragraph)."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    words: dict[str, list[str]] = {}
    open_ids: list[str] = []
    paragraph = 0
    for element in body.iter():
        tag = element.tag
        if tag == _P:
            paragraph += 1
            for cid in open_ids:
                words[cid].append(" ")
        elif tag == _w("commentRangeStart"):
            cid = element.get(_w("id")) or ""
            starts[cid] = paragraph
            words[cid] = []
            open_ids.append(cid)
        elif tag == _w("commentRangeEnd"):
            cid = element.get(_w("id")) or ""
            ends[cid] = paragraph
            if cid in open_ids:
                open_ids.remove(cid)
        elif tag == _w("commentReference"):
            cid = element.get(_w("id")) or ""
            starts.setdefault(cid, paragraph)
            ends.setdefault(cid, paragraph)
        elif tag in (_T, _w("delText")) and open_ids:
            for cid in open_ids:
                words[cid].append(element.text or "")
    return {cid: (first, ends.get(cid, first), "".join(words.get(cid, []))) for cid, first in starts.items()}


def _parents(part: Any) -> dict[str, str]:
    """commentsExtended.xml: the paragraph ID of each reply's comment → that of the comment it answers."""
    if part is None:
        return {}
    try:
        root = etree.fromstring(part.blob, _PARSER)
    except etree.XMLSyntaxError:
        return {}
    return {
        e.get(f"{{{W15}}}paraId") or "": e.get(f"{{{W15}}}paraIdParent") or ""
        for e in root.iter(f"{{{W15}}}commentEx")
        if e.get(f"{{{W15}}}paraIdParent")
    }
