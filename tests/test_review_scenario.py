"""The reviewers' workflow end to end, as issue 14 asks it to be shown: the shipped code sent out as DOCX; four
returns made by LibreOffice (two with tracked changes and comments by different authors, one edited without
tracking, one plain text saved by LibreOffice and edited); everything collected into proposals; decisions taken in
the room (two accepted, one rejected); the compilation, the negotiating text and the clean text built to DOCX and
HTML and read back; the clean text taken by `diff`; and the audit of a published redline catching a deletion
planted without tracking."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from .clients import libreoffice_convert
from .returns import Review
from .test_review_collect import _project, drafttools

VERSION = "2009-09-SEARO-RC62"


def _untracked(review: Review, phrase: str, old: str, new: str) -> None:
    """An edit typed with Track Changes off: the words changed in place."""
    for node in review.paragraph(phrase).iter():
        for side in ("text", "tail"):
            value = getattr(node, side)
            if value and old in value:
                setattr(node, side, value.replace(old, new))
                return
    raise AssertionError(f"{old!r} is not in one run of text")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project that sent the code out and collected four returns."""
    base = tmp_path_factory.mktemp("scenario")
    project = _project(base / "project")
    sent = drafttools(project, "build", "papers/code.md", "--to", "docx")
    assert sent.returncode == 0, sent.stderr
    code = project / "build" / "code.docx"
    returns = base / "returns"

    bra = Review(code, returns / "bra")  # tracked changes and comments by two delegates
    bra.replace("Maria Silva", "2026-11-30T10:00:00", "on a biennial basis", "every three years")
    bra.replace("João Souza", "2026-11-28T09:00:00", "promote the establishment or strengthening",
                "promote the strengthening")
    bra.comment("João Souza", "2026-11-28T09:10:00", "8.3 and 8.4 could be one paragraph.",
                "For purposes of international communication", "and published by WHO")
    ind = Review(code, returns / "ind")  # the same words as Brazil's in 8.2(c); a deletion; an unnamed commenter
    ind.replace("Priya Nair", "2026-11-29T09:00:00", "on a biennial basis", "every three years")
    ind.delete_paragraph("Priya Nair", "2026-11-29T09:05:00", "maintain a record, updated at regular intervals")
    ind.comment("Unknown Author", "2026-11-29T09:10:00", "Who pays for the register?", "A register of designated")
    gbr = Review(code, returns / "gbr")  # edited with Track Changes off
    _untracked(gbr, "shall be established, maintained", "and published by WHO", "and published online by WHO")
    files = {"BRA": bra.save("bra"), "IND": ind.save("ind"), "GBR": gbr.save("gbr")}
    text = libreoffice_convert(code, returns / "txt", to="txt:Text (encoded):UTF8")  # the EU reads and writes text
    edited = text.read_text(encoding="utf-8-sig").replace("encouraged to comply", "encouraged to comply fully")
    files["European Union"] = returns / "eu.txt"
    files["European Union"].write_text(edited, encoding="utf-8")

    for party, file in files.items():
        done = drafttools(project, "collect", str(file), "--from", party, "--answers", VERSION)
        assert done.returncode == 0, (party, done.stdout, done.stderr)
        if party == "IND":
            assert "[collect.author]" in done.stderr and "'Unknown Author'" in done.stderr
    return project


def _proposals(project: Path) -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in (project / "proposals").glob("*.toml")}


def test_four_returns_become_proposals(room: Path) -> None:
    """Each return's edits, by element and by author; the two identical wordings of 8.2(c) stay two proposals."""
    made = {pid: (p["kind"], p["target"], p["proponents"]) for pid, p in _proposals(room).items()}
    assert made == {
        "bra-1": ("amend", "information-exchange-promotion", ["BRA"]),
        "bra-2": ("amend", "data-to-secretariat", ["BRA"]),
        "bra-3": ("comment", "designated-national-authority", ["BRA"]),
        "bra-4": ("comment", "register-of-authorities", ["BRA"]),
        "ind-1": ("amend", "data-to-secretariat", ["IND"]),
        "ind-2": ("comment", "register-of-authorities", ["IND"]),
        "ind-3": ("delete", "extent-possible-maintain-record", ["IND"]),
        "gbr-1": ("amend", "register-of-authorities", ["GBR"]),
        "european-union-1": ("amend", "voluntary-nature", ["European Union"]),
    }
    found = _proposals(room)
    assert found["ind-2"]["comments"][0]["author"] == "Unknown Author"  # kept as written, with the warning
    assert found["gbr-1"]["note"] == found["european-union-1"]["note"] == "edited without tracking"
    assert found["bra-2"]["authors"] == ["Maria Silva"] and found["bra-1"]["authors"] == ["João Souza"]
