"""The kill harness: run a writing command as a process group of its own, SIGKILL it at a chosen point, and check
what it leaves: no process of the group still running, no half-written file, no leftover a later command would
read, and a rerun that reaches the state an unkilled run reaches.

A kill point is a fraction of the unkilled run's duration (so the points scale with the machine's speed and
load) or the first moment a staging entry of drafttools (``.NAME.KIND-PID-...``) appears in the project, the
window that leaves temporary files behind.  Linux only (``/proc``), like the parent-death signal it tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drafttools.fsutil import is_staging

ROOT = Path(__file__).resolve().parents[1]
# How long the processes of a killed command may take to go (the parent-death signal is immediate; the rest is
# the kernel tearing them down on a loaded machine).
GONE_WITHIN = 5.0
# The folders every command sweeps (``source.staging``), as the shipped project's pyproject.toml names them.
PROJECT_FOLDERS = (".", "code_text", "versions", "build")


def environment(cache: bool = True) -> dict[str, str]:
    """The environment of a command under test: this checkout's drafttools, caches on (unless ``cache`` is
    off), reproducible dates."""
    env = {k: v for k, v in os.environ.items() if k != "DRAFTTOOLS_NO_CACHE"}
    if not cache:
        env["DRAFTTOOLS_NO_CACHE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.setdefault("SOURCE_DATE_EPOCH", "1262304000")
    return env


def start(argv: list[str], cwd: Path, cache: bool = True) -> subprocess.Popen[bytes]:
    """``drafttools ARGV`` in ``cwd``, leading a process group of its own (its workers join it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "drafttools", *argv],
        cwd=cwd,
        env=environment(cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafttools", *argv],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# ----------------------------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    group: int
    state: str


def processes() -> list[Proc]:
    """Every process /proc lists, but zombies (they run nothing; an init that does not reap may keep them)."""
    found: list[Proc] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        state = fields[0].decode()
        if state not in ("Z", "X"):
            found.append(Proc(int(entry), int(fields[1]), int(fields[2]), state))
    return found


def children(pid: int) -> list[int]:
    return [p.pid for p in processes() if p.ppid == pid]


def left_in_group(group: int, within: float = GONE_WITHIN) -> list[int]:
    """The processes of ``group`` still running after ``within`` seconds (none, as soon as there are none)."""
    deadline = time.monotonic() + within
    while True:
        left = [p.pid for p in processes() if p.group == group]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def kill(proc: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the command (its parent process only: its workers must go by themselves), reap it, and return the
    processes of its group still running after ``GONE_WITHIN`` seconds.  Anything left is killed then, so that one
    failing test leaves nothing behind."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if proc.stderr is not None:
        proc.stderr.close()
    left = left_in_group(proc.pid)
    if left:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return left


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    """Poll ``condition`` until it holds (True) or the command ends or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return True
        time.sleep(0.002)
    return False


# ------------------------------------------------------------------------------------------------- project


def staging(project: Path) -> list[str]:
    """Every staging entry in the project (the parse and render caches aside: a leftover there is only a miss)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d != ".cache"]
        found += [str(Path(folder, n).relative_to(project)) for n in [*dirs, *files] if is_staging(n)]
    return sorted(found)


def state(project: Path) -> dict[str, str]:
    """What the project holds, file by file (caches aside): relative path -> digest of its bytes."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d != ".cache"]
        for name in files:
            path = Path(folder, name)
            found[str(path.relative_to(project))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def whole(project: Path) -> list[str]:
    """The files that are not whole: a Markdown file drafttools cannot parse, a ledger it cannot read, a DOCX that
    is not a valid zip.  Each code text folder (the working text and every version) is loaded in full."""
    from drafttools.source import ledger
    from drafttools.source.files import MANIFEST
    from drafttools.source.parse import load

    broken: list[str] = []
    for manifest in sorted(project.rglob(MANIFEST)):
        folder = manifest.parent
        if any(is_staging(part) for part in folder.relative_to(project).parts):
            continue
        loaded = load(folder)
        errors = [d.format() for d in loaded.diagnostics if str(d.severity) == "error"]
        if loaded.instrument is None or errors:
            broken += [f"{folder}: {e}" for e in errors] or [f"{folder}: unreadable"]
        broken += [f"{folder}: ledger: {d.format()}" for d in ledger.read(folder).problems]
    for docx in sorted(project.rglob("*.docx")):
        try:
            with zipfile.ZipFile(docx) as archive:
                if archive.testzip() is not None or "word/document.xml" not in archive.namelist():
                    broken.append(f"{docx}: damaged")
        except zipfile.BadZipFile:
            broken.append(f"{docx}: not a zip")
    return broken


# --------------------------------------------------------------------------------------------------- trials


@dataclass(frozen=True)
class Command:
    """A writing command under test: its arguments, the folders (relative to the project) where its staging
    appears, and how to give it work to do in a fresh copy of the project."""

    argv: tuple[str, ...]
    watch: tuple[str, ...]
    prepare: Callable[[Path], None] | None = None

    def __str__(self) -> str:
        return " ".join(self.argv)


@dataclass(frozen=True)
class Unkilled:
    """What a run to the end gives: its exit status, the project's files, how long it took."""

    returncode: int
    state: dict[str, str]
    seconds: float


def unkilled(command: Command, project: Path) -> Unkilled:
    began = time.monotonic()
    done = run(list(command.argv), project)
    seconds = time.monotonic() - began
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert staging(project) == [], staging(project)
    return Unkilled(done.returncode, state(project), seconds)


def _staged(project: Path, folders: tuple[str, ...]) -> bool:
    for folder in folders:
        try:
            with os.scandir(project / folder) as listing:
                if any(is_staging(entry.name) for entry in listing):
                    return True
        except OSError:
            continue
    return False


def trial(command: Command, project: Path, point: float | None, base: Unkilled) -> list[str]:
    """Run ``command`` in ``project`` and SIGKILL it: at ``point`` times the unkilled run's duration, or (None) as
    soon as a staging entry appears in a watched folder.  Then check the project, rerun the command, and compare
    with the unkilled run.  Returns what went wrong, in words (nothing when all holds)."""
    where = f"{command} killed at {'the first staging entry' if point is None else f'{point:.2f} of its run'}"
    proc = start(list(command.argv), project)
    if point is None:
        wait_for(lambda: _staged(project, command.watch), proc)
    else:
        deadline = time.monotonic() + point * base.seconds
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
    problems = [f"{where}: still running: {left}" for left in [kill(proc)] if left]
    problems += [f"{where}: not whole: {broken}" for broken in whole(project)]
    listed = run(["versions", "--format", "json"], project)
    if listed.returncode != 0 or '"name": ".' in listed.stdout or "Traceback" in listed.stderr:
        problems.append(f"{where}: `versions` exit {listed.returncode}: {listed.stdout[-500:]} {listed.stderr[-500:]}")
    # any command sweeps the project's own folders; an -o folder elsewhere is swept by the next write into it
    swept = [name for name in staging(project) if Path(name).parent.as_posix() in PROJECT_FOLDERS]
    problems += [f"{where}: left after the next command: {name}" for name in swept]
    before = state(project)
    again = run(list(command.argv), project)
    if "Traceback" in again.stderr or "internal error" in again.stderr:
        problems.append(f"{where}: the rerun failed: {again.stderr[-1500:]}")
    elif again.returncode != base.returncode and before != base.state:
        problems.append(f"{where}: the rerun exits {again.returncode}, not {base.returncode}: {again.stderr[-800:]}")
    problems += [f"{where}: left after the rerun: {name}" for name in staging(project)]
    after = state(project)
    if after != base.state:
        differ = sorted(k for k in {*after, *base.state} if after.get(k) != base.state.get(k))
        problems.append(f"{where}: after the rerun the project differs from an unkilled run's in {differ}")
    return problems
