"""Returns made by a real client: the DOCX we send out is opened by LibreOffice (headless, converted to ODT), a
reviewer's edits are written into its content.xml as ODF records them (tracked insertions and deletions under
``text:tracked-changes`` with ``dc:creator`` and ``dc:date``, comments as ``office:annotation`` ranges), and
LibreOffice saves the result as .docx: the w:ins, w:del and comments in the returned file are LibreOffice's own.

Why this way: LibreOffice's Python-UNO bridge (python3-uno) is not installed on the project's machines, and ODF
is how LibreOffice itself stores tracked changes and comments, so the DOCX export is the client's real code path.
"""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

from lxml import etree

from .clients import libreoffice_convert

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


def _o(tag: str) -> str:
    return f"{{{OFFICE}}}{tag}"


class Review:
    """A reviewer's edits to the sent DOCX, made with Track Changes on, saved by LibreOffice as .docx."""

    def __init__(self, sent: Path, workdir: Path) -> None:
        self.workdir = workdir
        self.odt = libreoffice_convert(sent, workdir / "odt", to="odt")
        with zipfile.ZipFile(self.odt) as package:
            self.root = etree.fromstring(package.read("content.xml"))
        self.text = self.root.find(f"{_o('body')}/{_o('text')}")
        self.regions = etree.Element(_t("tracked-changes"))
        self.regions.set(_t("track-changes"), "true")
        self.ids = itertools.count(1)

    # ---------------------------------------------------------------------------------------------- finding

    def paragraph(self, phrase: str) -> etree._Element:
        found = [p for p in self.text.iter(_t("p"), _t("h")) if phrase in "".join(p.itertext())]
        assert len(found) == 1, f"{phrase!r} is in {len(found)} paragraphs"
        return found[0]

    @staticmethod
    def _splice(paragraph: etree._Element, phrase: str, nodes: list[etree._Element], how: str) -> None:
        """Put ``nodes`` before or after ``phrase``, or in its place (``how``: before, after, replace)."""
        for node in paragraph.iter():
            inside = any(a.tag == _o("annotation") for a in node.iterancestors())  # a comment's own words
            for side in ("text", "tail"):
                value = getattr(node, side)
                if (
                    (node is paragraph and side == "tail")
                    or inside
                    or (side == "text" and node.tag == _o("annotation"))
                    or not value
                    or phrase not in value
                ):
                    continue
                head, rest = value.split(phrase, 1)
                if how == "after":
                    head += phrase
                elif how == "before":
                    rest = phrase + rest
                setattr(node, side, head)
                nodes[-1].tail = (nodes[-1].tail or "") + rest
                if side == "text":
                    for k, new in enumerate(nodes):
                        node.insert(k, new)
                else:
                    parent = node.getparent()
                    at = parent.index(node)
                    for k, new in enumerate(nodes, start=1):
                        parent.insert(at + k, new)
                return
        raise AssertionError(f"{phrase!r} is not in one run of text of its paragraph")

    def _region(self, kind: str, author: str, date: str, deleted: str | None = None) -> str:
        change_id = f"ct{next(self.ids)}"
        region = etree.SubElement(self.regions, _t("changed-region"))
        region.set(_t("id"), change_id)
        what = etree.SubElement(region, _t(kind))
        info = etree.SubElement(what, _o("change-info"))
        etree.SubElement(info, f"{{{DC}}}creator").text = author
        etree.SubElement(info, f"{{{DC}}}date").text = date
        if deleted is not None:
            etree.SubElement(what, _t("p")).text = deleted
        return change_id

    @staticmethod
    def _mark(tag: str, change_id: str, tail: str = "") -> etree._Element:
        mark = etree.Element(_t(tag))
        mark.set(_t("change-id"), change_id)
        mark.tail = tail
        return mark

    # ---------------------------------------------------------------------------------------------- editing

    def replace(self, author: str, date: str, old: str, new: str) -> None:
        """``old`` deleted and ``new`` inserted in its place, both tracked."""
        paragraph = self.paragraph(old)
        deleted = self._region("deletion", author, date, old)
        inserted = self._region("insertion", author, date)
        self._splice(
            paragraph,
            old,
            [
                self._mark("change", deleted),
                self._mark("change-start", inserted, new),
                self._mark("change-end", inserted),
            ],
            "replace",
        )

    def insert(self, author: str, date: str, after: str, words: str) -> None:
        """``words`` inserted (tracked) just after the phrase ``after``."""
        inserted = self._region("insertion", author, date)
        self._splice(
            self.paragraph(after),
            after,
            [self._mark("change-start", inserted, words), self._mark("change-end", inserted)],
            "after",
        )

    def delete(self, author: str, date: str, words: str) -> None:
        deleted = self._region("deletion", author, date, words)
        self._splice(self.paragraph(words), words, [self._mark("change", deleted)], "replace")

    def delete_paragraph(self, author: str, date: str, phrase: str) -> None:
        """The paragraph holding ``phrase`` deleted whole, its paragraph mark too (tracked): ODF keeps the deleted
        paragraph and an empty one (the mark joining what follows) in the change region, and a change mark at the
        start of the next paragraph."""
        paragraph = self.paragraph(phrase)
        following = paragraph.getnext()
        change_id = self._region("deletion", author, date)
        deletion = self.regions[-1][0]
        paragraph.getparent().remove(paragraph)
        paragraph.tail = None
        deletion.append(paragraph)
        etree.SubElement(deletion, paragraph.tag).attrib.update(paragraph.attrib)
        mark = self._mark("change", change_id, following.text or "")
        following.text = None
        following.insert(0, mark)

    def insert_paragraph(self, author: str, date: str, after: str, words: str) -> None:
        """A new paragraph (tracked) after the one holding ``after``: the insertion starts at the end of that
        paragraph (its new mark) and ends after the new words."""
        paragraph = self.paragraph(after)
        change_id = self._region("insertion", author, date)
        paragraph.append(self._mark("change-start", change_id))
        new = etree.Element(paragraph.tag, paragraph.attrib)
        new.text = words
        new.append(self._mark("change-end", change_id))
        paragraph.addnext(new)
        new.tail, paragraph.tail = paragraph.tail, None

    def comment(self, author: str, date: str, text: str, on: str, to: str | None = None) -> None:
        """A comment anchored from the start of ``on`` to the end of ``to`` (default ``on``; it may stand in a
        later paragraph)."""
        name = f"__Annotation__{next(self.ids)}"
        note = etree.Element(_o("annotation"))
        note.set(_o("name"), name)
        etree.SubElement(note, f"{{{DC}}}creator").text = author
        etree.SubElement(note, f"{{{DC}}}date").text = date
        etree.SubElement(note, _t("p")).text = text
        end = etree.Element(_o("annotation-end"))
        end.set(_o("name"), name)
        self._splice(self.paragraph(on), on, [note], "before")
        last = to or on
        self._splice(self.paragraph(last), last, [end], "after")

    def save(self, name: str) -> Path:
        """The edited ODT converted to .docx by LibreOffice."""
        if len(self.regions):
            self.text.insert(0, self.regions)
        edited = self.workdir / "edited" / f"{name}.odt"
        edited.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(self.odt) as source, zipfile.ZipFile(edited, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "content.xml":
                    data = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
                target.writestr(info, data)
        return libreoffice_convert(edited, self.workdir / "docx", to="docx")
