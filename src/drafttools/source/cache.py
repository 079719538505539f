"""A cache of each file's parse, so that an unchanged article is never parsed twice.

A file's parse (its model nodes before numbering, and its diagnostics) depends only on its text, the path it is
shown under, and the code that parses it (docutils' directive registry included: ``doctree.register`` fills it
the same way in every process).  The key hashes exactly those: the text, the shown path, drafttools' own modules
(size and modification time of each), and the versions of docutils, myst-parser, markdown-it and PyYAML (a
paper's front matter).  So an entry can never be served for a text, a path or a parser it was not made from.
Entries are pickles in the project's build folder (git-ignored), each replaced whole but without an fsync (one
lost in a crash is only a miss); an unreadable entry is a miss.  Set DRAFTTOOLS_NO_CACHE=1 to parse everything
afresh.  Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafttools import __version__
from drafttools.fsutil import write_atomic

if TYPE_CHECKING:
    from drafttools.source.files import SourceFile

_PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """drafttools' own modules and shipped profiles (size and mtime of each) and the parser libraries' versions."""
    digest = hashlib.sha256(f"drafttools {__version__}\n".encode())
    for dist in ("docutils", "myst-parser", "markdown-it-py", "mdit-py-plugins", "PyYAML"):  # PyYAML: papers
        try:
            digest.update(f"{dist} {metadata.version(dist)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist} none\n".encode())
    for module in sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.toml")]):
        stat = module.stat()
        digest.update(f"{module.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def key(role: str, source: SourceFile) -> str:
    digest = hashlib.sha256(code_fingerprint())
    digest.update(f"{role}\0{source.path}\0{source.bom}\0{source.crlf}\0".encode())
    digest.update(source.text.encode("utf-8"))
    return digest.hexdigest()


def enabled() -> bool:
    return os.environ.get("DRAFTTOOLS_NO_CACHE", "") in ("", "0")


def prepare(cache_dir: Path) -> None:
    """Make the cache folder ignore itself, as pytest's does: a ``.gitignore`` of ``*`` inside it, so a cache
    written into any project (a version diffed, a test's copy) never shows in ``git status``."""
    marker = cache_dir / ".gitignore"
    if not marker.exists():
        write_atomic(marker, "# Created by drafttools automatically: a cache, never committed.\n*\n")


def _entry(cache_dir: Path, entry_key: str) -> Path:
    return cache_dir / "parse" / entry_key[:2] / f"{entry_key}.pickle"


def load(cache_dir: Path, entry_key: str) -> Any | None:
    if not enabled():
        return None
    try:
        # ``_entry``'s path as a string: pathlib's objects cost a third of reading an entry, once per file
        with open(os.path.join(cache_dir, "parse", entry_key[:2], f"{entry_key}.pickle"), "rb") as entry:
            data = entry.read()
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign entry is only a miss
        return None


def store(cache_dir: Path, entry_key: str, value: Any) -> None:
    if not enabled():
        return
    try:
        prepare(cache_dir)
        write_atomic(_entry(cache_dir, entry_key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
