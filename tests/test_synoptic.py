"""The synoptic table reads in both directions (issue 16, item 3): column heads name each version by its title and
date; ``--order new|old`` chooses whose order the rows follow, and the other column marks each cell it shows out
of its own order ("moved to 4.3" / "moved from 3.9"); one chip per kind of change, its detail said once.

Read back as readers read it: the HTML parsed, and in headless Chromium; the DOCX through pandoc and LibreOffice.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from drafttools.cli.main import main
from drafttools.config import settings as project_settings
from drafttools.diff.engine import diff
from drafttools.model.tree import Instrument
from drafttools.render import synoptic
from drafttools.source.parse import load

from . import diff_edits
from .builders import code_text
from .clients import chromium_dom, libreoffice_convert, pdf_text
from .conftest import ROOT

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"
HEADED = ("division", "article", "annex", "table")
KINDS = ("inserted", "deleted", "modified", "moved", "split", "merged", "renumbered", "retitled", "retargeted")


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    project_settings.cache_clear()
    yield
    project_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def pair() -> tuple[Instrument, Instrument]:
    old, new = (load(ROOT / "versions" / name).instrument for name in (OLD, NEW))
    assert old is not None and new is not None
    return old, new


def expected(instrument: Instrument) -> list[str]:
    """What a column listing the version in its own order shows at the start of each cell: an article's whole
    heading line, a paragraph's or item's number ("" for a lead-in or a recital)."""
    return [" ".join(e.heading.split()) if e.role in HEADED else e.number.strip() for e in instrument.walk()]


def start(text: str, headed: bool) -> str:
    """The same of a cell's text: the heading line without the order mark, or the leading number."""
    if headed:
        return re.sub(r" \(moved (to|from) [^)]*\)$", "", " ".join(text.split()))
    found = re.match(r"\s*(\d+(?:\.\d+)*|\([a-z]+\))(?=\s)", text)
    return found.group(1) if found else ""


def within(part: list[str], whole: list[str]) -> bool:
    """Whether ``part`` is ``whole`` with some entries left out, the rest in the same order."""
    rest = iter(whole)
    return all(any(entry == candidate for candidate in rest) for entry in part)


# ------------------------------------------------------------------------------------------- the HTML, parsed


@dataclass
class Cell:
    text: str = ""
    order: str = ""  # the text of the order mark, "(moved to 4.3)"
    chips: list[str] = field(default_factory=list)


@dataclass
class Row:
    kind: str
    cells: dict[str, Cell] = field(default_factory=dict)


