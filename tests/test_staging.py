"""What killed runs leave (issue 18, item 2): staging folders and temporary files are named for their owner,
ignored by every reader, and swept by the next command once their owner is gone; a folder an import killed
between its two renames had moved aside is put back, with a message; an import swaps folders in one step where
the system can.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools import fsutil
from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.importer import usecase
from drafttools.source import versions

from .importing import annex_text


@pytest.fixture
def project(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(shipped_project)
    settings.cache_clear()
    yield shipped_project
    settings.cache_clear()


@pytest.fixture(scope="module")
def dead() -> int:
    """The PID of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------------------------------------- names


def test_staging_names_carry_their_owner_and_are_recognised() -> None:
    prefix = fsutil.staging_prefix("article-08.md", "tmp")
    assert prefix == f".article-08.md.tmp-{os.getpid()}-"
    for name in (
        prefix + "k2j3h4l5",
        ".2009-EB124.import-123-abcd_123",
        ".code_text.replaced-9-x1",
        ".2009-EB124.snapshot-77-zzzzzzzz",
        ".article-08.md.ab12cd_4.tmp",  # drafttools 0.x
        ".code_text.import-abcdefgh",  # drafttools 0.x
        ".code_text.replaced-4242",  # drafttools 0.x
    ):
        assert fsutil.is_staging(name), name
    for name in ("article-08.md", ".gitignore", ".cache", ".code_text.import", "2009-EB124", ".x.tmp-12"):
        assert not fsutil.is_staging(name), name


def test_an_atomic_write_leaves_nothing_beside_its_target(tmp_path: Path) -> None:
    fsutil.write_atomic(tmp_path / "a.md", "text\n")
    assert _entries(tmp_path) == ["a.md"]


# ---------------------------------------------------------------------------------------------------- tidy


def test_tidy_removes_what_dead_owners_left_and_keeps_the_rest(tmp_path: Path, dead: int) -> None:
    (tmp_path / f".a.md.tmp-{dead}-abcdefgh").write_text("half")
    (tmp_path / f".v1.import-{dead}-abcdefgh").mkdir()
    (tmp_path / f".v1.import-{dead}-abcdefgh" / "manifest.toml").write_text("")
    (tmp_path / f".b.md.tmp-{os.getpid()}-abcdefgh").write_text("mine, still being written")
    (tmp_path / ".c.md.ab12cd_4.tmp").write_text("0.x, fresh")
    old = tmp_path / ".d.md.ab12cd_4.tmp"
    old.write_text("0.x, two hours old")
    os.utime(old, (time.time() - 7200,) * 2)
    (tmp_path / ".gitignore").write_text("*\n")
    assert fsutil.tidy(tmp_path) == []
    assert _entries(tmp_path) == [f".b.md.tmp-{os.getpid()}-abcdefgh", ".c.md.ab12cd_4.tmp", ".gitignore"]


def test_a_live_pid_that_started_after_the_entry_is_not_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / f".a.md.tmp-{os.getpid()}-abcdefgh"
    stale.write_text("half")
    fsutil.tidy(tmp_path)
    assert stale.exists()  # this process made it
    monkeypatch.setattr(fsutil, "_boot_time", lambda: time.time() + 60)  # as if this process had started later
    fsutil.tidy(tmp_path)
    assert not stale.exists()


