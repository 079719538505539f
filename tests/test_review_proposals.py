"""Proposals in the repository: the file format (written, read back, located problems), the Secretariat's status
commands, `drafttools proposals` and what `check` says about proposal files.  Fast: no client is needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.review import proposals as store

from .conftest import ROOT

LONG = (
    "provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat every three years, "
    'with "quotes", a back\\slash, a tab\there, two  spaces, a trailing space and a line\nbreak, '
    "and a word-with-hyphens-that-is-longer-than-anything-else-in-the-line-so-that-it-has-to-stand-alone "
)


def _proposal(pid: str = "bra-1", **fields: object) -> store.Proposal:
    base = store.Proposal(
        pid,
        "data-to-secretariat",
        "amend",
        "open",
        ("BRA",),
        answers="2009-09-SEARO-RC62",
        authors=("Maria Silva",),
        date="2026-11-30T10:00:00Z",
        before="provide data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat on a "
        "biennial basis.",
        after=LONG,
        source=store.Source("returns/bra.docx", "ab" * 32, "Word paragraph 93", "amend data-to-secretariat by X"),
        changes=(store.Mark("delete", "Maria Silva", "2026-11-30T10:00:00Z", "on a biennial basis"),),
        comments=(
            store.Comment("João", "2026-11-30", "anchored ç", "Why?", "note", (store.Reply("Ana", "", "Because."),)),
        ),
    )
    from dataclasses import replace

    return replace(base, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "words",
    [
        "",
        "short",
        LONG,
        LONG * 5,
        " leading space and " + "x" * 200,
        "a" * 300,
        'ends with a quote "',
        "ends with a backslash \\",
        "del \x7f and nul-free control \x01 characters " * 4,
        "space before break " + " " * 5 + "y" * 120,
    ],
)
def test_a_proposal_reads_back_exactly(tmp_path: Path, words: str) -> None:
    proposal = _proposal(after=words, before=words[::-1])
    path = tmp_path / "bra-1.toml"
    path.write_text(store.dump(proposal), encoding="utf-8")
    back, problems = store.read(path, "proposals/bra-1.toml")
    assert problems == []
    assert back == proposal
    lines = path.read_text(encoding="utf-8").splitlines()[2:]
    # a long line is one long word (it cannot be wrapped) or a short key before it
    assert all(
        len(line) <= store.WRAP + 20 or " " not in line.removesuffix(" \\").split("= ")[-1].strip() for line in lines
    )


def test_the_file_reads_well() -> None:
    text = store.dump(_proposal(after="provide data ... to the WHO Secretariat every three years."))
    assert 'status = "open"\n' in text and 'proponents = ["BRA"]\n' in text and 'kind = "amend"\n' in text
    assert 'after = "provide data ... to the WHO Secretariat every three years."\n' in text
    assert "[source]\n" in text and "[[changes]]\n" in text and "[[comments.replies]]\n" in text
    long_before = text.split("before = ")[1].split("after = ")[0]
    assert long_before.startswith('"""\nprovide data collected') and " \\\n" in long_before


def _write(folder: Path, proposal: store.Proposal, text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{proposal.id}.toml"
    path.write_text(text if text is not None else store.dump(proposal), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "code", "key"),
    [
        (lambda t: t.replace('status = "open"', 'status = "agreed"'), "proposal.status", "status"),
        (lambda t: t.replace('kind = "amend"', 'kind = "rewrite"'), "proposal.field", "kind"),
        (lambda t: t.replace('proponents = ["BRA"]', "proponents = []"), "proposal.field", "proponents"),
        (lambda t: t.replace('proponents = ["BRA"]', 'proponents = "BRA"'), "proposal.field", "proponents"),
        (lambda t: t.replace('id = "bra-1"', 'id = "bra-2"'), "proposal.field", "id"),
        (lambda t: t.replace('target = "data-to-secretariat"\n', ""), "proposal.field", None),
        (lambda t: t.replace('status = "open"', 'status = "merged"'), "proposal.merge", "merged_into"),
        (lambda t: t.replace('kind = "amend"', 'kind = "amend'), "proposal.syntax", "kind"),
    ],
)
def test_a_malformed_file_is_a_located_diagnostic(tmp_path: Path, edit, code: str, key: str | None) -> None:  # type: ignore[no-untyped-def]
    text = edit(store.dump(_proposal()))
    path = _write(tmp_path / "proposals", _proposal(), text)
    loaded = store.load(tmp_path / "proposals", "proposals")
    assert loaded.proposals == ()
    assert [d.code for d in loaded.diagnostics] == [code]
    problem = loaded.diagnostics[0]
    assert problem.path == "proposals/bra-1.toml" and problem.fix
    lines = path.read_text(encoding="utf-8").splitlines()
    if key is not None:
        assert lines[problem.line - 1].startswith(key), (problem, lines[problem.line - 1])


