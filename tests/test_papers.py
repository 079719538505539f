"""The shipped papers as models: the Regional Committee paper is the seed's working paper, word for word."""

from __future__ import annotations

import re

import pytest

from drafttools.model.tree import Loc, Text
from drafttools.papers.load import load_paper
from drafttools.papers.model import Box, Heading, Paper, Para
from drafttools.render import paper_text
from drafttools.source.parse import load
from tests.conftest import CODE_TEXT, ROOT, SEED

HEADINGS = [
    "Introduction",
    "Features of the WHO code of practice",
    "The WHO code of practice",
    "Objective(s) and guiding principles",
    "International recruitment practices",
    "Mutuality of benefits",
    "National health workforce sustainability",
    "Data gathering, research and information exchange",
    "Implementation mechanisms: reporting and monitoring",
    "Need for further consultations",
]


def paper(name: str) -> Paper:
    loaded = load_paper(ROOT / "papers" / f"{name}.md")
    # the RC paper still holds its placeholders (symbol, agenda item and date "unknown", notes to be supplied):
    # warnings, nothing else
    placeholders = name == "sea-rc62-working-paper"
    assert [d.code for d in loaded.diagnostics] == ["paper.placeholder"] * 12 * placeholders, loaded.diagnostics
    assert loaded.paper is not None
    return loaded.paper


@pytest.fixture(scope="module")
def instrument():
    return load(CODE_TEXT).instrument


def test_rc_paper_is_the_seed_working_paper(instrument) -> None:
    """Summary, headings, paragraphs 1-35 and note markers equal the seed before 'Annex' (spacing aside)."""
    seed = SEED.read_text(encoding="utf-8")
    seed = seed[: seed.index("\n Annex")]
    seed_body = seed.split("\n", 2)[2]  # the title's two lines are the paper's title
    ours = "\n".join(paper_text.body_lines(paper("sea-rc62-working-paper"), instrument, note_format="{n}"))
    squash = lambda text: re.sub(r"\s+", "", text.replace("-\n", "-"))  # noqa: E731
    assert squash(ours) == squash(seed_body)


def test_rc_paper_structure() -> None:
    rc = paper("sea-rc62-working-paper")
    assert isinstance(rc.blocks[0], Box) and len(rc.blocks[0].paragraphs) == 6
    assert all(p.number == "" for p in rc.blocks[0].paragraphs), "the summary is not numbered"
    assert [b.text for b in rc.blocks if isinstance(b, Heading)] == HEADINGS
    assert [p.number for p in rc.paragraphs() if p.number] == [str(n) for n in range(1, 36)]
    assert [n.number for n in rc.footnotes] == list(range(1, 10))
    assert all("does not give its text" in n.inlines[0].text for n in rc.footnotes)
    front = rc.front.fields()
    assert (front["symbol"], front["session"], front["place_dates"]) == (
        "SEA/RC62/unknown",
        "Sixty-second Session",
        "Kathmandu, Nepal, 7–10 September 2009",
    )
    assert rc.front.annex == "2009-09-SEARO-RC62" and rc.front.document_type == "regional-committee"


def test_eb_paper_structure() -> None:
    eb = paper("eb124-13")
    fields = eb.front.fields()
    assert (fields["symbol"], fields["session"], fields["date"], fields["agenda_item"]) == (
        "EB124/13",
        "124th session",
        "4 December 2008",
        "Provisional agenda item 4.7",
    )
    assert fields["subtitle"] == "Report by the Secretariat"
    headings = [b for b in eb.blocks if isinstance(b, Heading)]
    assert headings[-1].text == "ACTION BY THE EXECUTIVE BOARD"
    last = eb.blocks[-1]
    assert isinstance(last, Para) and last.number == str(len(eb.paragraphs()))
    assert {r.target for r in eb.refs()} >= {"art-objectives", "art-information-exchange"}


def test_code_paper_is_the_code_alone() -> None:
    code = paper("code")
    assert code.blocks == () and code.front.document_type == "code"


def test_renderers_refuse_an_unknown_block(instrument) -> None:
    from drafttools.render import docx as docx_renderer
    from drafttools.render import html

    class Table:  # a block no renderer knows
        loc = Loc("x.md", 1)

    odd = Paper("x.md", paper("code").front, (Table(),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="does not know the block Table"):
        html.body(odd, instrument)
    with pytest.raises(TypeError, match="does not know the block Table"):
        docx_renderer._block(None, Table())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="does not know the inline int"):
        paper_text.inline_text((Text("a"), 3), instrument)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("date: 2008-02-30", "date '2008-02-30' is not a date YYYY-MM-DD"),
        ("date: 2008-13-45", "date '2008-13-45' is not a date YYYY-MM-DD"),
        ("date: 2008-12-04T10:00:00", "is not a date YYYY-MM-DD"),
        ("date: !!int x", "front matter is not valid YAML: invalid literal for int()"),
    ],
)
def test_front_matter_a_calendar_cannot_hold_is_a_located_diagnostic(tmp_path, written: str, problem: str) -> None:
    """YAML's own constructor raises ValueError for these; the paper gets paper.front-matter at the line."""
    path = tmp_path / "p.md"
    path.write_text(f"---\ndocument_type: code\nannex: code_text\n{written}\n---\n\nText.\n", encoding="utf-8")
    loaded = load_paper(path)
    assert loaded.paper is None
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("paper.front-matter", 4)]
    assert problem in loaded.diagnostics[0].message


def test_front_matter_text_that_looks_like_a_date_stays_text(tmp_path) -> None:
    path = tmp_path / "p.md"
    path.write_text(
        "---\ndocument_type: code\nannex: code_text\nsession: 2009-09-07\ndate: 2008-12-04\n---\n\nText.\n",
        encoding="utf-8",
    )
    front = load_paper(path).paper.front
    assert front.fields()["session"] == "2009-09-07" and front.fields()["date"] == "4 December 2008"
