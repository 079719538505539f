"""A three-way compare as JSON: the document of docs/diff3-json.md (schema ``drafttools.diff3/1``).

One entry per row of ``diff.three_way``, in the base's order; keys are only ever added within a schema version.
Standard library only."""

from __future__ import annotations

import json
from typing import Any

from drafttools.diff.engine import Segment, Side
from drafttools.diff.three_way import Row, ThreeWay

SCHEMA = "drafttools.diff3/1"


def _side(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"id": side.id, "label": side.label, "article": side.article, "text": side.text}


def _words(segments: tuple[Segment, ...]) -> list[dict[str, str]]:
    return [{"op": s.op, "text": s.text} for s in segments]


def _row(row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.side.kind,
        "state": row.state,
        "note": row.note,
        "base": _side(row.base),
        "ours": _side(row.ours),
        "theirs": _side(row.theirs),
        "ours_status": row.ours_status,
        "theirs_status": row.theirs_status,
        "ours_words": _words(row.ours_words),
        "theirs_words": _words(row.theirs_words),
    }


def _meta(meta: Any, spec: str) -> dict[str, str]:
    return {"spec": spec, "version": meta.version, "title": meta.title, "date": meta.date, "status": meta.status}


def to_data(three: ThreeWay, base_spec: str = "", ours_spec: str = "", theirs_spec: str = "") -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "base": _meta(three.base_meta, base_spec or three.base_meta.version),
        "ours": _meta(three.ours_meta, ours_spec or three.ours_meta.version),
        "theirs": _meta(three.theirs_meta, theirs_spec or three.theirs_meta.version),
        "summary": three.counts(),
        "rows": [_row(r) for r in three.rows],
    }


def render(three: ThreeWay, base_spec: str = "", ours_spec: str = "", theirs_spec: str = "") -> str:
    return json.dumps(to_data(three, base_spec, ours_spec, theirs_spec), indent=2, ensure_ascii=False) + "\n"
