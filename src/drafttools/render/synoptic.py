"""The synoptic table's content, shared by its HTML and Word renderers: the column heads (each version's title,
date, status and name), the rows in the order one version's text gives, where the other column leaves its own
order, and one chip per change kind with its detail said once.

Rows follow one side (``order``: "new" or "old").  Every element of that side is a row, in its document order;
an element found on the other side only (a deletion when the rows follow the new text, an insertion when they
follow the old) is slotted in after its nearest predecessor, in its own text, that the table keeps in order, so
both columns read in order wherever they can.  Where they cannot, the other column's cells that leave its order
(the fewest, preferring those the diff calls moved) carry a mark saying where their element moved:
"moved to 4.3" in the old column, "moved from 3.9" in the new.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from drafttools.diff.engine import Change, Diff, Side
from drafttools.model.profile import HEADED_ROLES
from drafttools.model.tree import Meta

ORDERS = ("new", "old")


@dataclass(frozen=True, slots=True)
class Head:
    """A column head: what the version is called in the public record, when, and (a small line) its status and
    the name drafttools knows it by."""

    title: str
    date: str  # as WHO papers print it: "7 September 2009"
    status: str
    name: str


@dataclass(frozen=True, slots=True)
class Chip:
    """One kind of change in a row ("renumbered") and what there is to say of it ("3.10 \u2192 3.9"), or ""."""

    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class Row:
    """One aligned pair (or one side alone), its chips, what no chip says, and the order marks of its cells."""

    change: Change
    chips: tuple[Chip, ...]
    note: str  # a part of the diff's note that belongs to no chip ("paragraph 3 became item 3(a)")
    old_mark: str = ""  # "moved to 4.3": the old cell stands out of the old text's order
    new_mark: str = ""  # "moved from 3.9": the new cell stands out of the new text's order


@dataclass(frozen=True, slots=True)
class Table:
    order: str  # "new" | "old": whose order the rows follow
    old: Head
    new: Head
    rows: tuple[Row, ...]

    @property
    def sentence(self) -> str:
        """What a reader is told of the order, above the table."""
        follows, other = (self.new, "old") if self.order == "new" else (self.old, "new")
        return (
            f"Rows follow the order of the {self.order} text ({follows.date}); where the {other} column leaves "
            f"the {other} text's order, its cell says where the text moved."
        )


RECORDS = (Head, Chip, Row, Table)  # what a template reads


def table(diff: Diff, order: str = "new", old_name: str = "", new_name: str = "") -> Table:
    """The synoptic table of ``diff`` with rows in ``order`` ("new" or "old")."""
    if order not in ORDERS:
        raise ValueError(f"order {order!r}: one of {', '.join(ORDERS)}")
    rows, out_of_order = _ordered(list(diff.changes()), order)
    made = tuple(_row(change, id(change) in out_of_order, order) for change in rows)
    return Table(order, head(diff.old_meta, old_name), head(diff.new_meta, new_name), made)


def head(meta: Meta, name: str = "") -> Head:
    from drafttools.papers.load import print_date  # dates printed as the papers print them (it brings yaml: here)

    return Head(" ".join(meta.title.split()), print_date(meta.date), meta.status, name or meta.version)


# ------------------------------------------------------------------------------------------------- order


def _side(change: Change, which: str) -> Side | None:
    return change.new if which == "new" else change.old


def _ordered(changes: list[Change], order: str) -> tuple[list[Change], set[int]]:
    """Every change once: those with a side in ``order`` by its position; the others each after the nearest
    predecessor in their own text that the table keeps in order (or first, when none precedes them).  With the
    ids of the rows whose other cell leaves its column's order: pairs only, as the others are placed in it."""
    other = "old" if order == "new" else "new"
    main = sorted((c for c in changes if _side(c, order) is not None), key=lambda c: _position(c, order))
    paired = [c for c in main if _side(c, other) is not None]
    kept = _in_order(paired, other)
    after: dict[int | None, list[Change]] = {}
    anchor: int | None = None
    for change in sorted((c for c in changes if _side(c, other) is not None), key=lambda c: _position(c, other)):
        if _side(change, order) is None:
            after.setdefault(anchor, []).append(change)
        elif id(change) in kept:
            anchor = id(change)
    rows = list(after.get(None, ()))
    for change in main:
        rows.append(change)
        rows += after.get(id(change), ())
    return rows, {id(c) for c in paired if id(c) not in kept}


def _position(change: Change, which: str) -> int:
    side = _side(change, which)
    assert side is not None
    return side.position


def _in_order(pairs: list[Change], column: str) -> set[int]:
    """The ids of a longest run of ``pairs`` (in their given order) whose ``column`` positions increase; among
    the longest, one that leaves out as many of the pairs the diff calls moved as it can.  O(n log n), with a
    Fenwick tree holding the best run that ends below each position."""
    positions = sorted(_position(c, column) for c in pairs)
    size = len(positions)
    tree: list[tuple[int, int, int]] = [(0, 0, -1)] * (size + 1)  # (rows, rows not moved, index of its last row)
    ends: list[tuple[int, int, int]] = []  # the best run ending at each pair
    back: list[int] = []  # the pair before it in that run, -1 for none
    for k, change in enumerate(pairs):
        rank = bisect_left(positions, _position(change, column)) + 1
        prior, at = (0, 0, -1), rank - 1
        while at > 0:
            prior = max(prior, tree[at])
            at -= at & -at
        here = (prior[0] + 1, prior[1] + ("moved" not in change.tags), k)
        ends.append(here)
        back.append(prior[2])
        at = rank
        while at <= size:
            tree[at] = max(tree[at], here)
            at += at & -at
    kept: set[int] = set()
    index = max(ends)[2] if ends else -1
    while index >= 0:
        kept.add(id(pairs[index]))
        index = back[index]
    return kept


# ------------------------------------------------------------------------------------------------- chips


def _row(change: Change, out_of_order: bool, order: str) -> Row:
    chips, note = _chips(change)
    if not out_of_order:
        return Row(change, chips, note)
    assert change.old is not None and change.new is not None  # only pairs are ever out of order
    if order == "new":
        return Row(change, chips, note, old_mark=f"moved to {_called(change.new)}")
    return Row(change, chips, note, new_mark=f"moved from {_called(change.old)}")


def _called(side: Side) -> str:
    """How a mark names an element: "4.3", "8.2(c)", "Article 5"."""
    return side.name if side.role in HEADED_ROLES or not side.prefix else side.label


def _chips(change: Change) -> tuple[tuple[Chip, ...], str]:
    """One chip per kind of change, each with the clause of the diff's note that speaks of it (the kind's word
    said once: "renumbered" with "3.10 \u2192 3.9"); the clauses no chip takes, as a note."""
    kinds = [t for t in change.tags if t != "unchanged"]
    details: dict[str, str] = {}
    rest: list[str] = []
    for clause in (c.strip() for c in change.note.split(";") if c.strip()):
        word, _, detail = clause.partition(" ")
        if word in kinds and word not in details:
            details[word] = detail
        else:
            rest.append(clause)
    return tuple(Chip(kind, details.get(kind, "")) for kind in kinds), "; ".join(rest)
