"""Papers that refuse placeholders (issue 16, item 4): a front-matter value, a paper's text or a template's text
still holding "xx", "TBD", "[date]" ... is a located warning (an error under --strict); an annex is headed by the
text's title, status and date, never its version name, and one dated after its paper warns; mastheads say World
Health Organization (and the regional office); read back by pandoc and Chromium as a reader would."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.papers import placeholders
from drafttools.papers.placeholders import find

from .clients import chromium_dom, pandoc_text

RC = "papers/sea-rc62-working-paper.md"
EB = "papers/eb124-13.md"


def run(project: Path, *argv: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(argv))


def line_of(path: Path, start: str) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def located(result: Result, code: str) -> list[tuple[str, int]]:
    """(file, line) of every diagnostic with ``code`` on stderr."""
    return [
        (m[1], int(m[2])) for m in re.finditer(rf"^(\S+?):(\d+): \w+: .*\[{re.escape(code)}\]$", result.stderr, re.M)
    ]


# ------------------------------------------------------------------------------------------------- the rule

PLACEHOLDERS = [
    ("SEA/RC62/xx", "xx"),
    ("Provisional agenda item xx", "xx"),
    ("EB124/XX", "XX"),
    ("A62/xxx", "xxx"),
    ("adopted in 20xx", "20xx"),
    ("article xx", "xx"),  # lower case after Article: not a roman numeral as written
    ("Heading TBD", "TBD"),
    ("to be held on TBC", "TBC"),
    ("Lorem ipsum dolor sit amet", "Lorem ipsum"),
    ("SEA/RC62/??", "??"),
    ("dated [date]", "[date]"),
    ("item [number]", "[number]"),
    ("on […] 2009", "[…]"),
    ("[insert the symbol]", "[insert the symbol]"),
    ("[to be completed]", "[to be completed]"),
    ("[Text to be supplied: the seed gives none.]", "[Text to be supplied: the seed gives none.]"),
    ("Provisional agenda item (to be confirmed)", "(to be confirmed)"),
]
REAL_TEXT = [
    "(xx) the twentieth item of a list",
    "Article XX of the GATT, Part XXX",
    "the XXth century",
    "the Assembly “requested […] the Director-General” to act",  # an omission in a quotation
    "[at a frequency to be decided by that body]",  # unagreed text in the code, 10.2
    "(to be determined by the Health Assembly)",
    "reports to be completed by Member States",
    "resolution WHA57.19, Annex, para. 3 ...",
    "maxx, 0xx, x-ray, (x)",
]


@pytest.mark.parametrize(("text", "placeholder"), PLACEHOLDERS)
def test_a_placeholder_is_found(text: str, placeholder: str) -> None:
    assert [f.text for f in find(text)] == [placeholder]


@pytest.mark.parametrize("text", REAL_TEXT)
def test_real_text_is_no_placeholder(text: str) -> None:
    assert find(text) == [] and find(text, alone=True) == []


def test_a_value_standing_alone() -> None:
    assert [f.text for f in find("to be confirmed", alone=True)] == ["to be confirmed"]
    assert [f.text for f in find("…", alone=True)] == ["…"]
    assert find("to be confirmed") == [] and find("…") == []


def test_a_long_text_of_placeholders_each_at_its_line() -> None:
    """20,000 lines, each a quoted omission, a roman numeral and two placeholders: each found once, at its line
    (quotations and lines are counted once per text, so this is linear: benchmarks/hostile.py's kind of shape)."""
    found = placeholders.located("“quoted [...] words” Article XX, [date] and xx\n" * 20_000, 10, alone=True)
    assert len(found) == 40_000 and [f.text for _, f in found[:2]] == ["[date]", "xx"]
    assert [line for line, _ in found[-2:]] == [20_009, 20_009]


# ------------------------------------------------------------------------------ the shipped RC paper, strict


def test_the_shipped_rc_paper_fails_strict_on_its_placeholders_until_they_are_replaced(shipped_project: Path) -> None:
    paper = shipped_project / RC
    notes = [n for n, line in enumerate(paper.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("[^")]
    lenient = run(shipped_project, "build", RC, "-o", "lenient")
    assert lenient.exit_code == 0, lenient.output  # warnings only: the paper is built
    assert located(lenient, "paper.placeholder")
    strict = run(shipped_project, "build", RC, "-o", "out", "--strict")
    assert strict.exit_code == 1, strict.output
    # the symbol, agenda item and date the public record does not give are "unknown": warned of, printed plainly
    unknown = [(RC, line_of(paper, f"{field}:")) for field in ("symbol", "agenda_item", "date")]
    assert located(strict, "paper.placeholder") == unknown + [(RC, n) for n in notes]
    assert (
        f"{RC}:{line_of(paper, 'symbol:')}: warning: front-matter field 'symbol' is not known yet: 'SEA/RC62/unknown'"
        in strict.stderr
    )
    assert "fix: write the real symbol when the record gives it" in strict.stderr
    assert "Traceback" not in strict.output and not (shipped_project / "out").exists()
    shown = pandoc_text(shipped_project / "lenient" / "sea-rc62-working-paper.docx")
    assert all(words in shown for words in ("SEA/RC62/unknown", "Provisional agenda item unknown", "Date unknown"))
    # replaced (numbers made up for the test): the same command builds
    text = paper.read_text(encoding="utf-8").replace("symbol: SEA/RC62/unknown", "symbol: SEA/RC62/12")
    text = text.replace("agenda_item: Provisional agenda item unknown", "agenda_item: Provisional agenda item 9.3")
    text = text.replace("date: unknown", "date: 2009-09-07")
    text = re.sub(r"^\[\^(\d)\]: \[Text to be supplied: .*\]$", r"[^\1]: WHO, note \1.", text, flags=re.M)
    paper.write_text(text, encoding="utf-8")
    replaced = run(shipped_project, "build", RC, "-o", "out", "--strict")
    assert replaced.exit_code == 0, replaced.output
    assert "0 errors, 0 warnings" in replaced.stderr
    assert "SEA/RC62/12" in pandoc_text(shipped_project / "out" / "sea-rc62-working-paper.docx")


def test_placeholders_in_the_paper_text_each_at_its_line(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "p.md"
    paper.write_text(
        "---\ndocument_type: executive-board\nsymbol: EB124/13\nbody: EXECUTIVE BOARD\nsession: 124th session\n"
        "date: 2009-09-07\nagenda_item: Provisional agenda item 4.7\ntitle: TBD\nsubtitle: Report by the Secretariat\n"
        "annex: code_text\n---\n"
        "\n:::{summary}\nA summary dated [date].\n:::\n"
        "\n# Section [to be completed]\n"
        "\nFirst line,\nthe second holds 20xx,[^1] and Article {xref}`art-objectives`\nthen “quoted "
        "[…] words”, (xx) and Article XX.\n"
        "\n[^1]: A note\n    over two lines, TBC.\n",
        encoding="utf-8",
    )
    result = run(shipped_project, "build", "papers/p.md", "-o", "out", "--strict")
    assert result.exit_code == 1, result.output
    where = "papers/p.md"
    assert located(result, "paper.placeholder") == [(where, 8), (where, 14), (where, 17), (where, 20), (where, 24)]
    assert f"{where}:8: warning: front-matter field 'title' still holds a placeholder: 'TBD'" in result.stderr
    assert "'[to be completed]'" in result.stderr and "'20xx'" in result.stderr and "'[date]'" in result.stderr


def test_placeholders_in_a_template_are_said_once_at_their_line(shipped_project: Path) -> None:
    folder = shipped_project / "annex_templates" / "regional-committee"
    html = folder / "paper.html.j2"
    html.write_text(
        html.read_text(encoding="utf-8").replace(
            "<p>{{ paper.office }}</p>", "<p>{{ paper.office }}</p>\n<p>Distribution: TBD</p>"
        )
        + "{# a Jinja comment: xx #}\n<!-- an HTML comment: xx -->\n",
        encoding="utf-8",
    )
    spec = folder / "template.toml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            'annex_heading = "Annex"', 'annex_heading = "Annex xx"  # a comment: TBD'
        ),
        encoding="utf-8",
    )
    base = shipped_project / "annex_templates" / "_base" / "page.html.j2"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</style>", "p.big { font-size: xx-large; }\n</style>"),
        encoding="utf-8",
    )
    result = run(shipped_project, "build", RC, "-o", "out")
    assert result.exit_code == 0, result.output
    assert located(result, "template.placeholder") == [
        ("annex_templates/regional-committee/paper.html.j2", line_of(html, "<p>Distribution: TBD")),
        ("annex_templates/regional-committee/template.toml", line_of(spec, "annex_heading")),
    ]
    assert "every paper of this type would print it" in result.stderr
    assert run(shipped_project, "build", RC, "-o", "out2", "--strict").exit_code == 1


