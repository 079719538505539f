"""Reading a draft typed as plain text (.txt) or Markdown (.md) into blocks.

Blocks are separated by blank lines, or begin on a line that starts a heading ("Article 8", "PART II",
"CHAPTER 1", "Section 2", "ANNEX I") or follows one, or on a line that starts a numbered paragraph ("8.3", "1.")
or a point ("(a)", "(i)", "(1)", "a)", a dash) unless the line before ends with a reference word such as
"paragraph" or "and", so a wrapped "paragraph" / "8.3 above" stays one block.  A text with no blank lines
between its paragraphs (one paragraph per line, as LibreOffice saves text) is read a line per block.  Lines of
one block are joined with a space, except a word broken with a hyphen at the end of a line ("data-" /
"gathering" → "data-gathering").  A line of TAB-separated cells is a table row.  A rule drawn in text ("-----",
"----- -----", "+----+", "====") is never text; a table framed by two full rules before any text (the first-page
block of a paper as pandoc writes it as plain text) is read as table rows, cells two spaces apart, which the
structure step leaves to the paper and never takes for the title.  Footnotes are written as in
Markdown: a marker "[^1]" in the text and the note "[^1]: its text" on a line of its own.  Lone page numbers
are dropped; footnote markers glued to a word ("acknowledged.1") are dropped with a warning.  For Markdown,
headings, emphasis, escapes, links and quote or bullet markers are read as the text they show.  Standard
library only.
"""

from __future__ import annotations

import re
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag
from drafttools.importer.blocks import MAX_BLOCKS, MAX_FILE_BYTES, NOTE_CLOSE, NOTE_OPEN, RawBlock, Read, Refused

