"""The compilation, the per-proponent view and notes (issue 14 item 3): a small realistic project, the shipped
code sent out as DOCX and returned by LibreOffice (Brazil: two delegates' tracked changes and comments; South
Africa: one change), collected, then decided in the room (accepted, rejected, merged), with hand-written proposals
besides (India's, merged; the European Union's) and a Secretariat note; one accepted deletion applied to the
working text, so that its proposal's target is gone.  Every output read back by a real client: the DOCX by pandoc,
python-docx and LibreOffice, the HTML parsed as a browser's DOM."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from lxml import etree, html

from drafttools.review import proposals as store

from .clients import libreoffice_convert, pandoc_text, pdf_text
from .conftest import ROOT
from .returns import Review

VERSION = "2009-09-SEARO-RC62"
MARIA, JOAO, ANA = "Maria Silva", "João Souza", "Ana Lima"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BIENNIAL = "provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat on a biennial basis."


def drafttools(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *argv], cwd=project, capture_output=True, text=True, env=env, timeout=300
    )


def ok(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    done = drafttools(project, *argv)
    assert done.returncode == 0, f"{argv}: {done.stderr}"
    return done


def _copy(root: Path) -> Path:
    root.mkdir(parents=True)
    for folder in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    return root


def _read(project: Path) -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in (project / "proposals").glob("*.toml")}


def _find(read: dict[str, dict], target: str, kind: str, author: str | None = None) -> str:
    (found,) = [
        k
        for k, r in read.items()
        if r["target"] == target and r["kind"] == kind and (author is None or author in r["authors"])
    ]
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The project after the returns were collected and the room decided; with the IDs the tests name."""
    work = tmp_path_factory.mktemp("compilation")
    root = _copy(work / "project")
    ok(root, "build", "papers/code.md", "--to", "docx")
    sent = root / "build" / "code.docx"
    bra = Review(sent, work / "bra")
    bra.replace(JOAO, "2026-11-28T09:00:00", "promote the establishment or strengthening", "promote the strengthening")
    bra.replace(MARIA, "2026-11-30T10:00:00", "on a biennial basis", "every three years")
    bra.insert(JOAO, "2026-11-28T09:05:00", "provide data", " electronically")
    bra.comment(
        JOAO,
        "2026-11-28T09:10:00",
        "8.3 and 8.4 could be one paragraph.",
        "For purposes of international communication",
        "and published by WHO",
    )
    bra.insert_paragraph(
        MARIA, "2026-11-30T10:10:00", "and published by WHO", "8.5 The register shall be published online."
    )
    bra.delete_paragraph(JOAO, "2026-11-28T09:15:00", "maintain a record, updated at regular intervals")
    zaf = Review(sent, work / "zaf")
    zaf.replace(ANA, "2026-11-29T08:00:00", "on a biennial basis", "annually")
    ok(root, "collect", str(bra.save("bra-return")), "--from", "BRA", "--answers", VERSION)
    ok(root, "collect", str(zaf.save("zaf-return")), "--from", "ZAF", "--answers", VERSION)
    read = _read(root)
    ids = {
        "three-years": _find(read, "data-to-secretariat", "amend", MARIA),
        "electronically": _find(read, "data-to-secretariat", "amend", JOAO),
        "strengthening": _find(read, "information-exchange-promotion", "amend", JOAO),
        "insert": _find(read, "register-of-authorities", "insert-after"),
        "across": _find(read, "register-of-authorities", "comment", JOAO),
        "delete": _find(read, "extent-possible-maintain-record", "delete"),
        "annually": _find(read, "data-to-secretariat", "amend", ANA),
    }
    # written by hand, as a delegation's proposal read out in the room is
    for proposal in (
        store.Proposal(
            "ind-1",
            "data-to-secretariat",
            "amend",
            "open",
            ("IND",),
            answers=VERSION,
            before=BIENNIAL,
            after=BIENNIAL.replace("on a biennial basis", "every two years"),
        ),
        store.Proposal(
            "eu-1",
            "voluntary-nature",
            "amend",
            "open",
            ("EU",),
            answers=VERSION,
            before="The code is voluntary.",
            after="The code is voluntary and universal.",
        ),
    ):
        (root / "proposals" / f"{proposal.id}.toml").write_text(store.dump(proposal), encoding="utf-8")
    ok(root, "proposal", "accept", ids["three-years"], ids["delete"])
    ok(root, "proposal", "reject", ids["strengthening"])
    ok(root, "proposal", "merge", "ind-1", "--into", ids["three-years"])
    ok(root, "proposal", "merge", ids["electronically"], "--into", ids["annually"])
    ok(root, "proposal", "support", ids["annually"], "--by", "BRA")
    ok(root, "proposal", "object", ids["three-years"], "--by", "USA")
    ok(root, "proposal", "object", "eu-1", "--by", "BRA")
    ok(root, "proposal", "withdraw", "eu-1")
    ok(root, "review", "note", "register-of-authorities", "The Secretariat proposes to merge 8.3 and 8.4.")
    # the accepted deletion applied to the working text: its proposal's target is no longer there
    article = root / "code_text" / "article-09.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        re.sub(r":::\{paragraph\} extent-possible-maintain-record\n.*?:::\n\n", "", text, flags=re.S), encoding="utf-8"
    )
    return {"root": root, "ids": ids}