def test_check_against_the_text() -> None:
    folder_loaded = store.Loaded(
        (
            _proposal("bra-1", path="p/bra-1.toml"),
            _proposal("bra-2", target="no-such-paragraph", path="p/bra-2.toml"),
            _proposal("bra-3", target="gone-paragraph", path="p/bra-3.toml"),
            _proposal("bra-4", target="gone-paragraph", status="rejected", path="p/bra-4.toml"),
            _proposal("bra-5", status="merged", merged_into="bra-9", path="p/bra-5.toml"),
        ),
        (),
    )
    found = store.check(
        folder_loaded, {"data-to-secretariat"}, {"data-to-secretariat": "active", "gone-paragraph": "gone"}
    )
    assert [(d.code, d.path) for d in found] == [
        ("proposal.target", "p/bra-2.toml"),
        ("proposal.target-gone", "p/bra-3.toml"),
        ("proposal.merge", "p/bra-5.toml"),
    ]


def test_a_proponent_code_nobody_knows(tmp_path: Path) -> None:
    """Codes are held against model.negotiation's lists, as the bracket check does; names pass as written."""
    path = _write(tmp_path / "p", _proposal("bra-1", proponents=("BRZ", "IND", "European Union", "G77")))
    loaded = store.Loaded((_proposal("bra-1", proponents=("BRZ", "IND", "European Union", "G77"), path=str(path)),), ())
    [found] = store.check(loaded, {"data-to-secretariat"}, {"data-to-secretariat": "active"})
    assert (found.code, found.severity.name) == ("proposal.proponent", "WARNING")
    assert "'BRZ'" in found.message and found.fix
    assert path.read_text(encoding="utf-8").splitlines()[found.line - 1].startswith("proponents")


# ---------------------------------------------------------------------------------------------- the project


