"""The reviewers' workflow end to end, as issue 14 asks it to be shown: the shipped code sent out as DOCX; four
returns made by LibreOffice (two with tracked changes and comments by different authors, one edited without
tracking, one plain text saved by LibreOffice and edited); everything collected into proposals; decisions taken in
the room (two accepted, one rejected); the compilation, the negotiating text and the clean text built to DOCX and
HTML and read back; the clean text taken by `diff`; and the audit of a published redline catching a deletion
planted without tracking."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from .clients import libreoffice_convert, pandoc_text
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
    bra.replace(
        "João Souza", "2026-11-28T09:00:00", "promote the establishment or strengthening", "promote the strengthening"
    )
    bra.comment(
        "João Souza",
        "2026-11-28T09:10:00",
        "8.3 and 8.4 could be one paragraph.",
        "For purposes of international communication",
        "and published by WHO",
    )
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


def _decided(room: Path) -> Path:
    """The room decides once (the module's tests share the project): BRA's and GBR's amendments accepted, India's
    deletion of 9.5 rejected; the rest stays open."""
    if not (room / "build" / "before").is_dir():
        before = drafttools(room, "review", "negotiating", "-o", "build/before")
        assert before.returncode == 0, before.stderr
        for argv in (("accept", "bra-1", "gbr-1"), ("reject", "ind-3")):
            done = drafttools(room, "proposal", *argv)
            assert done.returncode == 0, done.stderr
        built = drafttools(room, "review", "all")
        assert built.returncode == 0, built.stderr
        assert "[review." not in built.stderr and "errors, 0 warnings" in built.stderr
    return room / "build" / "review"


def test_decisions_change_the_clean_text_and_the_next_negotiating_text(room: Path) -> None:
    out = _decided(room)
    before = pandoc_text(room / "build" / "before" / "negotiating-text.docx")
    after = pandoc_text(out / "negotiating-text.docx")
    clean = pandoc_text(out / "clean-text.docx")
    flat = lambda text: " ".join(text.split())  # noqa: E731
    before, after, clean = flat(before), flat(after), flat(clean)
    # open before the room: every proposal an alternative naming its proponents, India's deletion too
    assert "[on a biennial basis] [Alt 1 (BRA, IND): every three years]" in before
    assert "promote the [establishment or] [Alt 1 (BRA): delete] strengthening" in before
    assert "maintained and [published] [Alt 1 (GBR): published online] by WHO" in before
    assert "their jurisdiction.] [Alt 1 (IND): delete]" in before and "[comply] [Alt 1 (EU): comply fully]" in before
    # after: the accepted words are the text, the rejected deletion is gone, the open ones are still alternatives
    assert "promote the strengthening" in clean and "maintained and published online by WHO" in clean
    assert "maintain a record, updated at regular intervals" in clean  # India's deletion was rejected
    assert "on a biennial basis" in clean and "every three years" not in clean and "[Alt" not in clean
    assert "(IND): delete]" not in after and "(GBR)" not in after and "(BRA): delete]" not in after
    assert "[Alt 1 (BRA, IND): every three years]" in after and "[Alt 1 (EU): comply fully]" in after
    # the words the accepted amendment took out are struck through in the next negotiating text, not dropped
    html = (out / "negotiating-text.html").read_text(encoding="utf-8")
    assert "<del" in html and "establishment or" in html


def test_the_compilation_and_the_views_hold_every_return(room: Path) -> None:
    out = _decided(room)
    compiled = " ".join(pandoc_text(out / "compilation.docx").split())
    for words in (
        "every three years",
        "8.3 and 8.4 could be one paragraph.",
        "Who pays for the register?",
        "Unknown Author",
        "European Union",
        "accepted",
        "rejected",
    ):
        assert words in compiled, words
    india = " ".join(pandoc_text(out / "proponent-ind.docx").split())
    assert "rejected" in india and "every three years" in india
    assert libreoffice_convert(out / "compilation.docx", room / "build" / "pdf").stat().st_size > 0


def test_the_clean_text_is_a_version_that_diff_and_build_take_and_the_audit_catches_a_planted_deletion(
    room: Path,
) -> None:
    _decided(room)
    frozen = drafttools(room, "review", "clean", "--as", "2010-01-clean", "-o", "build/clean")
    assert frozen.returncode == 0, frozen.stderr
    diff = drafttools(room, "diff", VERSION, "2010-01-clean", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    changed = {c["new"]["id"] for c in json.loads(diff.stdout)["changes"] if c["status"] != "unchanged"}
    assert changed == {"information-exchange-promotion", "register-of-authorities"}, changed
    redline = room / "build" / "redline.docx"
    made = drafttools(room, "diff", VERSION, "2010-01-clean", "--format", "docx", "-o", str(redline))
    assert made.returncode == 0, made.stderr
    shown = drafttools(room, "audit", VERSION, str(redline))
    assert shown.returncode == 0, shown.stdout + shown.stderr  # the redline shows every change
    published = Review(redline, room / "build" / "published")
    _untracked(published, "to the extent possible, maintain a record", "updated at regular intervals, ", "")
    planted = published.save("published")
    caught = drafttools(room, "audit", VERSION, str(planted))
    assert caught.returncode == 1, caught.stdout + caught.stderr
    assert "extent-possible-maintain-record" in caught.stdout + caught.stderr
    assert "updated at regular intervals" in caught.stdout + caught.stderr


def test_proponents_and_status_survive_the_negotiating_texts_round_trip(room: Path) -> None:
    """negotiating text → DOCX → import → the same open proposals (target, kind, proponents, words)."""
    out = _decided(room)
    done = drafttools(
        room, "import", str(out / "negotiating-text.docx"), "--as", "2010-02-negotiating", "--ids-from", "code_text"
    )
    assert done.returncode == 0, done.stderr
    listed = drafttools(room, "proposals", "--in", "2010-02-negotiating", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    back = {
        (p["target"], p["kind"], tuple(p["proponents"]), " ".join(p["after"].split()))
        for p in json.loads(listed.stdout)["proposals"]
    }
    found = _proposals(room)
    assert back == {
        ("data-to-secretariat", "amend", ("BRA", "IND"), " ".join(found["bra-2"]["after"].split())),
        ("voluntary-nature", "amend", ("EU",), " ".join(found["european-union-1"]["after"].split())),
    }
