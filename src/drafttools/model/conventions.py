"""Drafting conventions kept as data: how numbers print and which words introduce a reference.

WHO/UN style for the Code of Practice: "Article 8 – Information exchange", paragraphs "8.2", items "(a)",
references such as "paragraph 8.2(c) above" or "Article 10.1".  Standard library only.
"""

from __future__ import annotations

import string

ARTICLE_WORD = "Article"
EN_DASH = "\u2013"

# Words that introduce a cross-reference, and the kinds of element each may name without a warning.
# "Article 7.2" naming a paragraph is how the 2009 draft writes it, so "article" admits every kind.
REFERENCE_KEYWORDS: dict[str, frozenset[str]] = {
    "article": frozenset({"article", "paragraph", "item"}),
    "articles": frozenset({"article", "paragraph", "item"}),
    "paragraph": frozenset({"paragraph", "item"}),
    "paragraphs": frozenset({"paragraph", "item"}),
    "subparagraph": frozenset({"item"}),
    "subparagraphs": frozenset({"item"}),
}

# Words that join the members of a list of references; "to" makes a range.
LIST_JOINERS = (",", "and", "or", "to")
RANGE_JOINERS = frozenset({"to"})

# How the instrument names itself: "paragraph 8.3 of the Code" is a reference into this text, while
# "Article 5 of the Constitution" is another instrument's numbering.
SELF_NAMES = ("Code", "code")

# Words that say where the target stands relative to the reference.
DIRECTIONS = frozenset({"above", "below"})

_LETTERS = string.ascii_lowercase


def article_heading(number: str, title: str) -> str:
    """'Article 8 – Information exchange'; 'Article 8' without a title."""
    return f"{ARTICLE_WORD} {number} {EN_DASH} {title}" if title else f"{ARTICLE_WORD} {number}"


def article_heading_prefix(number: str, title: str) -> str:
    """What ``article_heading`` puts before the title: 'Article 8 – ' (for a renderer that prints the title
    itself, as a word diff); 'Article 8' without a title."""
    heading = article_heading(number, title)
    return heading[: len(heading) - len(title)]


def item_number(index: int) -> str:
    """'(a)' for 0, ... '(z)', then '(aa)', '(bb)' as UN documents do."""
    letter = _LETTERS[index % 26]
    return f"({letter * (index // 26 + 1)})"
