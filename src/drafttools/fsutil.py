"""Atomic file output: every file drafttools writes appears whole or not at all.

Write to a temporary file in the target's folder, flush and fsync it, then ``os.replace`` it over the target, so
a crash or a full disk never leaves a half-written output or a truncated source.  Standard library only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from drafttools.diagnostics import DraftError


def write_atomic(path: Path | str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's permission bits."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise DraftError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DraftError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from None
