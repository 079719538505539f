"""Instruments in every shipped profile, end to end: the fixtures in tests/data/instruments/<profile>/ (v1 and v2
as text, modelled on the WHO code of practice, the IHR and the Pandemic Agreement, and an EU regulation) are
imported from text and from a Word file LibreOffice made of that text, checked, diffed, built to DOCX and HTML,
and the built DOCX imported back ("no changes").  Then the shapes the fixtures do not show (generated
variations), the stale-reference case at import, check and diff, the outline of ``import --dry-run --format
json``, the account of words, and each import code the redesign added."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.importer import import_draft
from drafttools.importer.usecase import Places
from drafttools.source.parse import load

from .clients import chromium_dom, libreoffice_convert, pandoc_text
from .conftest import ROOT
from .importing import PYPROJECT, annex_text, git

FIXTURES = ROOT / "tests" / "data" / "instruments"
PROFILES = ("who-code", "treaty", "eu")


def _project(root: Path) -> Places:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copytree(ROOT / "annex_templates", root / "annex_templates")
    git(root, "init", "-q")
    return Places(root / "code_text", root / "versions")


def _run(root: Path, *argv: str) -> object:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        settings.cache_clear()
        try:
            return CliRunner().invoke(main, list(argv))
        finally:
            settings.cache_clear()


def _findings(result: object) -> list[str]:
    return [d.format() for d in result.diagnostics if d.code != "import.front-matter"]  # type: ignore[attr-defined]


def _diff(root: Path, old: str, new: str) -> dict[str, object]:
    done = _run(root, "diff", old, new, "--format", "json")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    return json.loads(done.stdout)  # type: ignore[attr-defined,no-any-return]


def _changes(report: dict[str, object]) -> set[tuple[str, str, str, str]]:
    """(kind, status, old label, new label) of every change that is not "unchanged"."""
    found = set()
    for change in report["changes"]:  # type: ignore[union-attr]
        if change["status"] != "unchanged":
            found.add(
                (
                    change["kind"],
                    change["status"],
                    (change["old"] or {}).get("label", ""),
                    (change["new"] or {}).get("label", ""),
                )
            )
    return found


# What each fixture's v2 changed, as the diff must report it (kind, status, old label, new label).
EXPECTED = {
    "who-code": {
        ("item", "deleted", "1(b)(ii)", ""),
        ("paragraph", "deleted", "3.3", ""),
        ("article", "inserted", "", "4"),
        ("article", "moved", "5", "3"),
        ("article", "renumbered", "3", "5"),
        ("article", "renumbered", "4", "6"),
        ("paragraph", "renumbered", "3.1", "5.1"),
        ("paragraph", "renumbered", "4.1", "6.1"),
    },
    "treaty": {
        ("point", "deleted", "1(b)(ii)", ""),
        ("point", "renumbered", "1(b)(iii)", "1(b)(ii)"),
        ("article", "moved", "2", "3"),
        ("article", "renumbered", "3", "2"),
        ("article", "inserted", "", "5"),
        ("article", "renumbered", "5", "6"),
        ("paragraph", "modified", "4.1", "4.1"),
    },
    "eu": {
        ("point", "inserted", "", "3(2)"),
        ("point", "renumbered", "3(2)", "3(3)"),
        ("point", "renumbered", "3(3)", "3(4)"),
        ("point", "deleted", "2(2)(b)", ""),
        ("article", "inserted", "", "4b"),
        ("article", "moved", "6", "6"),
        ("paragraph", "modified", "7(1)", "7(1)"),
    },
}
# Each fixture's shape, as v1 imports: how many elements of each kind.
SHAPES = {
    "who-code": {"paragraph": 12, "part": 2, "article": 5, "item": 4, "table": 2, "row": 6, "annex": 1},
    "treaty": {
        "recital": 4,
        "chapter": 2,
        "article": 6,
        "paragraph": 11,
        "point": 14,
        "text": 1,
        "table": 2,
        "row": 6,
        "clause": 1,
        "annex": 1,
    },
    "eu": {
        "citation": 4,
        "recital": 2,
        "part": 1,
        "title": 2,
        "article": 8,
        "paragraph": 12,
        "point": 11,
        "subparagraph": 1,
        "chapter": 2,
        "section": 1,
        "clause": 2,
        "annex": 1,
        "table": 1,
        "row": 3,
    },
}


def _shape(instrument: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for element in instrument.walk():  # type: ignore[attr-defined]
        counts[element.kind] = counts.get(element.kind, 0) + 1
    return counts


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_imports_checks_diffs_builds_and_round_trips(profile: str, tmp_path: Path) -> None:
    places = _project(tmp_path / "project")
    root = places.source.parent
    text_v1, text_v2 = FIXTURES / profile / "v1.txt", FIXTURES / profile / "v2.txt"
    first = import_draft(text_v1, "v1", places=places)
    assert first.written and _findings(first) == [] and first.profile == profile, _findings(first)
    assert first.words_in == first.words_kept > 250  # every word of the text is in the model
    assert first.instrument is not None and _shape(first.instrument) == SHAPES[profile]
    assert any(
        n.inlines and any(type(p).__name__ == "Note" for p in n.inlines) for n in first.instrument.walk()
    )  # footnotes kept
    second = import_draft(text_v2, "v2", "v1", places=places)
    assert second.written and _findings(second) == [] and second.gone and second.new, _findings(second)
    for name in ("v1", "v2"):
        checked = _run(root, "check", f"versions/{name}", "--strict")
        assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]
    report = _diff(root, "v1", "v2")
    assert EXPECTED[profile] <= _changes(report), sorted(_changes(report) - EXPECTED[profile])
    # Word, as LibreOffice makes it from the text: the same instrument, the same IDs
    word = libreoffice_convert(text_v1, tmp_path / "word", "docx:MS Word 2007 XML")
    from_word = import_draft(word, "v1-word", "v1", places=places)
    assert from_word.written and _findings(from_word) == [] and not from_word.new and not from_word.gone, _findings(
        from_word
    )
    assert _diff(root, "v1", "v1-word")["summary"]["unchanged"] == sum(SHAPES[profile].values())  # type: ignore[index]
    # build DOCX and HTML, then import the built DOCX back: no changes
    (root / "papers").mkdir()
    (root / "papers" / "code.md").write_text(
        "---\ndocument_type: code\nlanguage: en\nannex: v1\n---\n", encoding="utf-8"
    )
    built = _run(root, "build", "-o", "out", "--strict")
    assert built.exit_code == 0, built.output  # type: ignore[attr-defined]
    docx, html = root / "out" / "code.docx", root / "out" / "code.html"
    read_back = pandoc_text(docx)
    instrument = load(places.versions / "v1").instrument
    assert instrument is not None
    for article in instrument.articles:
        assert " ".join(article.heading.split()) in " ".join(read_back.split())
    dom = chromium_dom(html)
    assert all(f'id="{e.id}"' in dom for e in instrument.walk() if e.id), "every element has its anchor in the page"
    assert "<table" in dom and 'role="doc-noteref"' in dom
    again = import_draft(docx, "round-trip", "v1", places=places)
    assert again.written and _findings(again) == [] and not again.new and not again.gone, _findings(again)
    assert all(p.how == "bookmark" for p in again.matched)
    assert not _diff(root, "v1", "round-trip")["summary"].get("modified")  # type: ignore[union-attr]
    assert _run(root, "diff", "v1", "round-trip").stdout.strip().endswith("no changes")  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------- shapes not in the fixtures

TREATY = (FIXTURES / "treaty" / "v1.txt").read_text(encoding="utf-8")


def _variant(text: str, separator: str, blank_lines: bool, dash: str) -> str:
    """The treaty fixture typed otherwise: another heading separator (or the title on its own line), one paragraph
    per line with no blank line between (as LibreOffice saves text), another dash in headings."""
    text = re.sub(r"(?m)^(Article \d+) – ", lambda m: m.group(1) + separator, text)
    text = text.replace("Table 1 – ", f"Table 1 {dash} ").replace("Annex 1 – ", f"Annex 1 {dash} ")
    if not blank_lines:
        text = re.sub(r"\n\n+", "\n", text)
    return text


@pytest.mark.parametrize("separator", [" – ", ": ", ". ", " - ", " \u2014 ", "\n\n"])
@pytest.mark.parametrize("blank_lines", [True, False])
def test_generated_variations_of_the_treaty_read_the_same(separator: str, blank_lines: bool, tmp_path: Path) -> None:
    from drafttools.importer.structure import recognise
    from drafttools.importer.text import read_text
    from drafttools.source.profiles import load as load_profile

    profile = load_profile("treaty", None)[0]
    assert profile is not None

    def outline(text: str) -> list[tuple[str, str, str]]:
        path = tmp_path / "draft.txt"
        path.write_text(text, encoding="utf-8")
        draft = recognise(read_text(path, "draft.txt"), "draft.txt", profile)
        assert [p.code for p in draft.problems] in ([], ["import.front-matter"]), [p.format() for p in draft.problems]
        return [(e.kind, e.label, e.title) for e in draft.instrument.walk()]

    dash = "\u2013" if blank_lines else "-"
    assert outline(_variant(TREATY, separator, blank_lines, dash)) == outline(TREATY)


def test_deep_points_dash_indents_and_given_numbers_in_an_eu_act(tmp_path: Path) -> None:
    text = (
        "REGULATION (EU) 2026/1 on testing\n\nArticle 1\nSubject matter\n\nThis Regulation lays down rules.\n\n"
        "Article 92\nRequirements\n\n1. Institutions shall satisfy:\n\n(a) a ratio;\n\n(b) a buffer made of:\n\n"
        "(i) capital;\n\n(ii) reserves, being:\n\n— retained earnings;\n\n— other reserves;\n\n(c) a "
        "leverage ratio.\n\n"
        "Article 92a\nInserted\n\nAs point (a) of Article 92(1) requires.\n\nArticle 94\nGap kept\n\n"
        "Numbers are given.\n"
    )
    path = tmp_path / "act.txt"
    path.write_text(text, encoding="utf-8")
    places = _project(tmp_path / "p")
    done = import_draft(path, "act", places=places)
    assert done.profile == "eu" and _findings(done) == [], _findings(done)
    assert done.instrument is not None
    labels = [e.label for e in done.instrument.walk() if e.kind == "point" and e.token]
    assert labels == ["92(1)(a)", "92(1)(b)", "92(1)(b)(i)", "92(1)(b)(ii)", "92(1)(c)"]
    dashes = [e for e in done.instrument.walk() if e.number == "\u2014"]
    assert len(dashes) == 2 and all(not e.token for e in dashes)
    assert [a.token for a in done.instrument.articles] == ["1", "92", "92a", "94"]  # given: the gap stays
    checked = _run(places.source.parent, "check", "versions/act", "--strict")
    assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]
    source = (places.versions / "act" / "article-03.md").read_text(encoding="utf-8")
    assert "point (a) of Article 92(1)" in source  # placed by words around it: checked, never rewritten as a link


def test_references_to_other_instruments_are_left_alone(tmp_path: Path) -> None:
    from drafttools.model import references as xref

    places = _project(tmp_path / "p")
    import_draft(FIXTURES / "eu" / "v1.txt", "v1", places=places)
    instrument = load(places.versions / "v1").instrument
    assert instrument is not None
    phrases = {r.phrase for r in xref.find_references(instrument)}
    assert not any("Directive" in p or "TFEU" in p or "168" in p for p in phrases), phrases
    assert any(p.startswith("the second subparagraph of Article") for p in phrases)
    target = next(
        m.target
        for r in xref.find_references(instrument)
        if r.phrase.startswith("the second subparagraph")
        for m in r.members
    )
    assert target is not None and target.kind == "subparagraph" and target.label == "2(2)"


# --------------------------------------------------------------------------------- the stale reference case


def _renumbered_without_article_7(text: str) -> str:
    """The shipped code with Article 7 deleted and Articles 8-11 renumbered by hand, references and all, but for
    old 8.2(b)'s "in accordance with Article 7.2", left as it was."""
    start, end = text.index("Article 7 \u2013"), text.index("Article 8 \u2013")
    text = text[:start] + text[end:]
    for old in range(8, 12):
        text = re.sub(rf"\bArticle {old}\b", f"Article {old - 1}", text)
        text = re.sub(rf"(?m)^{old}\.(\d)", rf"{old - 1}.\1", text)
        text = re.sub(rf"(?<=[ (]){old}\.(\d)(?=[ (),.;])", rf"{old - 1}.\1", text)
    return text


