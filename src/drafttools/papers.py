"""Papers: a Board or Regional Committee document (or the code on its own) written in MyST with YAML front matter.

A paper is read once: its front matter is validated into ``FrontMatter``; its body is parsed by myst-parser (the
same docutils pipeline as the code text, ``doctree.doctree``) and turned into frozen blocks: section headings,
paragraphs numbered by the tool (1, 2, ... across the whole paper), a summary box (``:::{summary}``, unnumbered)
and footnotes (``[^1]``), numbered in order of first reference.  ``{xref}`ID``` in a paper refers into the annexed
code.  The annex itself is never in the paper: the front matter names the version of the code to annex, and the
build loads that version's model.  This module owns paper markup; renderers read only the model below.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive, directives

from drafttools import doctree, ids, sources
from drafttools.diagnostics import Diagnostic, diag
from drafttools.model import Loc, Ref, Text

# Front-matter fields every paper may give, with what each holds (the data behind validation and docs).
FIELDS: dict[str, str] = {
    "document_type": "the folder of annex_templates/ that lays the paper out (executive-board, regional-committee, code)",
    "symbol": "the document symbol, e.g. EB124/13 or SEA/RC62/xx",
    "body": "the governing body, e.g. EXECUTIVE BOARD or Regional Committee for South-East Asia",
    "session": "the session, e.g. 124th session",
    "place_dates": "where and when the session meets, e.g. Kathmandu, Nepal, 7–10 September 2009",
    "agenda_item": "e.g. Provisional agenda item 4.7",
    "date": "the paper's date, YYYY-MM-DD (printed '4 December 2008')",
    "title": "the paper's title",
    "subtitle": "e.g. Report by the Secretariat",
    "language": "the language of the paper, a BCP 47 tag such as en or fr",
    "annex": "the version of the code to annex: code_text (the current text), or a version name",
}
REQUIRED = ("document_type", "annex")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_FRONT = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


# ------------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The paper's validated front matter; ``lines`` says where each field was written (for diagnostics)."""

    document_type: str
    annex: str
    language: str = "en"
    values: tuple[tuple[str, str], ...] = ()  # every other field given, as printed (dates as '4 December 2008')
    lines: tuple[tuple[str, int], ...] = ()
    date: datetime.date | None = None

    def fields(self) -> dict[str, str]:
        """The fields a template may use; a field the paper does not give is absent (strict templates fail)."""
        printed = dict(self.values)
        printed.update(document_type=self.document_type, annex=self.annex, language=self.language)
        if self.date is not None:
            printed["date_iso"] = self.date.isoformat()
        return printed

    def line(self, name: str) -> int:
        return dict(self.lines).get(name, 1)


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A footnote marker; ``number`` is its printed number (order of first reference)."""

    number: int
    label: str


@dataclass(frozen=True, slots=True)
class Styled:
    """Emphasised or strong text."""

    text: str
    strong: bool = False


PaperInline = Union[Text, Ref, NoteRef, Styled]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    loc: Loc
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of the paper: numbered ('12') unless it stands in a box.

    ``anchor`` names it in HTML ids and DOCX bookmarks: the stable ID its author gave with a MyST target
    ``(id)=`` on the line before it, else ``para-12`` (``summary-2`` in the box)."""

    inlines: tuple[PaperInline, ...]
    loc: Loc
    number: str = ""
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Box:
    """The summary box at the head of a paper (unnumbered paragraphs)."""

    paragraphs: tuple[Para, ...]
    loc: Loc


