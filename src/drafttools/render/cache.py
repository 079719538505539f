"""The render cache: each article's rendered HTML or WordprocessingML, so that a rebuild renders only what changed.

An article's fragment is a pure function of the numbered article itself (IDs, title, text, references, file and
line, and the numbers and labels computed for it), the label every one of its references prints (the target's
current number, or "(a)" between sibling items), what the format adds (for DOCX: the reference .docx's bytes, the
style IDs read from it and the first bookmark number), and drafttools' own code and library versions
(``parsecache.code_fingerprint``).  The key hashes exactly those, so an entry can never be served for an article,
a numbering, a target or a template it was not made from.  The article itself is named by the digest of its
repr (every field), or, when the build registers them (``describe``), by its file's parse key and its number,
which determine it as surely and cost less.

The entries of one paper in one format live in one file (``build/.cache/render/``): read whole at the start of
a render, written atomically (with only the entries used) when anything was missing.  An unreadable file is a
miss for every article.  ``DRAFTTOOLS_NO_CACHE=1`` (or ``build --no-cache``) renders everything afresh.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from drafttools.fsutil import write_atomic
from drafttools.model.tree import Element, Instrument, Note, Ref, ref_label
from drafttools.source import cache as parsecache

# What names each article in a key, per instrument (the last few rendered): its file's parse key and its number
# when the build registered them (``describe``), else the digest of its repr (every field, numbers and labels).
_described: dict[int, tuple[Instrument, dict[int, bytes]]] = {}


def _memo(instrument: Instrument) -> dict[int, bytes]:
    found = _described.get(id(instrument))
    if found is None or found[0] is not instrument:
        while len(_described) >= 4:
            del _described[next(iter(_described))]
        found = _described[id(instrument)] = (instrument, {})
    return found[1]


def describe(instrument: Instrument, parse_keys: dict[str, str]) -> None:
    """Name each article by its file's parse key (``parsecache.key``: the file's text, shown path, profile and
    drafttools' code), its place in that file, its number and its parent's label: the numbered article is a pure
    function of those (``model.numbering``), and naming it so is cheaper than describing every field."""
    memo = _memo(instrument)
    for article in instrument.walk():
        if article.role not in ("article", "annex"):
            continue
        key = parse_keys.get(article.loc.path)
        if key is not None:
            parent = instrument.parent_of(article)
            memo[id(article)] = hashlib.sha256(
                f"parsed\0{key}\0{article.loc.line}\0{article.number}\0{article.label}\0"
                f"{parent.label if parent else ''}".encode()
            ).digest()


def _digest(article: Element, instrument: Instrument) -> bytes:
    memo = _memo(instrument)
    found = memo.get(id(article))
    if found is None:
        found = memo[id(article)] = hashlib.sha256(repr(article).encode()).digest()
    return found


def _labels(article: Element, instrument: Instrument) -> list[str]:
    """What each reference in the article prints, in order: it follows its target, so it belongs in the key."""
    found: list[str] = []
    for element in article.walk():
        for run in element.texts():
            for piece in run:
                if isinstance(piece, Ref):
                    found.append(ref_label(piece, instrument, element))
                elif isinstance(piece, Note):
                    found += (ref_label(p, instrument, element) for p in piece.inlines if isinstance(p, Ref))
    return found


class FragmentCache:
    """The cached fragments of one paper in one format, read once; ``save`` keeps those used in this render."""

    def __init__(self, cache_dir: Path | None, paper: str, fmt: str, inputs: bytes = b"") -> None:
        self.fmt = fmt
        self.path = (
            None
            if cache_dir is None or not parsecache.enabled()
            else cache_dir
            / "render"
            / (hashlib.sha256(f"{fmt}\0{Path(paper).resolve()}".encode()).hexdigest()[:32] + ".pickle")
        )
        self.base = hashlib.sha256(parsecache.code_fingerprint() + f"\0{fmt}\0".encode() + inputs)
        self.old: dict[str, bytes] = self._read()
        self.used: dict[str, bytes] = {}
        self.missed = 0

    def _read(self) -> dict[str, bytes]:
        if self.path is None:
            return {}
        try:
            data = pickle.loads(self.path.read_bytes())
        except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is only a miss
            return {}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, bytes) for k, v in data.items()):
            return {}
        return data

    def key(self, article: Element, instrument: Instrument, extra: str = "") -> str:
        digest = self.base.copy()
        digest.update(f"{extra}\0".encode() + _digest(article, instrument))
        digest.update("\0".join(_labels(article, instrument)).encode())
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        found = self.old.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, fragment: bytes) -> None:
        self.missed += 1
        self.used[key] = fragment

    def save(self) -> None:
        """Keep exactly the entries this render used, when they differ from what was read."""
        if self.path is None or (not self.missed and len(self.used) == len(self.old)):
            return
        try:
            parsecache.prepare(self.path.parent.parent)
            write_atomic(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
            pass
