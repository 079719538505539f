"""The shipped code text: faithful to the seed's Annex, cleanly checked, and its references resolved."""

from __future__ import annotations

import re

import pytest

from drafttools.api import check as api
from drafttools.model import references as xref
from drafttools.render import plain

from .conftest import CODE_TEXT, SEED


def _seed_annex_words() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    annex = text[text.index("\n Annex \n") + len("\n Annex \n") :]
    annex = re.sub(r"-\s*\n\s*", "-", annex)  # a hyphen at a line end joins the two halves ("data-\ngathering")
    return annex.split()


def test_words_equal_the_seed_annex(shipped) -> None:
    ours = plain.words(plain.render(shipped))
    seed = _seed_annex_words()
    assert ours == seed


def test_check_is_clean_even_when_strict() -> None:
    result = api.check(CODE_TEXT)
    assert result.exit_code(strict=True) == 0, [d.format() for d in result.diagnostics]
    assert [d.code for d in result.diagnostics] == ["bracket.open"]
    assert result.open_brackets["10"][0]["text"] == "[at a frequency to be decided by that body]"


def test_every_element_has_an_id_and_the_numbers_are_computed(shipped) -> None:
    nodes = list(shipped.walk())
    assert all(n.id for n in nodes)
    assert [a.label for a in shipped.articles] == [str(n) for n in range(1, 12)]
    assert [p.label for p in shipped.articles[2].children] == [f"3.{n}" for n in range(1, 11)]
    lead_in = shipped.articles[0].children[0]
    assert not lead_in.numbered and [i.label for i in lead_in.children] == ["1(a)", "1(b)", "1(c)", "1(d)"]


# DOMAIN.md's table: in | it says | target
SEED_REFERENCES = [
    ("7.4", "paragraphs 7.2 and 7.3 above", ["7.2", "7.3"]),
    ("8.2(b)", "Article 7.2", ["7.2"]),
    ("8.2(c)", "paragraphs (a) and (b) above", ["8.2(a)", "8.2(b)"]),
    ("8.3", "paragraph 8.2(c) above", ["8.2(c)"]),
    ("8.3", "Article 10.1", ["10.1"]),
    ("8.4", "paragraph 8.3 above", ["8.3"]),
    ("10.2", "Article 8.3", ["8.3"]),
    ("10.3(a)", "Article 8", ["8"]),
]


@pytest.mark.parametrize(("source", "phrase", "targets"), SEED_REFERENCES)
def test_each_seed_reference_resolves_to_the_right_target(
    shipped, source: str, phrase: str, targets: list[str]
) -> None:
    found = [r for r in xref.find_references(shipped) if r.source.label == source and r.phrase == phrase]
    assert len(found) == 1, [(r.source.label, r.phrase) for r in xref.find_references(shipped)]
    reference = found[0]
    assert reference.tagged, "shipped references are links to IDs"
    assert [m.target.label for m in reference.members] == targets
    assert all(m.target is shipped.get(m.ref.target) for m in reference.members)
    if phrase.endswith("above"):
        assert all(shipped.position(m.target) < shipped.position(reference.source) for m in reference.members)


def test_the_shipped_references_are_the_seed_references_and_no_more(shipped) -> None:
    found = sorted((r.source.label, r.phrase) for r in xref.find_references(shipped))
    assert found == sorted((s, p) for s, p, _ in SEED_REFERENCES)


def test_item_targets_are_items_and_paragraph_targets_paragraphs(shipped) -> None:
    by_label = {n.label: n for n in shipped.walk()}
    assert by_label["8.2(c)"].kind == "item"
    assert by_label["10.1"].kind == "paragraph"
