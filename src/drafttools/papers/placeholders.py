"""Placeholders: text a drafter left to be filled in ("SEA/RC62/xx", "TBD", "[date]", "[to be supplied]"), found
in a paper's front matter and text and in a document type's template text, so that no paper goes out with one.

The rule, kept as data below and documented in docs/building.md, is narrow on purpose, so that real text never
fires it (a legal "(xx)", "Article XX", a quotation's "[…]", the unagreed "[at a frequency to be decided by that
body]"):

- a word made of two or more x's ("xx", "XX", "xxx"), or a year such as "20xx"; not a roman numeral: "(xx)" in
  parentheses, or upper-case "XX"/"XXX" after a word that numbers with roman numerals ("Article XX", "Part XXX");
- "TBD", "TBC", "TBA", "TODO", "FIXME", "??", "Lorem ipsum";
- square brackets holding only a placeholder: an ellipsis ("[…]", "[...]") unless it stands inside quotation marks
  (there it marks an omission), a name for a value ("[date]", "[number]", "[symbol]", "[name]", ...), an
  instruction to the drafter ("[insert ...]", "[add ...]"), or a completion still owed ("[to be completed]",
  "[text to be supplied: ...]"); a completion still owed may also stand in parentheses;
- in a value that stands alone (a front-matter field, a template's text, a whole paragraph or footnote): a bare
  ellipsis, or a completion still owed ("to be confirmed").

``find`` is the rule; ``in_template`` applies it to a document type's files (``papers.load`` and
``papers.body`` apply it to a paper's front matter and text).  Standard library only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag
from drafttools.papers.templates import SPEC, DocType
from drafttools.source.files import display

# Words after which an upper-case "XX" or "XXX" is a roman numeral, not a placeholder ("Article XX" of the GATT).
ROMAN_AFTER = (
    "annex",
    "appendix",
    "article",
    "book",
    "chapter",
    "part",
    "principle",
    "protocol",
    "rule",
    "schedule",
    "section",
    "title",
    "volume",
)
# Names of a value that a bracket may stand for: "[date]", "[agenda item]".
VALUE_NAMES = (
    "agenda item",
    "city",
    "country",
    "date",
    "day",
    "month",
    "name",
    "names",
    "no.",
    "number",
    "place",
    "placeholder",
    "session",
    "symbol",
    "text",
    "title",
    "venue",
    "year",
)
# A completion still owed: "to be completed", "text to be supplied".
_OWED = (
    r"(?:(?:the\s+)?(?:text|note|wording|date|number|symbol|title|details?|reference|name)\s+)?"
    r"to\s+be\s+(?:completed|confirmed|determined|inserted|supplied|added|provided|drafted|finali[sz]ed)"
)
_ELLIPSIS = r"(?:…|\.\.\.|\.\s\.\s\.)"
_INSTRUCTION = r"(?:insert|add|fill\s+in|enter)\b"

_XS = re.compile(r"(?<![\w])(?:(?:1[89]|20)[xX]{2}|[xX]{2,})(?![\w])")
_WORDS = re.compile(r"\b(?:TBD|TBC|TBA|TODO|FIXME)\b|\?{2,}|\blorem\s+ipsum\b", re.IGNORECASE)
_BRACKET = re.compile(r"\[(?P<inside>[^\[\]\n]{0,200})\]")
_PAREN_OWED = re.compile(rf"\(\s*{_OWED}\s*(?:[.:;,][^()]*)?\)", re.IGNORECASE)
_BRACKET_PLACEHOLDER = re.compile(
    rf"^\s*(?:{_ELLIPSIS}|(?:{'|'.join(re.escape(n) for n in VALUE_NAMES)})|{_INSTRUCTION}.*|{_OWED}(?:\s*[.:;,].*)?)"
    r"\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ALONE = re.compile(rf"^\s*(?:{_ELLIPSIS}|{_OWED})\s*[.]?\s*$", re.IGNORECASE)
_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Found:
    """A placeholder: where it starts in the text searched, and the text that is one."""

    offset: int
    text: str


def find(text: str, alone: bool = False) -> list[Found]:
    """Every placeholder in ``text``, in order.  ``alone``: the text is a whole value (a front-matter field, a
    template's text, a paragraph), where a bare ellipsis or "to be confirmed" standing alone is one too."""
    found = [Found(m.start(), m.group()) for m in _XS.finditer(text) if not _roman(text, m)]
    found += [Found(m.start(), m.group()) for m in _WORDS.finditer(text)]
    quotes = _Quotes(text)
    for m in _BRACKET.finditer(text):
        if _BRACKET_PLACEHOLDER.match(m["inside"]) and not quotes.omission(m):
            found.append(Found(m.start(), m.group()))
    found += [Found(m.start(), m.group()) for m in _PAREN_OWED.finditer(text)]
    if alone and _ALONE.match(text):
        found.append(Found(len(text) - len(text.lstrip()), text.strip()))
    return _distinct(found)


def _roman(text: str, match: re.Match[str]) -> bool:
    """An x-run that is a roman numeral: '(xx)', or 'XX'/'XXX' after a word such as Article."""
    word = match.group()
    if len(word) > 3 or not word.isalpha():
        return False
    if text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")":
        return True
    before = re.search(r"(\w+)\s+$", text[max(0, match.start() - 40) : match.start()])
    return word.isupper() and before is not None and before.group(1).lower() in ROMAN_AFTER


class _Quotes:
    """Where quotations stand in a text, counted once (a text of many brackets costs linear time)."""

    def __init__(self, text: str) -> None:
        self.at: list[int] = []
        self.depth: list[tuple[int, int]] = [(0, 0)]  # after each mark: opened minus closed “”, and " seen
        for m in re.finditer(r"[“”\"]", text):
            curly, straight = self.depth[-1]
            self.at.append(m.start())
            self.depth.append((curly + {"“": 1, "”": -1}.get(m.group(), 0), straight + (m.group() == '"')))

    def omission(self, match: re.Match[str]) -> bool:
        """An ellipsis in brackets inside a quotation marks an omission from the quoted text, not a placeholder."""
        if not re.fullmatch(rf"\s*{_ELLIPSIS}\s*", match["inside"]):
            return False
        curly, straight = self.depth[bisect.bisect_left(self.at, match.start())]
        return curly > 0 or straight % 2 == 1


def _distinct(found: list[Found]) -> list[Found]:
    """In order of place; a placeholder found inside another (the 'xx' of '[xx]') is said once."""
    kept: list[Found] = []
    reach = -1  # the end of the furthest-reaching placeholder kept, all of which start at or before this one
    for f in sorted(found, key=lambda f: (f.offset, -len(f.text))):
        if f.offset + len(f.text) > reach:
            kept.append(f)
            reach = f.offset + len(f.text)
    return kept


def located(text: str, first_line: int, alone: bool = False) -> list[tuple[int, Found]]:
    """Every placeholder in ``text`` with the line it stands on, ``text`` starting at ``first_line``."""
    lines: list[tuple[int, Found]] = []
    line, at = first_line, 0
    for f in find(text, alone):
        line += text.count("\n", at, f.offset)
        at = f.offset
        lines.append((line, f))
    return lines


def template_text(text: str) -> str:
    """A template's text with its Jinja code ({{ paper.symbol }}, {% if %}, {# #}) blanked out, lines kept."""
    return _TEMPLATE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def shown(found: Found, limit: int = 60) -> str:
    """The placeholder as a message quotes it."""
    text = " ".join(found.text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------ templates

_TOML_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')
_REFERENCED = re.compile(r"\{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")


def in_template(doctype: DocType) -> list[Diagnostic]:
    """Placeholders in the text a document type prints on every paper: template.toml's strings, and the text
    (not the markup, styles or Jinja code) of paper.html.j2 and of the templates it extends, includes or imports
    by name inside annex_templates/.  The reference .docx is made from template.toml and is not read here."""
    found: list[Diagnostic] = []
    spec = doctype.folder / SPEC
    if spec.is_file():
        found += _in_lines(spec, _toml_strings(spec.read_text(encoding="utf-8")))
    for page, text in _pages(doctype.html, doctype.folder.parent):
        found += _in_lines(page, _html_text(template_text(text)))
    return found


def _in_lines(path: Path, texts: list[tuple[int, str]]) -> list[Diagnostic]:
    return [
        diag(
            "template.placeholder",
            display(path),
            line,
            f"the template's own text still holds a placeholder: {shown(f)!r}; every paper of this type would print it",
            "write the real text in the template (or a {{ paper.FIELD }} the paper fills)",
        )
        for first, text in texts
        for line, f in located(template_text(text), first, alone=True)
    ]


def _toml_strings(text: str) -> list[tuple[int, str]]:
    """The quoted strings of a TOML file with their lines; comments are not read."""
    strings: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        at = 0
        for m in _TOML_STRING.finditer(line):
            if "#" in line[at : m.start()]:
                break
            strings.append((number, m.group(1) if m.group(1) is not None else m.group(2)))
            at = m.end()
    return strings


def _pages(first: Path, root: Path) -> list[tuple[Path, str]]:
    """``first`` and the templates it names by a literal path, each once with its text: only readable files
    inside ``root`` (one that is not is the renderer's to report, as template.missing or template.syntax)."""
    seen: dict[Path, tuple[Path, str]] = {}
    todo = [first]
    inside = root.resolve()
    while todo:
        page = todo.pop()
        real = page.resolve()
        if real in seen or not real.is_file() or not real.is_relative_to(inside):
            continue
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        seen[real] = (page, text)
        todo += [root / name for name in _REFERENCED.findall(text)]
    return list(seen.values())


class _Text(HTMLParser):
    """The text an HTML page shows, with the line each piece starts on; styles, scripts and comments left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[int, str]] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append((self.getpos()[0], data))


def _html_text(text: str) -> list[tuple[int, str]]:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return parser.texts
