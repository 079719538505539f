"""The model as plain text, the way a reader sees it: headings, printed numbers, rendered references.

Used to prove that no word of the code is lost (tests compare it with the seed), and as the text every client
(pandoc, LibreOffice) must read back from what we build.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator

from drafttools.model.tree import Element, Instrument, Note, plain_text

HEADED = ("division", "article", "annex", "table")


def block_text(node: Element, instrument: Instrument) -> str:
    """One element's own line(s): 'Article 8 – Title', '8.2  text', '(a)  text', a row's cells."""
    if node.role in HEADED:
        return node.heading or node.title
    if node.cells:
        body = " | ".join(" ".join(plain_text(cell, instrument, node).split()) for cell in node.cells)
    else:
        body = " ".join(plain_text(node.inlines, instrument, node).split())
    return f"{node.number}  {body}" if node.number and body else node.number or body


def notes(node: Element, instrument: Instrument) -> list[str]:
    """The footnotes an element's text cites, as '[label] text'."""
    return [
        f"[{piece.label}] {' '.join(plain_text(piece.inlines, instrument, node).split())}"
        for run in node.texts()
        for piece in run
        if isinstance(piece, Note)
    ]


def lines(instrument: Instrument, title: bool = True) -> Iterator[str]:
    if title:
        yield instrument.meta.title
    for node in instrument.walk():
        yield block_text(node, instrument)


def render(instrument: Instrument, title: bool = True) -> str:
    """The whole instrument, one block per element, blank lines between."""
    return "\n\n".join(lines(instrument, title)) + "\n"


def words(text: str) -> list[str]:
    """Whitespace-normalised words, for comparing what a client read back with what we meant."""
    return text.replace("\u00a0", " ").split()
