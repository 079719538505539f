"""The model as plain text, the way a reader sees it: headings, printed numbers, rendered references.

Used to prove that no word of the code is lost (tests compare it with the seed), and as the text every client
(pandoc, LibreOffice) must read back from what we build.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator

from drafttools.model.tree import Article, Instrument, Item, Node, Paragraph, plain_text


def block_text(node: Node, instrument: Instrument) -> str:
    """One element's own line(s): 'Article 8 – Title', '8.2  text', '(a)  text'."""
    if isinstance(node, Article):
        return node.heading
    body = " ".join(plain_text(node.inlines, instrument, node).split())
    if isinstance(node, Paragraph):
        return f"{node.number}  {body}" if node.numbered and node.number else body
    if isinstance(node, Item):
        return f"{node.number}  {body}"
    raise TypeError(f"plain renderer does not know {type(node).__name__}")


def lines(instrument: Instrument, title: bool = True) -> Iterator[str]:
    if title:
        yield instrument.meta.title
    for node in instrument.walk():
        yield block_text(node, instrument)


def render(instrument: Instrument, title: bool = True) -> str:
    """The whole instrument, one block per paragraph, blank lines between."""
    return "\n\n".join(lines(instrument, title)) + "\n"


def words(text: str) -> list[str]:
    """Whitespace-normalised words, for comparing what a client read back with what we meant."""
    return text.replace("\u00a0", " ").split()