class _Table(HTMLParser):
    """The synoptic page's head cells and rows: each cell's text, its order mark, and its chips."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: list[str] = []
        self.rows: list[Row] = []
        self.sentence = ""
        self._in: list[str] = []  # the classes of the open spans and cells
        self._cell: Cell | None = None
        self._head: list[str] | None = None
        self._note = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "th":
            self._head = []
        elif tag == "tr" and "k-" in classes:
            self.rows.append(Row(classes.split()[0][2:]))
        elif tag == "td" and self.rows:
            self._cell = self.rows[-1].cells.setdefault(classes, Cell())
        elif tag == "p" and "order-note" in classes:
            self._note = True
        if tag == "span":
            self._in.append(classes)

    def handle_endtag(self, tag):
        if tag == "th" and self._head is not None:
            self.heads.append(" ".join("".join(self._head).split()))
            self._head = None
        elif tag == "td":
            self._cell = None
        elif tag == "p":
            self._note = False
        elif tag == "span" and self._in:
            self._in.pop()

    def handle_data(self, data):
        if self._head is not None:
            self._head.append(data)
        if self._note:
            self.sentence += data
        if self._cell is None:
            return
        if self._in and self._in[-1] == "order":
            self._cell.order += data
        elif self._in and self._in[-1].startswith("badge"):
            self._cell.chips.append(data)
        self._cell.text += data


def parsed(html: str) -> _Table:
    table = _Table()
    table.feed(html)
    return table


def column(table: _Table, side: str) -> list[Cell]:
    return [row.cells[side] for row in table.rows if row.cells[side].text.strip()]


def starts(table: _Table, side: str) -> list[str]:
    return [start(row.cells[side].text, row.kind in HEADED) for row in table.rows if row.cells[side].text.strip()]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    found = {}
    for order in ("new", "old"):
        result = CliRunner().invoke(main, ["diff", OLD, NEW, "--format", "synoptic", "--order", order])
        assert result.exit_code == 0, result.output
        found[order] = result.stdout
    return found


def test_the_old_order_lists_the_old_version_in_its_order_and_the_new_order_the_new(pages, pair):
    old, new = pair
    by_old, by_new = parsed(pages["old"]), parsed(pages["new"])
    assert starts(by_old, "old") == expected(old)  # every old element once, in the old text's order
    assert starts(by_new, "new") == expected(new)
    assert sorted(starts(by_old, "new")) == sorted(expected(new))  # the other column still shows every element
    assert sorted(starts(by_new, "old")) == sorted(expected(old))
    assert by_old.sentence.startswith("Rows follow the order of the old text (7 September 2009)")
    assert by_new.sentence.startswith("Rows follow the order of the new text (21 May 2010)")
    # the cells out of their own order say where their element moved, and only they
    assert [c.order for c in column(by_new, "old") if c.order] == ["(moved to 4.3)"]
    assert [c.order for c in column(by_old, "new") if c.order] == ["(moved from 3.9)"]
    assert not any(c.order for c in column(by_new, "new") + column(by_old, "old"))
    moved = next(c for c in column(by_old, "new") if c.order)
    assert start(moved.text, False) == "4.3"
    unmarked = [
        start(r.cells["new"].text, r.kind in HEADED)
        for r in by_old.rows
        if r.cells["new"].text.strip() and not r.cells["new"].order
    ]
    assert len(unmarked) == len(expected(new)) - 1 and within(unmarked, expected(new))


def test_old_article_6_stands_before_its_paragraphs_in_the_new_order(pages):
    """The merged old Article 6 heading was shown after its own paragraphs 6.1 and 6.2; now it precedes them."""
    old_column = starts(parsed(pages["new"]), "old")
    heading = next(k for k, s in enumerate(old_column) if s.startswith("Article 6 "))
    assert old_column[heading - 1 : heading + 3] == ["5.3", old_column[heading], "6.1", "6.2"]


def test_column_heads_name_each_version_by_title_and_date(pages):
    for page in pages.values():
        heads = parsed(page).heads
        assert heads == [
            "Draft WHO Code of Practice on the International Recruitment of Health Personnel 7 September 2009 "
            "2009-09-SEARO-RC62 · draft",
            "WHO Global Code of Practice on the International Recruitment of Health Personnel 21 May 2010 "
            "2010-illustrative-revision · illustrative",
            "what changed",
        ]


def test_one_chip_per_kind_and_its_detail_once(pages):
    rows = parsed(pages["new"]).rows
    for row in rows:
        what = row.cells["what"]
        assert len(what.chips) == len(set(what.chips)), what.text
        for kind in KINDS:
            assert len(re.findall(rf"\b{kind}\b", what.text)) <= 1, what.text
    texts = [" ".join(r.cells["what"].text.split()) for r in rows]
    assert "modified renumbered 3.10 → 3.9" in texts and "moved from 3.9" in texts
    assert "renumbered 7 → 6" in texts and "merged into Article 5" in texts
    assert "split into 5.3 modified" in texts and "split from 5.2" in texts


def test_chromium_renders_both_orders(pages, tmp_path):
    for order, page in pages.items():
        target = tmp_path / f"synoptic-{order}.html"
        target.write_text(page, encoding="utf-8")
        dom = chromium_dom(target)
        assert f'<table class="synoptic order-{order}">' in dom and "21 May 2010" in dom
        assert ("(moved to 4.3)" if order == "new" else "(moved from 3.9)") in dom


# ------------------------------------------------------------------------------------------- the DOCX, read back


class _PandocTable(HTMLParser):
    """The cells of pandoc's HTML for the synoptic DOCX: one list of cell texts per row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).replace("\n", " \n ").split(" ")).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def pandoc_rows(document: Path) -> list[list[str]]:
    done = subprocess.run(
        ["pandoc", str(document), "-t", "html", "--wrap=none"], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    table = _PandocTable()
    table.feed(done.stdout)
    return table.rows


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("synoptic")
    found = {}
    for order in ("new", "old"):
        target = folder / f"synoptic-{order}.docx"
        result = CliRunner().invoke(
            main, ["diff", OLD, NEW, "--format", "synoptic", "--order", order, "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        found[order] = target
    return found


def test_the_docx_read_back_by_pandoc_lists_each_version_in_its_order(documents, pair):
    old, new = pair
    for order, own, instrument in (("old", 0, old), ("new", 1, new)):
        head, *rows = pandoc_rows(documents[order])
        assert [" ".join(h.split()) for h in head] == [
            "Draft WHO Code of Practice on the International Recruitment of Health Personnel 7 September 2009 "
            "2009-09-SEARO-RC62 · draft",
            "WHO Global Code of Practice on the International Recruitment of Health Personnel 21 May 2010 "
            "2010-illustrative-revision · illustrative",
            "What changed",
        ]
        shown = [start(r[own], r[own].startswith("Article ")) for r in rows if r[own].strip()]
        assert shown == expected(instrument)
        other = [r[1 - own] for r in rows if r[1 - own].strip()]
        mark = "(moved to 4.3)" if order == "new" else "(moved from 3.9)"
        assert [c for c in other if "(moved " in c] == [next(c for c in other if c.endswith(mark))]
        for row in rows:
            what = row[2]
            for kind in KINDS:
                assert len(re.findall(rf"\b{kind}\b", what)) <= 1, what
        assert any(" ".join(r[2].split()) == "modified renumbered 3.10 → 3.9" for r in rows)


def test_libreoffice_opens_the_synoptic_docx(documents, tmp_path):
    for order, document in documents.items():
        text = " ".join(pdf_text(libreoffice_convert(document, tmp_path / order)).split())
        assert f"Rows follow the order of the {order} text" in text
        assert "21 May 2010" in text and "7 September 2009" in text
        assert ("(moved to 4.3)" if order == "new" else "(moved from 3.9)") in text


# ------------------------------------------------------------------------------------------- the command line


def test_order_with_another_format_is_a_usage_error(tmp_path):
    for fmt in ("text", "json", "html", "docx"):
        target = tmp_path / f"out.{'docx' if fmt == 'docx' else 'html' if fmt == 'html' else 'json'}"
        args = ["diff", OLD, NEW, "--format", fmt, "--order", "old"] + (["-o", str(target)] if fmt != "text" else [])
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            "Error: --order old: only the synoptic table has rows to order; give --format synoptic\n"
        )
        assert not target.exists()
    wrong = run("diff", OLD, NEW, "--format", "synoptic", "--order", "sideways")
    assert wrong.exit_code == 2 and "'sideways' is not one of 'new', 'old'" in wrong.stderr


def test_the_default_order_is_the_new_one(pages):
    assert run("diff", OLD, NEW, "--format", "synoptic").stdout == pages["new"]


def test_the_command_line_offers_the_orders_the_table_knows():
    from drafttools.cli import diff as cli_diff

    assert cli_diff.ORDERS == synoptic.ORDERS


# ------------------------------------------------------------------------------------------- the rows, any edit


def _check(table: synoptic.Table) -> None:
    """Whatever the edits: every change is one row; the rows' own column is in its text's order; in the other,
    the cells without a mark are in order, and only pairs carry a mark; chips are one per kind."""
    own, other = table.order, "old" if table.order == "new" else "new"

    def side(row: synoptic.Row, which: str):
        return row.change.new if which == "new" else row.change.old

    assert len({id(r.change) for r in table.rows}) == len(table.rows)
    mine = [side(r, own).position for r in table.rows if side(r, own) is not None]
    assert mine == sorted(mine) and len(mine) == len(set(mine))
    marked = [r for r in table.rows if (r.old_mark if other == "old" else r.new_mark)]
    assert all(r.change.old is not None and r.change.new is not None for r in marked)
    theirs = [side(r, other).position for r in table.rows if side(r, other) is not None and r not in marked]
    assert theirs == sorted(theirs)
    for row in table.rows:
        kinds = [chip.kind for chip in row.chips]
        assert len(kinds) == len(set(kinds))
        assert all(not chip.detail.startswith(chip.kind) for chip in row.chips)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(edits=diff_edits.script)
def test_random_edits_give_tables_that_read_in_order(pair, edits):
    a, b = pair[0], diff_edits.apply(pair[0], edits)
    for d in (diff(a, b), diff(diff_edits.strip_ids(a), diff_edits.strip_ids(b))):
        for order in ("new", "old"):
            table = synoptic.table(d, order)
            _check(table)
            assert len(table.rows) == sum(1 for _ in d.changes())


def test_the_shipped_pair_both_ways(pair):
    old, new = pair
    for a, b in ((old, new), (new, old)):
        for order in ("new", "old"):
            _check(synoptic.table(diff(a, b), order))


# ------------------------------------------------------------------------------------------- small texts


def _version(root: Path, articles: dict[str, list[tuple[str, str]]]) -> Instrument:
    """A code text of articles (ID: [(paragraph ID, text)]) in the order given, loaded and numbered."""
    files = {}
    for n, (aid, paragraphs) in enumerate(articles.items(), start=1):
        body = "".join(f":::{{paragraph}} {pid}\n{text}\n:::\n\n" for pid, text in paragraphs)
        files[f"article-{n:02}.md"] = f"::::{{article}} {aid}\n:title: {aid.title()}\n\n{body}::::\n"
    loaded = load(code_text(root, files))
    assert loaded.instrument is not None, loaded.diagnostics
    return loaded.instrument


def test_a_swap_marks_the_moved_one_only(tmp_path):
    a, b, c = ("p-a", "Alpha words here."), ("p-b", "Beta words here."), ("p-c", "Gamma words here.")
    old = _version(tmp_path / "old", {"art-one": [a, b, c]})
    new = _version(tmp_path / "new", {"art-one": [c, a, b]})
    d = diff(old, new)
    by_new = synoptic.table(d, "new")
    assert [(r.change.old.label, r.old_mark) for r in by_new.rows if r.change.old.role == "paragraph"] == [
        ("1.3", "moved to 1.1"),
        ("1.1", ""),
        ("1.2", ""),
    ]
    by_old = synoptic.table(d, "old")
    assert [(r.change.new.label, r.new_mark) for r in by_old.rows if r.change.new.role == "paragraph"] == [
        ("1.2", ""),
        ("1.3", ""),
        ("1.1", "moved from 1.3"),
    ]
    moved = next(r for r in by_new.rows if r.old_mark)
    assert [(chip.kind, chip.detail) for chip in moved.chips] == [("moved", "within Article 1 (was 1.3)")]


def test_one_sided_rows_stand_at_their_own_place(tmp_path):
    """A deletion, when the rows follow the new text, stands after its old predecessor that the table keeps in
    order (here the article heading, not the paragraph that moved away); an insertion likewise in the old order."""
    a, b, c, d = (("p-" + k, k.title() + " words here.") for k in ("alpha", "beta", "gamma", "delta"))
    x = ("p-x", "Completely fresh sentence about something else.")
    old = _version(tmp_path / "old", {"art-one": [a, b, c], "art-two": [d]})
    new = _version(tmp_path / "new", {"art-one": [c, x], "art-two": [d, a]})
    table = synoptic.table(diff(old, new), "new")
    shown = [
        (r.change.old.label if r.change.old else "-", r.change.new.label if r.change.new else "-", r.old_mark)
        for r in table.rows
    ]
    assert shown == [
        ("1", "1", ""),
        ("1.2", "-", ""),
        ("1.3", "1.1", ""),
        ("-", "1.2", ""),
        ("2", "2", ""),
        ("2.1", "2.1", ""),
        ("1.1", "2.2", "moved to 2.2"),
    ]
    back = synoptic.table(diff(old, new), "old")
    shown = [
        (r.change.old.label if r.change.old else "-", r.change.new.label if r.change.new else "-", r.new_mark)
        for r in back.rows
    ]
    assert shown == [
        ("1", "1", ""),
        ("1.1", "2.2", "moved from 1.1"),
        ("1.2", "-", ""),
        ("1.3", "1.1", ""),
        ("-", "1.2", ""),
        ("2", "2", ""),
        ("2.1", "2.1", ""),
    ]


def test_an_unknown_order_is_refused(pair):
    with pytest.raises(ValueError, match="order 'sideways': one of new, old"):
        synoptic.table(diff(*pair), "sideways")
