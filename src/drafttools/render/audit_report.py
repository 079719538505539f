"""The redline audit's report, as text and as JSON (schema ``drafttools.audit/1``, documented in docs/audit.md).

The report says what the revision shows (by kind and count), how much was compared, and every change it does
not show, by element: its number and ID, its words in the previous version and in the revision, and the word
diff between them.  Keys are only ever added within a schema version.  Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

from drafttools.diagnostics import Diagnostic
from drafttools.diff.audit import Audit, Shown, Unshown, shown_words

SCHEMA = "drafttools.audit/1"
MARKS = {
    "tracked": "Word tracked changes",
    "formatting": "formatting (struck text deleted, underlined text inserted)",
    "none": "nothing (no tracked changes, no struck or underlined text)",
}
_KINDS = {  # kind → (one, many) as the text report names them
    "insertion": ("insertion", "insertions"),
    "deletion": ("deletion", "deletions"),
    "moved-from": ("move (its old place)", "moves (their old places)"),
    "moved-to": ("move (its new place)", "moves (their new places)"),
    "inserted-paragraph-mark": ("inserted paragraph mark", "inserted paragraph marks"),
    "deleted-paragraph-mark": ("deleted paragraph mark", "deleted paragraph marks"),
    "inserted-row": ("inserted table row", "inserted table rows"),
    "deleted-row": ("deleted table row", "deleted table rows"),
    "formatting-change": ("formatting change", "formatting changes"),
    "struck": ("run of struck text", "runs of struck text"),
    "underlined": ("run of underlined text", "runs of underlined text"),
}


def _shown_line(shown: tuple[Shown, ...]) -> str:
    if not shown:
        return "none"
    parts = []
    for s in shown:
        one, many = _KINDS.get(s.kind, (s.kind, s.kind))
        words = f" ({s.words:,} word{'s' * (s.words != 1)})" if s.words else ""
        parts.append(f"{s.count:,} {one if s.count == 1 else many}{words}")
    return ", ".join(parts)


def text(audit: Audit, previous: str, file: str) -> str:
    """The report as text: a head of five lines, then the verdict and every change not shown."""
    share = (audit.kept * 1000 // audit.words) / 1000 if audit.words else 1.0  # 99.9%, never 100.0%, when short
    lines = [
        f"Audit of {file} as a revision of {previous}"
        + (f" (version {audit.previous.version})" if audit.previous.version != previous else "")
        + f", dated {audit.previous.date}",
        f"Changes shown as: {MARKS.get(audit.marks, audit.marks)}",
        f"Shown: {_shown_line(audit.shown)}",
        f"Compared: {audit.elements:,} elements of {previous} (the title, headings, paragraphs and items), "
        f"{audit.words:,} words, {share:.1%} of them in place once the shown changes are rejected",
        *(
            [f"Renumbering: {audit.listed:,} changed number(s) shown by the file's renumbering table, not in its text"]
            if audit.listed
            else []
        ),
        "",
    ]
    if audit.clean:
        read_back = ", its renumbering table read back" if audit.listed else ""
        lines.append(f"Every change is shown: rejecting them all gives back {previous} exactly{read_back}.")
        return "\n".join(lines) + "\n"
    count = len(audit.unshown)
    lines.append(
        f"NOT SHOWN: {count} change{'s' * (count != 1)} (rejecting every shown change does not give back "
        f"{previous} there)"
    )
    for unshown in audit.unshown:
        lines += ["", *_entry(unshown, previous, file)]
    return "\n".join(lines) + "\n"


def _entry(u: Unshown, previous: str, file: str) -> list[str]:
    out = [u.describe(words=False) + (f"   [ID {u.id}]" if u.id else "")]
    width = max(len(previous) + 4, len("in the revision:"))
    if u.previous or u.status == "deleted":
        out.append(f"  {('in ' + previous + ':'):<{width}} {u.previous or '(not there)'}")
    if u.revision or u.status == "inserted":
        label = f" (typed {u.revision_label})" if u.revision_label and u.revision_label != u.label else ""
        out.append(f"  {'in the revision:':<{width}} {u.revision or '(not there)'}{label}")
    if u.previous and u.revision and any(s.op != "equal" for s in u.segments):
        out.append(f"  {'words:':<{width}} {shown_words(u.segments)}")
    where = (
        f"{u.path}, Word paragraph {u.line}"
        if u.path == file and u.line
        else f"{u.path}:{u.line}"
        if u.line
        else u.path
    )
    out.append(f"  {'where:':<{width}} {where}")
    return out


def _unshown(u: Unshown) -> dict[str, Any]:
    return {
        "kind": u.kind,
        "status": u.status,
        "tags": list(u.tags),
        "name": u.name,
        "label": u.label,
        "id": u.id,
        "article": u.article,
        "revision_label": u.revision_label,
        "previous": u.previous,
        "revision": u.revision,
        "words": [{"op": s.op, "text": s.text} for s in u.segments] if u.previous and u.revision else [],
        "note": u.note,
        "held": u.held,
        "where": {"path": u.path, "line": u.line},
        "message": u.describe(),
    }


def json_bytes(audit: Audit, previous: str, where: str, file: str, diagnostics: tuple[Diagnostic, ...]) -> bytes:
    """The report as JSON (UTF-8), keys in a fixed order."""
    meta = audit.previous
    payload = {
        "schema": SCHEMA,
        "previous": {
            "spec": previous,
            "where": where,
            "version": meta.version,
            "title": meta.title,
            "date": meta.date,
            "status": meta.status,
        },
        "revision": {"file": file, "marks": audit.marks},
        "clean": audit.clean,
        "shown": {
            "total": sum(s.count for s in audit.shown if s.kind != "formatting-change"),
            "kinds": [{"kind": s.kind, "count": s.count, "words": s.words} for s in audit.shown],
        },
        "compared": {"elements": audit.elements, "words": audit.words, "kept": audit.kept, "listed": audit.listed},
        "unshown": [_unshown(u) for u in audit.unshown],
        "diagnostics": [d.to_json() for d in diagnostics],
    }
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
