"""drafttools import of plain text and Markdown: structure, IDs kept, the report, bad input, the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.importer import import_draft
from drafttools.importer.text import read_text
from drafttools.importer.usecase import Places
from drafttools.model.tree import Instrument
from drafttools.render import plain
from drafttools.source import ledger
from drafttools.source.parse import load

from .importing import annex_text, git, same_as_code_text, snapshot


def _write(tmp_path: Path, text: str, name: str = "draft.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(result: object) -> list[str]:
    """The codes of an import's diagnostics, but for the report of the paper's blocks left out before the title."""
    return [d.code for d in result.diagnostics if d.code != "import.front-matter"]  # type: ignore[attr-defined]


def _numbers(instrument: Instrument) -> list[str]:
    return [n.label for n in instrument.walk()]


# ----------------------------------------------------------------------------------------- the seed's Annex


def test_seed_annex_has_the_structure_and_words_of_the_code_text(
    places: Places, tmp_path: Path, shipped: Instrument
) -> None:
    result = import_draft(_write(tmp_path, annex_text()), "seed-annex", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    written = load(places.versions / "seed-annex").instrument
    assert written is not None
    assert len(written.articles) == 11
    assert _numbers(written) == _numbers(shipped)
    assert [a.title for a in written.articles] == [a.title for a in shipped.articles]
    assert written.meta.title == shipped.meta.title
    assert plain.words(plain.render(written)) == plain.words(plain.render(shipped))
    assert [n.numbered for n in written.walk() if n.kind == "paragraph"] == [
        n.numbered for n in shipped.walk() if n.kind == "paragraph"
    ]
    assert len(result.new) == 71 and not result.matched  # no --ids-from: every ID minted


def test_seed_annex_with_ids_from_code_text_gives_back_the_source(places: Places, tmp_path: Path) -> None:
    result = import_draft(_write(tmp_path, annex_text()), "seed-annex", "code_text", places=places)
    assert result.exit_code() == 0
    assert (len(result.matched), len(result.new), len(result.gone)) == (71, 0, 0)
    assert {p.how for p in result.matched} == {"number+content"}
    assert len(result.linked) == 8  # every plain-text reference of the 2009 draft linked to its target's ID
    same_as_code_text(places, "seed-annex")


def test_a_negotiating_status_survives_an_import_with_ids_from(places: Places, tmp_path: Path) -> None:
    """Plain text carries no status: each matched element keeps the one its source element had."""
    article = places.source / "article-10.md"
    text = article.read_text(encoding="utf-8")
    old = ":::{paragraph} review-by-director-general\n"
    article.write_text(text.replace(old, old + ":status: open\n"), encoding="utf-8")
    result = import_draft(_write(tmp_path, annex_text()), "seed-annex", "code_text", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    written = load(places.versions / "seed-annex").instrument
    assert written is not None
    assert {e.id: e.status for e in written.walk() if e.status} == {"review-by-director-general": "open"}
    assert ":status: open\n" in (places.versions / "seed-annex" / "article-10.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- variants

HEADING_VARIANTS = {
    "hyphen": "Article 2 - Nature and scope",
    "colon": "Article 2: Nature and scope",
    "em dash": "Article 2 \u2014 Nature and scope",
    "en dash, no spaces": "Article 2\u2013Nature and scope",
    "full stop": "Article 2. Nature and scope",
    "spaces only": "Article 2   Nature and scope",
    "capitals": "ARTICLE 2 \u2013 Nature and scope",
    "title on its own line": "Article 2\n\nNature and scope",
}


@pytest.mark.parametrize("heading", list(HEADING_VARIANTS.values()), ids=list(HEADING_VARIANTS))
def test_article_heading_variants(heading: str, places: Places, tmp_path: Path) -> None:
    text = annex_text().replace("Article 2 \u2013 Nature and scope", heading)
    result = import_draft(_write(tmp_path, text), "variant", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    assert result.instrument is not None
    assert [a.title for a in result.instrument.articles][:3] == ["Objectives", "Nature and scope", "Guiding principles"]
    assert len(result.instrument.articles[1].children) == 4


UNSPACED = {  # no blank lines: each heading and paragraph on the line after the one before
    "en dash": "Article 1 \u2013 One\n1.1 Some text here.\nArticle 2 \u2013 Two\n2.1 x text.\n",
    "hyphen, ARTICLE": "ARTICLE 1 - One\n1.1 Some text here.\nARTICLE 2 - Two\n2.1 x text.\n",
    "colon, no sentence end": "Article 1: One\n1.1 Some text here\nArticle 2: Two\n2.1 x text\n",
    "long paragraph line": "Article 1 \u2013 One\n1.1 Some text here"
    + " and more" * 40
    + ".\nArticle 2 \u2013 Two\n2.1 x text.\n",
}


@pytest.mark.parametrize("text", list(UNSPACED.values()), ids=list(UNSPACED))
def test_heading_line_never_joins_the_line_below(text: str, places: Places, tmp_path: Path) -> None:
    path = _write(tmp_path, text)
    assert [(b.where, b.text[:8]) for b in read_text(path, "draft.txt").blocks] == [
        (1, text.split("\n")[0][:8]),
        (2, "1.1 Some"),
        (3, text.split("\n")[2][:8]),
        (4, "2.1 x te"),
    ]
    result = import_draft(path, "unspaced", dry_run=True, places=places)
    assert result.exit_code() == 0 and _codes(result) == []
    assert result.instrument is not None
    assert [(a.title, [p.label for p in a.children]) for a in result.instrument.articles] == [
        ("One", ["1.1"]),
        ("Two", ["2.1"]),
    ]


def test_paragraph_and_item_lines_start_blocks_but_a_wrapped_reference_does_not(places: Places, tmp_path: Path) -> None:
    text = (
        "Article 1 \u2013 One\n1.1 WHO shall\n(a) report under paragraph\n1.2 above; and\n(b) review.\n"
        "1.2 Member States should act as paragraphs 1.1 and\n1.2 say.\n"
    )
    path = _write(tmp_path, text)
    assert [(b.where, b.text) for b in read_text(path, "draft.txt").blocks] == [
        (1, "Article 1 \u2013 One"),
        (2, "1.1 WHO shall"),
        (3, "(a) report under paragraph 1.2 above; and"),
        (5, "(b) review."),
        (6, "1.2 Member States should act as paragraphs 1.1 and 1.2 say."),
    ]
    result = import_draft(path, "wrapped", dry_run=True, places=places)
    assert result.exit_code() == 0 and _codes(result) == []
    assert result.instrument is not None
    assert [n.label for n in result.instrument.walk()] == ["1", "1.1", "1.1(a)", "1.1(b)", "1.2"]


SMALL = """Draft code of something

