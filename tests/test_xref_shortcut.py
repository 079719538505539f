"""The reference grammar's shortcut (xref._phrases, xref.may_cite) finds exactly what PHRASE.finditer finds."""

from __future__ import annotations

import re
import string
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from drafttools.model import references as xref


def test_folding_letters_are_all_listed():
    """Every non-ASCII letter that case-insensitive matching equates with an ASCII letter, or whose lower case is
    not one character of its own, is in xref._FOLDING: elsewhere str.lower() sees what the phrase sees."""
    letters = [re.compile(f"(?i){c}") for c in string.ascii_lowercase]
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        if len(lowered) != 1 or lowered.isascii() or any(p.fullmatch(char) for p in letters):
            assert xref._FOLDING.search(char), f"U+{code:04X}"


_WORDS = ["paragraph", "Paragraphs", "SUBPARAGRAPH", "article", "Articles", "8.3", "(a)", "(b)", "7.2", "to", "and", ",",
          "above", "below", "of", "the", "Code", "Constitution", "\ue0000\ue001", "\u017fub", "PARAGRAPH\u0130", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.sampled_from([" ", "\n", "", " \u00a0"]))
def test_phrases_match_the_plain_scan(words, gap):
    text = gap.join(words)
    assert [m.span() for m in xref._phrases(text)] == [m.span() for m in xref.PHRASE.finditer(text)]
    if any(True for _ in xref.PHRASE.finditer(text)):
        assert xref._may_hold_phrase(text)


def test_citing_is_may_cite_over_nodes():
    from drafttools.source.parse import load

    from .conftest import ROOT

    instrument = load(ROOT / "versions" / "2009-09-SEARO-RC62").instrument
    nodes = list(instrument.walk())
    assert list(xref.citing(nodes)) == [n for n in nodes if not isinstance(n, xref.Article) and xref.may_cite(n.inlines)]