@pytest.fixture(scope="module")
def compiled(project: dict[str, object]) -> Path:
    root = project["root"]
    assert isinstance(root, Path)
    done = ok(root, "review", "compilation")
    out = root / "build" / "review"
    assert sorted(Path(line).name for line in done.stdout.split()) == ["compilation.docx", "compilation.html"]
    assert "wrote 2 files" in done.stderr and "1 on text no longer in the draft" in done.stderr
    return out


def _ids(project: dict[str, object]) -> dict[str, str]:
    ids = project["ids"]
    assert isinstance(ids, dict)
    return ids


def test_the_compilation_as_word_reads_back_with_its_words_proponents_and_statuses(
    project: dict[str, object], compiled: Path, tmp_path: Path
) -> None:
    ids = _ids(project)
    text = " ".join(pandoc_text(compiled / "compilation.docx").split())
    # the cover: the version answered, the returns and from whom, counts by kind and status
    assert f"answering {VERSION}" in text
    assert "2 returns:" in text and "BRA: " in text and "bra-return.docx (7 proposals)" in text
    assert "ZAF: " in text and "zaf-return.docx (1 proposal)" in text
    assert "By kind: 6 amend, 1 insert-after, 1 delete, 2 comment, 1 note." in text
    assert "By status: 5 open, 2 accepted, 1 rejected, 2 merged, 1 withdrawn." in text
    # the text column: numbers and words as they stand; proposals with proponents and statuses in words
    assert "8.2(c) provide data collected pursuant to paragraphs (a) and (b) above" in text
    assert f"{ids['three-years']} · amend 8.2(c) · BRA, IND · accepted" in text
    assert "every three years" in text and "objected to by USA" in text
    assert f"ind-1 · amend 8.2(c) · IND · merged into {ids['three-years']}" in text
    assert f"{ids['annually']} · amend 8.2(c) · ZAF, BRA · open" in text and "supported by BRA" in text
    assert f"{ids['strengthening']} · amend 8.1 · BRA · rejected" in text
    assert "eu-1 · amend 2.1 · EU · withdrawn" in text
    assert "new paragraph after 8.4: The register shall be published online." in text
    # comments: author, the anchored words, the text, the note; the Secretariat's note in its column
    assert f"BRA ({JOAO}) on “For purposes of international communication" in text
    assert "8.3 and 8.4 could be one paragraph." in text and "anchored across 8.3 and 8.4; filed under each" in text
    assert "Secretariat (secretariat-1): The Secretariat proposes to merge 8.3 and 8.4." in text
    # every element is kept, filed on or not; the proposal on the deleted paragraph is at the end
    assert "10.3(c) to" in text or "(c) to" in text
    tail = text.split("Proposals on text no longer in the draft")[-1]
    assert f"Target: extent-possible-maintain-record {ids['delete']} · delete extent-possible-maintain-record" in tail
    assert "maintain a record, updated at regular intervals" in tail
    # LibreOffice opens it and reads the same words
    pdf = libreoffice_convert(compiled / "compilation.docx", tmp_path)
    seen = " ".join(pdf_text(pdf).split())
    assert "every three years" in seen and "Proposals on text no longer in the draft" in seen


