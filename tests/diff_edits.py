"""Random edit scripts on a code text model, for the property tests of the diff engine and its redline.

A script is a list of ``(operation, a, b, c)`` with small integers that pick the article, paragraph, word...
(taken modulo the sizes), so that hypothesis can generate and shrink them.  Every edit keeps the model valid:
no article without paragraphs, no paragraph without text, new elements get new IDs.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import strategies as st

from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Element, Instrument, Text, plain_text

OPERATIONS = (
    "insert",
    "delete",
    "move",
    "split",
    "merge",
    "remove_article",
    "word",
    "word",
    "retitle",
    "item_delete",
    "unnumber",
)
WORDS = (
    "health",
    "Member",
    "States",
    "shall",
    "cooperate",
    "data",
    "Secretariat",
    "workforce",
    "recruitment",
    "ethical",
    "migrant",
    "personnel",
    "should",
    "regional",
    "biennial",
    "every",
    "three",
    "years",
    "Code",
    "(a)",
)

edit = st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 999), st.integers(0, 999), st.integers(0, 999))
script = st.lists(edit, min_size=1, max_size=8)


def _sentence(seed: int, length: int) -> str:
    return " ".join(WORDS[(seed * 7 + k * 13) % len(WORDS)] for k in range(length)).capitalize() + "."


def _paragraphs(article: Element) -> list[Element]:
    return list(article.children)


def _texted(inlines: tuple, a: int, b: int, c: int) -> tuple:
    """One word of one Text piece replaced, deleted or doubled by a new word."""
    texts = [k for k, piece in enumerate(inlines) if isinstance(piece, Text) and piece.text.strip()]
    if not texts:
        return inlines
    k = texts[a % len(texts)]
    parts = re.split(r"(\s+)", inlines[k].text)
    words = [m for m, part in enumerate(parts) if part.strip()]
    m = words[b % len(words)]
    word = WORDS[c % len(WORDS)]
    mode = c % 3
    if mode == 0:
        parts[m] = word
    elif mode == 1 and (len(words) > 1 or len(texts) > 1 or len(inlines) > 1):
        parts[m] = ""
    else:
        parts[m] = f"{parts[m]} {word}"
    return (*inlines[:k], Text("".join(parts)), *inlines[k + 1 :])


def apply(instrument: Instrument, edits: list[tuple[str, int, int, int]], tag: str = "n") -> Instrument:
    """The instrument after the edits, renumbered."""
    articles = [list(a.children) for a in instrument.articles]
    meta = list(instrument.articles)
    for step, (operation, a, b, c) in enumerate(edits):
        new_id = f"{tag}-edit-{step}-{a}"
        if not articles:
            break
        x = a % len(articles)
        paras = articles[x]
        y = b % len(paras)
        if operation == "insert":
            paras.insert(y, Element("paragraph", new_id, paras[y].loc, inlines=(Text(_sentence(c, 5 + c % 9)),)))
        elif operation == "delete" and len(paras) > 1:
            del paras[y]
        elif operation == "move":
            moved = paras.pop(y)
            if not paras:
                paras.append(moved)
                continue
            target = articles[c % len(articles)]
            target.insert(c % (len(target) + 1), moved)
        elif operation == "split":
            p = paras[y]
            if (
                not p.children
                and len(p.inlines) == 1
                and isinstance(p.inlines[0], Text)
                and len(p.inlines[0].text.split()) >= 6
            ):
                words = p.inlines[0].text.split()
                cut = 2 + c % (len(words) - 3)
                paras[y] = replace(p, inlines=(Text(" ".join(words[:cut])),))
                paras.insert(y + 1, Element("paragraph", new_id, p.loc, inlines=(Text(" ".join(words[cut:])),)))
        elif operation == "merge" and y + 1 < len(paras):
            p, q = paras[y], paras[y + 1]
            if not p.children and not q.children and p.numbered and q.numbered:
                paras[y] = replace(p, inlines=(*p.inlines, Text(" "), *q.inlines))
                del paras[y + 1]
        elif operation == "remove_article" and len(articles) > 1:
            del articles[x], meta[x]
        elif operation == "word":
            p = paras[y]
            if p.children and c % 2:
                items = list(p.children)
                z = c % len(items)
                items[z] = replace(items[z], inlines=_texted(items[z].inlines, a, b, c))
                paras[y] = replace(p, children=tuple(items))
            else:
                paras[y] = replace(p, inlines=_texted(p.inlines, a, b, c))
        elif operation == "retitle":
            meta[x] = replace(meta[x], title=_sentence(c, 2 + c % 4).rstrip("."))
        elif operation == "item_delete":
            p = paras[y]
            if len(p.children) > 1:
                paras[y] = replace(p, children=tuple(i for k, i in enumerate(p.children) if k != c % len(p.children)))
        elif operation == "unnumber":
            p = paras[y]
            paras[y] = replace(p, numbered=not p.numbered)
    rebuilt = tuple(replace(article, children=tuple(paras)) for article, paras in zip(meta, articles, strict=True))
    return number_instrument(replace(instrument, body=rebuilt))


def strip_ids(instrument: Instrument) -> Instrument:
    """The same text with no IDs at all: a version imported from a document that never had them."""

    def flat(node: Element) -> tuple[Text, ...]:
        return (Text(plain_text(node.inlines, instrument, node)),) if node.inlines else ()

    def item(i: Element) -> Element:
        return replace(i, id=None, inlines=flat(i))

    def para(p: Element) -> Element:
        return replace(p, id=None, inlines=flat(p), children=tuple(item(i) for i in p.children))

    articles = tuple(replace(a, id=None, children=tuple(para(p) for p in a.children)) for a in instrument.articles)
    return number_instrument(replace(instrument, body=articles, preamble=tuple(para(p) for p in instrument.preamble)))
