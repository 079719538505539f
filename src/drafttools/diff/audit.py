"""The redline audit's comparison: the previous version against a revision with every shown change rejected.
Pure logic, standard library only.

A revision that shows every change gives back the previous version exactly once its shown changes are all
rejected.  ``audit`` compares the two as a reader sees them (references printed as numbers, numbers as the
revision types them), aligned by the diff engine (stable IDs, then content), and every difference it finds is a
change the revision does not show: one ``Unshown`` per element, except that an element inserted, deleted or
renumbered together with its container goes with it (``Unshown.held``).  A renumbering the revision lists in a
renumbering table (drafttools' quiet redline, ``diff.renumbering``) is shown: the number it prints is the one
the table maps back, and an element whose own number is unchanged follows its container.  ``Audit.kept`` says
how much of the previous version's wording the revision keeps at all: below ``RELATED_AT`` the file is not a
revision of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafttools.diff import renumbering as renumbering_view
from drafttools.diff.engine import HEADED, Change, Segment, Side, diff
from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Element, Inline, Instrument, Meta, Note, Ref, Text, ref_label

RELATED_AT = 0.5  # share of the previous version's words a revision keeps, below which it is not a revision of it
FOLDED = frozenset({"inserted", "deleted", "renumbered"})  # what an element shares with its container
MESSAGE_WORDS = 160  # characters of a word diff quoted in a message


@dataclass(frozen=True, slots=True)
class Shown:
    """How many changes of one kind a revision shows, and how many words they hold.  Kinds: ``insertion``,
    ``deletion``, ``moved-from``, ``moved-to``, ``inserted-paragraph-mark``, ``deleted-paragraph-mark``,
    ``inserted-row``, ``deleted-row``, ``formatting-change`` (Word revisions); ``struck``, ``underlined``
    (formatting marks)."""

    kind: str
    count: int
    words: int


@dataclass(frozen=True, slots=True)
class Unshown:
    """One change the revision makes without showing it."""

    kind: str  # the profile's kind ("article", "paragraph", "item" ...), or "title" for the instrument's title
    status: str  # the diff engine's headline: deleted, inserted, modified, renumbered, moved, split, merged ...
    tags: tuple[str, ...]
    label: str  # its number in the previous version (in the revision, for what only the revision has)
    id: str | None  # its stable ID in the previous version (None for what only the revision has)
    article: str  # the label of the article holding it ("" in the preamble, or for the title)
    previous: str  # its text in the previous version ("" when it is not there): a heading's title
    revision: str  # its text in the revision, shown changes rejected ("" when it is not there)
    revision_label: str  # its number as the revision types it ("" when it is not there)
    segments: tuple[Segment, ...]  # the word diff, previous → revision
    note: str  # the engine's note: "renumbered 8.3 → 7.3", "moved from Article 4" ...
    held: int  # elements inside it that share its fate (an article deleted with its four paragraphs)
    path: str  # where it is: the revision (its Word paragraph) or, for what it dropped, the previous version's file
    line: int
    name: str  # how a reader names it: "paragraph 3.4", "Article 8", "the title"

    def describe(self, words: bool = True) -> str:
        """One line: what changed without being shown (with the words that changed, unless ``words`` is off)."""
        held = f" (with the {self.held} element{'s' * (self.held != 1)} it holds)" if self.held else ""
        if self.status == "deleted":
            return f"{self.name}{held} is not in the revision, and its deletion is not shown"
        if self.status == "inserted":
            quoted = f": {_quote(self.revision)}" if words else ""
            return f"the revision adds {self.name}{held} without showing it as inserted{quoted}"
        what = {
            "modified": "words changed",
            "retitled": "its title changed",
            "renumbered": f"numbered {self.revision_label} in the revision",
            "moved": self.note or "moved",
            "split": self.note or "split",
            "merged": self.note or "merged",
        }.get(self.status, self.status)
        changed = f": {shown_words(self.segments)}" if words and any(s.op != "equal" for s in self.segments) else ""
        extra = f"; {self.note}" if self.note and self.status not in ("moved", "split", "merged", "renumbered") else ""
        return f"{self.name}{held}: {what} without being shown{extra}{changed}"


@dataclass(frozen=True)
class Audit:
    """The outcome: what the revision does not show, how much was compared, and how it marks its changes."""

    previous: Meta
    marks: str  # "tracked" (Word revisions), "formatting" (strike/underline) or "none"
    shown: tuple[Shown, ...]
    unshown: tuple[Unshown, ...]
    elements: int  # elements of the previous version compared (its title included)
    words: int  # words of the previous version
    kept: int  # of which the revision (shown changes rejected) keeps in place
    listed: int = 0  # renumberings shown by the revision's renumbering table, not in its text

    @property
    def clean(self) -> bool:
        return not self.unshown

    @property
    def related(self) -> bool:
        return self.words == 0 or self.kept >= RELATED_AT * self.words


def shown_words(segments: tuple[Segment, ...]) -> str:
    """The changed runs of a word diff, as the text diff writes them, with a word of context: "... [-x-] {+y+} ..."."""
    parts: list[str] = []
    for k, segment in enumerate(segments):
        text = " ".join(segment.text.split())
        if segment.op == "delete":
            parts.append(f"[-{text}-]")
        elif segment.op == "insert":
            parts.append(f"{{+{text}+}}")
        elif len(words := text.split()) <= 2:
            parts.append(text)
        else:  # a word of context after the change before it and before the change after it
            head = [words[0]] if k > 0 else []
            tail = [words[-1]] if k < len(segments) - 1 else []
            parts.append(" ".join([*head, "\u2026", *tail]))
    joined = " ".join(p for p in parts if p)
    return joined if len(joined) <= MESSAGE_WORDS else joined[: MESSAGE_WORDS - 1] + "\u2026"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= MESSAGE_WORDS else f'"{text[: MESSAGE_WORDS - 1]}\u2026"'


def printed(instrument: Instrument) -> Instrument:
    """The instrument as a reader sees it: every reference replaced by the label it prints, so that a revision
    whose references are typed text compares with a version whose references are links."""

    def run(pieces: tuple[Inline, ...], context: Element) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for piece in pieces:
            if isinstance(piece, Ref):
                piece = Text(ref_label(piece, instrument, context))
            elif isinstance(piece, Note):
                piece = Note(piece.label, run(piece.inlines, context), piece.loc)
            if isinstance(piece, Text) and out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + piece.text)
            else:
                out.append(piece)
        return tuple(out)

    def element(e: Element) -> Element:
        return Element(
            e.kind,
            e.id,
            e.loc,
            e.title,
            run(e.inlines, e),
            tuple(element(c) for c in e.children),
            e.numbered,
            e.given,
            e.deleted,
            e.header,
            tuple(run(c, e) for c in e.cells),
            e.text_line,
        )

    regions = {region: tuple(element(e) for e in elements) for region, elements in instrument.tops()}
    return number_instrument(instrument.with_regions(regions))


def audit(
    previous: Instrument,
    revision: Instrument,
    where: str,
    marks: str,
    shown: tuple[Shown, ...],
    renumbered: frozenset[tuple[str, str]] = frozenset(),
) -> Audit:
    """Compare the previous version with the revision (read from ``where``), its shown changes rejected and its
    elements given the IDs of the previous version's elements they match (numbered as the revision types them);
    ``renumbered``: the (old, new) numbers the revision's renumbering table lists."""
    old, new = printed(previous), printed(revision)
    result = diff(old, new)
    old_nodes, new_nodes = list(old.walk()), list(new.walk())
    known = {n.id for n in old_nodes if n.id}
    found: list[Unshown] = []
    words = len(old.meta.title.split())
    kept = sum(len(s.text.split()) for s in result.title if s.op == "equal")
    if any(s.op != "equal" for s in result.title):
        found.append(_title(result.title, old.meta.title, new.meta.title, where))
    for change in result.changes():
        if change.old is not None:
            words += len(change.old.text.split())
            if change.new is not None:
                kept += sum(len(s.text.split()) for s in change.segments if s.op == "equal")
    nodes = _Nodes(old_nodes, new_nodes, known, renumbered)
    for top in result.tops:
        _collect(top, None, found, nodes, False)
    return Audit(previous.meta, marks, shown, tuple(found), 1 + len(old_nodes), words, kept, nodes.listed)


