"""How a redline shows renumbering: ``tracked`` (every changed number struck and inserted) or ``quiet``.

A kept element's printed number changes only because others came or went; its identity does not (DOMAIN:
identity versus number).  In the quiet redline the numbers are printed as the new version prints them, as plain
text, and each renumbering is listed once (``table``), so that the tracked changes left are the real edits.
Everything that is not a kept element's own number stays as the engine made it: an inserted or deleted
paragraph with its number, a split-off paragraph's new number, and a reference whose printed label changed
(listed in ``Diff.references``).

The quiet redline's own paragraphs (its cover, the renumbering table, the list of references) are in the Word
styles ``WORD_APPARATUS``, so that a reader of the file (``import``, ``audit``) leaves them out of the text and
``audit`` reads the table back: a renumbering it lists is shown.

``separated`` is the other half of "numbers never run into text": a changed number that stays tracked gets a
deleted space after the inserted number, so that the struck number, the inserted one and the text never touch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads MODES at every start: the engine is loaded only when a diff is made
    from drafttools.diff.engine import Change, Diff, RedlineBlock, Segment, Side

MODES = ("tracked", "quiet")
# The Word paragraph styles of the quiet redline's apparatus, and the renumbering table's header row
WORD_APPARATUS = {"note": "Redline Note", "heading": "Redline Heading"}
WORD_APPARATUS_PARAGRAPHS = frozenset(WORD_APPARATUS.values())
TABLE_HEADER = ("Old", "New", "Also changed")
DEFAULT = "quiet"  # what `diff --format docx|html` shows unless told: a reviewer looks for the real edits
HEADED = ("division", "article", "annex", "table")


@dataclass(frozen=True, slots=True)
class Renumbered:
    """One line of the renumbering table: an element whose own printed number changed."""

    old: str  # "8.3", "Article 9"
    new: str  # "7.3", "Article 8"
    tags: tuple[str, ...]  # every classification of the change ("renumbered", or "modified", "moved" ...)

    @property
    def also(self) -> tuple[str, ...]:
        """What else happened to it, beside the renumbering."""
        return tuple(t for t in self.tags if t != "renumbered")


def shown_as(old: Side, new: Side) -> tuple[str, str]:
    """How the renumbering table writes an element's number on each side: an article or division by its name
    ("Article 9"), anything else by its label ("8.3")."""
    if new.role in HEADED:
        return old.name, new.name
    return old.label, new.label


def table(diff: Diff) -> list[Renumbered]:
    """Every aligned element whose printed number changed, in the new version's order: articles and divisions
    by name, paragraphs by label; a point only when its own number changed (8.2(c) → 7.2(c) follows from its
    paragraph)."""
    rows: list[Renumbered] = []
    for change in diff.changes():
        old, new = change.old, change.new
        if old is None or new is None or old.label == new.label:
            continue
        if new.role == "point" and old.prefix == new.prefix:
            continue
        rows.append(Renumbered(*shown_as(old, new), change.tags))
    return rows


def _number_length(block: RedlineBlock) -> int:
    """How many leading segments print the number (their old side is ``number_old``, their new side
    ``number_new``); 0 when the segments do not start with the whole number of each side."""
    old = new = ""
    for count, segment in enumerate(block.segments, 1):
        if segment.op != "insert":
            old += segment.text
        if segment.op != "delete":
            new += segment.text
        if old == block.number_old and new == block.number_new:
            return count
        if not (block.number_old.startswith(old) and block.number_new.startswith(new)):
            return 0
    return 0


def quiet(block: RedlineBlock) -> RedlineBlock:
    """The block with a kept element's changed number printed as the new version prints it, untracked; any other
    block as it is (one side without a number is an insertion, a deletion or a number given or taken away)."""
    if not block.number_old or not block.number_new or block.number_old == block.number_new:
        return block
    length = _number_length(block)
    if not length:
        return block
    from drafttools.diff.engine import Segment

    segments = (Segment("equal", block.number_new), *block.segments[length:])
    plain = not block.mark and all(s.op == "equal" for s in segments)
    return replace(block, segments=segments, op="equal" if plain else block.op)


def separated(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """A struck number followed by an inserted one and the tab before the text (``4.9``, ``4.10``, tab) gets a
    deleted space after the inserted number: where the tab's stop falls right after "4.10", the page would read
    "4.10All".  The space is deleted text, so neither side's words change."""
    at = [
        k
        for k in range(1, len(segments) - 1)
        if segments[k].op == "insert"
        and segments[k - 1].op == "delete"
        and segments[k + 1].op == "equal"
        and segments[k + 1].text.startswith("\t")
        and not segments[k].text[-1:].isspace()
    ]
    if not at:
        return segments
    from drafttools.diff.engine import Segment

    out = list(segments)
    for k in reversed(at):
        out.insert(k + 1, Segment("delete", " "))
    return tuple(out)


def quiet_change(change: Change) -> Change:
    """A change as the quiet redline page shows it: without the renumbering (tag, note, struck number), which
    the renumbering table lists; its sides keep their labels."""
    if "renumbered" not in change.tags or change.old is None or change.new is None:
        return change
    from drafttools.diff.engine import STATUS_ORDER

    tags = tuple(t for t in change.tags if t != "renumbered")
    status = next((s for s in STATUS_ORDER if s in tags), "unchanged")
    note = change.note
    if note.startswith("renumbered "):
        note = note.partition("; ")[2]
    old = replace(change.old, prefix=change.new.prefix)
    return replace(change, tags=tags or ("unchanged",), status=status, note=note, old=old)


def counts(diff: Diff) -> dict[str, int]:
    """How many changes of each kind, in ``STATUS_ORDER``, without the unchanged ones."""
    return {status: n for status, n in diff.counts().items() if n and status != "unchanged"}