def test_a_reference_left_stale_by_renumbering_is_reported_at_import_check_and_diff(
    places: Places, tmp_path: Path
) -> None:
    text = _renumbered_without_article_7(annex_text())
    assert "in accordance with Article 7.2" in text
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    result = import_draft(path, "renumbered", "code_text", places=places)
    stale = [d for d in result.diagnostics if d.code == "import.stale-reference"]
    assert len(stale) == 1 and "'7.2'" in stale[0].message and "national-data-gathering" in stale[0].message, [
        d.format() for d in result.diagnostics
    ]
    checked = _run(places.source.parent, "check", "versions/renumbered", "--format", "json")
    self_cited = [d for d in json.loads(checked.stdout)["diagnostics"] if d["code"] == "xref.self"]  # type: ignore[attr-defined]
    assert len(self_cited) == 1 and "7.2(b)" in self_cited[0]["message"]
    report = _diff(places.source.parent, "code_text", "renumbered")
    item = next(c for c in report["changes"] if (c["new"] or {}).get("id") == "updated-national-data")  # type: ignore[union-attr]
    assert item["status"] != "modified" or item["words"], "never a 'modified' with nothing to show"
    retargeted = [r for r in report["references"] if r["source"] == "updated-national-data"]  # type: ignore[union-attr]
    assert retargeted and retargeted[0]["reason"] == "retargeted", report["references"]
    text_report = _run(places.source.parent, "diff", "code_text", "renumbered").stdout  # type: ignore[attr-defined]
    assert re.search(
        r"7\.2\(b\) cited 7\.2 \(national-data-gathering, deleted\); it now cites 7\.2 \(\S+\)", text_report
    ), text_report