# ------------------------------------------------------------------------------------- annex date and heading


def test_an_annex_dated_after_its_paper_warns_at_the_front_matter(shipped_project: Path) -> None:
    paper = shipped_project / EB
    result = run(shipped_project, "build", EB, "-o", "out")
    assert result.exit_code == 0, result.output
    assert located(result, "paper.annex-date") == [(EB, line_of(paper, "annex:"))]
    assert (
        "the paper is dated 4 December 2008 but annexes 'code_text', a draft text dated 7 September "
        "2009, after the paper" in result.stderr
    )
    assert run(shipped_project, "build", EB, "-o", "strict", "--strict").exit_code == 1
    paper.write_text(
        paper.read_text(encoding="utf-8").replace("date: 2008-12-04", "date: 2009-09-07"), encoding="utf-8"
    )
    same_day = run(shipped_project, "build", EB, "-o", "same-day", "--strict")
    assert same_day.exit_code == 0 and "paper.annex-date" not in same_day.stderr, same_day.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import ROOT

    out = tmp_path_factory.mktemp("built")
    result = run(ROOT, "build", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", ["eb124-13", "sea-rc62-working-paper", "code"])
def test_the_annex_shows_title_status_and_date_never_the_version_name(built: Path, name: str) -> None:
    text = " ".join(pandoc_text(built / f"{name}.docx").split())
    dom = " ".join(re.sub(r"<[^>]+>", " ", chromium_dom(built / f"{name}.html")).split())
    for shown in (text, dom):
        assert (
            "Draft WHO Code of Practice on the International Recruitment of Health Personnel Draft "
            "text of 7 September 2009" in shown
        )
        assert "2009-09-SEARO-RC62" not in shown and "Text of version" not in shown


def test_mastheads_say_world_health_organization(built: Path) -> None:
    for name, lines in (
        ("eb124-13", ["World Health Organization", "EXECUTIVE BOARD"]),
        (
            "sea-rc62-working-paper",
            [
                "World Health Organization",
                "Regional Office for South-East Asia",
                "Regional Committee for South-East Asia",
            ],
        ),
        ("code", ["World Health Organization", "Code text"]),
    ):
        text = pandoc_text(built / f"{name}.docx")
        page1 = text[: text.lower().index("code of practice")]  # what stands before the title
        dom = chromium_dom(built / f"{name}.html")
        masthead = re.search(r'<header class="masthead">(.*?)</header>', dom, re.S)
        assert masthead is not None, name
        left = re.findall(r"<p>([^<]*)</p>", masthead.group(1))
        assert left[: len(lines)] == lines, (name, left)
        assert all(line in page1 for line in lines), (name, page1)


def test_a_template_that_is_not_utf8_is_a_located_error_not_a_crash(shipped_project: Path) -> None:
    """The placeholder scan skips a template it cannot read; the renderer says where (it crashed before)."""
    html = shipped_project / "annex_templates" / "regional-committee" / "paper.html.j2"
    html.write_bytes(html.read_bytes().replace(b"World Health Organization", b"Organisation mondiale de la Sant\xe9"))
    result = run(shipped_project, "build", RC, "-o", "out")
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    line = line_of(html, '<div class="left">')
    where = f"annex_templates/regional-committee/paper.html.j2:{line}"
    assert (
        f"{where}: error: annex_templates/regional-committee/paper.html.j2 is not valid UTF-8 (byte "
        "0xe9) [source.encoding]" in result.stderr
    )
    assert not (shipped_project / "out").exists() or not any((shipped_project / "out").iterdir())
