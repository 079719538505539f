"""A cache of the cross-reference check, file by file: a rebuild after one article changed finds and checks the
references of that article's file only.

The findings of the references written in one file (``checks.references`` on the runs of text of the elements
parsed from it) depend on that file's own elements, and on what resolving and describing a reference reads of the
rest: the numbered skeleton (kinds, IDs, numbers, labels, headings, the tree's shape and order) and the profile.
The key of a file's findings is therefore its parse key (``parsecache.key``: its text, shown path, role, profile
and drafttools' code) with the code text's skeleton (``numbering_cache.skeleton``: what numbering and resolution
read of every file, no text and no line).  A word edited in one article changes that article's key only; a
paragraph inserted, an ID changed or a title edited changes the skeleton, and every file is checked afresh.

One entry per code text folder holding the findings of its current files, replaced whole (``fsutil.write_atomic``)
in the project's build folder when any was checked afresh; an unreadable entry is a miss.  Off without a cache
folder or with DRAFTTOOLS_NO_CACHE=1 (then every reference is checked, as without this module).  Standard library
only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from drafttools.checks import references
from drafttools.diagnostics import Diagnostic
from drafttools.fsutil import write_atomic
from drafttools.model.references import Resolver, blocks, find_references
from drafttools.model.tree import Element, Instrument
from drafttools.source import cache as parsecache

_Found = list[tuple[str, str, int, str, str | None]]  # a file's findings: each diagnostic's fields


def check(instrument: Instrument, keys: dict[str, str], skeleton: str, cache_dir: Path | None) -> list[Diagnostic]:
    """``references.check(instrument)``, each file's findings served from the cache when its key is there.
    ``keys``: each file's parse key by shown path; ``skeleton``: the code text's (both from ``parse.load``)."""
    if cache_dir is None or not skeleton or not parsecache.enabled():
        return references.check(instrument)
    by_file: dict[str, list[Element]] = {}
    for element in instrument.walk():
        by_file.setdefault(element.loc.path, []).append(element)
    stored = _load(cache_dir, instrument.root)
    kept: dict[str, _Found] = {}
    resolver = Resolver(instrument)
    problems: list[Diagnostic] = []
    for path, elements in by_file.items():
        parse_key = keys.get(path)
        key = hashlib.sha256(f"{skeleton}\0{parse_key}".encode()).hexdigest() if parse_key else None
        found = stored.get(key) if key is not None else None
        if found is None:
            fresh = references.check(
                instrument, find_references(instrument, resolver, runs=blocks(instrument, elements))
            )
            found = [(d.code, d.path, d.line, d.message, d.fix) for d in fresh]
        if key is not None:
            kept[key] = found
        problems += [Diagnostic(*fields) for fields in found]
    if kept.keys() != stored.keys():
        _store(cache_dir, instrument.root, kept)
    return problems


def _entry(cache_dir: Path, root: str) -> str:
    name = hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()
    return os.path.join(cache_dir, "xref", f"{name}.pickle")


def _load(cache_dir: Path, root: str) -> dict[str, _Found]:
    try:
        with open(_entry(cache_dir, root), "rb") as entry:
            stored = pickle.loads(entry.read())
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign entry is only a miss
        return {}
    return stored if isinstance(stored, dict) else {}


def _store(cache_dir: Path, root: str, found: dict[str, _Found]) -> None:
    try:
        parsecache.prepare(cache_dir)
        write_atomic(Path(_entry(cache_dir, root)), pickle.dumps(found, protocol=5), durable=False)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