def test_the_compilation_as_word_is_landscape_with_a_real_table(compiled: Path) -> None:
    document = docx.Document(str(compiled / "compilation.docx"))
    for section in document.sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Text", "Proposals and proponents", "Comments", "Secretariat note"]
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on every page
    assert table.style is not None and table.style.name == "Table Grid"  # the reference's table style
    section = document.sections[0]
    twips = [int(g.get(f"{W}w")) for g in table._tbl.findall(f"{W}tblGrid/{W}gridCol")]
    width = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU → twips
    assert len(twips) == 4 and abs(sum(twips) - width) <= 4, (twips, width)
    # a heading row per article, across the table, at an outline level (the Navigation Pane lists them)
    headings = [row for row in table.rows[1:] if len(row._tr.tc_lst) == 1]
    assert [row.cells[0].text for row in headings][:2] == ["Article 1 – Objectives", "Article 2 – Nature and scope"]
    assert len(headings) == 11
    assert all(row._tr.tc_lst[0].find(f".//{W}outlineLvl") is not None for row in headings)
    # the word diff as real formatting: deletions struck, insertions underlined
    runs = [r for r in table._tbl.iter(f"{W}r")]
    struck = {"".join(t.text for t in r.iter(f"{W}t")) for r in runs if r.find(f"{W}rPr/{W}strike") is not None}
    underlined = {"".join(t.text for t in r.iter(f"{W}t")) for r in runs if r.find(f"{W}rPr/{W}u") is not None}
    assert "on a biennial basis" in struck and "every three years" in underlined
    assert "The register shall be published online." in underlined
    core = document.core_properties
    assert core.title.endswith("compilation of proposals") and core.language == "en" and VERSION in core.subject


def test_the_compilation_as_html_is_a_real_table(project: dict[str, object], compiled: Path) -> None:
    ids = _ids(project)
    page = html.fromstring((compiled / "compilation.html").read_bytes())
    assert page.get("lang") == "en" and len(page.findall(".//h1")) == 1
    (table,) = page.findall(".//table")
    assert table.find("caption") is not None
    assert [(th.get("scope"), th.text_content()) for th in table.findall("thead/tr/th")] == [
        ("col", "Text"),
        ("col", "Proposals and proponents"),
        ("col", "Comments"),
        ("col", "Secretariat note"),
    ]
    heads = [th.text_content() for th in table.findall("tbody/tr/th")]
    assert heads[0] == "Article 1 – Objectives" and len(heads) == 11
    row = table.find(".//tr[@id='data-to-secretariat']")
    cells = row.findall("td")
    assert cells[0].text_content().startswith("8.2(c) provide data collected")
    proposals = etree.tostring(cells[1], encoding="unicode")
    assert "<del>on a biennial basis</del>" in proposals and "<ins>every three years</ins>" in proposals
    assert f"merged into {ids['three-years']}" in cells[1].text_content()
    register = table.find(".//tr[@id='register-of-authorities']").findall("td")
    assert "8.3 and 8.4 could be one paragraph." in register[2].text_content()
    assert "The Secretariat proposes to merge 8.3 and 8.4." in register[3].text_content()
    assert table.find(".//tr[@id='voluntary-nature']") is not None  # filed on (withdrawn), kept
    assert table.find(".//tr[@id='global-scope-directed-toward']") is not None  # nothing filed, kept
    gone = page.find(".//section[@class='gone']")
    assert "extent-possible-maintain-record" in gone.text_content()


