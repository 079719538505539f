"""Rewriting sources in place: the only module that changes a code text's files.

Two jobs, each behind a command whose job is to rewrite: ``drafttools ids`` (give an ID to every element
that lacks one) and ``drafttools check --fix`` (link plain-text references to their targets' IDs).  Edits are
made on the file's own bytes, line by line, so every byte not edited stays as it was (CRLF and BOM included);
the files a command changes are moved into place together (``commit``: ``fsutil.write_all`` under the
project's commit lock, with the ID ledger when it changes too).  Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drafttools.fsutil import write_all
from drafttools.model import ids
from drafttools.model.references import HOLE, Reference
from drafttools.model.tree import Element, Instrument, plain_text


@dataclass(frozen=True, slots=True)
class Edit:
    """One line of a source file as a rewrite changes it (what ``check --fix``, ``ids`` and an import report)."""

    path: str
    line: int
    before: str
    after: str


class _File:
    """A file's lines with their own line endings, edited in place and written back atomically."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        self.path = path
        self.bom = data.startswith(b"\xef\xbb\xbf")
        self.lines = data[3 if self.bom else 0 :].decode("utf-8").splitlines(keepends=True)

    def body(self, index: int) -> str:
        return self.lines[index].rstrip("\r\n")

    def set(self, index: int, body: str) -> None:
        line = self.lines[index]
        self.lines[index] = body + line[len(line.rstrip("\r\n")) :]

    def data(self) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + "".join(self.lines).encode("utf-8")


def _files(paths: Iterable[str]) -> dict[str, _File]:
    return {p: _File(Path(p)) for p in sorted(set(paths))}


def commit(files: list[tuple[Path, bytes]]) -> None:
    """Move ``files`` into place all together (or none), under the project's commit lock, so that a reader sees
    every one of them changed or none."""
    from drafttools.source import lock

    if files:
        with lock.committing():
            write_all(files, through_links=True)


def _staged(files: dict[str, _File], changes: list[Edit]) -> list[tuple[Path, bytes]]:
    return [(files[path].path, files[path].data()) for path in sorted({c.path for c in changes})]


# ------------------------------------------------------------------------------------------------ drafttools ids

_DIRECTIVE = re.compile(r"^(?P<fence>\s*:{3,}\{(?P<kind>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\})(?P<rest>\s*)$")


def mint_text(node: Element, instrument: Instrument) -> str:
    """The words a new ID is made from: a heading's title, else the element's text (a row: its cells)."""
    if node.title or not node.has_text:
        return node.title
    return " ".join(plain_text(cell, instrument, node) for cell in node.texts())


@dataclass(frozen=True)
class Minted:
    """What ``add_ids`` did: each edit, the new IDs with their kinds, and the files as they now read."""

    changes: list[Edit]
    kinds: dict[str, str]
    files: list[tuple[Path, bytes]]


def add_ids(instrument: Instrument, used: set[str]) -> Minted:
    """Give every ID-less article, paragraph and item a new ID minted from its words, never one in ``used``.
    Nothing is written: the caller commits ``files`` (with the ledger that records the new IDs)."""
    missing = [n for n in instrument.walk() if not n.id]
    files = _files(n.loc.path for n in missing)
    taken = set(used) | {n.id for n in instrument.walk() if n.id}
    changes: list[Edit] = []
    kinds: dict[str, str] = {}
    tried: dict[str, int] = {}
    for node in missing:
        handle = files[node.loc.path]
        before = handle.body(node.loc.line - 1)
        match = _DIRECTIVE.match(before)
        if match is None or match["kind"] != node.kind:
            continue  # not the plain directive line we expect: leave it for a human
        article = instrument.article_of(node)
        new_id = ids.mint(
            node.kind,
            mint_text(node, instrument),
            taken,
            fallback=article.title if article else "",
            prefix=ids.prefix_for(node.role, node.kind),
            tried=tried,
        )
        taken.add(new_id)
        kinds[new_id] = node.kind
        after = f"{match['fence']} {new_id}"
        handle.set(node.loc.line - 1, after)
        changes.append(Edit(node.loc.path, node.loc.line, before, after))
    return Minted(changes, kinds, _staged(files, changes))