def test_tidy_puts_back_a_folder_moved_aside_only_when_it_is_missing(tmp_path: Path, dead: int) -> None:
    aside = tmp_path / f".code_text.replaced-{dead}-abcdefgh"
    aside.mkdir()
    (aside / "manifest.toml").write_text("old")
    assert fsutil.tidy(tmp_path) == [(tmp_path / "code_text", aside.name)]
    assert _entries(tmp_path) == ["code_text"] and (tmp_path / "code_text" / "manifest.toml").read_text() == "old"
    aside.mkdir()  # the swap went through: what was moved aside is only the old text
    assert fsutil.tidy(tmp_path) == []
    assert _entries(tmp_path) == ["code_text"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    if not fsutil.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.fail("renameat2(RENAME_EXCHANGE) is not available here")  # Linux >= 3.15, glibc >= 2.28
    assert _entries(tmp_path / "a") == [] and _entries(tmp_path / "b") == ["x"]


# ---------------------------------------------------------------------------------------------- commands


def test_versions_ignores_a_killed_imports_folder_and_sweeps_it(project: Path, dead: int) -> None:
    for owner in (dead, os.getpid()):
        shutil.copytree(project / "code_text", project / "versions" / f".2011-x.import-{owner}-abcdefgh")
    result = run("versions", "--format", "json")
    assert result.exit_code == 0 and "2011-x" not in result.output, result.output
    assert _entries(project / "versions") == [
        f".2011-x.import-{os.getpid()}-abcdefgh",  # its owner (this process) still runs
        "2009-09-SEARO-RC62",
        "2010-illustrative-revision",
    ]


def test_check_ignores_and_sweeps_a_killed_fixs_temporary_file(project: Path, dead: int) -> None:
    leftover = project / "code_text" / f".article-08.md.tmp-{dead}-abcdefgh"
    leftover.write_text(":::::{article} half-written\n")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert not leftover.exists()


def test_the_sweep_waits_for_no_writer_and_leaves_a_running_writers_folder_alone(project: Path, dead: int) -> None:
    from drafttools.source import lock

    leftover = project / "code_text" / f".article-08.md.tmp-{dead}-abcdefgh"
    leftover.write_text("half-written\n")
    holder = subprocess.Popen(  # another writer holds the write lock for a while
        [
            sys.executable,
            "-c",
            "import time\nfrom drafttools.source import lock\n"
            "with lock.writing('ids'):\n    print('held', flush=True)\n    time.sleep(30)",
        ],
        cwd=project,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        assert run("check").exit_code == 0
        assert time.monotonic() - started < lock.DEFAULT_TIMEOUT  # a reader never waits for the writer
        assert leftover.exists()  # the writer swept when it started; this one is left for the next command
    finally:
        holder.kill()
        holder.wait()
    assert run("check").exit_code == 0
    assert not leftover.exists()


def test_a_project_with_nothing_to_sweep_gets_no_lock_file(project: Path) -> None:
    shutil.rmtree(project / "build", ignore_errors=True)
    assert run("versions").exit_code == 0
    assert not (project / "build" / ".cache" / "write.lock").exists()


def test_the_next_command_puts_back_a_code_text_an_import_left_aside(project: Path, dead: int) -> None:
    before = {p.name: p.read_bytes() for p in (project / "code_text").iterdir()}
    aside = project / f".code_text.replaced-{dead}-abcdefgh"
    (project / "code_text").rename(aside)
    shutil.copytree(project / "versions" / "2009-09-SEARO-RC62", project / f".code_text.import-{dead}-abcdefgh")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert f"code_text was put back from {aside.name}" in result.output and "[version.restored]" in result.output
    assert {p.name: p.read_bytes() for p in (project / "code_text").iterdir()} == before
    assert not any(fsutil.is_staging(p.name) for p in project.iterdir())


def test_an_import_over_code_text_swaps_in_one_step_or_two(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = tmp_path / "annex.txt"
    text.write_text(annex_text(), encoding="utf-8")
    places = usecase.Places(project / "code_text", project / "versions")
    for one_step in (True, False):
        if not one_step:
            monkeypatch.setattr(fsutil, "exchange", lambda a, b: False)
        result = usecase.import_draft(text, "code_text", "code_text", force=True, places=places)
        assert result.written, result.diagnostics
        assert (project / "code_text" / "manifest.toml").is_file()
        assert [p.name for p in project.iterdir() if fsutil.is_staging(p.name)] == []


def test_an_import_reads_no_ids_from_a_killed_imports_ledger(project: Path, dead: int) -> None:
    staged = project / "versions" / f".2011-x.import-{dead}-abcdefgh"
    staged.mkdir()
    (staged / "id-ledger.tsv").write_text("# id\tkind\tstatus\nminted-by-a-killed-import\tparagraph\tactive\n")
    places = usecase.Places(project / "code_text", project / "versions")
    assert "minted-by-a-killed-import" not in usecase._all_ids(places)
    assert [v.name for v in versions.list_versions(project / "versions")] == [
        "2009-09-SEARO-RC62",
        "2010-illustrative-revision",
    ]