# ------------------------------------------------------------------------------ outline, words, new import codes


def test_dry_run_json_prints_the_recognised_outline(tmp_path: Path) -> None:
    places = _project(tmp_path / "p")
    done = _run(
        places.source.parent, "import", str(FIXTURES / "eu" / "v1.txt"), "--as", "v1", "--dry-run", "--format", "json"
    )
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    report = json.loads(done.stdout)  # type: ignore[attr-defined]
    assert report["profile"] == "eu" and report["words"]["in"] == report["words"]["kept"] > 400
    part = report["outline"][0]
    assert (part["kind"], part["number"], part["title"]) == ("part", "ONE", "GENERAL PROVISIONS")
    title = part["children"][0]
    article = title["children"][2]
    assert (article["kind"], article["number"], article["title"]) == ("article", "3", "Definitions")
    assert article["counts"] == {"paragraph": 1, "point": 7}
    assert not (places.versions / "v1").exists()


def test_words_left_out_are_each_in_a_located_diagnostic(tmp_path: Path) -> None:
    places = _project(tmp_path / "p")
    text = (
        "Annex\n\nDraft code\n\nArticle 1 \u2013 One\n\n1.1 Text of the paragraph.\n\nPART I \u2013 GENERAL\n\n"
        "Words under a division heading before its article.\n\nArticle 2 \u2013 "
        + "Long " * 45
        + "heading\n\n2.1 More text.\n"
    )
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    done = import_draft(path, "v", places=places, profile="who-code")
    codes = [d.code for d in done.diagnostics]
    assert codes == ["import.stray-text", "import.long-heading", "import.front-matter"], [
        d.format() for d in done.diagnostics
    ]
    assert all(d.line > 0 for d in done.diagnostics)
    assert done.words_in - done.words_kept == 1 + 8  # "Annex", and the eight stray words


