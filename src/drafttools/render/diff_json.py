"""A diff as JSON: the stable change tree documented in docs/diff-json.md (schema ``drafttools.diff/1``).

One entry per aligned pair (and per element found on one side only), in the order of the tree: the preamble, then
each division and article followed by what it holds, the final clauses, the annexes.  Keys are only ever added
within a schema version.  ``render`` writes the text one entry at a time, never the whole tree of dicts.  Standard
library only."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from drafttools.diff import engine
from drafttools.diff.engine import Change, Diff, Segment, Side

SCHEMA = "drafttools.diff/1"


def _side(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"id": side.id, "label": side.label, "article": side.article, "text": side.text}


def _segments(segments: tuple[Segment, ...]) -> list[dict[str, str]]:
    return [{"op": s.op, "text": s.text} for s in segments]


def _entry(change: Change, parent: Change | None) -> dict[str, Any]:
    changed = any(s.op != "equal" for s in change.segments)
    return {
        "kind": change.kind,
        "status": change.status,
        "tags": list(change.tags),
        "old": _side(change.old),
        "new": _side(change.new),
        "parent": None if parent is None else parent.id,
        "match": None if change.match is None else {"how": change.match.how, "score": round(change.match.score, 4)},
        "note": change.note,
        "related": list(change.related),
        "words": _segments(change.segments)
        if changed and change.old and change.new or change.status in ("split", "merged")
        else [],
    }


def _entries(change: Change, parent: Change | None = None) -> list[dict[str, Any]]:
    out = [_entry(change, parent)]
    for child in change.children:
        out += _entries(child, change)
    return out


def _walk(change: Change, parent: Change | None = None) -> Iterator[dict[str, Any]]:
    """The entries of one top-level change, one at a time (``_entries`` without the list)."""
    yield _entry(change, parent)
    for child in change.children:
        yield from _walk(child, change)


def _meta(meta: Any, spec: str) -> dict[str, str]:
    return {"spec": spec, "version": meta.version, "title": meta.title, "date": meta.date, "status": meta.status}


def to_data(diff: Diff, old_spec: str = "", new_spec: str = "") -> dict[str, Any]:
    changes: list[dict[str, Any]] = []
    for top in diff.tops:
        changes += _entries(top)
    return _document(diff, old_spec, new_spec, changes)


def _document(diff: Diff, old_spec: str, new_spec: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "old": _meta(diff.old_meta, old_spec or diff.old_meta.version),
        "new": _meta(diff.new_meta, new_spec or diff.new_meta.version),
        "thresholds": {
            "similarity": engine.SIMILARITY_THRESHOLD,
            "containment": engine.CONTAINMENT_THRESHOLD,
            "article_overlap": engine.ARTICLE_OVERLAP_THRESHOLD,
            "fold_equal_run": engine.FOLD_EQUAL_RUN,
        },
        "summary": diff.counts(),
        "title": _segments(diff.title) if any(s.op != "equal" for s in diff.title) else [],
        "changes": changes,
        "references": [
            {
                "source": r.source_id,
                "old_source": r.old_source,
                "new_source": r.new_source,
                "target": r.target_id,
                "old_label": r.old_label,
                "new_label": r.new_label,
                "reason": r.reason,
                "text": r.describe(),
                **({"old_target": r.old_target, "old_gone": r.old_gone} if r.old_target is not None else {}),
            }
            for r in diff.references
        ],
        "diagnostics": [d.to_json() for d in diff.problems],
    }


_CHANGES = '\n  "changes": [],'  # the key's line in the document dumped without its changes (a newline in a
# JSON string is escaped, so no value can hold this text)


def render(diff: Diff, old_spec: str = "", new_spec: str = "") -> str:
    """``json.dumps(to_data(...), indent=2, ensure_ascii=False)`` and a newline (``render_bytes`` as text)."""
    return render_bytes(diff, old_spec, new_spec).decode()


def render_bytes(diff: Diff, old_spec: str = "", new_spec: str = "") -> bytes:
    """``render`` as UTF-8, made lean: the document is dumped without its changes, and the changes one entry at
    a time (each indented as the list would indent it) into one growing buffer; so neither the whole tree of
    dicts, nor the encoder's millions of fragments, nor a list of pieces ever exists (at 10,000 paragraphs they
    took some 120 MB), and the bytes are what is written: no text is made of them (the CLI writes them as they
    are, where a text would be some 20-40 MB more, and as much again encoded on the way out).  The same text,
    byte for byte (tests/test_diff_json_lean.py)."""
    head, tail = json.dumps(_document(diff, old_spec, new_spec, []), indent=2, ensure_ascii=False).split(_CHANGES, 1)
    out = io.BytesIO()
    out.write(head.encode())
    out.write(b'\n  "changes": [')
    first = True
    for top in diff.tops:
        for entry in _walk(top):
            out.write(b"\n    " if first else b",\n    ")
            out.write(json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n    ").encode())
            first = False
    out.write(b"],%s\n" % tail.encode() if first else b"\n  ],%s\n" % tail.encode())
    return out.getvalue()  # shares the buffer's memory: no copy is made