# ------------------------------------------------------------------------------------------ drafttools check --fix


def _pattern(reference: Reference, fixable: list[int]) -> re.Pattern[str]:
    """A regex matching the phrase in the raw source, with a group round each member to be linked."""
    parts: list[str] = []
    cursor = 0
    spans = {i: m.span for i, m in enumerate(reference.members) if i in fixable}
    edges = sorted((span, i) for i, span in spans.items())
    for (start, end), index in edges + [((len(reference.raw), len(reference.raw)), -1)]:
        parts.append(_literal(reference.raw[cursor:start]))
        if index >= 0:
            parts.append(f"(?P<m{index}>{_literal(reference.raw[start:end])})")
        cursor = end
    return re.compile("".join(parts))


def _literal(text: str) -> str:
    out: list[str] = []
    for token in re.split(rf"(\s+|{HOLE.pattern})", text):
        if not token:
            continue
        if token.isspace():
            out.append(r"\s+")
        elif HOLE.fullmatch(token):
            out.append(r"\{xref\}`[^`]*`")
        else:
            out.append(re.escape(token))
    return "".join(out)


def _block_end(lines: list[str], first: int) -> int:
    """The index after the last line of the Markdown paragraph starting at line index ``first``."""
    end = first
    while end < len(lines) and lines[end].strip() and not lines[end].lstrip().startswith((":::", "```")):
        end += 1
    return end


def link_references(references: list[Reference], dry_run: bool = False, private: bool = False) -> list[Edit]:
    """Rewrite every resolved plain-text reference member as ``{xref}`ID```.  ``private``: the files are the
    caller's own, not yet the project's (an import's staging folder), so they are written without the project's
    commit lock.

    Edits go from the bottom of each file up, so an edit never moves a line a later edit relies on, and each
    search is bounded to the reference's own block of text, so an identical phrase elsewhere is never touched.
    """
    linkable = [
        (
            r,
            [
                i
                for i, m in enumerate(r.members)
                if m.ref is None and not m.in_range and not m.chained and m.target is not None and m.target.id
            ],
        )
        for r in references
    ]
    todo = [(n, r, fixable) for n, (r, fixable) in enumerate(linkable) if fixable]
    files = _files(r.loc.path for _, r, _ in todo)
    changes: list[Edit] = []
    for _, reference, fixable in sorted(todo, key=lambda t: (t[1].loc.path, t[1].loc.line, t[0]), reverse=True):
        handle = files[reference.loc.path]
        first = reference.loc.line - 1
        end = _block_end(handle.lines, max(first, (reference.source.text_line or reference.loc.line) - 1))
        region = "".join(handle.lines[first:end])
        match = _pattern(reference, fixable).search(region)
        if match is None:
            continue
        pieces, cursor = [], match.start()
        for index in sorted(fixable, key=lambda i: match.start(f"m{i}")):
            target = reference.members[index].target
            assert target is not None
            pieces.append(region[cursor : match.start(f"m{index}")] + f"{{xref}}`{target.id}`")
            cursor = match.end(f"m{index}")
        replaced = "".join(pieces) + region[cursor : match.end()]
        new_region = region[: match.start()] + replaced + region[match.end() :]
        handle.lines[first:end] = new_region.splitlines(keepends=True)
        changes.append(
            Edit(reference.loc.path, reference.loc.line, " ".join(match.group(0).split()), " ".join(replaced.split()))
        )
    if not dry_run:
        staged = _staged(files, changes)
        if private:
            write_all(staged)
        else:
            commit(staged)
    return sorted(changes, key=lambda c: (c.path, c.line))
