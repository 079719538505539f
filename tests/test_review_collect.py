"""`drafttools collect`: the shipped code sent out as DOCX (`drafttools build`), returned by LibreOffice with
tracked changes and comments by two authors (tests/returns.py), collected into proposals files; the same file
collected twice; returns that answer another version, that mix untracked edits in, that are corrupt or
password-protected."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT
from .returns import Review

VERSION = "2009-09-SEARO-RC62"
MARIA, JOAO = "Maria Silva", "João Souza"


def _project(root: Path) -> Path:
    import shutil

    root.mkdir(parents=True)
    for folder in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    return root


def drafttools(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *argv], cwd=project, capture_output=True, text=True, env=env, timeout=300
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped code as sent out: `drafttools build papers/code.md --to docx`."""
    project = _project(tmp_path_factory.mktemp("sending") / "project")
    done = drafttools(project, "build", "papers/code.md", "--to", "docx")
    assert done.returncode == 0, done.stderr
    return project / "build" / "code.docx"


@pytest.fixture(scope="module")
def bra_return(sent: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Brazil's return: two delegates' tracked changes (interleaved in 8.2(c)) and comments, one across 8.3 and
    8.4, saved by LibreOffice as .docx."""
    review = Review(sent, tmp_path_factory.mktemp("bra"))
    review.replace(
        JOAO, "2026-11-28T09:00:00", "promote the establishment or strengthening", "promote the strengthening"
    )
    review.replace(MARIA, "2026-11-30T10:00:00", "on a biennial basis", "every three years")
    review.insert(JOAO, "2026-11-28T09:05:00", "provide data", " electronically")
    review.comment(MARIA, "2026-11-30T10:05:00", "Who keeps the register up to date?", "A register of designated")
    review.comment(
        JOAO,
        "2026-11-28T09:10:00",
        "8.3 and 8.4 could be one paragraph.",
        "For purposes of international communication",
        "and published by WHO",
    )
    review.insert_paragraph(
        MARIA, "2026-11-30T10:10:00", "and published by WHO", "8.5 The register shall be published online."
    )
    review.delete_paragraph(JOAO, "2026-11-28T09:15:00", "maintain a record, updated at regular intervals")
    return review.save("bra-return")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path / "project")


def test_libreoffice_wrote_the_return_we_meant(bra_return: Path) -> None:
    """pandoc, reading the return with every change shown, sees both authors' insertions and deletions."""
    done = subprocess.run(
        ["pandoc", str(bra_return), "-t", "html", "--track-changes=all"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    html = done.stdout
    assert f'class="insertion" data-author="{MARIA}"' in html and f'class="deletion" data-author="{JOAO}"' in html
    assert "every three years" in html and "electronically" in html
    assert html.count('class="comment-start"') == 2


def test_collect_a_tracked_return(project: Path, bra_return: Path) -> None:
    done = drafttools(project, "collect", str(bra_return), "--from", "BRA", "--answers", VERSION)
    assert done.returncode == 0, done.stderr
    assert "wrote 8 proposal(s)" in done.stdout
    folder = project / "proposals"
    assert sorted(_files(folder)) == sorted(f"bra-{n}.toml" for n in range(1, 9))
    read = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir()}
    made = {(r["target"], r["kind"], tuple(r["authors"])): r for r in read.values()}
    assert set(made) == {
        ("information-exchange-promotion", "amend", (JOAO,)),
        ("data-to-secretariat", "amend", (JOAO,)),
        ("data-to-secretariat", "amend", (MARIA,)),
        ("designated-national-authority", "comment", (JOAO,)),
        ("register-of-authorities", "comment", (JOAO,)),
        ("register-of-authorities", "comment", (MARIA,)),
        ("register-of-authorities", "insert-after", (MARIA,)),
        ("extent-possible-maintain-record", "delete", (JOAO,)),
    }
    inserted = made[("register-of-authorities", "insert-after", (MARIA,))]
    assert (inserted["inserts"], inserted["before"], inserted["after"]) == (
        "paragraph",
        "",
        "The register shall be published online.",
    )
    deleted = made[("extent-possible-maintain-record", "delete", (JOAO,))]
    assert deleted["before"].startswith("Member States should, to the extent possible, maintain a record")
    assert deleted["after"] == "" and {c["type"] for c in deleted["changes"]} == {"delete"}
    assert all(r["proponents"] == ["BRA"] and r["status"] == "open" and r["answers"] == VERSION for r in read.values())
    # interleaved changes keep their authors: each delegate's proposal holds only their own change
    maria = made[("data-to-secretariat", "amend", (MARIA,))]
    joao = made[("data-to-secretariat", "amend", (JOAO,))]
    assert (
        maria["before"]
        == joao["before"]
        == (
            "provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat "
            "on a biennial basis."
        )
    )
    assert (
        maria["after"]
        == "provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat every three years."
    )
    assert joao["after"].startswith("provide data electronically collected") and "biennial" in joao["after"]
    assert {(c["type"], c["author"], c["text"]) for c in maria["changes"]} == {
        ("delete", MARIA, "on a biennial basis"),
        ("insert", MARIA, "every three years"),
    }
    assert all(c["date"].startswith("2026-11-30T10:00") for c in maria["changes"])
    assert maria["source"]["sha256"] == hashlib.sha256(bra_return.read_bytes()).hexdigest()
    assert maria["source"]["where"].startswith("Word paragraph ")
    # a comment anchored across two paragraphs goes to both, with a note
    across = [made[(t, "comment", (JOAO,))] for t in ("designated-national-authority", "register-of-authorities")]
    for proposal in across:
        (comment,) = proposal["comments"]
        assert comment["author"] == JOAO and comment["text"] == "8.3 and 8.4 could be one paragraph."
        assert comment["anchor"].startswith("For purposes of international communication")
        assert comment["anchor"].endswith("and published by WHO")
        assert comment["note"] == "anchored across 8.3 and 8.4; filed under each"
    (single,) = made[("register-of-authorities", "comment", (MARIA,))]["comments"]
    assert (single["anchor"], single["text"]) == ("A register of designated", "Who keeps the register up to date?")
    # the file reads as a reviewer expects
    text = (folder / f"{next(k for k, r in read.items() if r is maria)}.toml").read_text(encoding="utf-8")
    assert 'target = "data-to-secretariat"\nkind = "amend"\nstatus = "open"\n' in text
    assert 'proponents = ["BRA"]\n' in text and f'authors = ["{MARIA}"]\n' in text

    listed = drafttools(project, "proposals", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    proposals = {p["id"]: p for p in json.loads(listed.stdout)["proposals"]}
    assert len(proposals) == 8
    by_author = {(p["target"], p["kind"], tuple(p["authors"])): p for p in proposals.values()}
    entry = by_author[("data-to-secretariat", "amend", (MARIA,))]
    assert entry["label"] == "8.2(c)" and entry["proponents"] == ["BRA"] and entry["status"] == "open"
    assert [(w["op"], w["text"].strip()) for w in entry["words"] if w["op"] != "equal"] == [
        ("delete", "on a biennial basis"),
        ("insert", "every three years"),
    ]
    comment = by_author[("register-of-authorities", "comment", (MARIA,))]["comments"][0]
    assert (comment["author"], comment["anchor"], comment["text"]) == (
        MARIA,
        "A register of designated",
        "Who keeps the register up to date?",
    )

    # collecting the same file again changes nothing
    before = _files(folder)
    again = drafttools(project, "collect", str(bra_return), "--from", "BRA", "--answers", VERSION)
    assert again.returncode == 0 and "wrote 0 proposal(s); 8 collected from this file before" in again.stdout
    assert _files(folder) == before

    # the room: one accepted, one rejected
    accepted, rejected = entry["id"], by_author[("data-to-secretariat", "amend", (JOAO,))]["id"]
    assert drafttools(project, "proposal", "accept", accepted).returncode == 0
    assert drafttools(project, "proposal", "reject", rejected).returncode == 0
    statuses = {
        p["id"]: p["status"]
        for p in json.loads(drafttools(project, "proposals", "--format", "json").stdout)["proposals"]
    }
    assert statuses[accepted] == "accepted" and statuses[rejected] == "rejected"
    assert sorted(statuses.values()).count("open") == 6
    assert drafttools(project, "check", "-q").returncode == 0


def test_a_return_answering_another_version_is_refused(project: Path, bra_return: Path, tmp_path: Path) -> None:
    named = drafttools(project, "collect", str(bra_return), "--from", "BRA", "--answers", "2010-illustrative-revision")
    assert named.returncode == 1
    assert (
        "[collect.wrong-version]" in named.stderr
        and f"answers {VERSION}, not 2010-illustrative-revision" in named.stderr
    )
    assert "Traceback" not in named.stderr and not (project / "proposals").exists()

    # the 2010 revision sent out, returned with a tracked change, collected as if it answered the 2009 draft
    paper = (
        (project / "papers" / "code.md")
        .read_text(encoding="utf-8")
        .replace("annex: code_text", "annex: 2010-illustrative-revision")
    )
    (project / "papers" / "code-2010.md").write_text(paper, encoding="utf-8")
    built = drafttools(project, "build", "papers/code-2010.md", "--to", "docx")
    assert built.returncode == 0, built.stderr
    review = Review(project / "build" / "code-2010.docx", tmp_path / "ind")
    review.replace(
        "Delegate of India", "2026-11-29T12:00:00", "Secretariat every three years", "Secretariat every two years"
    )
    returned = review.save("ind-return")
    done = drafttools(project, "collect", str(returned), "--from", "IND", "--answers", VERSION)
    assert done.returncode == 1
    assert f"this return answers 2010-illustrative-revision, not {VERSION}" in done.stderr
    assert not (project / "proposals").exists()
    assert (
        drafttools(
            project, "collect", str(returned), "--from", "IND", "--answers", "2010-illustrative-revision"
        ).returncode
        == 0
    )


def test_untracked_edits_and_comments_off_the_code_are_said(project: Path, sent: Path, tmp_path: Path) -> None:
    review = Review(sent, tmp_path / "zaf")
    review.replace("Ana Lima", "2026-11-29T08:00:00", "on a biennial basis", "annually")
    paragraph = review.paragraph("shall be established, maintained")  # 8.4 edited with tracking off
    for node in paragraph.iter():
        if node.tail and "and published by WHO" in node.tail:
            node.tail = node.tail.replace("and published by WHO", "and published online by WHO")
    review.comment("Ana Lima", "2026-11-29T08:10:00", "Title fine.", "Draft WHO Code of Practice")
    returned = review.save("zaf-return")
    done = drafttools(project, "collect", str(returned), "--from", "ZAF", "--answers", VERSION)
    assert done.returncode == 0, done.stderr
    assert "[collect.untracked]" in done.stderr and "8.4 (register-of-authorities) differs from" in done.stderr
    assert "[collect.unplaced]" in done.stderr and "Title fine." in done.stderr
    (only,) = [tomllib.loads(p.read_text(encoding="utf-8")) for p in (project / "proposals").iterdir()]
    assert (only["id"], only["target"]) == ("zaf-1", "data-to-secretariat")
    assert only["after"].endswith("to the WHO Secretariat annually.")


def test_corrupt_and_protected_returns_are_refused(project: Path, sent: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(sent.read_bytes()[: len(sent.read_bytes()) // 2])
    protected = tmp_path / "protected.docx"  # what Word writes with a password: an OLE file holding the package
    protected.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    )
    plain = tmp_path / "return.txt"
    plain.write_text("Article 1 - Objectives\n", encoding="utf-8")
    for returned, code in (
        (truncated, "[import.format]"),
        (protected, "[import.encrypted]"),
        (plain, "does not answer 2009-09-SEARO-RC62"),  # a text that is not the code: [collect.wrong-version]
    ):
        done = drafttools(project, "collect", str(returned), "--from", "BRA", "--answers", VERSION)
        assert done.returncode == 1, done.stderr
        assert code in done.stderr and "Traceback" not in done.stderr
        assert not (project / "proposals").exists()
    missing = drafttools(project, "collect", str(tmp_path / "nothing.docx"), "--from", "BRA", "--answers", VERSION)
    unknown = drafttools(project, "collect", str(sent), "--from", "BRA", "--answers", "1999-nothing")
    assert missing.returncode == unknown.returncode == 2


def test_a_word_return_edited_without_tracking(project: Path, sent: Path, tmp_path: Path) -> None:
    """No tracked change at all: the text as returned is compared with the version it answers."""
    review = Review(sent, tmp_path / "gha")
    paragraph = review.paragraph("shall be established, maintained")
    for node in paragraph.iter():
        if node.tail and "and published by WHO" in node.tail:
            node.tail = node.tail.replace("and published by WHO", "and published online by WHO")
    review.comment("Kwame Mensah", "2026-11-29T11:00:00", "Online only?", "A register of designated")
    returned = review.save("gha-return")
    done = drafttools(project, "collect", str(returned), "--from", "GHA", "--answers", VERSION)
    assert done.returncode == 0, done.stderr
    read = sorted(
        (tomllib.loads(p.read_text(encoding="utf-8")) for p in (project / "proposals").iterdir()), key=lambda r: r["id"]
    )
    assert [(r["id"], r["kind"], r["target"], r["authors"]) for r in read] == [
        ("gha-1", "amend", "register-of-authorities", []),
        ("gha-2", "comment", "register-of-authorities", ["Kwame Mensah"]),
    ]
    assert (
        read[0]["after"].endswith("maintained and published online by WHO.")
        and read[0]["note"] == "edited without tracking"
    )
