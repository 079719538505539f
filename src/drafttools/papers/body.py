"""A paper's body through docutils: the walk that turns myst-parser's doctree (``doctree.doctree``, the code
text's own pipeline, whose registry also holds the ``{summary}`` directive) into the blocks of ``paper_model``:
section headings, paragraphs numbered 1, 2, ... across the paper with their MyST-target IDs, the summary box,
footnotes numbered in order of first reference.  ``papers`` imports this module only when a paper must be parsed
(not when its parse comes from the cache), so a build that parses nothing does not load docutils or myst-parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes

from drafttools.diagnostics import Diagnostic, a_or_an, diag
from drafttools.model import ids
from drafttools.model.tree import Loc, Ref, Text
from drafttools.papers import placeholders
from drafttools.papers.model import Box, Footnote, Heading, Insert, NoteRef, PaperBlock, PaperInline, Para, Styled
from drafttools.source import doctree
from drafttools.source import files as sources


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
    lines: list[str] = field(default_factory=list)  # the source's lines, to tell an escaped role from a broken one

    def error(self, line: int | None, message: str, fix: str | None = None, code: str = "paper.structure") -> None:
        self.problems.append(diag(code, self.path, line or 1, message, fix))

    def orphan(self) -> None:
        """A MyST target that no paragraph follows labels nothing."""
        if self.target is not None:
            name = (self.target.get("names") or [""])[0]
            self.error(
                self.target.line,
                f"MyST target '({name})=' labels no paragraph",
                "put it on the line just before a paragraph",
                "id.orphan",
            )
            self.target = None

    def blocks(self, container: nodes.Element, level: int = 0) -> list[PaperBlock]:
        found: list[PaperBlock] = []
        for child in container.children:
            if not isinstance(child, (nodes.paragraph, nodes.target)):
                self.orphan()
            if isinstance(child, nodes.section):
                title = child.next_node(nodes.title)
                if title is not None:
                    self.placeholders(title, title.line or child.line)
                found.append(Heading(title.astext() if title else "", Loc(self.path, child.line or 1), level + 1))
                found += self.blocks(child, level + 1)
            elif isinstance(child, nodes.paragraph):
                self.count += 1
                anchor = self.take_target(child) or f"para-{self.count}"
                found.append(Para(self.inlines(child), Loc(self.path, child.line or 1), str(self.count), anchor))
            elif isinstance(child, nodes.target):
                self.target = child
            elif isinstance(child, doctree.summary):
                found.append(self.box(child))
            elif isinstance(child, doctree.resolution):
                found.append(Insert(str(child["name"]), Loc(self.path, child.line or 1)))
            elif isinstance(child, nodes.footnote):
                self.defined.setdefault(child["names"][0] if child["names"] else "", child)
            elif not isinstance(
                child, (nodes.title, nodes.field_list, nodes.docinfo, nodes.system_message, nodes.comment)
            ):
                self.stray(child)
        return found

    def stray(self, node: nodes.Node) -> None:
        line = node.line if isinstance(node, nodes.Element) else None
        what = type(node).__name__.replace("_", " ")
        text = node.astext().strip().replace("\n", " ")[:60]
        self.error(line, f"a paper cannot hold {a_or_an(what)}: {text!r}", "write it as paragraphs under a '# heading'")

    def take_target(self, paragraph: nodes.paragraph) -> str | None:
        """The ID of a MyST target ``(id)=`` standing just before ``paragraph``, checked against the others."""
        target, self.target = self.target, None
        if target is None or target is not paragraph.previous_sibling():
            return None
        name = str((target.get("names") or target.get("ids") or [""])[0])
        if (why := ids.problem(name)) is not None:
            self.error(target.line or paragraph.line, f"paragraph ID '{name}' is malformed: {why}", code="id.malformed")
        elif name in self.anchors:
            self.error(
                target.line or paragraph.line,
                f"duplicate paragraph ID '{name}'; first defined at {self.path}:{self.anchors[name]}",
                code="id.duplicate",
            )
        self.anchors.setdefault(name, target.line or paragraph.line or 1)
        return name

    def box(self, node: doctree.summary) -> Box:
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

    def placeholders(self, node: nodes.Element, line: int | None) -> None:
        """Text still to be filled in ('xx', '[date]', '[to be supplied]'), each at its own line; a reference's or
        a note marker's text is not the paper's words and is left out."""
        words = (nodes.Text, nodes.emphasis, nodes.strong, nodes.literal, nodes.inline)
        text = "".join(c.astext() if isinstance(c, words) else _BLANK.sub(" ", c.astext()) for c in node.children)
        for at, found in placeholders.located(text, line or 1, alone=True):
            self.problems.append(
                diag(
                    "paper.placeholder",
                    self.path,
                    at,
                    f"the paper's text still holds a placeholder: {placeholders.shown(found)!r}",
                    "write the real text in its place",
                )
            )

    def inlines(self, paragraph: nodes.paragraph) -> tuple[PaperInline, ...]:
        self.placeholders(paragraph, paragraph.line)
        pieces: list[PaperInline] = []
        line = paragraph.line or 1
        for child in paragraph.children:
            if isinstance(child, doctree.xref):
                if broken := doctree.broken_role(child["target"]):
                    self.error(line, *broken, "xref.malformed")
                else:
                    pieces.append(Ref(child["target"], Loc(self.path, line), child["written"]))
            elif isinstance(child, nodes.footnote_reference):
                label = child.get("refname") or child.astext()
                number = self.notes.setdefault(label, len(self.notes) + 1)
                self.note_lines.setdefault(label, line)
                pieces.append(NoteRef(number, label))
            elif isinstance(child, (nodes.emphasis, nodes.strong)):
                pieces.append(Styled(child.astext(), isinstance(child, nodes.strong)))
            elif isinstance(child, (nodes.Text, nodes.literal, nodes.inline)):
                if isinstance(child, nodes.Text) and "{xref}" in child:
                    text = child.astext()
                    at = line + text[: text.index("{xref}")].count("\n")
                    if left := doctree.broken_text(text, self.lines[at - 1] if 0 < at <= len(self.lines) else ""):
                        self.error(at, left[1], left[2], "xref.malformed")
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
                self.error(
                    node.line,
                    f"footnote [^{label}] is defined but never referenced",
                    "reference it with [^label] or delete it",
                    "paper.footnote",
                )
                continue
            body = [c for c in node.children if isinstance(c, nodes.paragraph)]
            inlines = tuple(i for p in body for i in self.inlines(p))
            notes.append(Footnote(self.notes[label], label, inlines, Loc(self.path, node.line or 1)))
        for label, _number in self.notes.items():
            if label not in self.defined:
                self.error(
                    self.note_lines.get(label, 1),
                    f"footnote [^{label}] is referenced but never defined",
                    f"add '[^{label}]: ...' at the end of the paper",
                    "paper.footnote",
                )
        return tuple(sorted(notes, key=lambda n: n.number))


_BLANK = re.compile(r"[^\n]")


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


def parse_body(
    source: sources.SourceFile, problems: list[Diagnostic]
) -> tuple[tuple[PaperBlock, ...], tuple[Footnote, ...]]:
    """The blocks and footnotes of a paper's body (its front matter already blanked out of ``source``)."""
    document = doctree.doctree(source, problems)  # registers drafttools' directives itself
    builder = _Builder(source.path, problems, lines=source.text.split("\n"))
    blocks = builder.blocks(document)
    builder.orphan()
    return tuple(blocks), builder.footnotes(document)