def test_points_typed_in_another_format_than_the_profile_prints(tmp_path: Path) -> None:
    places = _project(tmp_path / "p")
    path = tmp_path / "draft.txt"
    path.write_text(
        "Draft code\n\nArticle 1 \u2013 One\n\n1.1 WHO shall:\n\n(1) report; and\n\n(2) review.\n", encoding="utf-8"
    )
    done = import_draft(path, "v", places=places, profile="who-code")
    assert [d.code for d in done.diagnostics] == ["import.number-format"]
    assert done.instrument is not None and [e.number for e in done.instrument.walk() if e.kind == "item"] == [
        "(a)",
        "(b)",
    ]


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    places = _project(tmp_path / "p")
    done = _run(places.source.parent, "import", str(FIXTURES / "eu" / "v1.txt"), "--as", "v1", "--profile", "nope")
    assert done.exit_code == 2 and "no numbering profile 'nope'" in done.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(("profile", "word"), [("treaty", "Article"), ("eu", "Article"), ("who-code", "paragraph")])
def test_check_fix_links_plain_text_references_in_every_profile(profile: str, word: str, tmp_path: Path) -> None:
    """A link the import made, typed back as its number ("Article 2(1)", "paragraph 3.1"): check calls it
    untagged, and check --fix links it again, byte for byte as it was."""
    places = _project(tmp_path / "p")
    import_draft(FIXTURES / profile / "v1.txt", "code_text", places=places)  # a frozen version refuses --fix
    folder = places.source
    linked = {path: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))}
    holder = next(path for path, text in linked.items() if re.search(rf"{word} {{xref}}`[^`]+`", text))
    text = linked[holder]
    match = re.search(rf"{word} {{xref}}`([^`]+)`", text)
    assert match is not None
    instrument = load(folder).instrument
    assert instrument is not None
    target = instrument.get(match.group(1))
    assert target is not None
    holder.write_text(text.replace(match.group(0), f"{word} {target.label}", 1), encoding="utf-8")
    untagged = _run(places.source.parent, "check", str(folder), "--format", "json")
    assert any(d["code"] == "xref.untagged" for d in json.loads(untagged.stdout)["diagnostics"])  # type: ignore[attr-defined]
    fixed = _run(places.source.parent, "check", str(folder), "--fix")
    assert fixed.exit_code == 0, fixed.output  # type: ignore[attr-defined]
    assert holder.read_text(encoding="utf-8") == text  # the link is back, and no other byte changed
