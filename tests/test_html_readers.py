"""HTML for every reader (issue 16, items 5 and 6): every page drafttools writes (the three shipped papers, the
redline and the synoptic table of the shipped versions, the compilation of proposals and a per-proponent view of a
small project's proposals) read as its readers meet it, in headless Chromium driven
over the DevTools protocol (tests/clients.py, Browser): on a phone 390 px wide without horizontal scrolling; by
axe-core with no serious or critical violation; printed to PDF on A4 with page numbers and the document's symbol
in the running header (read back with pdfinfo and pdftotext); with one ``h1``; with permalinks shown on keyboard
focus and on a touch screen.  One Chromium launch per page.  The colours of the change kinds are checked from the
stylesheet itself: at least 4.5:1, one colour and one glyph per kind."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from drafttools.cli.main import main
from drafttools.render import css
from drafttools.review import proposals as store

from .clients import Browser, _run, pdf_text
from .conftest import ROOT

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"
PAPERS = {
    "code": "Draft WHO Code of Practice on the International Recruitment of Health Personnel",
    "eb124-13": "EB124/13",
    "sea-rc62-working-paper": "SEA/RC62/unknown",
    # a draft resolution printed in a Board paper; a masthead laid out from template.toml
    "eb126-8": "EB126/8",
    "afr-rc59-code": "AFR/RC59/unknown",
}  # page -> its running header
DIFFS = {"redline": "html", "synoptic": "synoptic"}
REVIEW = {"compilation": f"Compilation of proposals: {OLD}", "proponent-bra": f"Proposals of BRA: {OLD}"}  # -> header
LANDSCAPE = {"compilation"}  # printed on A4 turned
PAGES = [*PAPERS, *DIFFS, *REVIEW]
STYLE = ROOT / "src" / "drafttools" / "render" / "templates" / "_diff-style.css.j2"
KINDS = ("inserted", "deleted", "modified", "moved", "split", "merged", "renumbered", "retitled")
PHONE = 390


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    with contextlib.chdir(ROOT):
        built = CliRunner().invoke(main, ["build", "--to", "html", "-o", str(out)])
        assert built.exit_code == 0, built.output
        for name, fmt in DIFFS.items():
            done = CliRunner().invoke(main, ["diff", OLD, NEW, "--format", fmt, "-o", str(out / f"{name}.html")])
            assert done.exit_code == 0, done.output
    project = _proposals(tmp_path_factory.mktemp("review") / "project")
    with contextlib.chdir(project):
        for argv in (["review", "compilation"], ["review", "proponent", "BRA"]):
            done = CliRunner().invoke(main, [*argv, "--to", "html", "-o", str(out)])
            assert done.exit_code == 0, done.output
    return out


def _proposals(root: Path) -> Path:
    """A copy of the shipped project with proposals on Article 3 and Article 8 written by hand: an amend of every
    paragraph of Article 3 by BRA (enough for its view to fill pages), an insertion, a deletion, a comment with a
    reply, a Secretariat note, one merged and one on a paragraph no longer in the text."""
    root.mkdir(parents=True)
    for folder in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    article = (root / "code_text" / "article-03.md").read_text(encoding="utf-8")
    paragraphs = re.findall(r":::\{paragraph\} ([\w-]+)\n(.*?)\n:::", article, flags=re.S)
    made = [
        store.Proposal(
            f"bra-{n}",
            pid,
            "amend",
            "open",
            ("BRA",),
            supporters=("IND",),
            answers=OLD,
            before=" ".join(words.split()),
            after=" ".join(words.split()).replace(" the ", " all the ", 1),
        )
        for n, (pid, words) in enumerate(paragraphs, start=1)
    ]
    made += [
        store.Proposal(
            "bra-20",
            "register-of-authorities",
            "insert-after",
            "accepted",
            ("BRA",),
            inserts="paragraph",
            after="The register shall be published online.",
        ),
        store.Proposal("bra-21", "no-longer-here", "delete", "open", ("BRA",), before="Words deleted since."),
        store.Proposal(
            "zaf-1",
            "data-to-secretariat",
            "amend",
            "merged",
            ("ZAF",),
            merged_into="bra-22",
            before="to the WHO Secretariat on a biennial basis.",
            after="to the WHO Secretariat annually.",
        ),
        store.Proposal(
            "bra-22",
            "data-to-secretariat",
            "amend",
            "rejected",
            ("BRA", "ZAF"),
            objectors=("USA",),
            before="to the WHO Secretariat on a biennial basis.",
            after="to the WHO Secretariat every three years.",
        ),
        store.Proposal(
            "bra-23",
            "register-of-authorities",
            "comment",
            "open",
            ("BRA",),
            comments=(
                store.Comment(
                    "Jo\u00e3o Souza",
                    "2026-11-28",
                    "For purposes of international communication ... by WHO",
                    "8.3 and 8.4 could be one paragraph.",
                    "anchored across 8.3 and 8.4; filed under each",
                    (store.Reply("Maria Silva", "2026-11-29", "Agreed."),),
                ),
            ),
        ),
        store.Proposal(
            "secretariat-1",
            "register-of-authorities",
            "note",
            "open",
            ("Secretariat",),
            note="The Secretariat proposes to merge 8.3 and 8.4.",
        ),
    ]
    (root / "proposals").mkdir()
    for proposal in made:
        (root / "proposals" / f"{proposal.id}.toml").write_text(store.dump(proposal), encoding="utf-8")
    return root


# What overflows the page at the phone's width, to say so when the page scrolls sideways.
WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
  .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
PERMALINK = "getComputedStyle(document.querySelector('a.permalink')).opacity"
# The opacity of a permalink at rest and on focus, from the page's own style rules (outside any media query).
FOCUS_RULES = """[...document.styleSheets[0].cssRules].filter(r => r.selectorText)
  .flatMap(r => r.selectorText.split(', ').filter(s => s === 'a.permalink' || s === 'a.permalink:focus')
  .map(s => [s, r.style.opacity])).sort().map(([s, o]) => o)"""


def header_symbol(page: str) -> str:
    return PAPERS.get(page) or REVIEW.get(page) or f"{OLD} \u2192 {NEW}"


def page_number(page: str, n: int, pages: int) -> str:
    return str(n) if page in PAPERS else f"{n} / {pages}"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_on_a_phone_to_axe_and_on_paper(pages: Path, page: str, tmp_path: Path) -> None:
    html = pages / f"{page}.html"
    with Browser() as browser:
        # A phone: the page's viewport meta makes the layout 390 CSS px wide, and nothing is wider.
        browser.open(html, PHONE, 844, mobile=True)
        width, scroll = browser.evaluate(
            "[document.scrollingElement.clientWidth, document.scrollingElement.scrollWidth]"
        )
        assert width == PHONE, f"{page}: the layout is {width} px wide on a {PHONE} px phone (no viewport meta?)"
        assert scroll <= width, (
            f"{page} scrolls sideways at {PHONE} px ({scroll} > {width}): {browser.evaluate(WIDEST)}"
        )
        assert browser.evaluate("document.querySelectorAll('h1').length") == 1, f"{page} has not one h1"
        # axe-core, at the phone's width and at a desktop's
        found = {v["id"]: v for v in browser.axe()}
        browser.viewport(1280, 900, mobile=False)
        found.update({v["id"]: v for v in browser.axe()})
        serious = [v for v in found.values() if v["impact"] in ("serious", "critical")]
        assert not serious, f"{page}: axe-core finds {serious}"
        if page in PAPERS:
            # Permalinks: headless Chromium has no pointing device, so it matches (hover: none) as a touch screen
            # does: there the permalinks show, faint.  Tab reaches one (opacity hides it at rest, never
            # visibility, which would take it out of the tab order), and the stylesheet, as Chromium parsed it,
            # shows it on focus.
            assert browser.evaluate("matchMedia('(hover: none)').matches") is True
            assert browser.evaluate(PERMALINK) == "1", f"{page}: permalinks hidden on a touch screen"
            for _ in range(12):
                browser.key("Tab")
                if browser.evaluate("document.activeElement.className") == "permalink":
                    break
            else:
                raise AssertionError(f"{page}: Tab never reaches a permalink")
            assert browser.evaluate(FOCUS_RULES) == ["0", "1"], (
                f"{page}: a permalink is not hidden at rest and shown on focus"
            )
        pdf = browser.pdf(tmp_path / f"{page}.pdf")
    info = _run(["pdfinfo", str(pdf)]).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    a4 = (842, 595) if page in LANDSCAPE else (595, 842)
    assert size and (round(float(size[1])), round(float(size[2]))) == a4, f"{page} is not printed on A4: {info}"
    sheets = [s for s in pdf_text(pdf).split("\f") if s.strip()]
    assert len(sheets) >= 2, page
    for n, sheet in enumerate(sheets, start=1):
        lines = [" ".join(line.split()) for line in sheet.splitlines() if line.strip()]
        # pdftotext -layout runs "1 / 9" together as "1/9" (single-character words a narrow space apart; with
        # "14" it keeps the spaces), so the spaces are not compared
        footer = page_number(page, n, len(sheets))
        assert lines[-1].replace(" ", "") == footer.replace(" ", ""), f"{page}, page {n} ends {lines[-1]!r}"
        if n > 1 or page not in PAPERS:  # a paper's first page carries the symbol in its masthead instead
            assert header_symbol(page) in lines[0], f"{page}, page {n} starts {lines[0]!r}"
    assert header_symbol(page) in " ".join(sheets[0].split()), f"{page}: page 1 does not name the document"


# ----------------------------------------------------------------------------------- colours, from the CSS


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_each_change_kind_has_its_own_colour_and_glyph_each_readable() -> None:
    style = STYLE.read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", style))
    colours, glyphs = {}, {}
    for kind in KINDS:
        colour = re.search(r"\.s-" + kind + r" \{ background: var\(--([\w-]+)\); \}", style)
        glyph = re.search(r"\.s-" + kind + r"::before \{ content: \"([^\"]+)\" / \"\"; \}", style)
        assert colour and glyph, kind
        colours[kind], glyphs[kind] = variables[colour[1]], glyph[1]
        assert contrast(colours[kind], "#ffffff") >= 4.5, (kind, colours[kind], contrast(colours[kind], "#ffffff"))
    assert colours["modified"] != colours["retitled"]
    assert len(set(glyphs.values())) == len(KINDS), glyphs  # shape tells every kind apart, colour or not
    assert len(set(colours.values())) == len(KINDS), colours
    for text, ground in (("ins", "ins-bg"), ("del", "del-bg")):
        assert contrast(variables[text], variables[ground]) >= 4.5, text
        assert contrast(variables[text], "#f6f1fb") >= 4.5, text  # inside a moved block
    assert contrast(variables["grey"], "#ffffff") >= 4.5


# ----------------------------------------------------------------------------------- the running header's text


def test_a_symbol_is_written_into_the_stylesheet_as_a_css_string() -> None:
    assert css.string("EB124/13") == Markup('"EB124/13"')
    assert css.string('A&B "x" \\ </style>\nnext') == Markup('"A\\26 B \\22 x\\22  \\5c  \\3c /style\\3e  next"')


def test_an_odd_symbol_cannot_break_out_of_the_stylesheet(shipped_project: Path, tmp_path: Path) -> None:
    paper = shipped_project / "papers" / "eb124-13.md"
    paper.write_text(
        paper.read_text(encoding="utf-8").replace("symbol: EB124/13", 'symbol: "EB124/13 </style><b>&"'),
        encoding="utf-8",
    )
    spec = shipped_project / "annex_templates" / "executive-board" / "template.toml"  # a type with no symbol pattern
    spec.write_text(
        re.sub(r"^symbol_(pattern|example) = .*\n", "", spec.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    with contextlib.chdir(shipped_project):
        done = CliRunner().invoke(main, ["build", "papers/eb124-13.md", "--to", "html", "-o", str(tmp_path)])
    assert done.exit_code == 0, done.output
    page = (tmp_path / "eb124-13.html").read_text(encoding="utf-8")
    assert page.count("</style>") == 1 and "<b>" not in page
    assert '@top-right { content: "EB124/13 \\3c /style\\3e \\3c b\\3e \\26 ";' in page


# ------------------------------------------------------------------------------- the reviewers' outputs (issue 14)

REVIEW_PAGES = ("negotiating-text", "clean-text")


@pytest.fixture(scope="module")
def review_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The negotiating text and the clean text of the small negotiating project of tests/reviewing.py."""
    import shutil

    from . import reviewing

    root = tmp_path_factory.mktemp("review") / "project"
    root.mkdir()
    for folder in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    reviewing.make(root)
    with contextlib.chdir(root):
        for command in ("negotiating", "clean"):
            done = CliRunner().invoke(main, ["review", command, "--to", "html"])
            assert done.exit_code == 0, done.output
    return root / "build" / "review"


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_the_review_pages_read_on_a_phone_and_to_axe(review_pages: Path, page: str) -> None:
    with Browser() as browser:
        browser.open(review_pages / f"{page}.html", PHONE, 844, mobile=True)
        width, scroll = browser.evaluate(
            "[document.scrollingElement.clientWidth, document.scrollingElement.scrollWidth]"
        )
        assert width == PHONE and scroll <= width, f"{page} scrolls sideways at {PHONE} px: {browser.evaluate(WIDEST)}"
        assert browser.evaluate("document.querySelectorAll('h1').length") == 1, f"{page} has not one h1"
        found = {v["id"]: v for v in browser.axe()}
        browser.viewport(1280, 900, mobile=False)
        found.update({v["id"]: v for v in browser.axe()})
        serious = [v for v in found.values() if v["impact"] in ("serious", "critical")]
        assert not serious, f"{page}: axe-core finds {serious}"
        if page == "negotiating-text":  # every status badge says its status in words
            badges = browser.evaluate("[...document.querySelectorAll('.badge')].map(b => b.textContent)")
            assert {"agreed", "agreed ad referendum", "under negotiation"} <= set(badges)
