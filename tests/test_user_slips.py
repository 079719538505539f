"""Slips a drafter makes on first meeting drafttools, each once found by following the docs and then doing it
wrong: a frozen version rewritten by `ids`, a TOML mistake at the end of a file reported at no line, a folder where
a file is expected named as missing."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner, Result

from drafttools.cli.main import main

from .clients import libreoffice_convert

FROZEN = "versions/2009-09-SEARO-RC62"


def run(project: Path, *argv: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(argv))


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------- a frozen version stays


def test_ids_refuses_a_frozen_version_and_writes_nothing(shipped_project: Path) -> None:
    before = snapshot_of(shipped_project / FROZEN)
    for argv in (("ids", FROZEN), ("ids", FROZEN, "--restore", "voluntary-nature"), ("check", FROZEN, "--fix")):
        result = run(shipped_project, *argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "frozen" in result.output and FROZEN in result.output, result.output
        assert "Traceback" not in result.output
    assert snapshot_of(shipped_project / FROZEN) == before


def test_a_frozen_version_is_still_checked_and_dry_run(shipped_project: Path) -> None:
    before = snapshot_of(shipped_project / FROZEN)
    assert run(shipped_project, "check", FROZEN).exit_code == 0
    assert run(shipped_project, "ids", FROZEN, "--dry-run").exit_code == 0
    assert snapshot_of(shipped_project / FROZEN) == before


# ------------------------------------------------------------------------------ a TOML mistake at the file's end


def test_a_proposal_file_broken_at_its_end_is_located_at_its_last_line(shipped_project: Path) -> None:
    proposals = shipped_project / "proposals"
    proposals.mkdir()
    broken = 'id = "bra-1"\ntarget = "data-to-secretariat"\nproponents = [\n'
    (proposals / "bra-1.toml").write_text(broken, encoding="utf-8")
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1, result.output
    assert "proposals/bra-1.toml:3: error: not valid TOML" in result.stderr, result.stderr


def test_a_manifest_broken_at_its_end_is_located_at_its_last_line(shipped_project: Path) -> None:
    manifest = shipped_project / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8") + "files = [\n"
    manifest.write_text(text, encoding="utf-8")
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1, result.output
    assert f"code_text/manifest.toml:{text.count(chr(10))}: error: not valid TOML" in result.stderr, result.stderr


# ------------------------------------------------------------------------- a folder where a file is expected


def test_a_manifest_naming_a_folder_says_it_is_a_folder(shipped_project: Path) -> None:
    article = shipped_project / "code_text" / "article-02.md"
    article.unlink()
    article.mkdir()
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1, result.output
    assert "names article-02.md, which is a folder, not a file [manifest.missing-file]" in result.stderr, result.stderr
    assert "does not exist" not in result.stderr


def test_a_folder_given_as_the_file_to_read_is_named_a_folder(shipped_project: Path) -> None:
    (shipped_project / "returns").mkdir()
    for argv in (
        ("collect", "returns", "--from", "BRA", "--answers", "2009-09-SEARO-RC62"),
        ("import", "returns", "--as", "x"),
        ("audit", "2009-09-SEARO-RC62", "returns"),
    ):
        result = run(shipped_project, *argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "Error: returns: a folder, not a file" in result.stderr, (argv, result.stderr)
    assert not (shipped_project / "proposals").exists() and not (shipped_project / "versions" / "x").exists()


def test_a_folder_among_the_proposal_files_is_named_a_folder(shipped_project: Path) -> None:
    (shipped_project / "proposals" / "bra-1.toml").mkdir(parents=True)
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1, result.output
    assert "proposals/bra-1.toml: error: a folder, not a proposal file [proposal.syntax]" in result.stderr
    assert "UTF-8" not in result.stderr


# ------------------------------------------------------------------------------------------------ in the room


def proposal(project: Path, pid: str, status: str, party: str) -> Path:
    folder = project / "proposals"
    folder.mkdir(exist_ok=True)
    path = folder / f"{pid}.toml"
    path.write_text(
        f'id = "{pid}"\ntarget = "data-to-secretariat"\nkind = "amend"\nstatus = "{status}"\nproponents = ["{party}"]\n'
        'before = "on a biennial basis"\nafter = "every three years"\n',
        encoding="utf-8",
    )
    return path


def test_merging_into_a_closed_proposal_is_refused_and_writes_nothing(shipped_project: Path) -> None:
    """A closing move is made from open only; merging into a rejected proposal would drop this one with it, unseen
    (into an accepted one is fine: its proponents join the text agreed)."""
    files = [proposal(shipped_project, "bra-1", "rejected", "BRA"), proposal(shipped_project, "gbr-1", "open", "GBR")]
    before = [f.read_bytes() for f in files]
    result = run(shipped_project, "proposal", "merge", "gbr-1", "--into", "bra-1")
    assert result.exit_code == 1, result.output
    refusal = "proposals/bra-1.toml: proposal bra-1 is rejected; a proposal can be merged only into an open or accepted"
    assert refusal in result.stderr, result.stderr
    assert [f.read_bytes() for f in files] == before
    assert run(shipped_project, "proposal", "reopen", "bra-1").exit_code == 0
    merged = run(shipped_project, "proposal", "merge", "gbr-1", "--into", "bra-1")
    assert merged.exit_code == 0, merged.output
    assert 'status = "merged"' in files[1].read_text(encoding="utf-8")
    assert 'proponents = ["BRA", "GBR"]' in files[0].read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ a mistake in pyproject.toml


def test_a_pyproject_that_is_not_toml_stops_every_command_at_its_line(shipped_project: Path) -> None:
    """It was read as no settings at all: the defaults applied, silently."""
    pyproject = shipped_project / "pyproject.toml"
    pyproject.write_text('[tool.drafttools\nsource = "code_text"\n', encoding="utf-8")
    for argv in (("check",), ("build", "papers/code.md"), ("proposals",)):
        result = run(shipped_project, *argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "Error: pyproject.toml:1: not valid TOML" in result.stderr, (argv, result.stderr)
        assert "Traceback" not in result.output
    assert not (shipped_project / "build").exists()


def test_a_setting_drafttools_does_not_know_is_named_at_its_line(shipped_project: Path) -> None:
    """A typo ('sourse') fell back to the default folder without a word."""
    pyproject = shipped_project / "pyproject.toml"
    pyproject.write_text('[tool.drafttools]\nsourse = "instrument"\n', encoding="utf-8")
    result = run(shipped_project, "check")
    assert result.exit_code == 2, result.output
    assert "Error: pyproject.toml:2: [tool.drafttools] has no setting 'sourse'" in result.stderr, result.stderr
    assert "source" in result.stderr.split("sourse", 1)[1]  # the known settings are listed
    pyproject.write_text("[tool.drafttools]\nsource = 3\n", encoding="utf-8")
    result = run(shipped_project, "check")
    assert result.exit_code == 2, result.output
    assert "Error: pyproject.toml:2: [tool.drafttools] source must be a string" in result.stderr, result.stderr


def test_a_folder_setting_with_a_nul_or_empty_is_a_usage_error(shipped_project: Path) -> None:
    """A NUL in a folder setting ended in "internal error: ValueError: embedded null byte" (exit 1)."""
    pyproject = shipped_project / "pyproject.toml"
    for value in ('"code\\u0000text"', '""'):
        pyproject.write_text(f"[tool.drafttools]\nsource = {value}\n", encoding="utf-8")
        result = run(shipped_project, "check")
        assert result.exit_code == 2, (value, result.output)
        assert "Error: pyproject.toml:2: [tool.drafttools] source must be a folder" in result.stderr, result.stderr
        assert "internal error" not in result.output


# -------------------------------------------------------------------------------- diff3: a return's file


def test_diff3_names_a_missing_return_file_and_a_legacy_doc(shipped_project: Path, tmp_path: Path) -> None:
    """THEIRS given as a file that is not there, or as a .doc, read as a version name: "'x.docx' is neither a
    version, a code text folder nor a git revision"."""
    missing = run(shipped_project, "diff3", "2009-09-SEARO-RC62", "code_text", "returns/bra.docx")
    assert missing.exit_code == 2, missing.output
    assert "Error: returns/bra.docx: no such file" in missing.stderr, missing.stderr
    text = tmp_path / "return.txt"
    text.write_text("Article 1 – Objectives\n\n1.1 Some words.\n", encoding="utf-8")
    doc = libreoffice_convert(text, tmp_path / "lo", to="doc")
    legacy = run(shipped_project, "diff3", "2009-09-SEARO-RC62", "code_text", str(doc))
    assert legacy.exit_code == 1, legacy.output
    assert "[import.legacy-doc]" in legacy.stderr and "--convert-to docx" in legacy.stderr, legacy.stderr
    assert "neither a version" not in legacy.stderr


