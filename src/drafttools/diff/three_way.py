"""The three-way compare: a base version and two revisions of it (ours: the Secretariat's; theirs: a Member
State's return), from the engine's two diffs base→ours and base→theirs.  Pure logic, standard library only.

Each element of the base is one row, in the base's order, keyed by its place in the base (both diffs flatten the
same base the same way, so the place is the same in each, and an element without an ID is still one row).  A side
*changed* an element when its words differ from the base's (an article's words are its title; a reference is
compared by its target's ID, as the engine compares, so a reference renumbered with its target is no change) or
it deleted it; being renumbered or moved is not a change of words and is shown, not counted.  The row's state:

- ``unchanged``; ``ours`` / ``theirs``: changed by one side only;
- ``both``: both made the same change (the same words, or both deleted it);
- ``conflict``: both changed it differently, or one deleted what the other changed.

An element that only one side inserted is a row of that side, placed after the base element it follows in that
side's diff; the same ID inserted by both is ``both`` when the words are the same, else a ``conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafttools.diff.engine import Change, Diff, Segment, Side, word_diff
from drafttools.model.tree import Meta

STATES = ("conflict", "both", "ours", "theirs", "unchanged")  # the order the text report lists them in


@dataclass(frozen=True, slots=True)
class Row:
    """One element as the base, ours and theirs have it (``None`` where a side does not have it)."""

    state: str
    base: Side | None
    ours: Side | None
    theirs: Side | None
    ours_status: str  # the engine's status of the element from base to ours ("unchanged", "modified", ...)
    theirs_status: str
    ours_words: tuple[Segment, ...]  # word diff base → ours (empty when the words are the same, or one side lacks it)
    theirs_words: tuple[Segment, ...]
    note: str = ""  # why a conflict is one: "deleted by theirs, changed by ours"

    @property
    def side(self) -> Side:
        """The element as the row names it: the base's, else the side that has it."""
        side = self.base or self.ours or self.theirs
        assert side is not None
        return side

    @property
    def id(self) -> str | None:
        return self.side.id

    @property
    def changed(self) -> bool:
        return self.state != "unchanged"


@dataclass(frozen=True, slots=True)
class ThreeWay:
    base_meta: Meta
    ours_meta: Meta
    theirs_meta: Meta
    rows: tuple[Row, ...]

    def counts(self) -> dict[str, int]:
        totals = {state: 0 for state in STATES}
        for row in self.rows:
            totals[row.state] += 1
        return totals

    @property
    def conflicts(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.state == "conflict")


def _text(side: Side | None) -> str | None:
    """What is compared: the words, a reference by its target's ID (so a renumbered target is no change)."""
    return None if side is None else side.compared


def _words(base: Side | None, side: Side | None) -> tuple[Segment, ...]:
    if base is None or side is None or base.compared == side.compared:
        return ()
    return word_diff(base.text, side.text)


def _state(base: Side | None, ours: Side | None, theirs: Side | None) -> tuple[str, str]:
    """The row's state and, for a conflict, why."""
    base_text, ours_text, theirs_text = _text(base), _text(ours), _text(theirs)
    ours_changed, theirs_changed = ours_text != base_text, theirs_text != base_text
    if not ours_changed and not theirs_changed:
        return "unchanged", ""
    if ours_changed and not theirs_changed:
        return "ours", ""
    if theirs_changed and not ours_changed:
        return "theirs", ""
    if ours_text == theirs_text:
        return "both", ""
    if base is None:
        return "conflict", "inserted by both with different words"
    if ours is None:
        return "conflict", "deleted by ours, changed by theirs"
    if theirs is None:
        return "conflict", "deleted by theirs, changed by ours"
    return "conflict", "changed by both differently"


def _row(base: Side | None, ours: Change | None, theirs: Change | None) -> Row:
    """One element's row: ``base`` None for what a side inserted (a side without it then has no status)."""
    ours_side = ours.new if ours is not None else base
    theirs_side = theirs.new if theirs is not None else base
    state, note = _state(base, ours_side, theirs_side)
    absent = "unchanged" if base is not None else ""
    return Row(
        state,
        base,
        ours_side,
        theirs_side,
        ours.status if ours is not None else absent,
        theirs.status if theirs is not None else absent,
        _words(base, ours_side),
        _words(base, theirs_side),
        note,
    )


def _by_base(diff: Diff) -> tuple[dict[int, Change], dict[int, list[Change]]]:
    """The diff's changes by the base element's place; its insertions by the place of the base element they
    follow (-1: before every one)."""
    aligned: dict[int, Change] = {}
    inserted: dict[int, list[Change]] = {}
    last = -1
    for change in diff.changes():
        if change.old is not None:
            aligned[change.old.position] = change
            last = max(last, change.old.position)
        elif change.new is not None:
            inserted.setdefault(last, []).append(change)
    return aligned, inserted


def combine(ours: Diff, theirs: Diff) -> ThreeWay:
    """The rows of a base and two revisions, from the diffs base→ours and base→theirs (the same base)."""
    ours_aligned, ours_inserted = _by_base(ours)
    theirs_aligned, theirs_inserted = _by_base(theirs)
    bases = sorted({c.old.position: c.old for c in (*ours_aligned.values(), *theirs_aligned.values()) if c.old}.items())
    rows = _insertions(ours_inserted.get(-1, []), theirs_inserted.get(-1, []))
    for position, base in bases:
        rows.append(_row(base, ours_aligned.get(position), theirs_aligned.get(position)))
        rows += _insertions(ours_inserted.get(position, []), theirs_inserted.get(position, []))
    return ThreeWay(ours.old_meta, ours.new_meta, theirs.new_meta, tuple(rows))


def _insertions(ours: list[Change], theirs: list[Change]) -> list[Row]:
    """Rows for what the sides inserted at one place: the same ID inserted by both is one row."""
    theirs_by_id = {c.new.id: c for c in theirs if c.new is not None and c.new.id}
    rows: list[Row] = []
    paired: set[int] = set()
    for change in ours:
        match = theirs_by_id.get(change.new.id) if change.new is not None and change.new.id else None
        if match is not None:
            paired.add(id(match))
        rows.append(_row(None, change, match))
    rows += [_row(None, None, c) for c in theirs if id(c) not in paired]
    return rows
