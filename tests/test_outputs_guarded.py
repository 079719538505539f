"""Outputs never land on sources, devices or folders, sources rewritten in place keep their links, and a failed
write on stdout is a one-line error (issue 18, item 5).  Each case on a fresh copy of the shipped project."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.config import settings

from .conftest import ROOT

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"


def run(project: Path, *args: str) -> Result:
    settings.cache_clear()  # type: ignore[attr-defined]
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(args))


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of the project's sources, by path, with its bytes."""
    return {
        str(p.relative_to(project)): p.read_bytes()
        for folder in ("code_text", "versions", "annex_templates", "papers", "resolutions")
        for p in sorted((project / folder).rglob("*"))
        if p.is_file()
    }


def assert_usage_error(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: -o "), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------------------ -o over the sources

INSIDE = [
    "code_text/article-08.md",
    "code_text/new.txt",
    "versions/2009-09-SEARO-RC62/article-08.md",
    "versions/notes.txt",
    "annex_templates/code/paper.html.j2",
    "papers/eb124-13.md",
    "resolutions/wha63-16/preamble.md",
    "papers/../code_text/manifest.toml",
    "./code_text/sub/deeper.txt",
]


@pytest.mark.parametrize("target", INSIDE)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diff_never_writes_into_the_sources(shipped_project: Path, target: str, fmt: str) -> None:
    before = snapshot(shipped_project)
    result = run(shipped_project, "diff", OLD, NEW, "--format", fmt, "-o", target)
    assert_usage_error(result, str(Path(target)), "would write into", "build/")
    assert snapshot(shipped_project) == before
    assert not (shipped_project / "code_text" / "sub").exists()


@pytest.mark.parametrize("fmt", ["html", "synoptic"])
def test_html_and_word_outputs_are_refused_there_too(shipped_project: Path, fmt: str) -> None:
    before = snapshot(shipped_project)
    result = run(shipped_project, "diff", OLD, NEW, "--format", fmt, "-o", "papers/diff.html")
    assert_usage_error(result, "papers/diff.html", "papers/", "build/")
    result = run(shipped_project, "diff", OLD, NEW, "--format", "docx", "-o", "versions/redline.docx")
    assert_usage_error(result, "versions/redline.docx", "versions/")
    assert snapshot(shipped_project) == before


def test_a_link_into_the_sources_is_refused(shipped_project: Path) -> None:
    (shipped_project / "out").mkdir()
    (shipped_project / "out" / "diff.txt").symlink_to(shipped_project / "code_text" / "article-08.md")
    (shipped_project / "ct").symlink_to(shipped_project / "code_text", target_is_directory=True)
    before = snapshot(shipped_project)
    assert_usage_error(run(shipped_project, "diff", OLD, NEW, "-o", "out/diff.txt"), "out/diff.txt", "code_text/")
    assert_usage_error(run(shipped_project, "diff", OLD, NEW, "-o", "ct/diff.txt"), "ct/diff.txt", "code_text/")
    assert snapshot(shipped_project) == before


def test_a_configured_source_folder_is_guarded(shipped_project: Path) -> None:
    (shipped_project / "code_text").rename(shipped_project / "instrument")
    (shipped_project / "pyproject.toml").write_text('[tool.drafttools]\nsource = "instrument"\n', encoding="utf-8")
    result = run(shipped_project, "diff", OLD, NEW, "-o", "instrument/article-08.md")
    assert_usage_error(result, "instrument/")


def test_an_output_elsewhere_is_written(shipped_project: Path) -> None:
    result = run(shipped_project, "diff", OLD, NEW, "-o", "build/diff.txt")
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    assert (shipped_project / "build" / "diff.txt").read_text(encoding="utf-8").strip()


# ----------------------------------------------------------------------------------- -o onto what is no file


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _device(path: Path) -> Path:
    """A character device like /dev/full (1, 7), made here rather than risking the real one."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return path


@pytest.mark.parametrize("make, kind", [(_fifo, "fifo"), (_folder, "folder"), (_device, "device")])
def test_an_output_onto_no_regular_file_is_refused(shipped_project: Path, make, kind: str) -> None:  # type: ignore[no-untyped-def]
    target = make(shipped_project / "target")
    mode = target.lstat().st_mode
    result = run(shipped_project, "diff", OLD, NEW, "-o", str(target))
    assert_usage_error(result, str(target), kind, "not a regular file")
    assert target.lstat().st_mode == mode, "left as it was, not replaced by a regular file"


def test_a_link_to_a_device_is_refused(shipped_project: Path) -> None:
    (shipped_project / "full").symlink_to("/dev/full")
    result = run(shipped_project, "diff", OLD, NEW, "-o", "full")
    assert_usage_error(result, "full", "a device")
    assert (shipped_project / "full").is_symlink()


# ----------------------------------------------------------------------------------------- build -o DIR


@pytest.mark.parametrize(
    "folder",
    [
        "code_text",
        "code_text/out",
        "versions/out",
        "annex_templates",
        "papers/built",
        "papers/../versions/2010-illustrative-revision",
    ],
)
def test_build_never_writes_into_the_sources(shipped_project: Path, folder: str) -> None:
    before, existed = snapshot(shipped_project), (shipped_project / folder).exists()
    result = run(shipped_project, "build", "-o", folder)
    assert_usage_error(result, folder, "would write into", "build/")
    assert snapshot(shipped_project) == before and (shipped_project / folder).exists() == existed


# --------------------------------------------------------------------------- sources rewritten through links


def _link_article(project: Path) -> tuple[Path, Path]:
    """code_text/article-08.md made a link to drafts/article-08.md, inside the project."""
    link = project / "code_text" / "article-08.md"
    target = project / "drafts" / "article-08.md"
    target.parent.mkdir()
    link.rename(target)
    link.symlink_to(Path("..") / "drafts" / "article-08.md")
    return link, target


def test_ids_writes_through_a_linked_article(shipped_project: Path) -> None:
    link, target = _link_article(shipped_project)
    text = target.read_text(encoding="utf-8")
    assert ":::{paragraph} register-of-authorities\n" in text
    target.write_text(text.replace(":::{paragraph} register-of-authorities\n", ":::{paragraph}\n"), encoding="utf-8")
    result = run(shipped_project, "ids")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target.resolve()
    after = target.read_text(encoding="utf-8")
    assert ":::{paragraph}\n" not in after and "gave ID" in result.stderr
    assert not any(p.name.endswith(".tmp") for p in (shipped_project / "code_text").iterdir())


def test_check_fix_writes_through_a_linked_article(shipped_project: Path) -> None:
    link, target = _link_article(shipped_project)
    text = target.read_text(encoding="utf-8")
    linked = "paragraph {xref}`designated-national-authority` above"
    assert linked in text
    target.write_text(text.replace(linked, "paragraph 8.3 above"), encoding="utf-8")
    result = run(shipped_project, "check", "--fix")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and linked in target.read_text(encoding="utf-8")


def test_the_ledger_is_written_through_its_link(shipped_project: Path) -> None:
    ledger = shipped_project / "code_text" / "id-ledger.tsv"
    kept = shipped_project / "ledger.tsv"
    ledger.rename(kept)
    ledger.symlink_to(kept)
    text = (shipped_project / "code_text" / "article-08.md").read_text(encoding="utf-8")
    (shipped_project / "code_text" / "article-08.md").write_text(
        text.replace(":::{paragraph} register-of-authorities\n", ":::{paragraph}\n"), encoding="utf-8"
    )
    assert run(shipped_project, "ids").exit_code == 0
    assert ledger.is_symlink() and "register-of-authorities\tparagraph\tgone" in kept.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ write errors on stdout

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def drafttools(project: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *args], cwd=project, env=ENV, text=True, timeout=300, **options
    )  # type: ignore[call-overload, no-any-return]


def assert_one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: cannot write to standard output"), done.stderr
    for word in words:
        assert word in lines[-1], (word, done.stderr)
    assert (
        "Traceback" not in done.stderr and "Exception ignored" not in done.stderr and "Error" not in "".join(lines[:-1])
    )


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_a_full_disk_on_stdout_exits_1(shipped_project: Path, fmt: str) -> None:
    with open("/dev/full", "w") as full:
        done = drafttools(shipped_project, "diff", OLD, NEW, "--format", fmt, stdout=full, stderr=subprocess.PIPE)
    assert_one_line_error(done, "No space left on device")


def test_check_json_on_a_full_disk_exits_1(shipped_project: Path) -> None:
    with open("/dev/full", "w") as full:
        done = drafttools(shipped_project, "check", "--format", "json", stdout=full, stderr=subprocess.PIPE)
    assert_one_line_error(done, "No space left on device")


def test_a_closed_stdout_exits_1(shipped_project: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m drafttools diff {OLD} {NEW} >&-",
        shell=True,
        cwd=shipped_project,
        env=ENV,
        text=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        timeout=300,
    )
    assert_one_line_error(done, "closed")


def test_with_stdout_closed_an_output_file_is_still_written(shipped_project: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m drafttools diff {OLD} {NEW} -o build/d.txt >&-",
        shell=True,
        cwd=shipped_project,
        env=ENV,
        text=True,
        stderr=subprocess.PIPE,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (shipped_project / "build" / "d.txt").stat().st_size > 0


@pytest.mark.parametrize(
    "args",
    [
        ("diff", OLD, NEW),
        ("diff", OLD, NEW, "--format", "json"),
        ("codes",),
        ("check", "--format", "json"),
        ("versions",),
    ],
)
def test_a_pipe_closed_by_its_reader_exits_1_quietly(shipped_project: Path, args: tuple[str, ...]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "drafttools", *args],
        cwd=shipped_project,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before a byte is written
    err = process.stderr.read()
    done = subprocess.CompletedProcess(args, process.wait(timeout=300), None, err)
    assert_one_line_error(done, "Broken pipe")


def test_head_of_check_json_is_quiet(shipped_project: Path) -> None:
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -m drafttools check --format json | head -c 10",
        shell=True,
        executable="/bin/bash",
        cwd=shipped_project,
        env=ENV,
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert len(done.stdout) == 10
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode in (0, 1)  # 0 when the JSON fitted in the pipe before head closed it
    if done.returncode == 1:
        assert done.stderr.strip().splitlines()[-1].startswith("Error: cannot write to standard output")
