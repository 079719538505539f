"""HTML for every reader (issue 16, items 5 and 6): every page drafttools writes (the three shipped papers, the
redline and the synoptic table of the shipped versions) read as its readers meet it, in headless Chromium driven
over the DevTools protocol (tests/clients.py, Browser): on a phone 390 px wide without horizontal scrolling; by
axe-core with no serious or critical violation; printed to PDF on A4 with page numbers and the document's symbol
in the running header (read back with pdfinfo and pdftotext); with one ``h1``; with permalinks shown on keyboard
focus and on a touch screen.  One Chromium launch per page.  The colours of the change kinds are checked from the
stylesheet itself: at least 4.5:1, one colour and one glyph per kind."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from click.testing import CliRunner
from markupsafe import Markup

from drafttools.cli.main import main
from drafttools.render import css

from .conftest import ROOT

STYLE = ROOT / "src" / "drafttools" / "render" / "templates" / "_diff-style.css.j2"
KINDS = ("inserted", "deleted", "modified", "moved", "split", "merged", "renumbered", "retitled")


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
        colour = re.search(r"\.s-%s \{ background: var\(--([\w-]+)\); \}" % kind, style)
        glyph = re.search(r"\.s-%s::before \{ content: \"([^\"]+)\" / \"\"; \}" % kind, style)
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
    paper.write_text(paper.read_text(encoding="utf-8").replace("symbol: EB124/13", 'symbol: "EB124/13 </style><b>&"'),
                     encoding="utf-8")
    with contextlib.chdir(shipped_project):
        done = CliRunner().invoke(main, ["build", "papers/eb124-13.md", "--to", "html", "-o", str(tmp_path)])
    assert done.exit_code == 0, done.output
    page = (tmp_path / "eb124-13.html").read_text(encoding="utf-8")
    assert page.count("</style>") == 1 and "<b>" not in page
    assert '@top-right { content: "EB124/13 \\3c /style\\3e \\3c b\\3e \\26 ";' in page
