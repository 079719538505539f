"""The reference finder's shortcut (``may_cite``: a run of text without a keyword is skipped) skips nothing that
holds a reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafttools.model import references as xref
from drafttools.model.tree import Element, Text
from drafttools.source.profiles import default as default_profile
from drafttools.source.profiles import load as load_profile

_WORDS = [
    "paragraph",
    "Paragraphs",
    "SUBPARAGRAPH",
    "article",
    "Articles",
    "8.3",
    "(a)",
    "(b)",
    "7.2",
    "to",
    "and",
    ",",
    "above",
    "below",
    "of",
    "the",
    "Code",
    "Constitution",
    "\u017fub",
    "PARAGRAPH\u0130",
    "x",
    "point",
    "Annex",
    "1(2)",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=14),
    st.sampled_from([" ", "\n", "", " \u00a0"]),
    st.sampled_from(["who-code", "treaty", "eu"]),
)
def test_a_run_that_may_not_cite_holds_no_keyword(words: list[str], gap: str, name: str) -> None:
    profile = load_profile(name, None)[0] or default_profile()
    text = gap.join(words)
    if not xref.may_cite((Text(text),), profile):
        lowered = text.lower()
        assert not any(word.lower() in lowered for phrase in profile.grammar.phrases for word in phrase.words)


def test_citing_is_may_cite_over_elements() -> None:
    from drafttools.source.parse import load

    from .conftest import ROOT

    instrument = load(ROOT / "versions" / "2009-09-SEARO-RC62").instrument
    assert instrument is not None
    nodes: list[Element] = list(instrument.walk())
    assert list(xref.citing(nodes, instrument.profile)) == [
        n for n in nodes if any(xref.may_cite(t, instrument.profile) for t in n.texts())
    ]