def _title(segments: tuple[Segment, ...], before: str, after: str, where: str) -> Unshown:
    status = "modified" if before and after else "deleted" if before else "inserted"
    return Unshown(
        "title", status, (status,), "title", None, "", before, after, "", segments, "", 0, where, 0, "the title"
    )


@dataclass(slots=True)
class _Nodes:
    """What the walk over the changes reads (both sides' elements, the previous version's IDs, the renumbering
    table) and counts (the renumberings the table shows)."""

    old: list[Element]
    new: list[Element]
    known: set[str]
    renumbered: frozenset[tuple[str, str]]
    listed: int = 0


def _listed(change: Change, renumbered: frozenset[tuple[str, str]], container_listed: bool) -> bool:
    """Whether the change's renumbering is listed in the revision's renumbering table: a row holds its old number
    and, as the new one, the number it prints (its own number at least: under a heading that rejecting restores,
    "5.5" is read as the fifth paragraph of that article), or its own number is unchanged and its container's
    renumbering is listed (8.2(c) → 7.2(c))."""
    old, new = change.old, change.new
    if "renumbered" not in change.tags or old is None or new is None:
        return False
    was, now = renumbering_view.shown_as(old, new)
    if any(row_old == was and _own(row_new) == _own(now) for row_old, row_new in renumbered):
        return True
    return container_listed and old.prefix == new.prefix