# ------------------------------------------------------------------------------ -o FILE where a folder is meant


def test_an_output_folder_that_is_a_file_is_a_usage_error(shipped_project: Path) -> None:
    """`build -o build/code.docx` said "cannot write to the output folder build/code.docx: File exists" (exit 1)."""
    made = shipped_project / "out.docx"
    made.write_bytes(b"a file already there")
    for argv in (
        ("build", "papers/code.md", "-o", "out.docx"),
        ("review", "compilation", "-o", "out.docx"),
        ("review", "all", "-o", "out.docx"),
    ):
        result = run(shipped_project, *argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "Error: -o out.docx: that is a file, not a folder; give the folder to write into" in result.stderr
    assert made.read_bytes() == b"a file already there"


# ----------------------------------------------------------------------- a manifest naming a missing profile


def test_an_unknown_profile_is_located_at_the_manifests_profile_line(tmp_path: Path) -> None:
    """It was reported at line 1 of the manifest, whatever line named it."""
    assert run(tmp_path, "new", "p").exit_code == 0
    project = tmp_path / "p"
    manifest = project / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8").replace("[instrument]\n", '[instrument]\nprofile = "my-profile.toml"\n')
    manifest.write_text(text, encoding="utf-8")
    line = text.splitlines().index('profile = "my-profile.toml"') + 1
    assert line > 1
    result = run(project, "check")
    assert result.exit_code == 1, result.output
    assert f"code_text/manifest.toml:{line}: error: no numbering profile 'my-profile.toml'" in result.stderr


def test_a_room_command_on_a_proposal_file_that_is_broken_shows_its_diagnostic(shipped_project: Path) -> None:
    """It said "no proposal 'bra-1' in proposals" (exit 2), though the file is there, with a TOML mistake."""
    broken = proposal(shipped_project, "bra-1", "open", "BRA")
    text = broken.read_text(encoding="utf-8").replace('status = "open"', 'status = "open')
    broken.write_text(text, encoding="utf-8")
    fine = proposal(shipped_project, "gbr-1", "open", "GBR")
    before = fine.read_bytes()
    for argv in (("accept", "bra-1"), ("reject", "gbr-1", "bra-1"), ("merge", "gbr-1", "--into", "bra-1")):
        result = run(shipped_project, "proposal", *argv)
        assert result.exit_code == 1, (argv, result.output)
        assert "proposals/bra-1.toml:4: error: not valid TOML" in result.stderr, (argv, result.stderr)
        assert "no proposal" not in result.stderr
    assert fine.read_bytes() == before and broken.read_text(encoding="utf-8") == text
