"""The plain-text reference grammar, from a corpus of the phrases drafters write."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafttools.checks import references as reference_checks
from drafttools.model import references as xref
from drafttools.source.parse import load

from .builders import code_text

ARTICLE_ONE = """:::::{article} art-first
:title: First

::::{paragraph} first-one
Lead text:

:::{item} item-a
alpha;
:::

:::{item} item-b
beta;
:::

:::{item} item-c
gamma.
:::
::::

:::{paragraph} first-two
Two.
:::

:::{paragraph} first-three
Three.
:::

:::{paragraph} first-four
Four.
:::
:::::
"""

ARTICLE_TWO = """:::::{{article}} art-second
:title: Second

:::{{paragraph}} probe
{text}
:::
:::::
"""

CORPUS = [
    ("paragraph 1.3", [["1.3"]]),
    ("paragraphs 1.2 and 1.3 above", [["1.2", "1.3"]]),
    ("paragraphs 1.2, 1.3 and 1.4 above", [["1.2", "1.3", "1.4"]]),
    ("paragraphs 1.2 to 1.4 above", [["1.2", "1.3", "1.4"]]),
    ("paragraphs 1.1\u20131.3", [["1.1", "1.2", "1.3"]]),
    ("paragraph 1.1(c) above and Article 1", [["1.1(c)"], ["1"]]),
    ("Article 1.2", [["1.2"]]),
    ("Articles 1 and 2", [["1", "2"]]),
    ("subparagraph 1.1(b)", [["1.1(b)"]]),
    ("paragraph 1.1 (b)", [["1.1(b)"]]),
    ("as Paragraph 1.4 above says", [["1.4"]]),
    ("Article 5 of the Constitution", []),
    ("paragraph 1.9 of the Code", [[None]]),  # the instrument's own name: a reference into this text
    ("paragraph 1.3 of this Code", [["1.3"]]),
    ("paragraph 3 of resolution WHA57.19", []),
    ("resolution WHA63.16 and 7.2 per cent", []),
    ("paragraph 9.9", [[None]]),
    ("paragraphs (a) and (b)", [[None, None]]),  # no sibling items in this paragraph
]


@pytest.mark.parametrize(("phrase", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_phrase(tmp_path: Path, phrase: str, expected: list[list[str | None]]) -> None:
    root = code_text(
        tmp_path / "ct", {"a.md": ARTICLE_ONE, "b.md": ARTICLE_TWO.format(text=f"Text citing {phrase} here.")}
    )
    instrument = load(root).instrument
    found = [r for r in xref.find_references(instrument) if r.source.id == "probe"]
    assert [[m.target.label if m.target else None for m in r.members] for r in found] == expected


def test_sibling_letters_resolve_inside_their_paragraph(tmp_path: Path) -> None:
    text = ARTICLE_ONE.replace("gamma.", "gamma, pursuant to paragraphs (a) and (b) above.")
    root = code_text(tmp_path / "ct", {"a.md": text})
    instrument = load(root).instrument
    (reference,) = xref.find_references(instrument)
    assert [m.target.id for m in reference.members] == ["item-a", "item-b"]
    assert reference.direction == "above" and reference_checks.check(instrument, [reference])[0].code == "xref.untagged"


def test_a_linked_reference_outside_any_phrase_is_still_checked(tmp_path: Path) -> None:
    root = code_text(
        tmp_path / "ct",
        {"a.md": ARTICLE_ONE, "b.md": ARTICLE_TWO.format(text="As set out in {xref}`first-two`, and {xref}`gone`.")},
    )
    instrument = load(root).instrument
    codes = [d.code for d in reference_checks.check(instrument)]
    assert codes == ["xref.unknown-id"]