def _own(number: str) -> str:
    """A printed number's own last part: "5" of "5.5" and of "Article 5", "(c)" of "7.2(c)"."""
    found = re.search(r"(\([^()]*\)|[0-9]+[A-Za-z]*)\W*$", number)
    return found.group(1) if found else number


def _collect(
    change: Change,
    carrier: tuple[Change, list[int]] | None,
    found: list[Unshown],
    nodes: _Nodes,
    container_listed: bool,
) -> None:
    """An ``Unshown`` for ``change`` (without a renumbering the table lists), unless it shares the fate of the
    change ``carrier`` holds (which then counts it); then the same for what it holds."""
    listed = _listed(change, nodes.renumbered, container_listed)
    if listed:
        nodes.listed += 1
        change = renumbering_view.quiet_change(change)
    if change.status == "unchanged":
        for child in change.children:
            _collect(child, None, found, nodes, listed)
        return
    if carrier is not None and change.status in FOLDED and set(change.tags) <= set(carrier[0].tags):
        carrier[1][0] += 1
        for child in change.children:
            _collect(child, carrier, found, nodes, listed)
        return
    at, held = len(found), [0]
    found.append(_unshown(change, nodes))
    for child in change.children:
        _collect(child, (change, held), found, nodes, listed)
    if held[0]:
        fields = {name: getattr(found[at], name) for name in Unshown.__slots__}
        found[at] = Unshown(**{**fields, "held": held[0]})


def _unshown(change: Change, nodes: _Nodes) -> Unshown:
    old_nodes, new_nodes, known = nodes.old, nodes.new, nodes.known
    old, new = change.old, change.new
    element = new_nodes[new.position - 1] if new is not None else old_nodes[old.position - 1]  # type: ignore[union-attr]
    named = old if old is not None else new
    assert named is not None
    return Unshown(
        change.kind,
        change.status,
        change.tags,
        named.label,
        old.id if old is not None and old.id in known else None,
        named.article,
        old.text if old is not None else "",
        new.text if new is not None else "",
        new.label if new is not None else "",
        change.segments,
        change.note,
        0,
        element.loc.path,
        element.loc.line,
        _name(named),
    )


def _name(side: Side) -> str:
    """ "Article 8", "paragraph 8.3", "item 8.2(c)", "the unnumbered paragraph of Article 1"."""
    if side.role in HEADED:
        return side.name or side.label
    if side.label == "preamble":
        return f"a {side.kind} of the preamble"
    if not side.prefix:
        return f"the unnumbered {side.kind} of {side.label}"
    return f"{side.kind} {side.label}"