Recalling the earlier draft;

Article 1 \u2013 Purposes

The purposes are:

(a) first purpose;

(b) second purpose [to be agreed].

Article 2 \u2013 Measures

2.1 Member States should act.1

2.2 WHO shall:
(i) report; and
(ii) review.

2.3 Each State should:

(a) collect data as set out in paragraph 2.1 above:
(i) on migration; and
(ii) on workforce; and

(b) share them.
"""


def test_title_preamble_lead_in_items_roman_brackets_footnotes(places: Places, tmp_path: Path) -> None:
    result = import_draft(_write(tmp_path, SMALL), "small", places=places)
    assert result.exit_code() == 0
    instrument = result.instrument
    assert instrument is not None
    assert instrument.meta.title == "Draft code of something"
    assert [plain.block_text(p, instrument) for p in instrument.preamble] == ["Recalling the earlier draft;"]
    lines = [plain.block_text(n, instrument) for n in instrument.walk()][1:]
    assert lines == [
        "Article 1 \u2013 Purposes",
        "The purposes are:",
        "(a)  first purpose;",
        "(b)  second purpose [to be agreed].",
        "Article 2 \u2013 Measures",
        "2.1  Member States should act.",
        "2.2  WHO shall:",
        "(a)  report; and",
        "(b)  review.",
        "2.3  Each State should:",
        "(a)  collect data as set out in paragraph 2.1 above:",
        "(i)  on migration; and",
        "(ii)  on workforce; and",
        "(b)  share them.",
    ]
    assert not instrument.articles[0].children[0].numbered
    nested = instrument.articles[1].children[2].children[0].children  # (i) and (ii) are points of point (a)
    assert [n.label for n in nested] == ["2.3(a)(i)", "2.3(a)(ii)"]
    codes = _codes(result)
    assert codes == [
        "import.footnote",
        "import.number-format",
    ]  # "act.1"; (i), (ii) printed (a), (b) at the first depth
    assert [c.after for c in result.linked] == ["paragraph {xref}`member-states-act` above"]
    from drafttools.model import ids

    assert all(ids.problem(n.id) is None and not ids.looks_number_derived(n.id) for n in result.new)
    assert next(n.id for n in result.new if n.text == "WHO shall:") == "measures-paragraph"


MARKDOWN = """---
title: ignored front matter
---