def test_only_filed_and_a_status_fold_the_table(project: dict[str, object], tmp_path: Path) -> None:
    root = project["root"]
    assert isinstance(root, Path)
    ok(
        root,
        "review",
        "compilation",
        "--only-filed",
        "--status",
        "accepted",
        "--status",
        "merged",
        "--to",
        "html",
        "-o",
        str(tmp_path),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compilation.html"]
    page = html.fromstring((tmp_path / "compilation.html").read_bytes())
    rows = [tr.get("id") for tr in page.findall(".//table/tbody/tr")]
    assert rows == ["art-information-exchange", "data-to-secretariat"]
    text = page.text_content()
    assert "open" not in re.findall(r"· (open|accepted|merged|rejected)", text)
    assert "4 proposals (accepted, merged)" in " ".join(text.split())
    bad = drafttools(root, "review", "compilation", "--status", "pending")
    assert bad.returncode == 2 and "--status 'pending'" in bad.stderr
    inside = drafttools(root, "review", "compilation", "-o", "code_text/out")
    assert inside.returncode == 2 and "code_text/" in inside.stderr


def test_the_per_proponent_view_of_brazil(project: dict[str, object], tmp_path: Path) -> None:
    ids = _ids(project)
    root = project["root"]
    assert isinstance(root, Path)
    done = ok(root, "review", "proponent", "bra")  # case aside
    assert sorted(Path(line).name for line in done.stdout.split()) == ["proponent-bra.docx", "proponent-bra.html"]
    text = " ".join(pandoc_text(root / "build" / "review" / "proponent-bra.docx").split())
    assert text.startswith("Proposals of BRA")
    assert "Proposed: 4 open, 2 accepted, 1 rejected, 1 merged." in text
    assert f"{ids['three-years']}: amend 8.2(c) — accepted" in text and "Proponents: BRA, IND" in text
    assert f"{ids['strengthening']}: amend 8.1 — rejected" in text
    # merged into ZAF's proposal, with its words; its own words as a word diff
    merged = text.split(f"{ids['electronically']}: amend 8.2(c) — merged into {ids['annually']}")[1]
    assert (
        "The words of the proposal it was merged into: provide data collected pursuant to paragraphs (a) and (b) "
        "above to the WHO Secretariat ~~on a biennial basis~~ annually." in merged.split(" — ")[0]
    )
    # the deleted paragraph's proposal: accepted, its target gone from the text
    assert f"{ids['delete']}: delete extent-possible-maintain-record — accepted" in text
    assert "extent-possible-maintain-record is no longer in the working text." in text
    # the target's number and its words now; a comment's words
    assert "The text now (8.4): A register of designated national authorities" in text
    assert "8.3 and 8.4 could be one paragraph." in text
    # joined by a merge: South Africa's proposal, into which a Brazilian one was merged, is BRA's too now
    assert f"{ids['annually']}: amend 8.2(c) — open Proponents: ZAF, BRA supported by BRA" in text
    # what it objected to
    assert "Objected to eu-1: amend 2.1 — withdrawn Proponents: EU objected to by BRA" in text
    seen = " ".join(pdf_text(libreoffice_convert(root / "build" / "review" / "proponent-bra.docx", tmp_path)).split())
    assert "Proposals of BRA" in seen and "every three years" in seen  # LibreOffice opens it too
    page = html.fromstring((root / "build" / "review" / "proponent-bra.html").read_bytes())
    assert [h.text_content() for h in page.findall(".//h2")] == ["Proposed", "Objected to"]
    assert "<del>on a biennial basis</del>" in (root / "build" / "review" / "proponent-bra.html").read_text()


def test_a_proponent_by_full_name_every_proponent_and_an_unknown_one(
    project: dict[str, object], tmp_path: Path
) -> None:
    root = project["root"]
    assert isinstance(root, Path)
    ok(root, "review", "proponent", "European Union", "--to", "html", "-o", str(tmp_path / "eu"))
    assert [p.name for p in (tmp_path / "eu").iterdir()] == ["proponent-eu.html"]
    page = html.fromstring((tmp_path / "eu" / "proponent-eu.html").read_bytes())
    assert page.find(".//h1").text_content() == "Proposals of European Union (EU)"
    assert "eu-1: amend 2.1 withdrawn" in " ".join(page.text_content().split())
    every = ok(root, "review", "proponent", "--all", "--to", "docx", "-o", str(tmp_path / "all"))
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == sorted(f"proponent-{w}.docx" for w in ("bra", "zaf", "ind", "eu", "usa", "secretariat"))
    assert "6 proponent(s)" in every.stderr
    unknown = drafttools(root, "review", "proponent", "XYZ")
    assert unknown.returncode == 2 and "no proposal names 'XYZ'" in unknown.stderr
    assert "BRA" in unknown.stderr and "ZAF" in unknown.stderr and "Traceback" not in unknown.stderr


def test_a_note_is_a_proposal_file_and_its_refusals_write_nothing(tmp_path: Path) -> None:
    root = _copy(tmp_path / "project")
    done = ok(root, "review", "note", "data-to-secretariat", "Three options are on the table.")
    assert "secretariat-1: note by Secretariat on 8.2(c) [data-to-secretariat] written" in done.stderr
    ok(root, "review", "note", "data-to-secretariat", "A second note.")
    ok(root, "review", "note", "art-information-exchange", "Facilitator's text to follow.", "--by", "CHAIR")
    read = _read(root)
    assert sorted(read) == ["chair-1", "secretariat-1", "secretariat-2"]
    first = read["secretariat-1"]
    assert (first["kind"], first["target"], first["proponents"], first["status"], first["note"]) == (
        "note",
        "data-to-secretariat",
        ["Secretariat"],
        "open",
        "Three options are on the table.",
    )
    assert read["chair-1"]["proponents"] == ["CHAIR"]
    assert ok(root, "check", "-q").returncode == 0  # the notes are sound proposal files
    before = sorted(p.name for p in (root / "proposals").iterdir())
    unknown = drafttools(root, "review", "note", "data-to-secretariet", "Typo.")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert "code_text: error: 'data-to-secretariet' is no ID of the working text" in unknown.stderr
    assert "did you mean data-to-secretariat" in unknown.stderr and "[proposal.target]" in unknown.stderr
    empty = drafttools(root, "review", "note", "data-to-secretariat", "   ")
    assert empty.returncode == 2 and "the note has no words" in empty.stderr
    assert sorted(p.name for p in (root / "proposals").iterdir()) == before
    shown = ok(root, "review", "compilation", "--only-filed", "--to", "docx")
    assert "3 proposal(s)" in shown.stderr
    text = " ".join(pandoc_text(root / "build" / "review" / "compilation.docx").split())
    assert "Secretariat (secretariat-1): Three options are on the table." in text
    assert "CHAIR (chair-1): Facilitator's text to follow." in text
    with zipfile.ZipFile(root / "build" / "review" / "compilation.docx") as package:
        assert b'w:orient="landscape"' in package.read("word/document.xml")


def test_a_broken_proposal_file_stops_the_compilation_and_nothing_is_written(tmp_path: Path) -> None:
    root = _copy(tmp_path / "project")
    ok(root, "review", "note", "data-to-secretariat", "A note.")
    (root / "proposals" / "bra-1.toml").write_text('id = "bra-1\n', encoding="utf-8")
    done = drafttools(root, "review", "compilation", "-o", "out")
    assert done.returncode == 1 and "proposals/bra-1.toml:1: error: not valid TOML" in done.stderr
    assert "[proposal.syntax]" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "out").exists()
    for argv, said in (
        (("review", "compilation", "--to", "pdf"), "--to 'pdf': choose among docx, html"),
        (("review", "proponent", "BRA", "--all"), "give WHO or --all, not both"),
    ):
        refused = drafttools(root, *argv)
        assert refused.returncode == 2 and said in refused.stderr


