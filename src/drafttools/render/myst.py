"""The model as MyST source: ``manifest.toml`` plus one file per article, in the layout of ``code_text/``.

The writer behind ``drafttools import``: whatever the model holds (IDs, kinds, titles, given numbers, lead-ins,
points at any depth, tables, footnotes, linked references) is written with the same conventions a drafter uses by
hand, so that ``parse(serialize(model))`` gives back the same IDs and the same text.  A division is written as its
heading alone in a file of its own ("part-01.md"), gathering the articles that follow it in the manifest
(``model.structure``), unless its contents do not follow that order; then it is written whole.  Text is escaped
where MyST would otherwise read it as markup (emphasis, roles, footnotes, a list or heading at the start of a
line), and lines are wrapped only where the next line cannot start a Markdown block.  Standard library only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from drafttools.model.profile import Profile
from drafttools.model.tree import Element, Inline, Instrument, Note, Ref, Text
from drafttools.source.files import MANIFEST
from drafttools.source.profiles import SHIPPED

WIDTH = 115
PREAMBLE_FILE = "preamble.md"

# Characters that MyST reads as inline markup anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_<])")
# '[' opening a footnote reference or a link; '&' opening an entity.
_BRACKET_MARKUP = re.compile(r"\[(?=\^)|\[(?=[^\]]*\]\s*[(\[:])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# A word that would open a Markdown block (heading, quote, list, fence, comment, rule...) at the start of a line.
_BLOCK_START = re.compile(r"^(?:[#>+\-=%:|~]|\d{1,9}[.)](?:\s|$)|\(.*\)=)")
_PLAIN_OPTION = re.compile(r"[^\W_](?:[\w ,.;()\u2013\u2014/-]*[\w.)])?")
_NBSP_HOLD = "\x00"  # stands for a space inside a role while wrapping


FINAL_FILE = "final.md"
HEADED = ("division", "article", "annex", "table")


def article_file_name(position: int, width: int = 2) -> str:
    return f"article-{position:0{width}d}.md"


def _flat_ok(node: Element) -> bool:
    """Whether a division can be written as its heading alone, its contents following it in the manifest: every
    element that is not a division comes before every sub-division, and the same holds below."""
    seen_division = False
    for child in node.children:
        if child.role == "division":
            seen_division = True
            if child.children and not _flat_ok(child):
                return False
        elif seen_division:
            return False
    return bool(node.children)


def serialize(instrument: Instrument, comment: str = "") -> dict[str, str]:
    """File name → content for the whole instrument: manifest first, then the preamble, the body in order (a
    file per article, a file per division heading), the final clauses and the annexes."""
    articles = sum(1 for n in instrument.walk() if n.role == "article")
    width = max(2, len(str(articles)))
    counts: dict[str, int] = {}
    body: dict[str, str] = {}

    def name_for(node: Element) -> str:
        kind = "article" if node.role == "article" else node.kind
        counts[kind] = counts.get(kind, 0) + 1
        return article_file_name(counts[kind], width) if kind == "article" else f"{kind}-{counts[kind]:02d}.md"

    def place(node: Element) -> None:
        if node.role == "division" and _flat_ok(node):
            body[name_for(node)] = element_source(
                Element(
                    node.kind, node.id, node.loc, node.title, node.inlines, (), node.numbered, node.given, node.deleted
                )
            )
            for child in node.children:
                place(child)
        else:
            body[name_for(node)] = element_source(node)

    for node in instrument.body:
        place(node)
    annexes = {f"annex-{n:02d}.md": element_source(a) for n, a in enumerate(instrument.annexes, start=1)}
    files = {MANIFEST: manifest(instrument, list(body), comment, list(annexes))}
    if instrument.preamble:
        files[PREAMBLE_FILE] = "\n".join(element_source(p) for p in instrument.preamble)
    files.update(body)
    if instrument.final:
        files[FINAL_FILE] = "\n".join(element_source(p) for p in instrument.final)
    files.update(annexes)
    return files


def manifest(instrument: Instrument, names: list[str], comment: str = "", annexes: list[str] | None = None) -> str:
    meta = instrument.meta
    lines = [f"# {line}".rstrip() for line in comment.splitlines()] if comment else []
    lines.append("[instrument]")
    for key in ("title", "version", "date", "status", "language", "note"):
        value = getattr(meta, key)
        if value or key not in ("note",):
            lines.append(f"{key} = {_toml_string(value)}")
    if (named := profile_name(instrument.profile)) != "who-code":
        lines.append(f"profile = {_toml_string(named)}")
    if instrument.preamble:
        lines.append(f"preamble = {_toml_string(PREAMBLE_FILE)}")
    lines.append(("articles" if named == "who-code" else "body") + " = [")
    lines += [f"    {_toml_string(name)}," for name in names]
    lines.append("]")
    if instrument.final:
        lines.append(f"final = {_toml_string(FINAL_FILE)}")
    if annexes:
        lines.append("annexes = [")
        lines += [f"    {_toml_string(name)}," for name in annexes]
        lines.append("]")
    return "\n".join(lines) + "\n"


def profile_name(profile: Profile) -> str:
    """How a manifest names the profile: a shipped one by its name, a user's by its file (copied beside it)."""
    source = Path(profile.path) if profile.path else None
    if source is None or source.parent == SHIPPED:
        return profile.name
    return source.name


