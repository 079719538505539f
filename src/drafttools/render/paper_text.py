"""A paper as plain text, the way a reader of the built document sees it (after the first-page block).

Title, subtitle, the paper's blocks with their printed numbers ("12."), footnote markers as "[n]", the annex
heading, the code (``render.plain``), and the notes at the end as "[n] text": the order pandoc reads a built
DOCX back in, so tests can compare the two word for word.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator

from drafttools.model.tree import Instrument, Ref, Text, ref_label
from drafttools.papers.model import Box, Footnote, Heading, NoteRef, Paper, PaperInline, Para, Styled
from drafttools.render import plain


def inline_text(pieces: tuple[PaperInline, ...], instrument: Instrument, note_format: str = "[{n}]") -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, Text):
            out.append(piece.text)
        elif isinstance(piece, Styled):
            out.append(piece.text)
        elif isinstance(piece, Ref):
            out.append(ref_label(piece, instrument))
        elif isinstance(piece, NoteRef):
            out.append(note_format.format(n=piece.number))
        else:
            raise TypeError(f"paper text renderer does not know the inline {type(piece).__name__}")
    return " ".join("".join(out).split())


def body_lines(paper: Paper, instrument: Instrument, note_format: str = "[{n}]") -> Iterator[str]:
    """The paper's own blocks, one line per heading or paragraph."""
    for block in paper.blocks:
        if isinstance(block, Heading):
            yield block.text
        elif isinstance(block, Para):
            text = inline_text(block.inlines, instrument, note_format)
            yield f"{block.number}. {text}" if block.number else text
        elif isinstance(block, Box):
            yield from (inline_text(p.inlines, instrument, note_format) for p in block.paragraphs)
        else:
            raise TypeError(f"paper text renderer does not know the block {type(block).__name__}")


def note_line(note: Footnote, instrument: Instrument) -> str:
    return f"[{note.number}] {inline_text(note.inlines, instrument)}"


def lines(
    paper: Paper, instrument: Instrument, fields: dict[str, str], annex_heading: str, annex_line: str
) -> Iterator[str]:
    for name in ("title", "subtitle"):
        if name in fields:
            yield fields[name]
    yield from body_lines(paper, instrument)
    if annex_heading:
        yield annex_heading
    yield instrument.meta.title
    yield annex_line
    yield from plain.lines(instrument, title=False)
    yield from (note_line(n, instrument) for n in paper.footnotes)


def render(paper: Paper, instrument: Instrument, fields: dict[str, str], annex_heading: str, annex_line: str) -> str:
    return "\n\n".join(lines(paper, instrument, fields, annex_heading, annex_line)) + "\n"
