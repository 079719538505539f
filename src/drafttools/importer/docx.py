"""Reading a Word (.docx) draft into blocks: the one module of the importer that touches WordprocessingML.

python-docx opens the package and gives the styles and numbering parts; the body is then walked as raw XML,
because the text a reader sees is not ``Paragraph.text``:

- runs split anywhere (Word splits on every edit) are joined; ``w:tab`` and ``w:br`` read as a space;
- fields: ``w:fldSimple`` and complex fields (``w:fldChar`` begin/separate/end with ``w:instrText``) give their
  result text, never their instruction; hyperlinks, smart tags, content controls give their text;
- tracked changes (``w:ins``/``w:del``/``w:moveTo``/``w:moveFrom``, deleted or inserted paragraph marks and table
  rows) are accepted or rejected as asked, or one author's accepted and the others' rejected (``author``, how
  ``collect`` tells a return's authors apart), and refused (with their count) unless asked; changes marked by
  formatting instead (struck text deleted, underlined text inserted, as a revision typed by hand shows them) are
  accepted or rejected the same way when asked (``marks``), and every kind of mark is counted (``Read.shown``);
- automatic numbering (``w:numPr`` on the paragraph or its style → ``numbering.xml``: ``w:lvlText`` such as
  "%1.%2" or "(%3)", ``w:numFmt`` decimal, lowerLetter, lowerRoman ...) is computed and put in front of the
  text, so "8.2" reads the same whether typed or generated;
- bookmarks (``w:bookmarkStart w:name``) travel with their paragraph: our builder names them by stable ID;
- internal hyperlinks (``w:hyperlink w:anchor``: our builder's cross-references) are kept as links to their
  bookmark, so a reference finds its target even when its shown number has gone stale;
- footnote references become markers in the text, and each footnote's text (from ``footnotes.xml``) goes into
  ``Read.notes`` under the number Word shows for it;
- what is left out is said, with its count (``_dropped``): XML entities (a DTD, which Word never writes: none is
  resolved or read, and the text around a reference is kept), macros (a VBA project, as in a .docm, which is read
  as the .docx it holds), embedded (OLE) objects, and comments;
- a table row is one block of cells (a cell's paragraphs joined; tables nested in a cell read as its text), a
  header row (``w:tblHeader``) marked so; a ``w:tab`` inside a paragraph is kept, so TAB-separated text can be
  read as a row too;
- a document's own paragraphs that are not the instrument's are left out by their style: a negotiating text's
  legend and notes (``model.negotiation.WORD_RECORD_PARAGRAPHS``), and a quiet redline's cover, renumbering table
  and list of references (``diff.renumbering.WORD_APPARATUS_PARAGRAPHS``), whose table is read into
  ``Read.renumbered`` for ``audit``.

Headings are known by style ("Heading 1", outline level); "Title" marks the instrument's title.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from drafttools.diagnostics import Diagnostic, diag
from drafttools.diff import renumbering
from drafttools.diff.audit import Shown
from drafttools.importer.blocks import (
    LINK_CLOSE,
    LINK_MID,
    LINK_OPEN,
    MAX_BLOCKS,
    MAX_FILE_BYTES,
    MAX_TABLE_DEPTH,
    MAX_UNPACKED_BYTES,
    MAX_XML_DEPTH,
    NOTE_CLOSE,
    NOTE_OPEN,
    RawBlock,
    Read,
    Refused,
    unlinked,
)
from drafttools.importer.text import HEADING, LABEL, NOTE_DEF, SENTENCE_END, join_lines, notes_marked, starts_block
from drafttools.model import negotiation
from drafttools.model.profile import letters as letter_token

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RESAVE = "open and save it again in Word or LibreOffice"
# The parts this module parses itself (notes, comments) are read as python-docx reads the others: no entity
# resolved (so no file or URL an external entity names is ever read), no DTD loaded, no network.
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Main parts of packages that hold a Word document but are not a .docx: a .docm (macros) and the two templates.
_OTHER_MAINS = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(element: Any, attribute: str = "val") -> str | None:
    return None if element is None else element.get(_w(attribute))


_P, _R, _T, _TBL, _TR, _TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
_INSERTED = {_w("ins"), _w("moveTo")}
_DELETED = {_w("del"), _w("moveFrom")}
_TRANSPARENT = {_w(t) for t in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent", "dir", "bdo")}
_SKIPPED = {_w(t) for t in ("pPr", "rPr", "proofErr", "permStart", "permEnd", "commentRangeStart", "commentRangeEnd")}
_OFF = ("0", "false", "off")
MARKS = ("tracked", "formatting", "auto")  # what shows a change: Word revisions, strike/underline, whichever is there


# ------------------------------------------------------------------------------------------------- sniffing


def _sniff(path: Path, shown: str) -> None:
    """Refuse what is not a readable .docx before python-docx sees it: size, legacy .doc, encryption, zip bombs."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Refused(
            diag(
                "import.too-large",
                shown,
                0,
                f"{size:,} bytes; the importer reads at most {MAX_FILE_BYTES:,}",
                "split the file, or import the part that holds the code",
            )
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Refused(
                diag(
                    "import.encrypted",
                    shown,
                    0,
                    "the Word file is password-protected (encrypted), so its text cannot be read",
                    "open it in Word or LibreOffice, remove the password, save it as .docx and import that copy",
                )
            )
        if "WordDocument".encode("utf-16-le") in data:
            raise Refused(
                diag(
                    "import.legacy-doc",
                    shown,
                    0,
                    "this is a legacy Word 97-2003 document (.doc), not .docx",
                    f"save it as .docx in Word, or run: soffice --headless --convert-to docx {path.name}",
                )
            )
        raise Refused(
            diag("import.format", shown, 0, "this is an OLE compound file (an old Office format), not a Word .docx")
        )
    if not zipfile.is_zipfile(path):
        kind = "an RTF file" if head.startswith(b"{\\rtf") else "not a zip package"
        raise Refused(
            diag(
                "import.format",
                shown,
                0,
                f"not a Word .docx file: {kind}",
                "save it from Word or LibreOffice as .docx, or import the text as .txt",
            )
        )
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            unpacked = sum(info.file_size for info in package.infolist())
            bomb = next((i for i in package.infolist() if _bomb_like(i)), None)
            with package.open("word/document.xml") if "word/document.xml" in names else io.BytesIO() as part:
                head = part.read(4096)
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: an encrypted zip member
        raise Refused(diag("import.unreadable", shown, 0, f"the Word package is damaged: {exc}")) from None
    if "word/document.xml" not in names:
        raise Refused(
            diag(
                "import.format",
                shown,
                0,
                "a zip package without word/document.xml: not a Word document (an .odt, .xlsx or .pptx?)",
                "save it as .docx",
            )
        )
    if b"purl.oclc.org/ooxml/wordprocessingml" in head:
        raise Refused(
            diag(
                "import.format",
                shown,
                0,
                "this is a Strict Open XML document, which python-docx cannot read",
                "save it from Word as 'Word Document (*.docx)', not 'Strict Open XML Document'",
            )
        )
    if bomb is not None:
        raise Refused(
            diag(
                "import.too-large",
                shown,
                0,
                f"the part {bomb.filename} unpacks to {bomb.file_size:,} bytes from {bomb.compress_size:,} (a ratio of "
                f"{bomb.file_size // max(bomb.compress_size, 1):,} to 1, where Word's own parts stay under "
                f"{MAX_RATIO}): a zip bomb, refused before anything is unpacked",
                "this is not a draft; check where the file came from",
            )
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(
            diag(
                "import.too-large",
                shown,
                0,
                f"the package unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED_BYTES:,})",
                "this is not a draft; check where the file came from",
            )
        )


MAX_RATIO = 100  # unpacked / packed size of one part: Word's XML parts pack 5 to 35 times; a zip bomb, 1,000 times
RATIO_FROM_BYTES = 8 * 1024 * 1024  # a smaller part cannot cost much, whatever its ratio


def _bomb_like(info: zipfile.ZipInfo) -> bool:
    """A part that unpacks to megabytes from next to nothing: refused before it is read (a 618 KB package whose
    XML unpacked to 190 MB took 11 s and 1.9 GB, though under the total size limit)."""
    return info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def _open(path: Path, shown: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(_as_docx(path))
        _ = document.element.body  # a main part whose root is not w:document fails here, not in the middle of reading
        return document
    except etree.XMLSyntaxError as exc:
        deep = "depth" in str(exc).lower()
        code = "import.too-deep" if deep else "import.unreadable"
        where = f" (line {exc.lineno} of its XML)" if getattr(exc, "lineno", 0) else ""
        raise Refused(
            diag(
                code,
                shown,
                0,
                f"the Word XML cannot be read{where}: {exc.msg}",
                "this is not a draft as Word writes one; check where it came from"
                if deep
                else "open and save it again in Word or LibreOffice",
            )
        ) from None
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise Refused(
            diag("import.unreadable", shown, 0, f"the Word package {path.name} cannot be read: {exc}", _RESAVE)
        ) from None
    except Exception as exc:  # python-docx meets a malformed part with whatever its proxies raise (AttributeError, ...)
        raise Refused(
            diag(
                "import.unreadable",
                shown,
                0,
                f"the Word package {path.name} cannot be read: {type(exc).__name__}: {exc}",
                _RESAVE,
            )
        ) from None


def _as_docx(path: Path) -> str | io.BytesIO:
    """The package as python-docx opens it: a .docm or a Word template (renamed .docx, say) gets a document's
    main content type, in a copy in memory; its macros are reported (``_dropped``), never read or run."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if not any(other.encode() in types for other in _OTHER_MAINS):
            return str(path)
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
            for info in package.infolist():
                data = package.read(info)
                if info.filename == "[Content_Types].xml":
                    for other in _OTHER_MAINS:
                        data = data.replace(other.encode(), _DOCX_MAIN.encode())
                out.writestr(info, data)
    copy.seek(0)
    return copy


# ---------------------------------------------------------------------------------------- what is left out


def _dropped(path: Path, shown: str, body: Any) -> list[Diagnostic]:
    """A warning, with its count, for each kind of content the importer leaves out of the package: XML entities
    (a DTD), macros, embedded objects, comments.  The parts are looked at, never resolved or run."""
    found: list[Diagnostic] = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        dtds = [n for n in names if n.endswith((".xml", ".rels")) and b"<!DOCTYPE" in package.read(n)]
        entities = sum(_entity_references(package.read(n)) for n in dtds)
        comments = _comments(package.read("word/comments.xml")) if "word/comments.xml" in names else 0
    if dtds:
        first = next(body.iter(etree.Entity), None)
        found.append(
            diag(
                "import.dropped-entities",
                shown,
                _paragraph_number(body, first) if first is not None else 0,
                f"{entities} XML entity reference(s) left out: the file declares a DTD (in {', '.join(dtds)}), which "
                "Word never writes; no entity was resolved or read, and the text around each reference was kept",
                "check where the file came from; open and save it again in Word or LibreOffice to drop the DTD",
            )
        )
    macros = [n for n in names if n.rsplit("/", 1)[-1].lower() == "vbaproject.bin"]
    if macros:
        found.append(
            diag(
                "import.dropped-macros",
                shown,
                0,
                f"{len(macros)} macro project(s) left out ({', '.join(macros)}): macros are never imported or run",
                "nothing to do if the text is all you need; save it from Word as .docx (not .docm) to drop them",
            )
        )
    objects = list(body.iter(_w("object")))
    embedded = [n for n in names if n.startswith("word/embeddings/")]
    if objects or embedded:
        found.append(
            diag(
                "import.dropped-objects",
                shown,
                _paragraph_number(body, objects[0]) if objects else 0,
                f"{max(len(objects), len(embedded))} embedded object(s) (OLE: a worksheet, an equation, ...) left out",
                "if an object holds text of the instrument, paste that text into the document as text",
            )
        )
    if comments:
        first = next(body.iter(_w("commentRangeStart"), _w("commentReference")), None)
        found.append(
            diag(
                "import.dropped-comments",
                shown,
                _paragraph_number(body, first) if first is not None else 0,
                f"{comments} comment(s) left out (word/comments.xml): the text is imported without them",
                "read the comments in Word before importing if they ask for changes to the text",
            )
        )
    return found


def _entity_references(data: bytes) -> int:
    try:
        return sum(1 for _ in etree.fromstring(data, _PARSER).iter(etree.Entity))
    except etree.XMLSyntaxError:
        return 0


def _comments(data: bytes) -> int:
    try:
        return sum(1 for _ in etree.fromstring(data, _PARSER).iter(_w("comment")))
    except etree.XMLSyntaxError:
        return data.count(b"<w:comment ")


# ------------------------------------------------------------------------------------------------ numbering


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


def format_number(value: int, fmt: str) -> str:
    """A counter as Word prints it in ``w:numFmt`` ``fmt``."""
    if fmt in ("lowerLetter", "upperLetter"):  # Word doubles letters after z (aa, bb), as UN documents do
        letters = letter_token(value)
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "lowerRoman" else roman.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while value >= number:
            out, value = out + letters, value - number
    return out


@dataclass
class _Numbering:
    """Word's list numbering, replayed paragraph by paragraph to recover the labels it generates."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, document: Any) -> _Numbering:
        found = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return found
        for abstract in root.findall(_w("abstractNum")):
            levels: dict[int, _Level] = {}
            for level in abstract.findall(_w("lvl")):
                levels[int(_val(level, "ilvl") or 0)] = _Level(
                    int(_val(level.find(_w("start"))) or 1),
                    _val(level.find(_w("numFmt"))) or "decimal",
                    _val(level.find(_w("lvlText"))) or "",
                    level.find(_w("isLgl")) is not None,
                )
            found.abstract[_val(abstract, "abstractNumId") or ""] = levels
        for num in root.findall(_w("num")):
            overrides = {
                int(_val(o, "ilvl") or 0): int(_val(o.find(_w("startOverride"))) or 1)
                for o in num.findall(_w("lvlOverride"))
                if o.find(_w("startOverride")) is not None
            }
            found.nums[_val(num, "numId") or ""] = (_val(num.find(_w("abstractNumId"))) or "", overrides)
        return found

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word prints for the next paragraph of list ``num_id`` at level ``ilvl``."""
        if num_id in ("", "0") or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:  # a w:num with a start override restarts its list
            self.started.add(num_id)
            for at, start in overrides.items():
                counts[at] = start - 1
                for deeper in [k for k in counts if k > at]:
                    del counts[deeper]
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]

        def one(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            source = levels.get(at, level)
            value = counts.get(at, source.start)
            return format_number(value, "decimal" if level.legal and at < ilvl else source.fmt)

        return re.sub(r"%(\d)", one, level.text).strip()


# ---------------------------------------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    based_on: str | None
    num: tuple[str, int] | None
    outline: int | None
    strike: bool | None = None  # the style's text struck through (w:strike, w:dstrike); None: not said
    underline: bool | None = None  # the style's text underlined (w:u); None: not said


def _run_format(rpr: Any) -> tuple[bool | None, bool | None]:
    """Whether run properties strike the text through and underline it (None where they do not say)."""
    if rpr is None:
        return None, None
    strike: bool | None = None
    for tag in ("strike", "dstrike"):
        found = rpr.find(_w(tag))
        if found is not None:
            strike = bool(strike) or (_val(found) or "true").lower() not in _OFF
    u = rpr.find(_w("u"))
    underline = None if u is None else (_val(u) or "single").lower() != "none"
    return strike, underline


def _styles(document: Any) -> dict[str, _Style]:
    found: dict[str, _Style] = {}
    for style in document.styles.element.findall(_w("style")):
        ppr = style.find(_w("pPr"))
        num = ppr.find(_w("numPr")) if ppr is not None else None
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        strike, underline = _run_format(style.find(_w("rPr")))
        found[_val(style, "styleId") or ""] = _Style(
            _val(style.find(_w("name"))) or "",
            _val(style.find(_w("basedOn"))),
            _num_pr(num) if num is not None else None,
            int(_val(outline) or 9) if outline is not None else None,
            strike,
            underline,
        )
    return found


def _num_pr(num: Any) -> tuple[str, int]:
    return _val(num.find(_w("numId"))) or "", int(_val(num.find(_w("ilvl"))) or 0)


def _marked(run: Any, paragraph_style: str, styles: dict[str, _Style]) -> tuple[bool, bool]:
    """Whether a run's text is struck through and whether it is underlined: its own properties, then its
    character style's, then its paragraph style's (each with what it is based on)."""
    rpr = run.find(_w("rPr"))
    strike, underline = _run_format(rpr)
    character = _val(rpr.find(_w("rStyle"))) if rpr is not None else None
    for style in (character, paragraph_style):
        if strike is None:
            strike = _inherited(styles, style, "strike")
        if underline is None:
            underline = _inherited(styles, style, "underline")
    return bool(strike), bool(underline)


def _paragraph_style(paragraph: Any) -> str:
    return _val(paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")) or "Normal"


def _inherited(styles: dict[str, _Style], style_id: str | None, attribute: str) -> Any:
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        value = getattr(styles[style_id], attribute)
        if value is not None:
            return value
        style_id = styles[style_id].based_on
    return None


# ---------------------------------------------------------------------------------------------- the reader


@dataclass
class _Reader:
    shown: str
    mode: str  # "accept" | "reject" | "refuse" | "author": accept only ``author``'s changes, reject the others'
    styles: dict[str, _Style]
    numbering: _Numbering
    fields: list[str] = field(default_factory=list)  # complex-field stack: "instr" or "result" per level
    footnotes: int = 0
    texts: dict[str, str] = field(default_factory=dict)  # footnote w:id → its text, from footnotes.xml
    notes: dict[str, str] = field(default_factory=dict)  # the label Word shows → the footnote's text
    count: int = 0  # Word paragraphs seen, for locations
    in_rows: int = 0  # of which in table rows (read as one block per row)
    formatting: bool = False  # struck text is deleted and underlined text inserted (accepted or rejected by mode)
    style: str = "Normal"  # the style of the paragraph being read (its runs' formatting may come from it)
    hidden: int = 0  # characters of that paragraph left out as a formatting mark
    emptied: bool = False  # formatting marks took every word of it away (a number may be left)
    author: str = ""  # whose tracked changes are accepted in mode "author" (w:author, as written)
    status_words: str = ""  # a negotiating text's status words in the paragraph being read ("(agreed)")
    apparatus: list[tuple[str, ...]] = field(default_factory=list)  # a redline's own paragraphs (1 cell) and rows

    def takes(self, change: Any) -> bool:
        """Whether the tracked change ``change`` (a w:ins, w:del, w:moveTo or w:moveFrom) is accepted."""
        if self.mode == "author":
            return (change.get(_w("author")) or "") == self.author
        return self.mode != "reject"

    def paragraphs(self, container: Any, depth: int = 0) -> Iterator[tuple[Any, bool, tuple[str, ...]]]:
        """Every w:p in reading order, and every row (w:tr) of a table, with bookmarks standing just before it."""
        waiting: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _P:
                yield child, depth > 0, tuple(waiting)
                waiting = []
            elif tag == _w("bookmarkStart"):
                waiting.append(child.get(_w("name")) or "")
            elif tag == _TBL:
                self.nesting(child, depth + 1)
                for row in child.iter(_TR):
                    if _ancestor_tables(row, child) != 0:
                        continue
                    if self.row_changed(row):  # gone, but its paragraphs still count: locations stay Word's
                        skipped = sum(1 for _ in row.iter(_P))
                        self.count += skipped
                        self.in_rows += skipped
                        continue
                    yield row, True, tuple(waiting)
                    waiting = []
            elif (
                tag in (_w("sdt"), _w("sdtContent"), _w("customXml"))
                or tag in _INSERTED
                or (tag in _DELETED and not self.takes(child))
            ):
                yield from self.paragraphs(child, depth)

    def nesting(self, table: Any, depth: int) -> None:
        """Refuse tables nested deeper than ``MAX_TABLE_DEPTH``."""
        if depth > MAX_TABLE_DEPTH:
            raise Refused(
                diag(
                    "import.too-deep",
                    self.shown,
                    self.count + 1,
                    f"paragraph {self.count + 1}: tables nested {depth} deep (at most {MAX_TABLE_DEPTH})",
                    "take the text out of the nested tables",
                )
            )
        for inner in table.iter(_TBL):
            if inner is not table and _ancestor_tables(inner, table) == 0:
                self.nesting(inner, depth + 1)

    def row(self, row: Any) -> tuple[tuple[str, ...], list[str], bool]:
        """A table row's cells (each cell's paragraphs joined), its bookmarks, and whether it is a header row."""
        cells: list[str] = []
        bookmarks: list[str] = []
        for cell in row.findall(_TC):
            parts: list[str] = []
            for paragraph in cell.iter(_P):
                self.count += 1
                self.in_rows += 1
                text, marks = self.text(paragraph)
                parts.append(text)
                bookmarks += marks
            cells.append(re.sub(r"\s+", " ", " ".join(parts).replace("\u00ad", "")).strip())
        header = row.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
        return tuple(cells), bookmarks, header

    def row_changed(self, row: Any) -> bool:
        """Whether a tracked change takes this table row away (an inserted row rejected, a deleted one accepted)."""
        trpr = row.find(_w("trPr"))
        if trpr is None or self.mode not in ("accept", "reject", "author"):
            return False
        deleted, inserted = trpr.find(_w("del")), trpr.find(_w("ins"))
        return (deleted is not None and self.takes(deleted)) or (inserted is not None and not self.takes(inserted))

    def text(self, paragraph: Any) -> tuple[str, list[str]]:
        parts: list[str] = []
        bookmarks: list[str] = []
        self.style, self.hidden, self.status_words = _paragraph_style(paragraph), 0, ""
        self._walk(paragraph, parts, bookmarks)
        text = "".join(parts)
        left = unlinked(text).strip()
        bare = (label := LABEL.match(left)) is not None and label.end() == len(left)
        self.emptied = bool(self.hidden) and (not left or bare)
        return ("" if self.formatting and self.emptied else text), bookmarks

    def _hides(self, run: Any) -> bool:
        """Whether a formatting mark takes this run away: underlined (inserted) text rejected, struck (deleted)
        text accepted."""
        if not self.formatting or self.mode not in ("accept", "reject"):
            return False
        struck, underlined = _marked(run, self.style, self.styles)
        return underlined if self.mode == "reject" else struck

    def _walk(self, element: Any, parts: list[str], bookmarks: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                record = self._record(child)
                if record == negotiation.WORD_STYLES["status"]:
                    self.status_words += "".join(t.text or "" for t in child.iter(_T))
                elif record not in negotiation.WORD_RECORD_RUNS:
                    self._run(child, parts, self._hides(child))
            elif tag in _INSERTED:
                if self.takes(child):
                    self._walk(child, parts, bookmarks)
            elif tag in _DELETED:
                if not self.takes(child):
                    self._walk(child, parts, bookmarks)
            elif tag == _w("bookmarkStart"):
                bookmarks.append(child.get(_w("name")) or "")
            elif tag == _w("hyperlink") and (anchor := child.get(_w("anchor")) or "") and not anchor.startswith("_"):
                parts.append(f"{LINK_OPEN}{anchor}{LINK_MID}")  # a link to a bookmark: a cross-reference
                self._walk(child, parts, bookmarks)
                parts.append(LINK_CLOSE)
            elif tag in _TRANSPARENT:
                self._walk(child, parts, bookmarks)

    def _record(self, run: Any) -> str:
        """The name of the run's character style when it is one of a negotiating text's records (its status words,
        words struck as deleted since), else ""."""
        rpr = run.find(_w("rPr"))
        style = _val(rpr.find(_w("rStyle"))) if rpr is not None and rpr.find(_w("rStyle")) is not None else None
        name = self.styles[style].name if style and style in self.styles else ""
        return name if name == negotiation.WORD_STYLES["status"] or name in negotiation.WORD_RECORD_RUNS else ""

    def _run(self, run: Any, parts: list[str], hidden: bool = False) -> None:
        """A run's text onto ``parts``; a ``hidden`` run (a formatting mark taken away) gives none, but its
        field characters still open and close fields."""
        for child in run:
            tag = child.tag
            if tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.fields.append("instr")
                elif kind == "separate" and self.fields:
                    self.fields[-1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if any(state == "instr" for state in self.fields):
                continue  # a field's instruction (w:instrText, and anything else before 'separate')
            if hidden:
                self.hidden += len(child.text or "") if tag in (_T, _w("delText")) else 0
                continue
            if tag == _T or tag == _w("delText"):  # deleted text is reached only inside a deletion not taken
                # an entity reference is no text (it is never resolved); the text after it is
                parts.append((child.text or "") + "".join(entity.tail or "" for entity in child))
            elif tag in (_w("tab"), _w("ptab")):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append(" ")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                self.footnotes += 1
                label = str(self.footnotes)
                self.notes[label] = self.texts.get(
                    ("e" if tag == _w("endnoteReference") else "") + (child.get(_w("id")) or ""), ""
                )
                parts.append(f"{NOTE_OPEN}{label}{NOTE_CLOSE}")

    def style_of(self, paragraph: Any) -> tuple[str, str]:
        """A paragraph's style: its ID and its name."""
        ppr = paragraph.find(_w("pPr"))
        style_id = (_val(ppr.find(_w("pStyle"))) if ppr is not None else None) or "Normal"
        return style_id, self.styles[style_id].name if style_id in self.styles else style_id

    def paragraph_info(self, paragraph: Any) -> tuple[str, int, bool, str]:
        """Style name, heading level, title style, and the label automatic numbering gives this paragraph."""
        ppr = paragraph.find(_w("pPr"))
        style_id, name = self.style_of(paragraph)
        num_el = ppr.find(_w("numPr")) if ppr is not None else None
        num = _num_pr(num_el) if num_el is not None else _inherited(self.styles, style_id, "num")
        if (
            num_el is not None
            and num_el.find(_w("ilvl")) is None
            and (inherited := _inherited(self.styles, style_id, "num"))
        ):
            num = (num[0], inherited[1])
        outline_el = ppr.find(_w("outlineLvl")) if ppr is not None else None
        outline = int(_val(outline_el) or 9) if outline_el is not None else _inherited(self.styles, style_id, "outline")
        heading = re.fullmatch(r"heading\s*(\d)", name, re.IGNORECASE)
        level = int(heading.group(1)) if heading else (outline + 1 if outline is not None and outline < 9 else 0)
        if not level and re.search(r"\bheading\b", name, re.IGNORECASE):
            level = 1  # a heading style of its own ("Article Heading", "Division Heading")
        title = re.fullmatch(r"(?:annex\s+)?title", name, re.IGNORECASE) is not None
        label = self.numbering.label(*num) if num else ""
        return name, level, title, label

    def mark_changed(self, paragraph: Any) -> bool:
        """Whether this paragraph's mark goes away (so its text joins the next paragraph's): a tracked change,
        or (with formatting marks) every word of the paragraph just read is taken away, so the paragraph was
        wholly inserted (rejected) or wholly deleted (accepted), though its number may have been left unmarked."""
        if self.formatting and self.emptied:
            return True
        rpr = paragraph.find(f"{_w('pPr')}/{_w('rPr')}")
        if rpr is None:
            return False
        if self.mode == "refuse":
            return False
        deleted = [m for m in (rpr.find(_w("del")), rpr.find(_w("moveFrom"))) if m is not None]
        inserted = [m for m in (rpr.find(_w("ins")), rpr.find(_w("moveTo"))) if m is not None]
        return any(self.takes(m) for m in deleted) or any(not self.takes(m) for m in inserted)


def _ancestor_tables(row: Any, table: Any) -> int:
    """How many tables stand between ``row`` and ``table`` (0: the row belongs to ``table`` itself)."""
    count = 0
    for ancestor in row.iterancestors(_TBL):
        if ancestor is table:
            return count
        count += 1
    return count


def _tracked_changes(body: Any) -> tuple[int, int, Any]:
    """How many insertions and deletions the body holds, and the first of them."""
    insertions = deletions = 0
    first = None
    for element in body.iter(*_INSERTED, *_DELETED):
        if element.tag in _INSERTED:
            insertions += 1
        else:
            deletions += 1
        first = first if first is not None else element
    return insertions, deletions, first


def _words(element: Any) -> int:
    """How many words the text (kept or deleted) under ``element`` holds."""
    return len(" ".join(t.text or "" for t in element.iter(_T, _w("delText"))).split())


def _tracked_shown(body: Any) -> list[Shown]:
    """The tracked changes of the body, by kind, with the words each kind holds: text inserted, deleted or
    moved, paragraph marks and table rows inserted or deleted, formatting changed."""
    found: dict[str, list[int]] = {}
    for element in body.iter(*_INSERTED, *_DELETED, _w("rPrChange"), _w("pPrChange")):
        parent = element.getparent()
        inserted = element.tag in _INSERTED
        if element.tag in (_w("rPrChange"), _w("pPrChange")):
            kind = "formatting-change"
        elif parent.tag == _w("trPr"):
            kind = "inserted-row" if inserted else "deleted-row"
        elif parent.tag == _w("rPr") and parent.getparent().tag == _w("pPr"):
            kind = "inserted-paragraph-mark" if inserted else "deleted-paragraph-mark"
        elif element.tag in (_w("moveFrom"), _w("moveTo")):
            kind = "moved-from" if element.tag == _w("moveFrom") else "moved-to"
        else:
            kind = "insertion" if inserted else "deletion"
        counts = found.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += _words(element) if kind in ("insertion", "deletion", "moved-from", "moved-to") else 0
    return [Shown(kind, count, words) for kind, (count, words) in found.items()]


def _formatting_shown(body: Any, styles: dict[str, _Style]) -> list[Shown]:
    """The runs of struck and of underlined text (consecutive runs marked alike count once), with their words."""
    found: dict[str, list[int]] = {"struck": [0, 0], "underlined": [0, 0]}
    for paragraph in body.iter(_P):
        style, last = _paragraph_style(paragraph), ("", "")
        for run in paragraph.iter(_R):
            if run.getparent().tag in _DELETED or not "".join(t.text or "" for t in run.iter(_T, _w("delText"))):
                continue
            struck, underlined = _marked(run, style, styles)
            kinds = ("struck" if struck else "", "underlined" if underlined else "")
            for kind, before in zip(kinds, last, strict=True):
                if kind:
                    found[kind][0] += kind != before
                    found[kind][1] += _words(run)
            last = kinds
    return [Shown(kind, count, words) for kind, (count, words) in found.items() if count]


def _paragraph_number(body: Any, element: Any) -> int:
    paragraph = element if element.tag == _P else next(element.iterancestors(_P), None)
    if paragraph is None:
        return 0
    for index, candidate in enumerate(body.iter(_P), start=1):
        if candidate is paragraph:
            return index
    return 0


def _depth(body: Any) -> int:
    deepest = 0
    for paragraph in body.iter(_P):
        deepest = max(deepest, sum(1 for _ in paragraph.iterancestors()))
    return deepest


def open_package(path: Path, shown: str) -> Any:
    """The python-docx document of a Word file, after the checks every reading makes (``Refused`` otherwise)."""
    _sniff(path, shown)
    return _open(path, shown)


def read_docx(
    path: Path, shown: str, track_changes: str = "refuse", *, marks: str = "tracked", author: str = ""
) -> Read:
    """The blocks of a Word file; ``Refused`` (one located diagnostic) when it cannot or must not be read.

    ``marks`` says what shows a change: ``tracked`` (Word revisions; struck or underlined text is text),
    ``formatting`` (struck text deleted and underlined text inserted, Word revisions too), or ``auto`` (Word
    revisions where the file has any, else formatting where it has struck or underlined text); ``Read.marks``
    says which was used (``none`` when ``auto`` found neither) and ``Read.shown`` counts them.  ``track_changes``
    "author" reads the text with ``author``'s tracked changes accepted and every other author's rejected (how a
    return's changes are told apart by who made them)."""
    document = open_package(path, shown)
    body = document.element.body
    if (deepest := _depth(body)) > MAX_XML_DEPTH:
        raise Refused(
            diag(
                "import.too-deep",
                shown,
                0,
                f"the Word XML nests {deepest} deep (at most {MAX_XML_DEPTH})",
                "this is not a draft as Word writes one; check where it came from",
            )
        )
    insertions, deletions, first = _tracked_changes(body)
    if (insertions or deletions) and track_changes == "refuse":
        where = _paragraph_number(body, first)
        raise Refused(
            diag(
                "import.tracked-changes",
                shown,
                where,
                f"the file holds tracked changes: {insertions} insertion(s) and {deletions} deletion(s), the first in "
                f"paragraph {where}",
                "choose: --track-changes accept (the text as it reads with every change accepted) or --track-changes "
                "reject (the text as it was before the changes)",
            )
        )
    dropped = _dropped(path, shown, body)
    styles = _styles(document)
    tracked = _tracked_shown(body) if insertions or deletions else []
    formatted = _formatting_shown(body, styles) if marks in ("formatting", "auto") else []
    used = marks if marks != "auto" else "tracked" if tracked else "formatting" if formatted else "none"
    reader = _Reader(
        shown, track_changes, styles, _Numbering.read(document), formatting=used == "formatting", author=author
    )
    reader.texts = _note_texts(document, reader)
    found = list(_blocks(reader, body))
    rows = [b for b in found if b.in_table and b.cells]
    found = (
        _unwrap([b for b in found if not (b.in_table and b.cells)], reader.count - reader.in_rows)
        if rows
        else _unwrap(found, reader.count)
    )
    if rows:
        found = sorted(found + rows, key=lambda b: b.where)
    notes = {k: v for k, v in reader.notes.items() if v}
    blocks: list[RawBlock] = []
    for block in found:  # footnotes typed as text ("[^1]" and a paragraph "[^1]: ..."), as a converted .txt has them
        if (definition := NOTE_DEF.match(block.text)) is not None and not block.cells:
            notes[definition.group(1)] = notes_marked(definition.group(2).strip())
        else:
            blocks.append(
                replace(block, text=notes_marked(block.text), cells=tuple(notes_marked(c) for c in block.cells))
            )
    return Read(
        tuple(blocks),
        "paragraph",
        tuple(dropped),
        notes,
        used,
        tuple(tracked + formatted),
        _renumbered(reader.apparatus),
    )


def _renumbered(apparatus: list[tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    """The (old, new) rows of a quiet redline's renumbering table: the rows after its header row, up to the next
    paragraph of the apparatus."""
    rows: list[tuple[str, str]] = []
    inside = False
    for cells in apparatus:
        if cells[: len(renumbering.TABLE_HEADER)] == renumbering.TABLE_HEADER:
            inside = True
        elif inside and len(cells) >= 2:
            rows.append((cells[0], cells[1]))
        else:
            inside = False
    return tuple(rows)


def _note_texts(document: Any, reader: _Reader) -> dict[str, str]:
    """Each footnote's (and endnote's, keyed "e" + id) text, by its w:id; separators left out."""
    found: dict[str, str] = {}
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind not in ("footnotes", "endnotes") or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob, _PARSER)
        except etree.XMLSyntaxError:
            continue
        for note in root:
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            texts = []
            for paragraph in note.iter(_P):
                text, _ = reader.text(paragraph)
                texts.append(text)
            key = ("e" if kind == "endnotes" else "") + (note.get(_w("id")) or "")
            found[key] = re.sub(r"\s+", " ", " ".join(texts)).strip()
    return found


def _unwrap(blocks: list[RawBlock], paragraphs: int) -> list[RawBlock]:
    """Text pasted or converted line by line (LibreOffice opening a .txt) has one Word paragraph per line and
    empty paragraphs between real ones: join such lines back into paragraphs, as the text reader does."""
    empty = paragraphs - len(blocks)
    adjacent = [
        (a, b)
        for a, b in zip(blocks, blocks[1:], strict=False)
        if b.where == a.where + 1 and not (a.heading or b.heading)
    ]
    wrapped = sum(not a.text.endswith(SENTENCE_END) and not starts_block(b.text, a.text + ".") for a, b in adjacent)
    if empty < 0.2 * paragraphs or wrapped < 3:
        return blocks
    joined: list[RawBlock] = []
    for block in blocks:
        last = joined[-1] if joined else None
        if (
            last is None
            or block.where != last.where + last.text.count("\n") + 1
            or block.heading
            or last.heading
            or block.cells
            or last.cells
            or NOTE_DEF.match(block.text)
            or starts_block(block.text, last.text.replace("\n", " ").split("\n")[-1])
            or block.generated
        ):
            joined.append(block)
            continue
        joined[-1] = replace(last, text=last.text + "\n" + block.text, bookmarks=last.bookmarks + block.bookmarks)
    return [replace(b, text=join_lines(b.text.split("\n"))) for b in joined]


def _blocks(reader: _Reader, body: Any) -> Iterator[RawBlock]:
    carried, carried_marks = "", tuple[str, ...]()
    made = 0
    for paragraph, in_table, before in reader.paragraphs(body):
        if paragraph.tag == _TR:
            where = reader.count + 1
            first = next(paragraph.iter(_P), None)
            cells, marks, header = reader.row(paragraph)
            if first is not None and reader.style_of(first)[1] in renumbering.WORD_APPARATUS_PARAGRAPHS:
                reader.apparatus.append(cells)  # a redline's own table (its cover, its renumbering)
                continue
            if any(cells):
                made += 1
                yield RawBlock(
                    " ".join(c for c in cells if c),
                    where,
                    bookmarks=before + tuple(marks),
                    in_table=True,
                    cells=cells,
                    header=header,
                )
            continue
        reader.count += 1
        text, marks = reader.text(paragraph)
        if reader.mark_changed(paragraph):  # its mark is gone: its text runs on into the next paragraph
            carried, carried_marks = carried + text, carried_marks + before + tuple(marks)
            continue  # and its automatic number, gone with it, is not counted
        style, level, title, label = reader.paragraph_info(paragraph)
        if style in negotiation.WORD_RECORD_PARAGRAPHS:  # a negotiating text's legend, notes, deleted elements
            carried, carried_marks = "", ()
            continue
        if style in renumbering.WORD_APPARATUS_PARAGRAPHS:  # a redline's cover and closing lists
            reader.apparatus.append((" ".join(text.split()),))
            carried, carried_marks = "", ()
            continue
        status = negotiation.status_of(reader.status_words)
        text = (carried + text).replace("\u00ad", "")
        cells = tuple(" ".join(c.split()) for c in text.split("\t"))
        text = re.sub(r"[ \t\r\n]+", " ", text).strip()
        names = carried_marks + before + tuple(marks)
        carried, carried_marks = "", ()
        if label and not text.startswith(label):
            text = f"{label} {text}".strip()
        if not text:
            continue
        made += 1
        if made > MAX_BLOCKS:
            raise Refused(
                diag(
                    "import.too-large",
                    reader.shown,
                    reader.count,
                    f"more than {MAX_BLOCKS:,} paragraphs",
                    "split the file, or import the part that holds the code",
                )
            )
        row = (
            sum(1 for c in cells if c) >= 2
            and not level
            and not label
            and LABEL.match(cells[0]) is None
            and HEADING.match(cells[0]) is None
        )
        yield RawBlock(
            text,
            reader.count,
            heading=level,
            title_style=title,
            bookmarks=names,
            generated=label,
            style=style,
            in_table=in_table,
            cells=cells if row else (),
            status=status,
        )