@pytest.fixture
def project(shipped_project: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(shipped_project)
    settings.cache_clear()
    folder = shipped_project / "proposals"
    _write(folder, _proposal("bra-1"))
    _write(folder, _proposal("bra-2", target="register-of-authorities", kind="comment", before="", after=""))
    _write(folder, _proposal("ind-1", proponents=("IND",), after="provide data every year."))
    yield shipped_project
    settings.cache_clear()


def _run(*argv: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(argv))


def _json(*argv: str) -> dict:  # type: ignore[type-arg]
    done = _run(*argv)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_proposals_lists_and_filters(project: Path) -> None:
    listed = _json("proposals", "--format", "json")
    assert listed["schema"] == "drafttools.proposals/1"
    assert [p["id"] for p in listed["proposals"]] == ["bra-1", "bra-2", "ind-1"]
    first = listed["proposals"][0]
    assert first["target"] == "data-to-secretariat" and first["label"] == "8.2(c)" and first["kind"] == "amend"
    assert first["proponents"] == ["BRA"] and first["status"] == "open"
    assert first["before"].endswith("on a biennial basis.") and first["after"] == LONG
    assert {"op": "delete", "text": " on a biennial basis."} in first["words"]
    assert listed["proposals"][1]["comments"][0] == {
        "author": "João",
        "date": "2026-11-30",
        "anchor": "anchored ç",
        "text": "Why?",
        "note": "note",
        "replies": [{"author": "Ana", "date": "", "text": "Because."}],
    }
    assert [p["id"] for p in _json("proposals", "--from", "ind", "--format", "json")["proposals"]] == ["ind-1"]
    text = _run("proposals", "--from", "BRA")
    assert text.exit_code == 0 and "bra-1" in text.stdout and "ind-1" not in text.stdout
    assert "8.2(c) [data-to-secretariat]  BRA (Maria Silva)" in text.stdout
    assert _run("proposals", "--status", "agreed").exit_code == 2


def test_the_room_changes_status_and_people(project: Path) -> None:
    folder = project / "proposals"
    before = (folder / "bra-1.toml").read_text(encoding="utf-8")
    done = _run("proposal", "accept", "bra-1")
    assert done.exit_code == 0, done.output
    after = (folder / "bra-1.toml").read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in before.splitlines()] == ['status = "accepted"']
    assert _run("proposal", "accept", "bra-1").exit_code == 0  # already so: nothing changes
    assert (folder / "bra-1.toml").read_text(encoding="utf-8") == after
    refused = _run("proposal", "reject", "bra-1")
    assert refused.exit_code == 1 and "reopen it first" in refused.output
    assert _run("proposal", "reopen", "bra-1").exit_code == 0
    assert _run("proposal", "reject", "BRA-1").exit_code == 0
    assert _run("proposal", "support", "ind-1", "--by", "ZAF", "--by", "African Region").exit_code == 0
    assert _run("proposal", "object", "ind-1", "--by", "ZAF").exit_code == 0
    merged = _run("proposal", "merge", "bra-2", "--into", "ind-1")
    assert merged.exit_code == 0, merged.output
    listed = {p["id"]: p for p in _json("proposals", "--format", "json")["proposals"]}
    assert listed["bra-1"]["status"] == "rejected"
    assert listed["ind-1"]["supporters"] == ["African Region"] and listed["ind-1"]["objectors"] == ["ZAF"]
    assert listed["bra-2"]["status"] == "merged" and listed["bra-2"]["merged_into"] == "ind-1"
    assert listed["ind-1"]["proponents"] == ["IND", "BRA"]
    assert [p["id"] for p in _json("proposals", "--status", "open", "--format", "json")["proposals"]] == ["ind-1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["proposal", "accept", "bra-9"],
        ["proposal", "merge", "bra-1"],
        ["proposal", "merge", "bra-1", "--into", "bra-1"],
        ["proposal", "support", "bra-1"],
        ["proposal", "accept"],
    ],
)
def test_room_usage_errors_write_nothing(project: Path, argv: list[str]) -> None:
    folder = project / "proposals"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = _run(*argv)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_check_reads_the_proposals(project: Path) -> None:
    assert _run("check", "-q").exit_code == 0
    folder = project / "proposals"
    text = (folder / "ind-1.toml").read_text(encoding="utf-8").replace("data-to-secretariat", "data-to-the-secretariat")
    (folder / "ind-1.toml").write_text(text, encoding="utf-8")
    (folder / "bra-2.toml").write_text(
        (folder / "bra-2.toml").read_text(encoding="utf-8").replace('"open"', '"pending"'), encoding="utf-8"
    )
    done = _run("check", "--format", "json")
    assert done.exit_code == 1
    found = {
        (d["code"], d["path"], d["line"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["code"].startswith("proposal.")
    }
    assert found == {("proposal.target", "proposals/ind-1.toml", 5), ("proposal.status", "proposals/bra-2.toml", 7)}


def test_every_proposal_and_collect_code_is_tested() -> None:
    from drafttools.diagnostics import CODES

    tests = "".join(
        (ROOT / "tests" / name).read_text(encoding="utf-8")
        for name in (
            "test_review_proposals.py",
            "test_review_collect.py",
            "test_review_collect_text.py",
            "test_review_scenario.py",
        )
    )
    missing = [
        c for c in CODES if c.startswith(("proposal.", "collect.")) and f'"{c}"' not in tests and f"[{c}]" not in tests
    ]
    assert missing == []


def test_a_project_without_proposals_checks_as_before(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shipped_project)
    settings.cache_clear()
    try:
        shutil.rmtree(shipped_project / "proposals", ignore_errors=True)
        done = _run("proposals")
        assert done.exit_code == 0 and "0 proposal(s): none" in done.stdout
        assert _run("check", "-q").exit_code == 0
    finally:
        settings.cache_clear()
