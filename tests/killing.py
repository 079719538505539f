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


def environment() -> dict[str, str]:
    """The environment of a command under test: this checkout's drafttools, caches on, reproducible dates."""
    env = {k: v for k, v in os.environ.items() if k != "DRAFTTOOLS_NO_CACHE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.setdefault("SOURCE_DATE_EPOCH", "1262304000")
    return env


def start(argv: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    """``drafttools ARGV`` in ``cwd``, leading a process group of its own (its workers join it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "drafttools", *argv],
        cwd=cwd,
        env=environment(),
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
