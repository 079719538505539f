"""A three-way compare for the terminal: the three versions, the counts of each state, then the conflicts, then
the other changed rows, each with the word diff of each side against the base (``diff_text``'s notation:
``[-…-]`` deleted, ``{+…+}`` inserted).  Standard library only."""

from __future__ import annotations

from drafttools.diff.engine import Side
from drafttools.diff.three_way import STATES, Row, ThreeWay
from drafttools.render.diff_text import inline

COUNTED = {
    "conflict": "conflicts",
    "both": "changed by both alike",
    "ours": "by ours only",
    "theirs": "by theirs only",
    "unchanged": "unchanged",
}
SAYS = {
    "conflict": "Conflicts: both changed these differently",
    "both": "Changed by both the same way",
    "ours": "Changed by ours only",
    "theirs": "Changed by theirs only",
}


def _label(row: Row) -> str:
    """'8.3', '8.3 (ours 7.3, theirs 8.3)' when a side renumbered it; a heading by its name."""
    side = row.side
    name = side.name if side.role in ("division", "article", "annex") else side.label
    others = [f"{which} {s.label}" for which, s in (("ours", row.ours), ("theirs", row.theirs)) if s is not None]
    if row.base is not None and any(s is not None and s.label != row.base.label for s in (row.ours, row.theirs)):
        name += f" ({', '.join(others)})"
    elif row.base is None:
        name += " (new in " + " and ".join(w for w, s in (("ours", row.ours), ("theirs", row.theirs)) if s) + ")"
    return f"{name} [{side.id}]" if side.id else name


def _what(row: Row, which: str, side: Side | None, status: str) -> str:
    if side is None and row.base is None:
        return ""
    words = row.ours_words if which == "ours" else row.theirs_words
    if side is None:
        return f"    {which:<7} deleted"
    if row.base is None:
        return f"    {which:<7} inserted: {{+{side.text}+}}"
    if words:
        return f"    {which:<7} {inline(words, False)}"
    moved = f" ({status})" if status not in ("unchanged", "modified", "retitled") else ""
    return f"    {which:<7} as the base{moved}"


def _lines(row: Row) -> list[str]:
    head = f"  {_label(row)}" + (f": {row.note}" if row.note else "")
    lines = [head]
    if row.base is not None:
        lines.append(f"    {'base':<7} {row.base.text}")
    for which, side, status in (("ours", row.ours, row.ours_status), ("theirs", row.theirs, row.theirs_status)):
        line = _what(row, which, side, status)
        if line:
            lines.append(line)
    return lines


def render(three: ThreeWay, base_name: str = "", ours_name: str = "", theirs_name: str = "") -> str:
    b, o, t = three.base_meta, three.ours_meta, three.theirs_meta
    out = [
        f"base    {base_name or b.version} ({b.date}, {b.status})",
        f"ours    {ours_name or o.version} ({o.date}, {o.status})",
        f"theirs  {theirs_name or t.version} ({t.date}, {t.status})",
        "",
    ]
    counts = three.counts()
    out.append(", ".join(f"{counts[s]} {COUNTED[s]}" for s in STATES) + f" (of {len(three.rows)} elements)")
    for state in ("conflict", "both", "ours", "theirs"):
        rows = [r for r in three.rows if r.state == state]
        if rows:
            out += ["", SAYS[state]]
            for row in rows:
                out += _lines(row)
    if not any(r.changed for r in three.rows):
        out += ["", "no changes on either side"]
    return "\n".join(out) + "\n"
