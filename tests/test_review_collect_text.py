"""`drafttools collect` of a plain-text return: the text a delegation sends back (the code as text, edited in any
editor) compared with the version it answers, element by element; collected twice, nothing changes; a text of
another version is refused.  Fast: no client is needed (a text file is what the reviewer writes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.render.plain import render
from drafttools.source.parse import load

VERSION = "2009-09-SEARO-RC62"


@pytest.fixture
def project(shipped_project: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(shipped_project)
    settings.cache_clear()
    yield shipped_project
    settings.cache_clear()


def _text(project: Path, version: str) -> str:
    instrument = load(project / "versions" / version).instrument
    assert instrument is not None
    return render(instrument)


def _run(*argv: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(argv))


def _edited(project: Path) -> Path:
    blocks = _text(project, VERSION).replace("on a biennial basis", "every three years").split("\n\n")
    blocks = [b for b in blocks if "maintain a record, updated at regular intervals" not in b]
    at = next(k for k, b in enumerate(blocks) if "and published by WHO" in b)
    blocks.insert(at + 1, "8.5  The register shall be published online.")
    returned = project / "mmi-return.txt"
    returned.write_text("\n\n".join(blocks), encoding="utf-8")
    return returned


def test_a_text_return_becomes_proposals(project: Path) -> None:
    returned = _edited(project)
    done = _run(
        "collect", "mmi-return.txt", "--from", "Medicus Mundi International", "--answers", VERSION, "--format", "json"
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["written"] is True and report["already"] == []
    made = [(p["id"], p["kind"], p["target"], p["proponents"], p["authors"]) for p in report["proposals"]]
    assert made == [
        ("medicus-mundi-international-1", "amend", "data-to-secretariat", ["Medicus Mundi International"], []),
        (
            "medicus-mundi-international-2",
            "insert-after",
            "register-of-authorities",
            ["Medicus Mundi International"],
            [],
        ),
        (
            "medicus-mundi-international-3",
            "delete",
            "extent-possible-maintain-record",
            ["Medicus Mundi International"],
            [],
        ),
    ]
    amend, insert, delete = report["proposals"]
    assert [(w["op"], w["text"].strip()) for w in amend["words"] if w["op"] != "equal"] == [
        ("delete", "on a biennial basis"),
        ("insert", "every three years"),
    ]
    assert (insert["inserts"], insert["after"]) == ("paragraph", "The register shall be published online.")
    assert delete["before"].startswith("Member States should, to the extent possible, maintain a record")
    assert all(p["note"] == "edited without tracking" for p in report["proposals"])
    assert amend["source"]["where"].startswith("Line ")

    folder = project / "proposals"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = _run("collect", str(returned), "--from", "Medicus Mundi International", "--answers", VERSION)
    assert again.exit_code == 0 and "wrote 0 proposal(s); 3 collected from this file before" in again.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    listed = json.loads(_run("proposals", "--from", "medicus mundi international", "--format", "json").stdout)
    assert [p["label"] for p in listed["proposals"]] == ["8.2(c)", "8.4", "9.5"]


def test_a_text_of_another_version_is_refused(project: Path) -> None:
    (project / "ind-return.txt").write_text(
        _text(project, "2010-illustrative-revision").replace("every three years", "every two years", 1),
        encoding="utf-8",
    )
    done = _run("collect", "ind-return.txt", "--from", "IND", "--answers", VERSION)
    assert done.exit_code == 1
    assert "[collect.wrong-version]" in done.output
    assert f"this return answers 2010-illustrative-revision, not {VERSION}: as returned" in done.output
    assert not (project / "proposals").exists()
    right = _run("collect", "ind-return.txt", "--from", "IND", "--answers", "2010-illustrative-revision")
    assert right.exit_code == 0 and "wrote 1 proposal(s)" in right.stdout
    (mine,) = (project / "proposals").iterdir()
    assert mine.name == "ind-1.toml" and 'answers = "2010-illustrative-revision"' in mine.read_text(encoding="utf-8")


def test_collect_usage(project: Path) -> None:
    assert _run("collect", "nothing.txt", "--from", "BRA", "--answers", VERSION).exit_code == 2
    (project / "r.txt").write_text("x", encoding="utf-8")
    assert _run("collect", "r.txt", "--from", "", "--answers", VERSION).exit_code == 2
    unknown = _run("collect", "r.txt", "--from", "BRA", "--answers", "1999-nothing")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output


def test_several_returns_in_one_run(project: Path) -> None:
    """Returns answering one version are collected together: numbered per sender, the same file twice collected
    once, and one refused file means nothing is written at all."""
    edited = _edited(project)
    ind = project / "ind-return.txt"
    ind.write_text(
        _text(project, VERSION).replace("The code is voluntary.", "The Code is voluntary."), encoding="utf-8"
    )
    other = project / "other.txt"
    other.write_text(_text(project, "2010-illustrative-revision"), encoding="utf-8")

    refused = _run(
        "collect",
        str(edited),
        str(ind),
        str(other),
        "--from",
        "BRA",
        "--from",
        "IND",
        "--from",
        "ZAF",
        "--answers",
        VERSION,
    )
    assert refused.exit_code == 1 and "[collect.wrong-version]" in refused.output
    assert "nothing written: a return was refused" in refused.output and not (project / "proposals").exists()
    assert "mmi-return.txt (from BRA, answering 2009-09-SEARO-RC62): would write 3 proposal(s)" in refused.stdout
    assert "other.txt (from ZAF, answering 2009-09-SEARO-RC62): refused" in refused.stdout

    done = _run(
        "collect",
        str(edited),
        str(ind),
        str(edited),
        "--from",
        "BRA",
        "--from",
        "IND",
        "--from",
        "BRA",
        "--answers",
        VERSION,
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    reports = json.loads(done.stdout)["returns"]
    assert [[p["id"] for p in r["proposals"]] for r in reports] == [["bra-1", "bra-2", "bra-3"], ["ind-1"], []]
    assert reports[2]["already"] == ["bra-1", "bra-2", "bra-3"] and all(r["written"] is not None for r in reports)
    assert sorted(p.name for p in (project / "proposals").iterdir()) == [
        "bra-1.toml",
        "bra-2.toml",
        "bra-3.toml",
        "ind-1.toml",
    ]
    mismatched = _run("collect", str(edited), str(ind), "--from", "BRA", "--answers", VERSION)
    assert mismatched.exit_code == 2 and "one --from per file" in mismatched.output


def test_the_same_text_sent_by_two_parties_is_collected_once(project: Path) -> None:
    """A file is known by its SHA-256: sent again under another name, in the same run or later, it adds nothing."""
    edited = _edited(project)
    again = project / "copy.txt"
    again.write_bytes(edited.read_bytes())
    done = _run("collect", str(edited), str(again), "--from", "BRA", "--from", "FRA", "--answers", VERSION)
    assert done.exit_code == 0, done.output
    assert "wrote 0 proposal(s); 3 collected from this file before" in done.stdout
    later = _run("collect", str(again), "--from", "DEU", "--answers", VERSION, "--dry-run")
    assert "would write 0 proposal(s); 3 collected from this file before" in later.stdout or (
        "wrote 0 proposal(s); 3 collected from this file before" in later.stdout
    )
    assert sorted(p.name for p in (project / "proposals").iterdir()) == ["bra-1.toml", "bra-2.toml", "bra-3.toml"]


def test_review_all_says_once_why_it_writes_nothing(project: Path) -> None:
    nothing = _run("review", "all")
    assert nothing.exit_code == 1 and "no proposal is recorded" in nothing.output
    assert not (project / "build" / "review").exists()
    _edited(project)
    assert _run("collect", "mmi-return.txt", "--from", "BRA", "--answers", VERSION).exit_code == 0
    (project / "proposals" / "broken.toml").write_text("id = [\n", encoding="utf-8")
    broken = _run("review", "all")
    assert broken.exit_code == 1 and broken.output.count("[proposal.syntax]") == 1
    assert "nothing written" in broken.output and not (project / "build" / "review").exists()
    (project / "proposals" / "broken.toml").unlink()
    done = _run("review", "all")
    assert done.exit_code == 0, done.output
    assert (
        "proponents' views: 2 written" in done.output and (project / "build" / "review" / "compilation.docx").is_file()
    )