# Draft code of something

## Article 1 \u2013 Purposes

**1.1** The purposes are *clear*.

1\\.2 Second, with an escaped number and a [link](http://example.org).

## Article 2: Measures

- 2.1 Member States should act.
"""


def test_markdown(places: Places, tmp_path: Path) -> None:
    result = import_draft(_write(tmp_path, MARKDOWN, "draft.md"), "md", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    instrument = result.instrument
    assert instrument is not None
    assert instrument.meta.title == "Draft code of something"
    assert [plain.block_text(n, instrument) for n in instrument.walk()] == [
        "Article 1 \u2013 Purposes",
        "1.1  The purposes are clear.",
        "1.2  Second, with an escaped number and a link.",
        "Article 2 \u2013 Measures",
        "2.1  Member States should act.",
    ]


# ------------------------------------------------------------------------------------------------ IDs kept


def _without_article_5(text: str, renumber: bool) -> str:
    start, end = text.index("Article 5 \u2013"), text.index("Article 6 \u2013")
    text = text[:start] + text[end:]
    if renumber:
        for old in range(6, 12):
            text = re.sub(rf"\bArticle {old}\b", f"Article {old - 1}", text)
            text = re.sub(rf"(?<![\d.]){old}\.(\d+)", rf"{old - 1}.\1", text)
    return text


@pytest.mark.parametrize("renumber", [False, True], ids=["numbers left", "renumbered"])
def test_ids_kept_after_an_edit_and_a_deletion(renumber: bool, places: Places, tmp_path: Path) -> None:
    text = _without_article_5(annex_text(), renumber)
    text = text.replace("The code is voluntary.", "The code is voluntary and universal.")
    result = import_draft(_write(tmp_path, text), "edited", "code_text", places=places)
    assert result.exit_code() == 0 or (not renumber and set(_codes(result)) == {"import.numbering-gap"})
    assert [g.id for g in result.gone] == [
        "art-mutuality-benefits",
        "accordance-principle-mutuality-benefits",
        "urged-enter-bilateral-multilateral",
        "recognize-value-both-systems",
    ]
    assert result.new == ()
    edited = next(p for p in result.matched if p.id == "voluntary-nature")
    assert edited.how == "number+content" and 0.6 < edited.score < 1
    moved = next(p for p in result.matched if p.id == "designated-national-authority")
    assert (moved.how, moved.old_label) == ("content" if renumber else "number+content", "8.3")
    floor = 0.9 if renumber else 1.0  # renumbered: the references typed in the text changed with the numbers
    assert all(p.score >= floor for p in result.matched if p.id not in ("voluntary-nature", "art-nature-scope"))
    if not renumber:
        gap = next(d for d in result.diagnostics if d.code == "import.numbering-gap")
        assert "Article 6" in gap.message and gap.line > 1
        strict = import_draft(_write(tmp_path, text), "edited-strict", "code_text", strict=True, places=places)
        assert (
            strict.exit_code(strict=True) == 1
            and not strict.written
            and not (places.versions / "edited-strict").exists()
        )
    assert len(result.linked) == 8  # references typed against the file's own numbers still find their targets


def test_new_ids_are_never_ones_the_ledger_has_seen(places: Places, tmp_path: Path) -> None:
    book = ledger.read(places.source)
    retired = "gather-data-support-policy"
    (places.source / "id-ledger.tsv").write_text(
        (places.source / "id-ledger.tsv").read_text() + f"{retired}\tparagraph\tretired\n"
    )
    text = annex_text().replace("7.4  Member States", "7.5  Gather data to support policy.\n\n7.4  Member States")
    text = text.replace("7.5  Gather", "7.4  Gather").replace(
        "7.4  Member States should ensure", "7.5  Member States should ensure"
    )
    result = import_draft(_write(tmp_path, text), "added", "code_text", places=places, force=True)
    assert [(n.kind, n.label) for n in result.new] == [("paragraph", "7.4")]
    minted = result.new[0].id
    assert minted.startswith(retired) and minted != retired and minted not in book.used()


# --------------------------------------------------------------------------------------------- bad input

BAD = [
    ("no article", "Just a letter.\n\nDear colleagues, here is my view.\n", "import.no-article", 1),
    ("repeat", SMALL.replace("2.2 WHO", "2.1 WHO"), "import.numbering-repeat", 17),
    ("backwards", SMALL.replace("Article 2 \u2013", "Article 1 \u2013"), "import.numbering-repeat", 13),
    ("item repeat", SMALL.replace("(b) second", "(a) second"), "import.numbering-repeat", 11),
    ("N.M.K", SMALL.replace("2.3 Each", "2.2.1 Each"), "import.too-deep", 21),
    ("binary", "PK\x03\x04 not text", "import.format", 0),
    ("NUL bytes", "Article 1 \u2013 x\n\nbad\x00byte", "import.format", 3),
]


@pytest.mark.parametrize(("text", "code", "line"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_text_gives_one_located_diagnostic_and_changes_nothing(
    text: str, code: str, line: int, places: Places, tmp_path: Path
) -> None:
    root = places.source.parent
    before = snapshot(root)
    result = import_draft(_write(tmp_path, text), "bad", places=places)
    assert result.exit_code() == 1 and not result.written
    found = [d for d in result.diagnostics if d.code == code]
    assert found and found[0].line == line and found[0].path.endswith("draft.txt"), [
        d.format() for d in result.diagnostics
    ]
    assert snapshot(root) == before


def test_not_utf8_and_too_large(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_bytes("Article 1 - x\n\nCaf\xe9\n".encode("latin-1"))
    result = import_draft(bad, "bad", places=places)
    assert [(d.code, d.line) for d in result.diagnostics] == [("import.unreadable", 3)]
    from drafttools.importer import text as text_reader

    monkeypatch.setattr(text_reader, "MAX_FILE_BYTES", 1000)
    result = import_draft(_write(tmp_path, annex_text()), "big", places=places)
    assert [d.code for d in result.diagnostics] == ["import.too-large"]
    monkeypatch.setattr(text_reader, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(text_reader, "MAX_BLOCKS", 50)
    result = import_draft(_write(tmp_path, annex_text()), "big", places=places)
    assert [d.code for d in result.diagnostics] == ["import.too-large"] and "50" in result.diagnostics[0].message
    deep = _write(tmp_path, "Article 1 \u2013 x\n\n" + ">" * 40 + " nested\n", "deep.md")
    result = import_draft(deep, "deep", places=places)
    assert [(d.code, d.line) for d in result.diagnostics] == [("import.too-deep", 3)]
    assert not (places.versions / "big").exists() and not (places.versions / "deep").exists()


# ------------------------------------------------------------------------------------------ into code_text


def test_into_code_text_refuses_uncommitted_work_unless_forced(places: Places, tmp_path: Path) -> None:
    draft = _write(tmp_path, annex_text().replace("The code is voluntary.", "The code is voluntary and universal."))
    article = places.source / "article-03.md"
    article.write_text(article.read_text() + "\n", encoding="utf-8")
    before = snapshot(places.source)
    refused = import_draft(draft, "code_text", "code_text", places=places)
    assert _codes(refused) == ["import.uncommitted"] and "article-03.md" in refused.diagnostics[-1].message
    assert snapshot(places.source) == before
    done = import_draft(draft, "code_text", "code_text", places=places, force=True)
    assert done.exit_code() == 0 and done.written
    changed = git(places.source.parent, "status", "--porcelain").split("\n")
    assert sorted(line[3:] for line in changed if line) == [
        "code_text/article-02.md",
        "code_text/article-03.md",
    ]  # article-03: the uncommitted edit, kept
    assert "voluntary and universal" in (places.source / "article-02.md").read_text()


# ------------------------------------------------------------------------------------------------------ CLI


def test_cli_prints_the_report(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = _write(tmp_path, _without_article_5(annex_text(), renumber=True))
    monkeypatch.chdir(places.source.parent)
    settings.cache_clear()
    try:
        runner = CliRunner()
        done = runner.invoke(main, ["import", str(draft), "--as", "2009-10-edited", "--ids-from", "code_text"])
        missing = runner.invoke(main, ["import", "nowhere.txt", "--as", "x"])
        bad_name = runner.invoke(main, ["import", str(draft), "--as", "../escape"])
        as_json = runner.invoke(
            main,
            [
                "import",
                str(draft),
                "--as",
                "2009-10-edited",
                "--ids-from",
                "code_text",
                "--dry-run",
                "--format",
                "json",
            ],
        )
    finally:
        settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert re.search(
        r"(?m)^matched +paragraph +7\.3 +designated-national-authority +content 0\.9\d \(was 8\.3\)$", done.stdout
    )
    assert re.search(r"(?m)^gone +article +Article 5 +art-mutuality-benefits +'Mutuality of benefits'$", done.stdout)
    assert done.stdout.strip().splitlines()[-1].startswith("imported")
    assert (places.versions / "2009-10-edited" / "article-10.md").is_file() and not (
        places.versions / "2009-10-edited" / "article-11.md"
    ).exists()
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    assert bad_name.exit_code == 2 and "version name" in bad_name.stderr
    assert as_json.exit_code == 0 and '"how": "content"' in as_json.stdout


def test_a_wrapped_line_starting_with_article_is_prose(places: Places, tmp_path: Path) -> None:
    text = annex_text().replace(
        "pursuant to paragraphs 7.2 and 7.3 above for ongoing monitoring",
        "pursuant to paragraphs 7.2 and 7.3 above and\nArticle 5 of the Constitution for ongoing monitoring",
    )
    result = import_draft(_write(tmp_path, text), "prose", places=places)
    assert result.exit_code() == 0 and result.instrument is not None
    assert len(result.instrument.articles) == 11
    assert "and Article 5 of the Constitution for ongoing" in plain.render(result.instrument)


def test_generated_revision_gets_back_every_surviving_id(tmp_path: Path) -> None:
    """benchmarks/generate.py writes an instrument and a revision of it (edits, deletions, insertions, moves, a
    deleted article); importing the revision's plain Markdown must give every surviving element its old ID."""
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--paragraphs",
            "400",
            "--out",
            str(tmp_path / "gen"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    v1, v2 = (
        load(tmp_path / "gen" / "v1" / "code_text").instrument,
        load(tmp_path / "gen" / "v2" / "code_text").instrument,
    )
    assert v1 is not None and v2 is not None
    places = Places(tmp_path / "gen" / "v1" / "code_text", tmp_path / "versions")
    result = import_draft(tmp_path / "gen" / "v2" / "plain.md", "v2", "code_text", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics][:5]
    assert result.instrument is not None
    truth = [(n.kind, n.id) for n in v2.walk()]
    got = [(n.kind, n.id) for n in result.instrument.walk()]
    old = {n.id for n in v1.walk()}
    assert len(got) == len(truth)
    assert [g for g, t in zip(got, truth, strict=True) if t[1] in old and g != t] == []
    assert len(result.new) == sum(t[1] not in old for t in truth)


def test_versions_are_frozen_and_ids_can_come_from_a_git_revision(places: Places, tmp_path: Path) -> None:
    draft = _write(tmp_path, annex_text())
    first = import_draft(draft, "v1", "HEAD:code_text", places=places)
    assert first.exit_code() == 0 and first.ids_from == "HEAD:code_text" and len(first.matched) == 71
    before = snapshot(places.versions)
    again = import_draft(draft, "v1", "code_text", places=places)
    assert _codes(again) == ["import.version-exists"] and snapshot(places.versions) == before
    assert import_draft(draft, "v1", "v1", places=places, force=True).exit_code() == 0
    assert len(list(places.versions.iterdir())) == 1  # no temporary folder left behind


def test_every_import_code_is_produced_by_a_test() -> None:
    """Each import.* code in the CODES table has a test of its own in these files."""
    from drafttools.diagnostics import CODES

    from .conftest import ROOT

    tests = "".join(
        (ROOT / "tests" / name).read_text(encoding="utf-8")
        for name in (
            "test_import_text.py",
            "test_import_docx.py",
            "test_import_clients.py",
            "test_import_shapes.py",
            "test_import_dropped.py",
            "test_small_holes.py",
        )
    )
    missing = [c for c in CODES if c.startswith("import.") and tests.count(f'"{c}"') < 1]
    assert missing == []


def test_cli_report_names_articles_as_the_profile_does(
    places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafttools.source.profiles import SHIPPED

    profile = tmp_path / "artikel.toml"
    profile.write_text(
        (SHIPPED / "who-code.toml")
        .read_text(encoding="utf-8")
        .replace('word = "Article"', 'word = "Artikel"')
        .replace('heading = "Article {number}"', 'heading = "Artikel {number}"'),
        encoding="utf-8",
    )
    draft = _write(tmp_path, UNSPACED["en dash"].replace("Article", "Artikel"))
    monkeypatch.chdir(places.source.parent)
    settings.cache_clear()
    try:
        done = CliRunner().invoke(
            main, ["import", str(draft), "--as", "headings", "--dry-run", "--profile", str(profile)]
        )
    finally:
        settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert re.search(r"(?m)^new +article +Artikel 1 +art-one +'One'$", done.stdout) and "Article 1" not in done.stdout


def test_content_matching_is_the_diff_engines(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drafttools.diff import engine as diff
    from drafttools.importer import match

    assert match.similarity is diff.similarity and match.CONTENT_THRESHOLD == diff.SIMILARITY_THRESHOLD
    calls: list[int] = []

    def spy(*args: object, **kwargs: object) -> list[diff.ContentPair]:
        found = diff.align_by_content(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(len(found))
        return found

    monkeypatch.setattr(match, "align_by_content", spy)
    text = _without_article_5(annex_text(), renumber=True).replace(
        "The code is voluntary.", "The code is voluntary and universal."
    )
    result = import_draft(_write(tmp_path, text), "edited", "code_text", dry_run=True, places=places)
    assert result.exit_code() == 0 and _codes(result) == []
    assert len(calls) == 2  # items, then paragraphs (every article is vouched for by its paragraphs)
    assert sum(calls) == sum(p.how.endswith("content") and p.kind != "article" for p in result.matched) == 57
    moved = next(p for p in result.matched if p.id == "designated-national-authority")
    assert (moved.how, moved.label, moved.old_label) == ("content", "7.3", "8.3") and moved.score >= 0.9
    pairs = diff.align_by_content(["a b c d e", "x y z"], ["x y z", "a b c d f"], key=str)
    assert [(p.old, p.new, p.how) for p in pairs] == [(0, 1, "similar"), (1, 0, "exact")]
    pooled: list[tuple[int, int]] = []  # identical texts are settled first: only the rest is pooled and compared

    def near(old: list[list[str]], new: list[list[str]]) -> list[range]:
        pooled.append((len(old), len(new)))
        return [range(len(new)) for _ in old]

    diff.align_by_content(["x y z", "a b c d e", "x y z"], ["x y z", "a b c d f"], key=str, near=near)
    assert pooled == [(2, 1)]