def test_a_deeper_profile_gives_a_heading_row_per_division_at_its_outline_level(tmp_path: Path) -> None:
    """An EU-style act (Part, Title, Chapter, Section, Article): each division and article opens its rows, at the
    outline level of its depth, and the preamble and final clauses have headings of their own."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    ok(
        root,
        "import",
        str(ROOT / "tests" / "data" / "instruments" / "eu" / "v1.txt"),
        "--as",
        "code_text",
        "--profile",
        "eu",
    )
    ok(root, "review", "note", "art-register-agencies", "To be aligned with Directive 2005/36/EC.")
    ok(root, "review", "compilation", "-o", "out")
    (table,) = docx.Document(str(root / "out" / "compilation.docx")).tables
    levels = {}
    for row in table.rows[1:]:
        if len(row._tr.tc_lst) == 1:
            level = row._tr.tc_lst[0].find(f".//{W}outlineLvl")
            levels[" ".join(row.cells[0].text.split())] = int(level.get(f"{W}val"))
    assert levels["Preamble"] == levels["PART ONE GENERAL PROVISIONS"] == 1
    assert levels["TITLE II OBLIGATIONS"] == 2 and levels["CHAPTER 1 Recruitment agencies"] == 3
    assert levels["Section 1 Registration"] == 4 and levels["Article 4 Register of agencies"] == 5
    assert "Final clauses" in levels
    page = html.fromstring((root / "out" / "compilation.html").read_bytes())
    assert page.find(".//tr[@id='section-registration']").get("class") == "heading d-3"
    note = page.find(".//tr[@id='art-register-agencies-as-a-whole']")
    assert note is not None and "To be aligned with Directive 2005/36/EC." in note.text_content()
