"""`drafttools audit VERSION FILE`: does a published revision show every change it makes?

The revisions are made by real clients: our redline writer (`drafttools diff --format docx`), LibreOffice saving
that redline again (its own tracked-change XML), and LibreOffice converting HTML with <s>/<u> into a revision
marked by formatting.  Unshown changes are planted in the redline's document.xml outside any w:ins/w:del, or typed
without marks in the HTML.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.render import plain
from drafttools.source.parse import load

from .clients import libreoffice_convert_all
from .conftest import ROOT

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    settings.cache_clear()
    yield
    settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def audit_json(file: Path, *extra: str, version: str = OLD):
    result = run("audit", version, str(file), "--format", "json", *extra)
    assert "Traceback" not in result.output
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


# ------------------------------------------------------------------------------------- files made by clients


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """Every revision the tests audit, made once: the redline of the shipped pair, copies with unshown changes
    planted, and LibreOffice's conversions (the redline saved again, HTML marked with <s>/<u>, plain texts)."""
    folder = tmp_path_factory.mktemp("audit")
    redline = folder / "redline.docx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "drafttools",
            "diff",
            OLD,
            NEW,
            "--format",
            "docx",
            "--renumbering",
            "tracked",
            "-o",
            str(redline),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    files = {"redline": redline}
    files["planted"] = _edited(redline, folder / "planted.docx", _drop_word("comparable"))
    files["planted-more"] = _edited(
        redline,
        folder / "planted-more.docx",
        _drop_word("comparable"),
        _add_word("full", before="conformity"),
        _drop_paragraph("self-sufficient health workforce"),
        _retype_number("4.2", "4.9"),
    )
    files["mixed"] = _edited(redline, folder / "mixed.docx", _underline("self-sufficient"))
    old = load(ROOT / "versions" / OLD).instrument
    assert old is not None
    lines = list(plain.lines(old))
    sources = folder / "sources"
    sources.mkdir()
    (sources / "marked.html").write_text(_html(_marked(lines)), encoding="utf-8")
    (sources / "marked-unshown.html").write_text(_html(_marked(lines, unshown=True)), encoding="utf-8")
    (sources / "clean.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    (sources / "other.txt").write_bytes((ROOT / "tests/data/instruments/who-code/v1.txt").read_bytes())
    (sources / "resaved.docx").write_bytes(redline.read_bytes())
    converted = folder / "lo"
    docx = "docx:MS Word 2007 XML"
    libreoffice_convert_all(sorted(sources.glob("*.html")), converted, docx, infilter="HTML (StarWriter)")
    libreoffice_convert_all(sorted(p for p in sources.iterdir() if p.suffix != ".html"), converted, docx)
    for name in ("marked", "marked-unshown", "clean", "other", "resaved"):
        files[f"lo-{name}"] = converted / f"{name}.docx"
    return files


def _html(paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>revision</title></head><body>\n{body}\n'
        "</body></html>\n"
    )


def _marked(lines: list[str], unshown: bool = False) -> list[str]:
    """The previous version as HTML paragraphs with changes marked by hand: a word struck and its replacement
    underlined (3.4), a whole paragraph struck (8.4), a new paragraph underlined after 3.10; with ``unshown``,
    also a word dropped from 10.2 without any mark."""
    out: list[str] = []
    for line in lines:
        text = html.escape(line, quote=False)
        if line.startswith("3.4 "):
            assert " should " in text
            text = text.replace(" should ", " <s>should</s> <u>shall</u> ", 1)
        elif line.startswith("8.4 "):
            text = f"<s>{text}</s>"
        elif line.startswith("10.2 ") and unshown:
            assert " periodic reports " in text
            text = text.replace(" periodic reports ", " reports ", 1)
        out.append(text)
        if line.startswith("3.10 "):
            out.append("<u>3.11  Member States should publish their recruitment practices every year.</u>")
    return out


# ---------------------------------------------------------------------------- planting in the redline's XML


def _edited(source: Path, target: Path, *edits) -> Path:
    with zipfile.ZipFile(source) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    for edit in edits:
        edit(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


def _plain_texts(root):
    """The w:t of runs that are no tracked change (straight under a w:p)."""
    return [t for t in root.iter(W + "t") if t.getparent().getparent().tag == W + "p"]


def _drop_word(word: str):
    def edit(root) -> None:
        t = next(t for t in _plain_texts(root) if f" {word} " in (t.text or ""))
        t.text = t.text.replace(f" {word} ", " ", 1)

    return edit


def _add_word(word: str, before: str):
    def edit(root) -> None:
        t = next(t for t in _plain_texts(root) if f" {before}" in (t.text or ""))
        t.text = t.text.replace(f" {before}", f" {word} {before}", 1)

    return edit


def _tracked(paragraph) -> bool:
    return next(paragraph.iter(W + "ins", W + "del"), None) is not None


def _drop_paragraph(words: str):
    """Remove a paragraph that the redline shows unchanged (no w:ins or w:del in it)."""

    def edit(root) -> None:
        paragraph = next(
            p for p in root.iter(W + "p") if words in "".join(t.text or "" for t in p.iter(W + "t")) and not _tracked(p)
        )
        paragraph.getparent().remove(paragraph)

    return edit


def _retype_number(number: str, typed: str):
    def edit(root) -> None:
        t = next(t for t in _plain_texts(root) if t.text == number and not _tracked(t.getparent().getparent()))
        t.text = typed

    return edit


def _underline(word: str):
    """Underline an unchanged run holding ``word`` (formatting, not a tracked change)."""

    def edit(root) -> None:
        run = next(t for t in _plain_texts(root) if word in (t.text or "")).getparent()
        rpr = run.find(W + "rPr")
        if rpr is None:
            rpr = etree.SubElement(run, W + "rPr")
            run.remove(rpr)
            run.insert(0, rpr)
        etree.SubElement(rpr, W + "u").set(W + "val", "single")

    return edit


# ------------------------------------------------------------------------------------------------ the tests


def test_the_redline_of_the_shipped_pair_shows_every_change(made):
    result = run("audit", OLD, str(made["redline"]))
    assert result.exit_code == 0, result.output
    assert "Changes shown as: Word tracked changes" in result.stdout
    assert f"Every change is shown: rejecting them all gives back {OLD} exactly." in result.stdout
    assert "shows every change (marks: tracked)" in result.stderr
    result, report = audit_json(made["redline"])
    assert result.exit_code == 0 and report["schema"] == "drafttools.audit/1"
    assert report["clean"] is True and report["unshown"] == [] and report["revision"]["marks"] == "tracked"
    kinds = {k["kind"]: k for k in report["shown"]["kinds"]}
    assert kinds["insertion"]["count"] > 50 and kinds["deletion"]["count"] > 50
    assert kinds["inserted-paragraph-mark"]["count"] >= 1  # the split paragraph, the new preamble
    assert report["compared"]["kept"] == report["compared"]["words"] > 2000
    assert report["previous"]["version"] == OLD and report["diagnostics"] == []


def test_libreoffice_saving_the_redline_again_still_shows_every_change(made):
    """LibreOffice writes tracked changes its own way (w:ins/w:del of its own, its own run splits)."""
    result, report = audit_json(made["lo-resaved"])
    assert result.exit_code == 0, result.stderr
    assert report["clean"] is True and report["revision"]["marks"] == "tracked"


def test_a_deletion_planted_without_tracking_is_caught(made):
    result = run("audit", OLD, str(made["planted"]))
    assert result.exit_code == 1
    assert "NOT SHOWN: 1 change" in result.stdout
    assert "paragraph 7.4: words changed without being shown   [ID ensure-comparable-data-generated]" in result.stdout
    assert "… that [-comparable-] data …" in result.stdout
    assert re.search(
        r"planted\.docx:\d+: error: paragraph 7\.4 \(ID ensure-comparable-data-generated\): words "
        r"changed without being shown: … that \[-comparable-\] data … \[audit\.unshown\]",
        result.stderr,
    )
    _, report = audit_json(made["planted"])
    [unshown] = report["unshown"]
    assert (unshown["label"], unshown["id"], unshown["status"], unshown["kind"]) == (
        "7.4",
        "ensure-comparable-data-generated",
        "modified",
        "paragraph",
    )
    assert "ensure that comparable data" in unshown["previous"] and "ensure that data" in unshown["revision"]
    assert {"op": "delete", "text": " comparable"} in unshown["words"]
    assert unshown["where"]["path"].endswith("planted.docx") and unshown["where"]["line"] > 0


def test_each_kind_of_unshown_change_is_named(made):
    _, report = audit_json(made["planted-more"])
    found = [(u["status"], u["label"], u["revision_label"]) for u in report["unshown"]]
    assert found == [
        ("modified", "3.5", "3.5"),
        ("deleted", "3.6", ""),
        ("renumbered", "4.2", "4.9"),
        ("modified", "7.4", "7.4"),
    ], report["unshown"]
    gone = report["unshown"][1]
    assert gone["revision"] == "" and "self-sufficient health workforce" in gone["previous"]
    assert gone["where"]["path"].endswith("article-03.md")  # where the dropped words are: the previous version
    assert {"op": "insert", "text": " full"} in report["unshown"][0]["words"]
    assert "numbered 4.9 in the revision without being shown" in report["unshown"][2]["message"]


def test_text_marked_by_formatting_libreoffice_from_html(made):
    result = run("audit", OLD, str(made["lo-marked"]))
    assert result.exit_code == 0, result.output
    assert "Changes shown as: formatting (struck text deleted, underlined text inserted)" in result.stdout
    _, report = audit_json(made["lo-marked"])
    assert report["clean"] is True and report["revision"]["marks"] == "formatting"
    kinds = {k["kind"]: (k["count"], k["words"]) for k in report["shown"]["kinds"]}
    assert kinds["struck"][0] == 2 and kinds["underlined"][0] == 2, kinds  # "should" and 8.4; "shall" and 3.11
    assert kinds["underlined"][1] == 1 + len(
        "3.11 Member States should publish their recruitment practices every year.".split()
    )


def test_an_unshown_change_among_formatting_marks(made):
    result, report = audit_json(made["lo-marked-unshown"])
    assert result.exit_code == 1
    [unshown] = report["unshown"]
    assert (unshown["label"], unshown["status"]) == ("10.2", "modified")
    assert {"op": "delete", "text": " periodic"} in unshown["words"]


def test_a_clean_copy_shows_no_changes_and_makes_none(made):
    result = run("audit", OLD, str(made["lo-clean"]))
    assert result.exit_code == 0, result.output
    assert "Changes shown as: nothing (no tracked changes, no struck or underlined text)" in result.stdout
    assert "Shown: none" in result.stdout


def test_underlined_text_in_a_tracked_revision_is_said(made):
    result = run("audit", OLD, str(made["mixed"]))
    assert (
        result.exit_code == 0
        and "[audit.mixed-marks]" in result.stderr
        and "1 run(s) of underlined text" in (result.stderr)
    )
    assert run("audit", OLD, str(made["mixed"]), "--strict").exit_code == 1
    # read as a mark, the underlined words of 3.6 (all but its number) are an inserted paragraph; rejected, 3.6 is gone
    result, report = audit_json(made["mixed"], "--marks", "formatting")
    assert result.exit_code == 1 and report["revision"]["marks"] == "formatting"
    assert [(u["status"], u["label"]) for u in report["unshown"]] == [("deleted", "3.6")]


def test_a_file_that_is_no_revision_of_the_version(made):
    result = run("audit", OLD, str(made["lo-other"]))
    assert result.exit_code == 1 and result.stdout == ""
    assert "[audit.unrelated]" in result.stderr and f"is not a revision of {OLD}" in result.stderr
    assert "[audit.unshown]" not in result.stderr and "Traceback" not in result.output


def test_the_wrong_previous_version_lists_what_differs(made):
    """The redline audited against its new version: rejecting gives the old one, so the changes are all 'unshown'."""
    result, report = audit_json(made["redline"], version=NEW)
    assert result.exit_code == 1 and len(report["unshown"]) > 10


def test_corrupt_files_are_clear_errors_and_nothing_is_written(made, tmp_path):
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(made["redline"].read_bytes()[:4000])
    text = tmp_path / "notes.docx"
    text.write_text("not a Word file\n", encoding="utf-8")
    damaged = tmp_path / "damaged.docx"  # a whole zip whose document.xml breaks off
    with zipfile.ZipFile(made["redline"]) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    for bad, code in ((truncated, "import.format"), (text, "import.format"), (damaged, "import.unreadable")):
        report = tmp_path / "report.json"
        result = run("audit", OLD, str(bad), "--format", "json", "-o", str(report))
        assert result.exit_code == 1, result.output
        assert f"[{code}]" in result.stderr and "Traceback" not in result.output and "cannot audit" in result.stderr
        assert not report.exists()


def test_a_password_protected_revision_is_a_clear_error(tmp_path):
    """Encrypted OOXML is an OLE container with EncryptionInfo and EncryptedPackage streams.  No client here writes
    one (LibreOffice 7.4 saves a .docx with a password unencrypted, so it stays readable): the container is
    made by hand, as tests/test_import_docx.py makes it."""
    protected = tmp_path / "protected.docx"
    protected.write_bytes(
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
    )
    report = tmp_path / "report.txt"
    result = run("audit", OLD, str(protected), "-o", str(report))
    assert result.exit_code == 1 and "[import.encrypted]" in result.stderr and "password-protected" in result.stderr
    assert "Traceback" not in result.output and not report.exists()


def test_usage_errors(made, tmp_path):
    assert run("audit", "no-such-version", str(made["redline"])).exit_code == 2
    assert run("audit", OLD, str(tmp_path / "missing.docx")).exit_code == 2
    result = run("audit", OLD, str(made["redline"]), "-o", str(ROOT / "versions" / "report.txt"))
    assert result.exit_code == 2 and "would write into versions/" in result.stderr
    result = run("audit", OLD, str(made["redline"]), "--format", "json", "-o", str(tmp_path / "report.txt"))
    assert result.exit_code == 2
    assert run("audit", OLD, str(made["redline"]), "--marks", "colour").exit_code == 2


def test_the_report_goes_to_a_file_with_o(made, tmp_path):
    report = tmp_path / "audit.json"
    result = run("audit", OLD, str(made["planted"]), "--format", "json", "-o", str(report))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(report.read_text(encoding="utf-8"))["unshown"][0]["label"] == "7.4"


def test_every_audit_code_is_produced_here():
    from drafttools.diagnostics import CODES

    source = Path(__file__).read_text(encoding="utf-8")
    assert [c for c in CODES if c.startswith("audit.") and f"[{c}]" not in source] == []


def test_an_article_dropped_unshown_is_one_finding_with_what_it_held():
    """The comparison alone (diff.audit): Article 5 taken out, the articles after it renumbered by the text."""
    from drafttools.diff.audit import audit
    from drafttools.model.numbering import number_instrument

    old = load(ROOT / "versions" / OLD).instrument
    assert old is not None
    body = tuple(a for a in old.body if a.id != old.articles[4].id)
    regions = {region: body if region == "body" else tops for region, tops in old.tops()}
    revision = number_instrument(old.with_regions(regions))
    found = audit(old, revision, "revision.docx", "tracked", ()).unshown
    dropped, renumbered = found[0], found[1]
    assert (dropped.status, dropped.name, dropped.held) == (
        "deleted",
        "Article 5",
        len(list(old.articles[4].walk())) - 1,
    )
    assert dropped.path.endswith("article-05.md") and dropped.id == old.articles[4].id
    assert (renumbered.status, renumbered.name, renumbered.revision_label) == ("renumbered", "Article 6", "5")
    assert renumbered.held >= 1 and "Article 6 (with the" in renumbered.describe()
    assert all(u.name not in ("paragraph 5.1", "paragraph 6.1") for u in found)  # they went with their articles


def test_a_word_short_is_never_reported_as_all_kept(made):
    out = run("audit", OLD, str(made["planted"])).stdout
    assert "2,344 words, 99.9% of them in place" in out
    assert "100.0% of them in place" in run("audit", OLD, str(made["redline"])).stdout


def _drop_table_row(old: str):
    """Take the row of the renumbering table that starts with ``old`` out."""

    def edit(root) -> None:
        row = next(r for r in root.iter(W + "tr") if "".join(t.text or "" for t in r.iter(W + "t")).startswith(old))
        row.getparent().remove(row)

    return edit


def test_a_quiet_redline_shows_its_renumbering_in_its_table(tmp_path: Path) -> None:
    """The default quiet redline keeps the new numbers on reject and lists each changed one once, in a table at its
    end: the audit reads the table back, so the file audits clean, saved again by LibreOffice too; a row taken out
    of the table, or a word taken out of the text without tracking, is caught."""
    quiet = tmp_path / "quiet.docx"
    made = subprocess.run(
        [sys.executable, "-m", "drafttools", "diff", OLD, NEW, "--format", "docx", "-o", str(quiet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode in (0, 1), made.stderr
    result = run("audit", OLD, str(quiet))
    assert result.exit_code == 0, result.output
    assert "Renumbering: 37 changed number(s) shown by the file's renumbering table, not in its text" in result.stdout
    assert f"rejecting them all gives back {OLD} exactly, its renumbering table read back." in result.stdout
    assert audit_json(quiet)[1]["compared"]["listed"] == 37
    # the cover, the table and the references are the redline's, not the text's: nothing of them is read as text
    assert "Comparison of two versions" not in result.stdout and "now cites" not in result.stdout
    # LibreOffice opens and saves it again: the styles that mark the redline's own paragraphs survive
    resaved = libreoffice_convert_all([quiet], tmp_path / "lo", "docx:MS Word 2007 XML")[0]
    again = run("audit", OLD, str(resaved))
    assert again.exit_code == 0, again.output
    assert "shown by the file's renumbering table" in again.stdout
    # a renumbering the table does not list is not shown
    unlisted = _edited(quiet, tmp_path / "unlisted.docx", _drop_table_row("4.9"))
    result = run("audit", OLD, str(unlisted))
    assert result.exit_code == 1
    assert "paragraph 4.9: numbered 4.10 in the revision without being shown" in result.stdout
    assert "NOT SHOWN: 1 change" in result.stdout
    # nor is a word taken out of the text untracked
    planted = _edited(quiet, tmp_path / "planted.docx", _drop_word("comparable"))
    result = run("audit", OLD, str(planted))
    assert result.exit_code == 1 and "NOT SHOWN: 1 change" in result.stdout
    assert "paragraph 7.4: words changed without being shown" in result.stdout