PAGE_NUMBER = re.compile(r"^\s*(?:-\s*\d{1,4}\s*-|\d{1,4}|page\s+\d+(?:\s+of\s+\d+)?)\s*$", re.IGNORECASE)
FOOTNOTE_MARKER = re.compile(r"(?<=[a-z][.,;:)])(\d{1,2})(?=\s|$)")
MAX_QUOTE_DEPTH = 8
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
# A rule of a table (or a section) drawn in text: dashes or equals signs, with '+', '|', ':' and spaces.
_RULE = re.compile(r"^[-=+:| ]*[-=]{3,}[-=+:| ]*$")
_FRAME = re.compile(r"^-{3,}$")  # one full rule: the top or the bottom of a table pandoc writes as plain text
_CELL_GAP = re.compile(r"\s{2,}")
_MD_BULLET = re.compile(r"^[-*+]\s+")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A line ending with one of these runs on: "paragraph" / "8.3 above", "paragraphs 7.2 and" / "7.3".
_CONTINUES = frozenset(
    {
        "article",
        "articles",
        "paragraph",
        "paragraphs",
        "subparagraph",
        "subparagraphs",
        "point",
        "points",
        "annex",
        "part",
        "chapter",
        "title",
        "section",
        ",",
        "and",
        "or",
        "to",
        "of",
        "in",
        "under",
        "see",
    }
)
# What starts a block whatever the profile: a heading word and its number, a paragraph or point label.
HEADING = re.compile(
    r"^(?:Article|ARTICLE|Art\.|PART|Part|TITLE|Title|CHAPTER|Chapter|SECTION|Section|SUB-SECTION|"
    r"Sub-section|ANNEX|Annex|APPENDIX|Appendix)(?:\s+(?:\d{1,4}[a-z]{0,2}|[IVXLCDM]{1,8}|[A-Z]|ONE|TWO|"
    r"THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten)"
    r"(?![\w.]\d)(?:\s*[-\u2010-\u2015\u2212:.]?\s*(?P<title>[A-Z\u2018\u201c\"'].*))?|\s*)$"
)
LABEL = re.compile(
    r"^(?:\d{1,4}\.\d{1,3}(?:\.\d{1,3})*\.?|\d{1,3}[a-z]?\.|\((?:[a-z]{1,4}|[A-Z]{1,3}|\d{1,3}[a-z]?)\)|"
    r"[a-z]{1,2}\)|[\u2014\u2013\u2022\u25aa\u25cf-])(?:\s|$)"
)
NOTE_REF = re.compile(r"\[\^([\w.-]{1,20})\]")
NOTE_DEF = re.compile(r"^\[\^([\w.-]{1,20})\]:\s*(.*)$")
SENTENCE_END = (".", ";", ":", "!", "?", "\u201d", '"', ")")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decode(path: Path, shown: str) -> str:
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise Refused(
            diag(
                "import.too-large",
                shown,
                0,
                f"{len(data):,} bytes; the importer reads at most {MAX_FILE_BYTES:,}",
                "split the file, or import the part that holds the code",
            )
        )
    if data.startswith((_OLE, b"PK\x03\x04")):
        raise Refused(
            diag(
                "import.format",
                shown,
                0,
                "this is a Word or other binary file, not text",
                "give it its real extension (.docx), or save it as plain text",
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise Refused(
            diag(
                "import.format",
                shown,
                data[: data.index(b"\x00")].count(b"\n") + 1,
                "this file holds NUL bytes: it is binary, not text",
                "save it as plain text (UTF-8)",
            )
        )
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Refused(
            diag(
                "import.unreadable",
                shown,
                line,
                f"not valid UTF-8: byte 0x{data[exc.start]:02x} on line {line}",
                "save the file as UTF-8",
            )
        ) from None


def read_text(path: Path, shown: str, markdown: bool = False) -> Read:
    lines = decode(path, shown).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems: list[Diagnostic] = []
    blocks: list[RawBlock] = []
    notes: dict[str, str] = {}
    current: list[str] = []
    start, heading = 0, 0
    per_line = _one_paragraph_per_line(lines)
    note_open: str | None = None
    framed = _framed_top(lines) if not markdown else range(0)

    def flush() -> None:
        nonlocal current, heading
        if current:
            blocks.append(RawBlock(join_lines(current), start, heading=heading))
            if len(blocks) > MAX_BLOCKS:
                raise Refused(
                    diag(
                        "import.too-large",
                        shown,
                        start,
                        f"more than {MAX_BLOCKS:,} paragraphs",
                        "split the file, or import the part that holds the code",
                    )
                )
        current, heading = [], 0

    for number, raw in enumerate(_skip_front_matter(lines) if markdown else lines, start=1):
        if number in framed and raw.strip() and not _RULE.match(raw.strip()):
            cells = tuple(_CELL_GAP.split(raw.strip()))
            blocks.append(RawBlock(" ".join(cells), number, in_table=True, cells=cells))
            continue
        if "\t" in raw.strip() and not markdown:
            cells = tuple(" ".join(c.split()) for c in raw.strip().split("\t"))
            if sum(1 for c in cells if c) >= 2 and LABEL.match(cells[0]) is None and HEADING.match(cells[0]) is None:
                flush()
                note_open = None
                cells = tuple(notes_marked(c) for c in cells)
                blocks.append(RawBlock(" ".join(c for c in cells if c), number, cells=cells))
                continue
        if (definition := NOTE_DEF.match(raw.strip())) is not None:
            flush()
            note_open = definition.group(1)
            notes[note_open] = notes_marked(definition.group(2).strip())
            continue
        line, level = _markdown_line(raw, shown, number) if markdown else (raw.strip(), 0)
        if note_open is not None and line and raw[:1].isspace():
            notes[note_open] = join_lines([notes[note_open], notes_marked(line)])  # an indented run-on of a note
            continue
        note_open = None
        if markdown and _MD_SETEXT.match(raw.strip()) and current:
            heading = 1 if raw.strip()[0] == "=" else 2
            flush()
            continue
        if not line or PAGE_NUMBER.match(line) or _RULE.match(line):
            flush()
            continue
        line = notes_marked(_drop_footnote_markers(line, shown, number, problems))
        if current and (level or per_line or starts_block(line, current[-1])):
            flush()
        if not current:
            start, heading = number, level
        current.append(line)
        if level:
            flush()
    flush()
    return Read(tuple(blocks), "line", tuple(problems), notes)


def _framed_top(lines: list[str]) -> range:
    """The line numbers (from 1) of a table framed by two full rules ("-----") before any other text, as pandoc
    writes a paper's first-page block; an empty range when the text does not start so."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _FRAME.match(lines[first].strip()):
        return range(0)
    end = next((i for i in range(first + 1, len(lines)) if _FRAME.match(lines[i].strip())), None)
    return range(first + 1, end + 2) if end is not None else range(0)


def notes_marked(text: str) -> str:
    """Footnote markers "[^1]" as the marker the structure step reads."""
    return NOTE_REF.sub(lambda m: f"{NOTE_OPEN}{m.group(1)}{NOTE_CLOSE}", text)


def _one_paragraph_per_line(lines: list[str]) -> bool:
    """Whether the text holds one paragraph per line with no blank line between (as LibreOffice saves text):
    blank lines are rare, and hardly a line runs on into the next (ends mid-sentence before a lower-case word,
    a hyphen or a reference word such as "paragraph")."""
    filled = [line.strip() for line in lines if line.strip()]
    if len(filled) < 4 or sum(1 for line in lines if not line.strip()) > 0.2 * len(filled):
        return False
    runs_on = 0
    for a, b in zip(filled, filled[1:], strict=False):
        if a.endswith(SENTENCE_END) or "\t" in a or "\t" in b or starts_block(b, a):
            continue
        last = a.rsplit(None, 1)[-1].lower()
        if b[:1].islower() or a.endswith("-") or last in _CONTINUES:
            runs_on += 1
    return runs_on <= 0.02 * len(filled)


def starts_block(line: str, previous: str) -> bool:
    """A heading starts a block and (with its title) ends one; so does a numbered paragraph or point, unless
    the line before ends with a reference keyword or list word ("paragraph" / "8.3 above" wrapped)."""
    if HEADING.match(line) is not None:
        return True
    heading = HEADING.match(previous)
    if heading is not None:
        return True
    if LABEL.match(line) is None:
        return False
    ends_sentence = previous.endswith((".", ";", ":")) or re.search(r";\s+(?:and|or)$", previous) is not None
    last = previous.rsplit(None, 1)[-1].lower() if previous.strip() else ""
    return ends_sentence or last not in _CONTINUES


def join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if re.search(r"[A-Za-z]-$", text) and line[:1].islower():
            text += line  # a word broken at the end of a line keeps its hyphen: "data-" + "gathering"
        else:
            text += " " + line
    return re.sub(r"[ \t]+", " ", text).strip()


def _drop_footnote_markers(line: str, shown: str, number: int, problems: list[Diagnostic]) -> str:
    for match in FOOTNOTE_MARKER.finditer(line):
        before = line[max(0, match.start() - 20) : match.start()]
        problems.append(
            diag(
                "import.footnote",
                shown,
                number,
                f"footnote marker {match.group(1)} after '...{before}' dropped: a footnote in text is written "
                f"[^{match.group(1)}], with its note on a line '[^{match.group(1)}]: ...'",
            )
        )
    return FOOTNOTE_MARKER.sub("", line)


def _skip_front_matter(lines: list[str]) -> list[str]:
    """YAML front matter (--- ... ---) becomes blank lines, so line numbers stay true."""
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
        return [""] * (end + 1) + lines[end + 1 :]
    return lines


def _markdown_line(raw: str, shown: str, number: int) -> tuple[str, int]:
    """A Markdown line as the text it shows, and its heading level (0 for body text)."""
    line = raw.strip()
    depth = 0
    while line.startswith(">"):
        line, depth = line[1:].lstrip(), depth + 1
    if depth > MAX_QUOTE_DEPTH:
        raise Refused(
            diag(
                "import.too-deep",
                shown,
                number,
                f"quotes nested {depth} deep (at most {MAX_QUOTE_DEPTH})",
                "remove the '>' quote markers",
            )
        )
    if _MD_SETEXT.match(line) or line.startswith(("```", "~~~", "<!--")):
        return "", 0
    level = 0
    if (heading := _MD_HEADING.match(line)) is not None:
        level, line = len(heading.group(1)), heading.group(2)
    line = _MD_BULLET.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4), line)
    line = _MD_ESCAPE.sub(r"\1", line)
    return line.rstrip("\\").strip(), level
