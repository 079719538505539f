"""The project lock: one writer at a time, and readers that never see a half-written change.

Two lock files in the project's cache folder (``build/.cache/``, which ignores itself in git):

- ``write.lock``, held exclusively for the whole run of every command that writes the project (``ids``,
  ``check --fix``, ``import``, ``snapshot``).  A second writer waits ``DRAFTTOOLS_LOCK_TIMEOUT`` seconds (default
  5), then stops with a message naming the holder (its command and PID), which the holder writes into the file.
  Before any command the leftovers of killed runs are swept (``source.staging``) under this lock, taken without
  waiting: when another writer holds it, that writer has swept already and the sweep is skipped.
- ``commit.lock``, held exclusively by a writer only while it moves its files into place (the sources and the
  ID ledger together: ``fsutil.write_all``), and shared by a reader (``check``, ``build``, ``diff``) while it
  reads the working text and the ledger.  A reader so never sees new sources with the old ledger, and waits at
  most for a few renames, never for a whole import.

Both are ``flock`` locks: the kernel drops them when their process ends, however it ends, so a killed command
never leaves the project locked.  A reader makes no file: where there is no lock file yet (no writer ever ran)
or it cannot be opened (a read-only project), it reads without one; a writer that cannot make one is refused.
POSIX only, as drafttools is.  Standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from drafttools.diagnostics import DraftError

DEFAULT_TIMEOUT = 5.0  # seconds a second writer waits for the first
_POLL = 0.05


def folder() -> Path:
    """Where the lock files live: the project's cache folder (``[tool.drafttools] build``, then ``.cache``)."""
    from drafttools.config import settings

    return settings().build / ".cache"


def timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("DRAFTTOOLS_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _open(name: str, create: bool = True) -> int:
    from drafttools.source import cache as parsecache

    where = folder()
    if not create:
        return os.open(where / name, os.O_RDONLY)  # a reader makes nothing: no lock file, no writer ever ran
    where.mkdir(parents=True, exist_ok=True)
    parsecache.prepare(where)
    return os.open(where / name, os.O_RDWR | os.O_CREAT, 0o644)


def _acquire(fd: int, mode: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another drafttools command"


@contextlib.contextmanager
def writing(command: str) -> Iterator[None]:
    """Hold the project's write lock while ``command`` runs; a DraftError naming the holder when another writer
    keeps it past the timeout, or when the lock cannot be made."""
    try:
        fd = _open("write.lock")
    except OSError as exc:
        path = folder() / "write.lock"
        raise DraftError(f"cannot lock the project at {path}: {exc.strerror or exc}", str(path)) from None
    try:
        if not _acquire(fd, fcntl.LOCK_EX, timeout()):
            holder = _holder(fd)
            raise DraftError(
                f"the project is being written by {holder}; waited {timeout():g} s. Run `drafttools {command}` again "
                "when it has finished (set DRAFTTOOLS_LOCK_TIMEOUT to wait longer)",
                str(folder() / "write.lock"),
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"`drafttools {command}` (PID {os.getpid()})\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the file drops the lock


@contextlib.contextmanager
def attempt(command: str) -> Iterator[bool]:
    """Take the write lock if no other writer holds it, without waiting: True when taken (and held until the
    block ends), False when another writer holds it.  A project where no lock can be made yields True: nobody
    can share it as a writer."""
    try:
        fd = _open("write.lock")
    except OSError:
        yield True
        return
    try:
        if not _acquire(fd, fcntl.LOCK_EX, 0.0):
            yield False
            return
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"`drafttools {command}` (PID {os.getpid()})\n".encode(), 0)
        try:
            yield True
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


@contextlib.contextmanager
def committing() -> Iterator[None]:
    """Hold the commit lock exclusively while a writer moves its files into place."""
    try:
        fd = _open("commit.lock")
    except OSError:
        yield  # no lock can be made: the writer's own lock was refused before this, so nobody shares the folder
        return
    try:
        wait = max(timeout(), 30.0)  # readers hold it only while they read
        if not _acquire(fd, fcntl.LOCK_EX, wait):  # nothing moved yet: stopping here loses nothing
            raise DraftError(
                f"a reader of the project has held {folder() / 'commit.lock'} for {wait:g} s; nothing was moved "
                "into place. Run the command again (set DRAFTTOOLS_LOCK_TIMEOUT to wait longer)",
                str(folder() / "commit.lock"),
            )
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Share the commit lock while a reader reads the working text and its ledger (without it, where it cannot
    be made or is not granted in time: a reader never fails for want of a lock, and never makes one)."""
    try:
        fd = _open("commit.lock", create=False)
    except OSError:
        yield
        return
    try:
        _acquire(fd, fcntl.LOCK_SH, timeout())
        yield
    finally:
        os.close(fd)
