"""A cache of the numbers ``model.numbering`` computed, keyed by the *skeleton* of the code text: everything numbering
and cross-reference resolution read, and nothing else.

Numbering reads, of each element, its kind, whether it is numbered, its given number, its title (headings), whether
it is deleted and whether it has text of its own; of the whole, the tree's shape, the regions and the profile.
Resolving a reference reads the same numbered skeleton plus the IDs.  No word of text and no line number enters
either.  Each file's *shape* (``shape``: those fields of every element it parses to, with its shown path, nested
as they nest) is computed when the file is parsed and kept with its parse in the parse cache; the code text's
skeleton (``skeleton``) hashes the files' roles, shown paths and shapes in manifest order with the profile's
fingerprint and drafttools' own code (``parsecache.code_fingerprint``).  Two loads with one skeleton assemble to
the same tree of the same kinds and get the same numbers, whatever words changed: so an edit of words (the usual
edit) replays the numbers stored under the skeleton instead of counting again, and ``checks.xref_cache`` keys an
article's reference findings by it.  A paragraph inserted, deleted or moved, an ID or a title changed, the profile
edited: another skeleton, and everything is numbered afresh.  The replay also checks, element by element, that the
kinds match (``model.numbering.Mismatch``); a mismatch numbers afresh.

One entry per code text folder, replaced whole (``fsutil.write_atomic``) in the project's build folder; an
unreadable entry is a miss; DRAFTTOOLS_NO_CACHE=1 (``parsecache.enabled``) turns it off.  Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Sequence
from pathlib import Path

from drafttools.fsutil import write_atomic
from drafttools.model.numbering import Numbers
from drafttools.model.tree import Element
from drafttools.source import cache as parsecache


def shape(elements: Iterable[Element]) -> str:
    """The digest of what numbering and reference resolution read of a file's parse (no text, no line): each
    element's kind, ID, title, numbering flags, status, whether it has text, its shown path, and its children."""
    parts: list[str] = []

    def add(element: Element) -> None:
        parts.append(
            repr(
                (
                    element.kind,
                    element.id,
                    element.title,
                    element.numbered,
                    element.given,
                    element.deleted,
                    element.header,
                    element.status,
                    bool(element.inlines),
                    len(element.cells),
                    element.loc.path,
                    len(element.children),
                )
            )
        )
        for child in element.children:
            add(child)

    for element in elements:
        add(element)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def skeleton(context: str, shapes: Sequence[tuple[str, str, str]]) -> str:
    """The code text's skeleton: the profile context, drafttools' code, and each file's (role, shown path, shape)
    in manifest order."""
    digest = hashlib.sha256(parsecache.code_fingerprint())
    digest.update(f"{context}\0{len(shapes)}\0".encode())
    for role, path, found in shapes:
        digest.update(f"{role}\0{path}\0{found}\n".encode())
    return digest.hexdigest()


def _entry(cache_dir: Path, root: str) -> str:
    name = hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()
    return os.path.join(cache_dir, "numbers", f"{name}.pickle")


def load(cache_dir: Path, root: str, key: str) -> list[tuple[str, Numbers]] | None:
    """The numbers stored for this skeleton, or None."""
    if not parsecache.enabled():
        return None
    try:
        with open(_entry(cache_dir, root), "rb") as entry:
            stored_key, numbers = pickle.loads(entry.read())
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign entry is only a miss
        return None
    return numbers if stored_key == key and isinstance(numbers, list) else None


def store(cache_dir: Path, root: str, key: str, numbers: list[tuple[str, Numbers]]) -> None:
    if not parsecache.enabled():
        return
    try:
        parsecache.prepare(cache_dir)
        write_atomic(Path(_entry(cache_dir, root)), pickle.dumps((key, numbers), protocol=5), durable=False)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass
