"""Atomic file output: every file drafttools writes appears whole or not at all.

Write to a temporary file in the target's folder, flush and fsync it, then ``os.replace`` it over the target, so
a crash or a full disk never leaves a half-written output or a truncated source.  A cache entry may skip the
fsync (``durable=False``): it is still replaced whole, and one lost in a crash is only a miss.  Standard
library only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from drafttools.diagnostics import DraftError


def write_atomic(path: Path | str, data: bytes | str, encoding: str = "utf-8", durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's permission bits."""
    write_all([(Path(path), data.encode(encoding) if isinstance(data, str) else data)], durable)


def write_all(files: list[tuple[Path, bytes]], durable: bool = True) -> None:
    """Write several files all or none: each is first written whole beside its target, and only when every one
    is ready are they moved into place (a rename, which does not fail for want of space).  A file that already
    exists keeps its permission bits."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, payload in files:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o644
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