Block = Union[Heading, Para, Box]


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    label: str
    inlines: tuple[PaperInline, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Paper:
    path: str
    front: FrontMatter
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def paragraphs(self) -> list[Para]:
        found: list[Para] = []
        for block in self.blocks:
            found += block.paragraphs if isinstance(block, Box) else [block] if isinstance(block, Para) else []
        return found

    def refs(self) -> list[Ref]:
        inlines = [i for p in self.paragraphs() for i in p.inlines] + [i for n in self.footnotes for i in n.inlines]
        return [i for i in inlines if isinstance(i, Ref)]


@dataclass(frozen=True, slots=True)
class LoadedPaper:
    paper: Paper | None
    diagnostics: tuple[Diagnostic, ...]


# --------------------------------------------------------------------------------------------- front matter


class _FrontLoader(yaml.SafeLoader):
    """``yaml.safe_load``, except that a date stays the text written: the field check then reports a date no
    calendar has (2008-02-30) at its line, where YAML's own constructor would raise ValueError."""


_FrontLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def _front_matter(source: sources.SourceFile, problems: list[Diagnostic]) -> FrontMatter | None:
    match = _FRONT.match(source.text)
    if match is None:
        problems.append(diag("paper.front-matter", source.path, 1, "the paper has no front matter", "start the file with '---', the fields (document_type: ..., annex: ...), and '---'"))
        return None
    node: yaml.Node | None = None
    try:
        loader = _FrontLoader(match["yaml"] or "")  # one parse: compose the node, then construct from it
        try:
            node = loader.get_single_node()
            data = (loader.construct_document(node) if node is not None else None) or {}
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a value its tag cannot hold (!!int x)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else _failing_line(node)
        problems.append(diag("paper.front-matter", source.path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(diag("paper.front-matter", source.path, 2, "front matter must be 'field: value' lines"))
        return None
    lines = tuple((str(k.value), k.start_mark.line + 2) for k, _ in node.value)
    return _validate(data, dict(lines), source.path, problems)


def _failing_line(node: yaml.Node | None) -> int:
    """The line of the first value YAML cannot construct (the front matter's first line when none is found)."""
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        try:
            _FrontLoader("").construct_document(value)
        except (yaml.YAMLError, ValueError):
            return int(key.start_mark.line) + 2
    return 2


def _validate(data: dict[Any, Any], lines: dict[str, int], path: str, problems: list[Diagnostic]) -> FrontMatter | None:
    before = len(problems)

    def bad(name: str, message: str, fix: str | None = None) -> None:
        problems.append(diag("paper.front-matter", path, lines.get(name, 1), message, fix))

    for name in REQUIRED:
        if name not in data:
            bad(name, f"front matter lacks '{name}' ({FIELDS[name]})", f"add '{name}: ...' to the front matter")
    values: dict[str, str] = {}
    when: datetime.date | None = None
    for key, value in data.items():
        name = str(key)
        if name == "date":
            when = _date(value)
            if when is None:
                bad(name, f"date {value!r} is not a date YYYY-MM-DD", "write the date as 2008-12-04")
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            bad(name, f"front-matter field '{name}' must be a non-empty text, not {type(value).__name__} {value!r}")
            continue
        values[name] = str(value).strip()
    language = values.pop("language", "en")
    if not _LANGUAGE.match(language):
        bad("language", f"language {language!r} is not a language tag such as 'en' or 'fr'")
    if len(problems) > before:
        return None
    if when is not None:
        values["date"] = print_date(when)
    return FrontMatter(values.pop("document_type"), values.pop("annex"), language, tuple(values.items()),
                       tuple(lines.items()), when)


def print_date(value: datetime.date | str) -> str:
    """'4 December 2008', as WHO papers print dates; text that is not an ISO date is returned as it is."""
    when = _date(value)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}" if when is not None else str(value)


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------------------------------------- the body


class summary(nodes.container):
    """The ``{summary}`` box."""


class SummaryDirective(Directive):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = summary()
        node.line = self.lineno
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def register() -> None:
    doctree.register()
    directives.register_directive("summary", SummaryDirective)


@dataclass
class _Builder:
    path: str
    problems: list[Diagnostic]
    count: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # footnote label -> printed number
    note_lines: dict[str, int] = field(default_factory=dict)  # footnote label -> line of its first reference
    defined: dict[str, nodes.footnote] = field(default_factory=dict)
    target: nodes.target | None = None  # a MyST target '(id)=' waiting for its paragraph
    anchors: dict[str, int] = field(default_factory=dict)  # paragraph IDs given, with their lines

    def error(self, line: int | None, message: str, fix: str | None = None, code: str = "paper.structure") -> None:
        self.problems.append(diag(code, self.path, line or 1, message, fix))

    def orphan(self) -> None:
        """A MyST target that no paragraph follows labels nothing."""
        if self.target is not None:
            name = (self.target.get("names") or [""])[0]
            self.error(self.target.line, f"MyST target '({name})=' labels no paragraph", "put it on the line just before a paragraph", "id.orphan")
            self.target = None

    def blocks(self, container: nodes.Element, level: int = 0) -> list[Block]:
        found: list[Block] = []
        for child in container.children:
            if not isinstance(child, (nodes.paragraph, nodes.target)):
                self.orphan()
            if isinstance(child, nodes.section):
                title = child.next_node(nodes.title)
                found.append(Heading(title.astext() if title else "", Loc(self.path, child.line or 1), level + 1))
                found += self.blocks(child, level + 1)
            elif isinstance(child, nodes.paragraph):
                self.count += 1
                anchor = self.take_target(child) or f"para-{self.count}"
                found.append(Para(self.inlines(child), Loc(self.path, child.line or 1), str(self.count), anchor))
            elif isinstance(child, nodes.target):
                self.target = child
            elif isinstance(child, summary):
                found.append(self.box(child))
            elif isinstance(child, nodes.footnote):
                self.defined.setdefault(child["names"][0] if child["names"] else "", child)
            elif not isinstance(child, (nodes.title, nodes.field_list, nodes.docinfo, nodes.system_message,
                                        nodes.comment)):
                self.stray(child)
        return found

    def stray(self, node: nodes.Node) -> None:
        line = node.line if isinstance(node, nodes.Element) else None
        what = type(node).__name__.replace("_", " ")
        text = node.astext().strip().replace("\n", " ")[:60]
        self.error(line, f"a paper cannot hold a {what}: {text!r}", "write it as paragraphs under a '# heading'")

    def take_target(self, paragraph: nodes.paragraph) -> str | None:
        """The ID of a MyST target ``(id)=`` standing just before ``paragraph``, checked against the others."""
        target, self.target = self.target, None
        if target is None or target is not paragraph.previous_sibling():
            return None
        name = str((target.get("names") or target.get("ids") or [""])[0])
        if (why := ids.problem(name)) is not None:
            self.error(target.line or paragraph.line, f"paragraph ID '{name}' is malformed: {why}", code="id.malformed")
        elif name in self.anchors:
            self.error(target.line or paragraph.line, f"duplicate paragraph ID '{name}'; first defined at {self.path}:{self.anchors[name]}", code="id.duplicate")
        self.anchors.setdefault(name, target.line or paragraph.line or 1)
        return name

    def box(self, node: summary) -> Box:
        paragraphs: list[Para] = []
        for child in node.children:
            if isinstance(child, nodes.paragraph):
                anchor = self.take_target(child) or f"summary-{len(paragraphs) + 1}"
                paragraphs.append(Para(self.inlines(child), Loc(self.path, child.line or node.line or 1), "", anchor))
            elif isinstance(child, nodes.target):
                self.target = child
            else:
                self.stray(child)
        self.orphan()
        return Box(tuple(paragraphs), Loc(self.path, node.line or 1))

    def inlines(self, paragraph: nodes.paragraph) -> tuple[PaperInline, ...]:
        pieces: list[PaperInline] = []
        line = paragraph.line or 1
        for child in paragraph.children:
            if isinstance(child, doctree.xref):
                pieces.append(Ref(child["target"], Loc(self.path, line), child["written"]))
            elif isinstance(child, nodes.footnote_reference):
                label = child.get("refname") or child.astext()
                number = self.notes.setdefault(label, len(self.notes) + 1)
                self.note_lines.setdefault(label, line)
                pieces.append(NoteRef(number, label))
            elif isinstance(child, (nodes.emphasis, nodes.strong)):
                pieces.append(Styled(child.astext(), isinstance(child, nodes.strong)))
            elif isinstance(child, (nodes.Text, nodes.literal, nodes.inline)):
                pieces.append(Text(child.astext()))
            elif not isinstance(child, nodes.system_message):
                self.stray(child)
            line += child.astext().count("\n")
        return tuple(_merge(pieces))

    def footnotes(self, document: nodes.document) -> tuple[Footnote, ...]:
        for node in document.findall(nodes.footnote):
            self.defined.setdefault(node["names"][0] if node["names"] else "", node)
        notes: list[Footnote] = []
        for label, node in self.defined.items():
            if label not in self.notes:
                self.error(node.line, f"footnote [^{label}] is defined but never referenced", "reference it with [^label] or delete it", "paper.footnote")
                continue
            body = [c for c in node.children if isinstance(c, nodes.paragraph)]
            inlines = tuple(i for p in body for i in self.inlines(p))
            notes.append(Footnote(self.notes[label], label, inlines, Loc(self.path, node.line or 1)))
        for label, number in self.notes.items():
            if label not in self.defined:
                self.error(self.note_lines.get(label, 1), f"footnote [^{label}] is referenced but never defined", f"add '[^{label}]: ...' at the end of the paper", "paper.footnote")
        return tuple(sorted(notes, key=lambda n: n.number))


def _merge(pieces: list[PaperInline]) -> list[PaperInline]:
    """Adjacent texts joined, and the source's line breaks read as the spaces they are."""
    merged: list[PaperInline] = []
    for piece in pieces:
        if isinstance(piece, Text):
            piece = Text(piece.text.replace("\n", " "))
        elif isinstance(piece, Styled):
            piece = Styled(piece.text.replace("\n", " "), piece.strong)
        if isinstance(piece, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def parse_paper(source: sources.SourceFile, problems: list[Diagnostic]) -> Paper | None:
    """Front matter and body of one paper; None when the front matter cannot be used."""
    register()
    front = _front_matter(source, problems)
    match = _FRONT.match(source.text)
    if match is not None:  # myst would read the front matter again; blank it, keeping the body's line numbers
        source = replace(source, text="\n" * match.group(0).count("\n") + source.text[match.end():])
    document = doctree.doctree(source, problems)
    builder = _Builder(source.path, problems)
    blocks = builder.blocks(document)
    builder.orphan()
    footnotes = builder.footnotes(document)
    if front is None:
        return None
    return Paper(source.path, front, tuple(blocks), footnotes)


def load_paper(path: Path) -> LoadedPaper:
    """Read and parse one paper file; every problem becomes a diagnostic."""
    problems: list[Diagnostic] = []
    if not path.is_file():
        problems.append(diag("paper.missing", sources.display(path), 0, f"{sources.display(path)}: no such paper"))
        return LoadedPaper(None, tuple(problems))
    source = sources.read_source(path, problems)
    if source is None:
        return LoadedPaper(None, tuple(problems))
    paper = parse_paper(source, problems)
    return LoadedPaper(paper, tuple(problems))
