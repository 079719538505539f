"""Atomic file output: every file drafttools writes appears whole or not at all, and what an interrupted run
leaves behind is recognised, ignored and swept.

Write to a temporary file in the target's folder, flush and fsync it, then ``os.replace`` it over the target, so
a crash or a full disk never leaves a half-written output or a truncated source.  A cache entry may skip the
fsync (``durable=False``): it is still replaced whole, and one lost in a crash is only a miss.

Every temporary file or folder made beside a target is named ``.TARGET.KIND-PID-RANDOM`` (``staging_prefix``):
KIND is ``tmp`` (a file being written), ``import``, ``snapshot`` or ``new`` (a folder being built: a new project
is staged beside the folder it becomes) or ``replaced`` (the folder an import swapped out), PID the process that
owns it.  Readers skip such names (``is_staging``);
``tidy`` removes those whose owner is no longer running, and first puts back a folder that an import killed
between its two renames left only as ``.NAME.replaced-PID-...``.  Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from drafttools.diagnostics import DraftError


def write_atomic(
    path: Path | str, data: bytes | str, encoding: str = "utf-8", durable: bool = True, through_links: bool = False
) -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's permission bits."""
    write_all([(Path(path), data.encode(encoding) if isinstance(data, str) else data)], durable, through_links)


def write_all(files: list[tuple[Path, bytes]], durable: bool = True, through_links: bool = False) -> None:
    """Write several files all or none: each is first written whole beside its target, and only when every one
    is ready are they moved into place (a rename, which does not fail for want of space).  A file that already
    exists keeps its permission bits.  A symbolic link is replaced by the file, unless ``through_links``: then its
    target is written and it stays a link (a source rewritten in place; an output never writes through a link
    into the sources).  A durable write also sweeps the folders it writes to of the temporary files killed runs
    left there (``tidy``)."""
    if durable:
        for folder in dict.fromkeys(target.parent for target, _ in files):
            tidy(folder)
    staged: list[tuple[str, Path]] = []
    try:
        for link, payload in files:
            target = Path(os.path.realpath(link)) if through_links and link.is_symlink() else link
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o644
                fd, tmp = tempfile.mkstemp(prefix=staging_prefix(target.name, "tmp"), dir=target.parent)
                staged.append((tmp, target))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                    handle.flush()
                    if durable:
                        os.fsync(handle.fileno())
                os.chmod(tmp, mode)
            except OSError as exc:
                raise DraftError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from None
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise DraftError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------ staging

STAGING_KINDS = ("tmp", "import", "snapshot", "new", "replaced")
_STAGING = re.compile(r"^\.(?P<of>.+)\.(?P<kind>tmp|import|snapshot|new|replaced)-(?P<pid>\d+)-[a-z0-9_]+$")
# What drafttools 0.x named them, without an owner (but ``replaced``): swept once they are an hour old.
_LEGACY = re.compile(
    r"^\.(?P<of>.+)\.(?:[a-z0-9_]{8}\.tmp|(?P<kind>import)-[a-z0-9_]{8}|(?P<old>replaced)-(?P<pid>\d+))$"
)
LEGACY_STALE_SECONDS = 3600.0


def staging_prefix(of: str, kind: str) -> str:
    """The name prefix of a temporary file or folder standing for ``of`` (give it to ``mkstemp``/``mkdtemp``)."""
    assert kind in STAGING_KINDS, kind
    return f".{of}.{kind}-{os.getpid()}-"


def is_staging(name: str) -> bool:
    """Whether ``name`` is a temporary file or folder of drafttools (this version's or an older one's)."""
    return _STAGING.match(name) is not None or _LEGACY.match(name) is not None


def tidy(folder: Path) -> list[tuple[Path, str]]:
    """Sweep ``folder`` of the staging entries whose owner is no longer running.  A ``replaced`` folder whose
    target is missing (an import killed between its two renames) is put back instead; each one put back is
    returned as (target, the name it was restored from).  Never raises: what cannot be removed stays."""
    try:
        with os.scandir(folder) as listing:
            names = sorted(entry.name for entry in listing if entry.name.startswith("."))
    except OSError:
        return []
    restored: list[tuple[Path, str]] = []
    for name in names:
        found = _STAGING.match(name) or _LEGACY.match(name)
        path = folder / name
        if found is None or not _stale(path, found["pid"]):
            continue
        target = folder / found["of"]
        if "replaced" in (found["kind"], found.groupdict().get("old")) and not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.rename(path, target)
                restored.append((target, name))
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    return restored


def _stale(path: Path, pid: str | None) -> bool:
    try:
        status = path.lstat()
    except OSError:
        return False
    if pid is None:
        return time.time() - status.st_mtime > LEGACY_STALE_SECONDS
    # ctime too: a folder just moved aside keeps its old mtime
    return not _running(int(pid), max(status.st_mtime, status.st_ctime))


def _running(pid: int, since: float) -> bool:
    """Whether the process that last touched a staging entry at ``since`` may still run: a process with that PID
    exists, is not a zombie, and (where /proc says) started before then, so is not a later one given the PID."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # it exists, and belongs to someone else
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return True  # no /proc: trust the PID
    if fields[0] in (b"Z", b"X"):
        return False
    boot = _boot_time()
    return boot is None or boot + int(fields[19]) / os.sysconf("SC_CLK_TCK") <= since + 1.0


@lru_cache(maxsize=1)
def _boot_time() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/stat", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("btime "):
                    return float(line.split()[1])
    return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with RENAME_EXCHANGE), so that neither name is ever
    missing; False when the system or the file system cannot, and the caller must rename in two steps."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def swap_folder(build: Path, target: Path) -> None:
    """Put the folder ``build`` where ``target`` is, so that the target is whole before and whole after: in one
    step where the system can exchange two folders (the old one then sits in ``build``, for the caller to remove),
    else by two renames, an interruption between which the next command undoes (``tidy``)."""
    os.chmod(build, 0o755)
    if not target.exists():
        os.replace(build, target)
        return
    if exchange(build, target):
        return
    retired = Path(tempfile.mkdtemp(prefix=staging_prefix(target.name, "replaced"), dir=target.parent))
    os.replace(target, retired)  # onto the empty folder just made: a name no one else holds
    try:
        os.replace(build, target)
    except OSError:
        os.replace(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
