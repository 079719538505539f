"""The one-pass parse of a code text file (``doctree.skeleton_doctree``): the element directives read by our own
scan, their text by one myst-parser pass over the whole file.  It must give exactly what myst-parser's
directive-by-directive parse gives (the same elements, lines and diagnostics), and hand every file it cannot read
that way to that parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafttools.diagnostics import Diagnostic
from drafttools.model.profile import Profile
from drafttools.source import doctree, profiles
from drafttools.source.files import SourceFile

ROOT = Path(__file__).resolve().parents[1]


def both_ways(text: str, profile: Profile, role: str = "body") -> tuple[object, object, bool]:
    """(one pass, directive by directive, whether the one pass read the file): elements and diagnostics each."""
    source = SourceFile("a.md", text)
    doctree.register(frozenset(profile.kinds))
    took = doctree.skeleton_doctree(source, [], doctree.registered()) is not None
    fast: list[Diagnostic] = []
    one = (doctree.parse_file(source, role, profile, fast), fast)
    keep = doctree.skeleton_doctree
    doctree.skeleton_doctree = lambda *args: None  # type: ignore[assignment,misc]  # myst-parser's parse alone
    try:
        slow: list[Diagnostic] = []
        other = (doctree.parse_file(source, role, profile, slow), slow)
    finally:
        doctree.skeleton_doctree = keep
    return one, other, took


def test_every_shipped_file_is_read_in_one_pass_with_the_same_result() -> None:
    profile = profiles.default()
    files = [*(ROOT / "code_text").glob("*.md"), *(ROOT / "versions").rglob("*.md")]
    assert len(files) >= 30
    for path in files:
        one, other, took = both_ways(path.read_text(encoding="utf-8"), profile)
        assert took, path
        assert one == other, path


ARTICLE = ":::::{{article}} art-one\n:title: One\n\n{body}\n:::::\n"  # what follows a '§' in a body: after the article
SIMPLE = [
    ":::{paragraph} p\nText citing {xref}`q` and {xref}`8.3 <q>`.\n:::\n\n:::{paragraph} q\nMore.\n:::",
    ":::{paragraph} p\n:status: agreed\n:number: 3\nText[^1] *emphasised*.\n:::§\n[^1]: A note.",
    "::::{paragraph} p\nLead-in:\n:::{item} a\nFirst.\n:::\n::::",
    ":::{paragraph} p\n:unnumbered:\nText {xref}``.\n:::",
    ":::{paragraph}\nNo ID.\n:::\nStray words after it.",
]
OTHERWISE = [
    ":::{paragraph} p\n- a list\n:::",
    ":::{paragraph} p\nText.\n\n> a quote\n:::",
    ":::{paragraph} p\nLead-in:\n::::{item} a\nA longer fence closes its parent.\n::::\n:::",
    ":::{paragraph} p\nText.\n:::{note}\nA note.\n:::\n:::",
    ":::{paragraph} p\n:::{item} a\nNested at once.\n:::\n:::",
    ":::{paragraph} p\n:bogus: x\nText.\n:::",
    ":::{paragraph} p\n---\ntitle: yaml\n---\nText.\n:::",
    ":::{paragraph} p\nText[^1].\n\n[^1]: Defined inside.\n:::",
    ":::{paragraph} p\nText [link].\n\n[link]: https://example.org\n:::",
    ":::{paragraph} p\nText.\n  :::\n:::",
    ":::{paragraph} p\nText\u2028more.\n:::",
    ":::{paragraph} p\nNever closed.",
    ":::{paragraph} p\n```\n:::\n```\n:::",
    ":::{Paragraph} p\nText.\n:::",
    "::: p\nA div.\n:::",
]


@pytest.mark.parametrize("body", SIMPLE + OTHERWISE)
def test_the_one_pass_reads_what_it_can_and_gives_the_same(body: str) -> None:
    inside, _, after = body.partition("§")
    one, other, took = both_ways(ARTICLE.format(body=inside) + after, profiles.default())
    assert took == (body in SIMPLE)
    assert one == other


LINES = st.sampled_from(
    [
        "",
        ":::",
        "::::",
        ":::{paragraph} p",
        ":::{paragraph}",
        "::::{item} i",
        ":::{item}",
        ":::{note}",
        ":title: T",
        ":status: open",
        ":unnumbered:",
        ":number:",
        ":deleted: yes",
        "Words {xref}`p` here.",
        "Text[^1]",
        "[^1]: A note.",
        "- item",
        "> quote",
        "    code",
        "# Heading",
        "```",
        "---",
        "<!-- c -->",
        "(target)=",
        "% comment",
        "+++",
        "a | b",
        "{xref}`",
        "  :::",
        "[l]: https://example.org",
        "plain words",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=14), st.sampled_from(["body", "preamble"]))
def test_any_arrangement_parses_the_same_either_way(lines: list[str], role: str) -> None:
    text = ARTICLE.format(body="\n".join(lines))
    one, other, _ = both_ways(text, profiles.default(), role)
    assert one == other
