"""Slips a drafter makes on first meeting drafttools, each once found by following the docs and then doing it
wrong: a frozen version rewritten by `ids`, a TOML mistake at the end of a file reported at no line, a folder where
a file is expected named as missing."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner, Result

from drafttools.cli.main import main

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
