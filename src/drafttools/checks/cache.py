"""A cache of ``check`` results, so that re-checking an unchanged code text costs a hash, not a parse.

The key covers every byte ``check`` reads (each file directly in the code text folder: manifest, articles, the
ID ledger, stray Markdown files it would report; the manifest may name no file outside it), the folder's path and
the working folder (diagnostics show paths relative to it), and drafttools' own code (every module's size and
modification time) with the parser libraries' versions (``parsecache.code_fingerprint``), so a cached result can
never outlive a change to the text or to the checker.
Entries live in the project's build folder (git-ignored) and are written atomically.  Importing this module
must stay cheap: it is the whole of a cache hit.  Standard library only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from drafttools import __version__
from drafttools.fsutil import is_staging, write_atomic
from drafttools.source import cache as parsecache


def key(root: Path) -> str | None:
    """The cache key of a code text folder, or None when it cannot be read (then nothing is cached)."""
    digest = hashlib.sha256(f"drafttools {__version__}\n{root.resolve()}\n{Path.cwd()}\n".encode())
    digest.update(parsecache.code_fingerprint())
    try:
        for path in sorted(root.iterdir()):
            if path.is_file() and not is_staging(path.name):
                data = path.read_bytes()
                digest.update(f"{path.name}\0{len(data)}\0".encode())
                digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _entry(cache_dir: Path, root: Path) -> Path:
    return cache_dir / "check" / (hashlib.sha1(str(root.resolve()).encode()).hexdigest() + ".json")


def load(cache_dir: Path, root: Path, current: str | None) -> dict[str, Any] | None:
    if current is None or not parsecache.enabled():
        return None
    try:
        data = json.loads(_entry(cache_dir, root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data["result"] if isinstance(data, dict) and data.get("key") == current else None


def store(cache_dir: Path, root: Path, current: str | None, result: dict[str, Any]) -> None:
    if current is None:
        return
    try:
        parsecache.prepare(cache_dir)
        write_atomic(
            _entry(cache_dir, root), json.dumps({"key": current, "result": result}, ensure_ascii=False), durable=False
        )
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