def _toml_string(value: str) -> str:
    # A JSON string with ensure_ascii=False is a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)


def _height(node: Element) -> int:
    return 1 + max((_height(c) for c in node.children), default=0) if node.children else 0


def element_source(node: Element) -> str:
    """One element as MyST, its footnotes defined at the end."""
    notes: list[Note] = []
    text = _element(node, notes)
    if notes:
        text += "\n" + "\n".join(f"[^{n.label}]: {' '.join(wrap(n.inlines, notes=[]))}" for n in notes) + "\n"
    return text


def _fence(node: Element) -> int:
    """Colons of a directive's fence: enough for everything nested in it; an article takes five, as drafters write."""
    return max(3 + _height(node), 5 if node.role == "article" else 0)


def _element(node: Element, notes: list[Note]) -> str:
    fence = _fence(node)
    lines = [_open(fence, node.kind, node.id)]
    if node.title:
        lines.append(f":title: {_option(_one_line(node.title))}")
    if node.given:
        lines.append(f":number: {node.given}")
    if not node.numbered:
        lines.append(":unnumbered:")
    if node.deleted:
        lines.append(":deleted:")
    if node.header:
        lines.append(":header:")
    if node.status:
        lines.append(f":status: {node.status}")
    if node.role == "article" and node.children:
        return "\n".join(lines) + "\n\n" + "\n".join(_element(c, notes) for c in node.children) + ":" * fence + "\n"
    if node.cells:
        lines.append(
            " | ".join(" ".join(wrap(cell, width=10**6, notes=notes)).replace("|", "\\\\|") for cell in node.cells)
        )
    elif node.inlines:
        lines += wrap(node.inlines, notes=notes)
    if node.children:
        lines.append("")
        for child in node.children:
            lines += [_element(child, notes).rstrip("\n"), ""]
    lines.append(":" * fence)
    return "\n".join(lines) + "\n"


def _open(colons: int, kind: str, node_id: str | None) -> str:
    return f"{':' * colons}{{{kind}}}" + (f" {node_id}" if node_id else "")


def _option(value: str) -> str:
    """A directive option value: as typed when plain, else double-quoted (MyST reads options as YAML, where
    '#', a quote, '|' or '>' would change the meaning)."""
    return value if _PLAIN_OPTION.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def _one_line(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


# ------------------------------------------------------------------------------------------------- text


def escape(text: str) -> str:
    """Text as MyST source that reads back as exactly ``text`` (inline markup escaped)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _BRACKET_MARKUP.sub(r"\\[", text)
    return _ENTITY.sub(r"\\&", text)


def inline_source(inlines: tuple[Inline, ...], notes: list[Note] | None = None) -> str:
    """One block's inlines as a single line of MyST (spaces inside roles held, for wrapping); footnotes cited
    as [^label] and collected in ``notes``."""
    parts: list[str] = []
    for piece in inlines:
        if isinstance(piece, Text):
            parts.append(escape(_one_line_keep_edges(piece.text)))
        elif isinstance(piece, Ref):
            content = f"{piece.written} <{piece.target}>" if piece.written else piece.target
            parts.append(f"{{xref}}`{content}`".replace(" ", _NBSP_HOLD))
        elif isinstance(piece, Note):
            if notes is not None:
                notes.append(piece)
            parts.append(f"[^{piece.label}]")
        else:
            raise TypeError(f"MyST writer does not know inline {type(piece).__name__}")
    return re.sub(r" +", " ", "".join(parts)).strip()


def _one_line_keep_edges(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def wrap(inlines: tuple[Inline, ...], width: int = WIDTH, notes: list[Note] | None = None) -> list[str]:
    """Lines of at most ``width`` characters where possible, never starting with a Markdown block marker."""
    words = inline_source(inlines, notes).split(" ")
    if words and _BLOCK_START.match(words[0]):
        words[0] = "\\" + words[0] if not words[0][0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", words[0])
    lines: list[str] = []
    current = ""
    for word in words:
        if not current:
            current = word
        elif len(current) + 1 + len(word) > width and not _BLOCK_START.match(word):
            lines.append(current)
            current = word
        else:
            current += " " + word
    if current:
        lines.append(current)
    return [line.replace(_NBSP_HOLD, " ") for line in lines]
