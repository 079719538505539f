"""The model as MyST source: ``manifest.toml`` plus one file per article, in the layout of ``code_text/``.

The writer behind ``drafttools import``: whatever the model holds (IDs, titles, lead-ins, items, linked
references) is written with the same conventions a drafter uses by hand, so that
``parse(serialize(model))`` gives back the same IDs and the same text.  Text is escaped where MyST would
otherwise read it as markup (emphasis, roles, footnotes, a list or heading at the start of a line), and lines
are wrapped only where the next line cannot start a Markdown block.  Standard library only.
"""

from __future__ import annotations

import json
import re

from drafttools.model.tree import Article, Inline, Instrument, Item, Paragraph, Ref, Text
from drafttools.source.files import MANIFEST

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


def article_file_name(position: int) -> str:
    return f"article-{position:02d}.md"


def serialize(instrument: Instrument, comment: str = "") -> dict[str, str]:
    """File name → content for the whole instrument: manifest first, then preamble and articles in order."""
    names = [article_file_name(n) for n in range(1, len(instrument.articles) + 1)]
    files = {MANIFEST: manifest(instrument, names, comment)}
    if instrument.preamble:
        files[PREAMBLE_FILE] = "\n".join(_paragraph(p) for p in instrument.preamble)
    for name, article in zip(names, instrument.articles):
        files[name] = article_source(article)
    return files


def manifest(instrument: Instrument, names: list[str], comment: str = "") -> str:
    meta = instrument.meta
    lines = [f"# {line}".rstrip() for line in comment.splitlines()] if comment else []
    lines.append("[instrument]")
    for key in ("title", "version", "date", "status", "language", "note"):
        value = getattr(meta, key)
        if value or key not in ("note",):
            lines.append(f"{key} = {_toml_string(value)}")
    if instrument.preamble:
        lines.append(f"preamble = {_toml_string(PREAMBLE_FILE)}")
    lines.append("articles = [")
    lines += [f"    {_toml_string(name)}," for name in names]
    lines.append("]")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    # A JSON string with ensure_ascii=False is a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)


def article_source(article: Article) -> str:
    head = [_open(5, "article", article.id)]
    if article.title:
        head.append(f":title: {_option(_one_line(article.title))}")
    body = "\n".join(_paragraph(p) for p in article.paragraphs)
    return "\n".join(head) + "\n\n" + body + ":::::\n"


def _paragraph(paragraph: Paragraph) -> str:
    fence = 4 if paragraph.items else 3
    lines = [_open(fence, "paragraph", paragraph.id)]
    if not paragraph.numbered:
        lines.append(":unnumbered:")
    lines += wrap(paragraph.inlines)
    if paragraph.items:
        lines.append("")
        for item in paragraph.items:
            lines += [_item(item), ""]
    lines.append(":" * fence)
    return "\n".join(lines) + "\n"


def _item(item: Item) -> str:
    return "\n".join([_open(3, "item", item.id), *wrap(item.inlines), ":::"])


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


def inline_source(inlines: tuple[Inline, ...]) -> str:
    """One block's inlines as a single line of MyST (spaces inside roles held, for wrapping)."""
    parts: list[str] = []
    for piece in inlines:
        if isinstance(piece, Text):
            parts.append(escape(_one_line_keep_edges(piece.text)))
        elif isinstance(piece, Ref):
            content = f"{piece.written} <{piece.target}>" if piece.written else piece.target
            parts.append(f"{{xref}}`{content}`".replace(" ", _NBSP_HOLD))
        else:
            raise TypeError(f"MyST writer does not know inline {type(piece).__name__}")
    return re.sub(r" +", " ", "".join(parts)).strip()


def _one_line_keep_edges(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def wrap(inlines: tuple[Inline, ...], width: int = WIDTH) -> list[str]:
    """Lines of at most ``width`` characters where possible, never starting with a Markdown block marker."""
    words = inline_source(inlines).split(" ")
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
