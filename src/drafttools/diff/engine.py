"""The diff engine: two models in, one change tree out.  Pure logic: no I/O, no printing.

Alignment, in this order:

1. by stable ID (same ID, same kind) — ``Match("id", similarity)``;
2. for what is left, by content, kind by kind: identical text first (``"exact"``, score 1.0), then word-level
   similarity at or above ``SIMILARITY_THRESHOLD`` (``"similar"``, ``difflib.SequenceMatcher`` ratio over
   word and punctuation tokens), best pairs first;
3. articles left over pair by title (exact) or by how many of their paragraphs went to the same article.

Classification of every aligned pair (and of every element left alone):

- ``inserted`` / ``deleted``: only on one side;
- ``split``: a new element whose text came out of an old one (the old one is tagged ``split`` too);
  ``merged``: an old element whose text went into a new one; an article whose paragraphs all went into
  another article is ``merged`` into it (and one made of another's paragraphs is ``split`` from it);
- ``moved``: its parent changed (another article or paragraph), or it left the longest order-preserving
  chain of aligned elements (another place); it is shown once, at its new place;
- ``modified``: its text changed (references compared by target ID, so a renumbered target is not a change);
- ``retitled``: an article whose title changed;
- ``renumbered``: its number changed only because others moved;
- ``unchanged``.

A change carries every tag that applies; ``status`` is the first of ``STATUS_ORDER`` among them.  The word
diff keeps whole words and punctuation tokens, and folds equal runs of ``FOLD_EQUAL_RUN`` tokens or fewer
between two edits into the edit, so a reworded clause reads as one deletion and one insertion.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import chain
from typing import TypeVar

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.numbering import heading_prefix
from drafttools.model.profile import ROLE_CLASS
from drafttools.model.references import citing, find_references
from drafttools.model.tree import Element, Inline, Instrument, Meta, Note, Ref, Text, ref_label

_T = TypeVar("_T")

SIMILARITY_THRESHOLD = 0.6  # content alignment: word-token SequenceMatcher ratio at or above this
CONTAINMENT_THRESHOLD = 0.6  # split/merge: share of the piece's tokens found in its source, at or above this
ARTICLE_OVERLAP_THRESHOLD = 0.5  # articles without IDs: share of paragraphs that went to the same article
UNRELATED_BELOW = 0.2  # the same ID on texts this dissimilar (both of 8 words or more) is reported
SIMILARITY_WINDOW = 200  # content alignment of texts without IDs: above this many elements, compare by rank
FOLD_EQUAL_RUN = 2  # equal runs of this many tokens or fewer between two edits are folded into the edit

STATUS_ORDER = (
    "inserted",
    "deleted",
    "split",
    "merged",
    "moved",
    "modified",
    "retitled",
    "retargeted",
    "renumbered",
    "unchanged",
)
INVERSE_STATUS = {"inserted": "deleted", "deleted": "inserted", "split": "merged", "merged": "split"}

_ONE_NUMBER = re.compile(r"\d+(?:\.\d+)*|\([a-z]{1,3}\)")  # a paragraph's or item's number: always one _TOKEN
_TOKEN = re.compile(r"\s*(?:\d+(?:\.\d+)*(?:\([a-z]{1,3}\))?|\([a-z]{1,3}\)|\w+(?:['\u2019\-]\w+)*|[^\w\s])")


# ------------------------------------------------------------------------------------------------ the tree


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the word diff: ``equal``, ``insert`` or ``delete``; ``text`` keeps its leading space."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    how: str  # "id" | "exact" | "similar"
    score: float  # word-token similarity of the two texts, 0..1


@dataclass(frozen=True, slots=True)
class Side:
    """One side of an aligned pair: the element as it stands in that version."""

    id: str | None
    kind: str  # the profile's kind: "article", "paragraph", "item", "part", "point", "row" ...
    label: str  # "8", "8.3", "8.2(c)", "Article 1" (a lead-in), "preamble"
    article: str  # label of the article (or annex) holding it ("" in the preamble, or for a division)
    text: str  # what a reader sees: the title of a heading, the text of a paragraph or point, a row's cells
    position: int  # place in document order
    role: str = ""  # the kind's role: division, article, paragraph, point, text, row, annex ...
    prefix: str = ""  # what prints before the text: "Article 8 – ", "8.3", "(c)"; "" for none
    name: str = ""  # how a reader names it: "Article 8", "paragraph 8.3", "the preamble"
    key: str = ""  # the text with each reference as its target's ID (what "modified" compares); "": the text

    @property
    def compared(self) -> str:
        """What the engine compares of it: its words, a reference by its target (not the number it prints)."""
        return self.key or self.text


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    status: str
    tags: tuple[str, ...]
    old: Side | None
    new: Side | None
    match: Match | None
    segments: tuple[Segment, ...] = ()  # word diff of the text (the title for an article)
    related: tuple[str, ...] = ()  # split/merged: the labels of the other parts, as "new 5.3" / "old 6"
    note: str = ""
    children: tuple[Change, ...] = ()

    @property
    def id(self) -> str | None:
        return (self.new or self.old).id if (self.new or self.old) else None  # type: ignore[union-attr]

    def walk(self) -> Iterator[Change]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class RefChange:
    """A reference whose printed label changed: its target was renumbered, or plain text now names another."""

    source_id: str | None
    old_source: str  # label of the citing element in the old version
    new_source: str
    target_id: str | None
    old_label: str
    new_label: str
    reason: str  # "renumbered" (same target, new number) | "retargeted" (it names another element than it did)
    old_target: str | None = None  # what it named before, when that differs from ``target_id``
    old_gone: bool = False  # the old target is in no element of the new version

    def describe(self) -> str:
        if self.reason == "retargeted" and self.old_target is not None:
            gone = ", deleted" if self.old_gone else ""
            return (
                f"{self.new_source} cited {self.old_label} ({self.old_target}{gone}); "
                f"it now cites {self.new_label} ({self.target_id})"
            )
        if self.reason == "retargeted":
            return f'{self.new_source}: "{self.new_label}" typed as plain text now names another element than it did'
        return f"{self.new_source} now cites {self.new_label} where it cited {self.old_label}"


@dataclass(frozen=True, slots=True)
class RedlineBlock:
    """One paragraph of the redline, old and new interleaved so that keeping one side gives that version.

    ``segments`` is the paragraph's content; ``mark`` says whether its paragraph mark is inserted or deleted.
    As in Word, rejecting an inserted mark (accepting a deleted one) joins the paragraph to the next: a whole
    inserted paragraph has both its content and its mark inserted; a split is the old paragraph with an
    inserted mark inside it; a merge is a deleted mark between the two old paragraphs.
    """

    op: str  # "equal" | "modified" | "insert" | "delete"
    kind: str  # "title", or the profile's kind: "article" | "paragraph" | "item" | "part" | "row" ...
    segments: tuple[Segment, ...]
    number_old: str = ""
    number_new: str = ""
    moved: str = ""  # "from 3.9" on a moved element's insertion, "to 4.3" on its deletion
    mark: str = ""  # "insert" | "delete": the paragraph mark is a tracked change; "" it is not
    role: str = ""  # the kind's role (division, article, paragraph, point, text, row ...); "title" for the title
    depth: int = 0  # how many points hold it (0 for a paragraph or a point (a); 1 for (i) ...)


@dataclass(frozen=True)
class Diff:
    old_meta: Meta
    new_meta: Meta
    title: tuple[Segment, ...]
    preamble: tuple[Change, ...]
    body: tuple[Change, ...]  # divisions and articles, with their contents
    references: tuple[RefChange, ...]
    blocks: tuple[RedlineBlock, ...]
    problems: tuple[Diagnostic, ...] = ()
    final: tuple[Change, ...] = ()
    annexes: tuple[Change, ...] = ()

    @property
    def tops(self) -> tuple[Change, ...]:
        """The top-level changes in document order: preamble, body, final clauses, annexes."""
        return (*self.preamble, *self.body, *self.final, *self.annexes)

    def changes(self) -> Iterator[Change]:
        """Every change of the tree in document order, each parent before its contents."""
        for change in self.tops:
            yield from change.walk()

    @property
    def articles(self) -> list[Change]:
        """The changes of articles (and annexes), at whatever depth divisions put them, in order."""
        return [c for c in self.changes() if (side := c.new or c.old) is not None and side.role in ("article", "annex")]

    @property
    def has_changes(self) -> bool:
        return any(c.status != "unchanged" for c in self.changes()) or any(s.op != "equal" for s in self.title)

    def counts(self) -> dict[str, int]:
        totals = {status: 0 for status in STATUS_ORDER}
        for change in self.changes():
            totals[change.status] += 1
        return totals


# ------------------------------------------------------------------------------------------------- tokens


def tokens(text: str) -> list[str]:
    """Word, number-label and punctuation tokens, each with the whitespace before it."""
    return _TOKEN.findall(" ".join(text.split()))


def similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return _compare(a, b)[0]


def _compare(a: str, b: str) -> tuple[float, _Compared]:
    """``similarity`` of two different texts, with the tokens and matcher made for it (``word_diff`` of the same
    two texts reuses them)."""
    raw_a, raw_b = tokens(a), tokens(b)
    ta, tb = [t.strip() for t in raw_a], [t.strip() for t in raw_b]
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    compared = _Compared(raw_a, raw_b, ta, tb, matcher)
    if not ta and not tb:
        return 1.0, compared
    score = matcher.ratio()
    # The ratio the other way round can differ (SequenceMatcher's longest matches are found greedily), but never
    # exceeds quick_ratio, the share of tokens the two have in common: when this way reaches it, it is the max.
    if score >= matcher.quick_ratio():
        return score, compared
    return max(score, SequenceMatcher(None, tb, ta, autojunk=False).ratio()), compared


@dataclass(frozen=True, slots=True)
class _Compared:
    """Two texts' tokens (with and without their leading space) and a matcher from the first to the second."""

    a: list[str]
    b: list[str]
    ka: list[str]
    kb: list[str]
    matcher: SequenceMatcher[str]


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level diff that reads well: whole tokens, small equal runs between edits folded into the edit."""
    if old == new or " ".join(old.split()) == " ".join(new.split()):
        same = " ".join(new.split())
        return (Segment("equal", same),) if same else ()
    a, b = tokens(old), tokens(new)
    if not a or not b or len(a) == len(b) == 1:  # what SequenceMatcher would say, without building one
        return tuple(Segment(op, "".join(side)) for op, side in (("delete", a), ("insert", b)) if side)
    ka, kb = [t.strip() for t in a], [t.strip() for t in b]
    return _segments(a, b, ka, kb, SequenceMatcher(None, ka, kb, autojunk=False))


def _word_diff_compared(old: str, new: str, compared: _Compared) -> tuple[Segment, ...]:
    """``word_diff(old, new)`` for two different normalised texts whose ``_compare`` is at hand."""
    a, b = compared.a, compared.b
    if not a or not b or len(a) == len(b) == 1:
        return tuple(Segment(op, "".join(side)) for op, side in (("delete", a), ("insert", b)) if side)
    return _segments(a, b, compared.ka, compared.kb, compared.matcher)


def _segments(
    a: list[str], b: list[str], ka: list[str], kb: list[str], matcher: SequenceMatcher[str]
) -> tuple[Segment, ...]:
    ops = matcher.get_opcodes()
    spans: list[tuple[bool, int, int, int, int]] = []  # (equal?, old start, old end, new start, new end)
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        interior = 0 < index < len(ops) - 1
        if tag == "equal" and not (interior and i2 - i1 <= FOLD_EQUAL_RUN):
            spans.append((True, i1, i2, j1, j2))
        elif spans and not spans[-1][0]:
            spans[-1] = (False, spans[-1][1], i2, spans[-1][3], j2)  # fold into the edit before
        else:
            spans.append((False, i1, i2, j1, j2))
    segments: list[Segment] = []
    for equal, i1, i2, j1, j2 in spans:
        if equal:
            text = "".join(
                (" " if a[i][:1].isspace() or b[j][:1].isspace() else "") + ka[i]
                for i, j in zip(range(i1, i2), range(j1, j2), strict=False)
            )
            segments.append(Segment("equal", text))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return tuple(segments)


def side_text(segments: Sequence[Segment], side: str) -> str:
    """The text of one side ("old" or "new") of a word diff."""
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in segments if s.op != skip)


# ------------------------------------------------------------------------------------------ flat elements


class _Flat:
    """One element in document order, with what the engine compares and prints.  Private and short-lived: a
    plain slotted class, because a diff of 10,000 paragraphs makes some 37,000 of them."""

    __slots__ = (
        "index",
        "node",
        "kind",
        "id",
        "key",
        "body",
        "number",
        "label",
        "parent",
        "article",
        "role",
        "depth",
        "name",
        "klass",
        "region",
    )

    def __init__(
        self,
        index: int,
        node: Element | None,
        kind: str,
        id: str | None,
        key: str,
        body: str,
        number: str,
        label: str,
        parent: int | None,
        article: str,
        role: str = "title",
        depth: int = 0,
        name: str = "",
        region: str = "",
    ) -> None:
        self.index = index
        self.node = node  # None: the instrument's title
        self.kind = kind
        self.id = id
        self.key = key  # text with references as target IDs: what "modified" compares
        self.body = body  # text as printed
        self.number = number  # printed number ("8.3\t", "(c)\t", "Article 8 – "), "" when none
        self.label = label
        self.parent = parent
        self.article = article
        self.role = role
        self.depth = depth  # points holding it
        self.name = name  # "Article 8", "paragraph 8.3", "the preamble"
        self.klass = ROLE_CLASS.get(role, role)  # an ID may move between kinds of one class only
        self.region = region  # preamble, body, final or annexes


HEADED = frozenset({"division", "article", "annex", "table"})


def _texts(node: Element, instrument: Instrument) -> tuple[str, str]:
    """(key, body) of an element's text (a row's cells joined by " | "): without a reference or a footnote, what
    is printed is what is compared."""
    if node.cells:
        pairs = [_run(cell, instrument, node) for cell in node.cells]
        return " | ".join(k for k, _ in pairs), " | ".join(b for _, b in pairs)
    return _run(node.inlines, instrument, node)


def _run(inlines: tuple[Inline, ...], instrument: Instrument, node: Element) -> tuple[str, str]:
    if len(inlines) == 1 and isinstance(inlines[0], Text):  # the usual shape: the parser merges adjacent text
        key = " ".join(inlines[0].text.split())
        return key, key
    keys: list[str] = []
    printed: list[str] = []
    for piece in inlines:
        if isinstance(piece, Text):
            keys.append(piece.text)
            printed.append(piece.text)
        elif isinstance(piece, Ref):  # as model.plain_text writes it
            keys.append(f"\u27e6{piece.target}\u27e7")
            printed.append(ref_label(piece, instrument, node))
        elif isinstance(piece, Note):  # a footnote reads where it is cited: "[note 1: text]"
            note_key, note_body = _run(piece.inlines, instrument, node)
            keys.append(f" [note {piece.label}: {note_key}]")
            printed.append(f" [note {piece.label}: {note_body}]")
    key = " ".join("".join(keys).split())
    return key, key if keys == printed else " ".join("".join(printed).split())


def _name(node: Element) -> str:
    """How a reader names an element in a note: "Article 8", "paragraph 8.3", "the preamble"."""
    if node.role in HEADED:
        return heading_prefix(node).rstrip(" \u2013\n:.") or node.label
    if not node.number:
        return "the preamble" if node.label == "preamble" else node.label
    return node.label


def _flatten(instrument: Instrument, numbers: dict[str, str] | None = None) -> list[_Flat]:
    """Every element in ``Instrument.walk`` order (the title first), read straight off the tree: each parent
    and article is known where its children are reached.  ``numbers`` shares one printed-number string
    ("8.3\t", "(a)\t") among all that print it, in both versions."""
    numbers = {} if numbers is None else numbers
    title = " ".join(instrument.meta.title.split())
    flat = [_Flat(0, None, "title", "title", title, title, "", "title", None, "")]

    def printed(number: str) -> str:
        """The number as the redline prints it, before a tab ("" stays ""), one string per number."""
        return (numbers.get(number) or numbers.setdefault(number, f"{number}\t")) if number else ""

    def add(node: Element, parent: int | None, article: str, depth: int, region: str) -> None:
        at = len(flat)
        if node.role in HEADED:
            key = body = " ".join(node.title.split())
            number = heading_prefix(node) if node.title else node.heading
            if node.role in ("article", "annex"):
                article = node.label
        else:
            key, body = _texts(node, instrument)
            number = printed(node.number)
        flat.append(
            _Flat(
                at,
                node,
                node.kind,
                node.id,
                key,
                body,
                number,
                node.label,
                parent,
                article,
                node.role,
                depth,
                _name(node),
                region,
            )
        )
        inner = depth + (node.role == "point")
        for child in node.children:
            add(child, at, article, inner, region)

    for region, tops in instrument.tops():
        for node in tops:
            add(node, None, "", 0, region)
    return flat


def _line(f: _Flat) -> str:
    return f.number + f.body


# --------------------------------------------------------------------------------------------- alignment


_SAME_BY_ID = Match("id", 1.0)  # immutable: shared by every pair aligned by ID whose text did not change


def _align(
    old: list[_Flat],
    new: list[_Flat],
    problems: list[Diagnostic],
    worded: dict[int, tuple[Segment, ...]],
    rank: Callable[[str], int],
) -> dict[int, tuple[int, Match]]:
    """Pairs old index → (new index, how); ``worded`` collects, per old index, the word diff of an ID-aligned pair
    whose text changed, made with the tokens and matcher its similarity made (kept as segments, not tokens: they
    are what the change shows, and far smaller)."""
    pairs: dict[int, tuple[int, Match]] = {0: (0, Match("id", similarity(old[0].body, new[0].body)))}
    by_id = {f.id: f for f in new[1:] if f.id}
    for f in old[1:]:
        other = by_id.get(f.id) if f.id else None
        if other is None:
            continue
        if other.klass != f.klass:
            problems.append(
                diag(
                    "diff.id-collision",
                    _where(f),
                    _line_no(f),
                    f"ID '{f.id}' labels {f.kind} {f.label} in the old version but {other.kind} {other.label} in the "
                    "new",
                    "IDs are never reused for another element: give one of them a new ID",
                )
            )
            continue
        if f.key == other.key:
            pairs[f.index] = (other.index, _SAME_BY_ID)
            continue
        score, compared = _compare(f.key, other.key)
        if f.key == f.body and other.key == other.body:  # no reference: the printed texts are the compared ones
            worded[f.index] = _word_diff_compared(f.body, other.body, compared)
        if score < UNRELATED_BELOW and min(len(compared.a), len(compared.b)) >= 8:
            problems.append(
                diag(
                    "diff.id-unrelated",
                    _where(other),
                    _line_no(other),
                    f"ID '{f.id}' labels unrelated texts ({f.kind} {f.label} in the old version, {other.label} in the "
                    f"new; similarity {score:.2f})",
                    "if this is another element, give it a new ID; IDs are never reused",
                )
            )
        pairs[f.index] = (other.index, Match("id", score))
    kinds = dict.fromkeys(f.kind for f in (*old[1:], *new[1:]))
    for kind in kinds:  # texts by their words, kind by kind
        if not any(f.kind == kind and f.role in HEADED for f in (*old[1:], *new[1:])):
            _align_content(old, new, pairs, kind)
    for kind in sorted(
        (k for k in kinds if any(f.kind == k and f.role in HEADED for f in (*old, *new))), key=rank, reverse=True
    ):
        _align_containers(old, new, pairs, kind)  # headings by title or contents, the innermost first
    return pairs


def _where(f: _Flat) -> str:
    return f.node.loc.path if f.node is not None else ""


def _line_no(f: _Flat) -> int:
    return f.node.loc.line if f.node is not None else 0


def _free(
    old: list[_Flat], new: list[_Flat], pairs: dict[int, tuple[int, Match]], kind: str
) -> tuple[list[_Flat], list[_Flat]]:
    taken = {j for j, _ in pairs.values()}
    return [f for f in old if f.kind == kind and f.index not in pairs], [
        f for f in new if f.kind == kind and f.index not in taken
    ]


def _tie(i: int, j: int) -> tuple[int, int, int]:
    """A tie-break that orders candidate pairs the same way whichever version is called old."""
    return (i + j, min(i, j), max(i, j))


def _align_content(old: list[_Flat], new: list[_Flat], pairs: dict[int, tuple[int, Match]], kind: str) -> None:
    left, right = _free(old, new, pairs, kind)
    for found in align_by_content(left, right, key=lambda f: f.key, place=lambda f: f.index):
        pairs[left[found.old].index] = (right[found.new].index, Match(found.how, found.score))


@dataclass(frozen=True, slots=True)
class ContentPair:
    """One pair found by ``align_by_content``: positions in the two lists, ``how`` ("exact" | "similar"), score."""

    old: int
    new: int
    how: str
    score: float


def align_by_content(
    old_items: Sequence[_T],
    new_items: Sequence[_T],
    key: Callable[[_T], str],
    threshold: float = SIMILARITY_THRESHOLD,
    *,
    place: Callable[[_T], int] | None = None,
    rank: Callable[[int, int, float], float | None] | None = None,
    near: Callable[[list[list[str]], list[list[str]]], Iterable[Sequence[int]]] | None = None,
) -> list[ContentPair]:
    """Pair two lists by content, each item at most once: identical ``key`` texts first, then word-token
    ``similarity`` at or above ``threshold``, best pairs first (ties: nearest ``place``, the same whichever
    list is called old).

    ``rank(old, new, score)`` may re-rank a pair (and refuse a similar one with None); ``near(old_tokens,
    new_tokens)`` gives, per old item, the positions of the new items worth comparing (default: all, or past
    ``SIMILARITY_WINDOW``² pairs those of about the same rank); both lists hold only the items that no identical
    text paired.
    """
    olds, news = [key(item) for item in old_items], [key(item) for item in new_items]
    where_old = [place(item) if place else k for k, item in enumerate(old_items)]
    where_new = [place(item) if place else k for k, item in enumerate(new_items)]
    candidates: list[tuple[float, tuple[int, int, int], int, int, str]] = []
    by_key: dict[str, list[int]] = {}
    for j, text in enumerate(news):
        by_key.setdefault(text, []).append(j)
    scores: dict[tuple[int, int], float] = {}
    for i, text in enumerate(olds):
        for j in by_key.get(text, []):  # identical texts always pair; ``rank`` only orders them
            scores[(i, j)] = 1.0
            candidates.append(
                ((rank(i, j, 1.0) if rank else None) or 1.0, _tie(where_old[i], where_new[j]), i, j, "exact")
            )
    found: dict[int, tuple[int, Match]] = {}
    _greedy(candidates, found)  # identical texts settled first, so only what is left is compared (and pooled)
    taken = {j for j, _ in found.values()}
    free_old = [i for i in range(len(olds)) if i not in found]
    free_new = [j for j in range(len(news)) if j not in taken]
    candidates = []
    old_keys = [[t.strip() for t in tokens(text)] if i not in found else [] for i, text in enumerate(olds)]
    new_keys = [[t.strip() for t in tokens(text)] if j not in taken else [] for j, text in enumerate(news)]
    # Each text's distinct tokens as the bits of one integer (a bit per token): the count two texts share is one
    # AND and a bit count, where a set intersection would build a set per pair.
    bits: dict[str, int] = {}
    old_masks, new_masks = [_mask(k, bits) for k in old_keys], [_mask(k, bits) for k in new_keys]
    old_distinct, new_distinct = [m.bit_count() for m in old_masks], [m.bit_count() for m in new_masks]
    pools = (
        near([old_keys[i] for i in free_old], [new_keys[j] for j in free_new])
        if near
        else _by_rank(len(free_old), len(free_new))
    )
    for i, pool in zip(free_old, pools, strict=False):
        matcher: SequenceMatcher[str] | None = None
        size, distinct, mask = len(old_keys[i]), old_distinct[i], old_masks[i]
        for j in (free_new[k] for k in pool):
            other = len(new_keys[j])
            # The length alone first (real_quick_ratio): it bounds the next bound from above.
            if size + other and 2.0 * (size if size < other else other) / (size + other) < threshold:
                continue
            if olds[i] == news[j]:
                continue
            # A cheaper bound first: each distinct token of one text missing from the other costs it at least one
            # match, so this is at least quick_ratio (and at most real_quick_ratio); most pairs stop here.
            shared = (mask & new_masks[j]).bit_count()
            if (
                size + other
                and 2.0 * min(size - distinct + shared, other - new_distinct[j] + shared) / (size + other) < threshold
            ):
                continue
            if matcher is None:
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(old_keys[i])
            matcher.set_seq1(new_keys[j])  # quick_ratio bounds the ratio from above, whichever way round
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                # similarity(olds[i], news[j]) on the tokens already made: the matcher is one direction of it
                score = max(matcher.ratio(), SequenceMatcher(None, old_keys[i], new_keys[j], autojunk=False).ratio())
                ranked = (score if score >= threshold else None) if rank is None else rank(i, j, score)
                if ranked is not None:
                    scores[(i, j)] = score
                    candidates.append((ranked, _tie(where_old[i], where_new[j]), i, j, "similar"))
    _greedy(candidates, found)
    return [ContentPair(i, j, m.how, round(scores[(i, j)], 4)) for i, (j, m) in sorted(found.items())]


def _mask(words: list[str], bits: dict[str, int]) -> int:
    """The set of ``words`` as an integer, one bit per distinct word (numbered in ``bits`` as first seen)."""
    mask = 0
    for word in set(words):
        bit = bits.get(word)
        if bit is None:
            bit = bits[word] = 1 << len(bits)
        mask |= bit
    return mask


def _by_rank(old_count: int, new_count: int) -> Iterator[range]:
    """Every new position for each old one; beyond SIMILARITY_WINDOW² pairs, those of about the same rank."""
    wide = old_count * new_count > SIMILARITY_WINDOW**2
    for rank in range(old_count):
        centre = rank * new_count // max(old_count, 1)
        yield (
            range(max(0, centre - SIMILARITY_WINDOW // 2), min(new_count, centre + SIMILARITY_WINDOW // 2))
            if wide
            else range(new_count)
        )


def _greedy(
    candidates: list[tuple[float, tuple[int, int, int], int, int, str]], pairs: dict[int, tuple[int, Match]]
) -> None:
    candidates.sort(key=lambda c: (c[4] != "exact", -c[0], c[1]))
    taken = {j for j, _ in pairs.values()}
    for score, _, i, j, how in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = (j, Match(how, round(score, 4)))
            taken.add(j)


def _align_containers(old: list[_Flat], new: list[_Flat], pairs: dict[int, tuple[int, Match]], kind: str) -> None:
    """Headed elements of ``kind`` (articles, chapters, tables) left unpaired: by the same title, else by how many
    of their contents went to the same one."""
    left, right = _free(old, new, pairs, kind)
    counterpart = {i: j for i, (j, _) in pairs.items()}
    kids_old, kids_new = _kids(old), _kids(new)
    children_old = {a.index: [f.index for f in kids_old.get(a.index, [])] for a in left}
    children_new = {b.index: {f.index for f in kids_new.get(b.index, [])} for b in right}
    candidates: list[tuple[float, tuple[int, int, int], int, int, str]] = []
    for a in left:
        for b in right:
            if a.key == b.key and a.key:
                candidates.append((1.0, _tie(a.index, b.index), a.index, b.index, "exact"))
                continue
            shared = sum(counterpart.get(c) in children_new[b.index] for c in children_old[a.index])
            total = len(children_old[a.index]) + len(children_new[b.index])
            overlap = 2 * shared / total if total else 0.0
            if overlap >= ARTICLE_OVERLAP_THRESHOLD:
                candidates.append((overlap, _tie(a.index, b.index), a.index, b.index, "similar"))
    _greedy(candidates, pairs)


def _same_parent(a: _Flat, b: _Flat, pairs: dict[int, tuple[int, Match]]) -> bool:
    if a.parent is None or b.parent is None:
        return a.parent is None and b.parent is None
    pair = pairs.get(a.parent)
    return pair is not None and pair[0] == b.parent


def _anchors(old: list[_Flat], new: list[_Flat], pairs: dict[int, tuple[int, Match]]) -> list[tuple[int, int]]:
    """The heaviest chain of aligned pairs in the same order on both sides; the rest have moved.

    Weight: one per pair (fewest moves first), then longer text (a short paragraph moves rather than a long
    one), then a checksum of the pair's IDs, so the chain is the same whichever version is called old.
    """
    ordered = sorted((j, i) for i, (j, _) in pairs.items())
    if not ordered:
        return []
    size = len(old) + 1
    # A Fenwick tree of prefix maxima over old positions.  Each entry packs (best chain weight, chain index) into
    # one integer, weight * scale + index + 1, which orders exactly as the pair would: one comparison, no tuple.
    scale = len(ordered) + 1
    tree = [0] * (size + 1)
    best: list[int] = []
    back: list[int] = []
    crc32 = zlib.crc32
    for k, (j, i) in enumerate(ordered):
        a = old[i]
        weight = 10**15 + len(a.body) * 10**6 + crc32(f"{a.id}|{new[j].id}|{a.key}".encode()) % 10**6
        top, position = 0, i  # the best chain ending at an old index below i
        while position:
            if tree[position] > top:
                top = tree[position]
            position &= position - 1
        total = top // scale + weight
        best.append(total)
        back.append(top % scale - 1)
        packed = total * scale + k + 1
        position = i + 1
        while position <= size:
            if tree[position] < packed:
                tree[position] = packed
            position += position & -position
    k = best.index(max(best))
    result: list[tuple[int, int]] = []
    while k >= 0:
        result.append((ordered[k][1], ordered[k][0]))
        k = back[k]
    return sorted(result)


# ---------------------------------------------------------------------------------------- classification


def _kids(flat: list[_Flat]) -> dict[int | None, list[_Flat]]:
    kids: dict[int | None, list[_Flat]] = {}
    for f in flat[1:]:
        kids.setdefault(f.parent, []).append(f)
    return kids


@dataclass
class _State:
    old: list[_Flat]
    new: list[_Flat]
    pairs: dict[int, tuple[int, Match]]
    reverse: dict[int, int] = field(default_factory=dict)
    forward: dict[int, int] = field(default_factory=dict)
    anchored: set[int] = field(default_factory=set)
    split_from: dict[int, int] = field(default_factory=dict)  # new index -> old index it came out of
    merged_into: dict[int, int] = field(default_factory=dict)  # old index -> new index it went into
    kids_old: dict[int | None, list[_Flat]] = field(default_factory=dict)
    kids_new: dict[int | None, list[_Flat]] = field(default_factory=dict)
    split_parts: dict[int, list[int]] = field(default_factory=dict)  # old index -> new pieces split off it
    merge_parts: dict[int, list[int]] = field(default_factory=dict)  # new index -> old pieces merged into it
    worded: dict[int, tuple[Segment, ...]] = field(default_factory=dict)  # old index -> its ID pair's word diff
    changes: dict[int, Change] = field(default_factory=dict)  # old index -> the change of its pair
    tag_sets: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)  # one tuple per set of tags
    numbers: dict[str, tuple[Segment, ...]] = field(default_factory=dict)  # an unchanged number's segments

    def __post_init__(self) -> None:
        self.forward = {i: j for i, (j, _) in self.pairs.items()}
        self.reverse = {j: i for i, j in self.forward.items()}
        self.kids_old, self.kids_new = _kids(self.old), _kids(self.new)


def _holds(whole: str, piece: str) -> bool:
    """Whether ``whole`` holds ``piece``: the share of the piece's tokens that SequenceMatcher matches in it is at
    least ``CONTAINMENT_THRESHOLD``.  No matcher is made when the tokens the two have in common (counted with
    repeats, which bounds the matched ones) already fall short."""
    tp, tw = [t.strip() for t in tokens(piece)], [t.strip() for t in tokens(whole)]
    if not tp:
        return False
    if sum((Counter(tp) & Counter(tw)).values()) / len(tp) < CONTAINMENT_THRESHOLD:
        return False
    blocks = SequenceMatcher(None, tp, tw, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(tp) >= CONTAINMENT_THRESHOLD


def _neighbours(kids: dict[int | None, list[_Flat]], f: _Flat) -> list[_Flat]:
    siblings = [g for g in kids.get(f.parent, []) if g.kind == f.kind]
    at = next(k for k, g in enumerate(siblings) if g.index == f.index)
    return [siblings[k] for k in (at - 1, at + 1) if 0 <= k < len(siblings)]


def _find_splits(state: _State) -> None:
    """A new text (paragraph, point) beside an aligned one whose old text holds it was split off; and the mirror."""
    for f in state.new:
        if f.role not in HEADED and f.index not in state.reverse:
            for other in _neighbours(state.kids_new, f):
                source = state.reverse.get(other.index)
                if source is not None and _holds(state.old[source].key, f.key) and not _holds(other.key, f.key):
                    state.split_from[f.index] = source
                    break
    for f in state.old:
        if f.role not in HEADED and f.index not in state.forward:
            for other in _neighbours(state.kids_old, f):
                target = state.forward.get(other.index)
                if target is not None and _holds(state.new[target].key, f.key) and not _holds(other.key, f.key):
                    state.merged_into[f.index] = target
                    break


def _article_fate(
    f: _Flat, kids: dict[int | None, list[_Flat]], mapping: dict[int, int], other: list[_Flat]
) -> _Flat | None:
    """The one heading (article, chapter) that every child of an unaligned one went to, if there is one."""
    children = kids.get(f.index, [])
    parents = {other[mapping[c.index]].parent for c in children if c.index in mapping}
    if len(parents) == 1 and all(c.index in mapping for c in children) and None not in parents:
        return other[parents.pop()]  # type: ignore[index]
    return None


def _left_over(whole: str, kept: str) -> str:
    """The part of ``whole`` that ``kept`` does not account for: the half that was split off (or merged in)."""
    segments = word_diff(whole, kept)
    return "".join(
        s.text
        for k, s in enumerate(segments)
        if s.op == "delete" and not (k + 1 < len(segments) and segments[k + 1].op == "insert")
    )


def _fate_of_old(state: _State, f: _Flat) -> _Flat | None:
    return _article_fate(f, state.kids_old, state.forward, state.new) if f.role in HEADED else None


def _fate_of_new(state: _State, f: _Flat) -> _Flat | None:
    return _article_fate(f, state.kids_new, state.reverse, state.old) if f.role in HEADED else None


def _tags(state: _State, i: int | None, j: int | None) -> list[str]:
    old, new = state.old, state.new
    if i is None and j is not None:
        return ["split"] if j in state.split_from or _fate_of_new(state, new[j]) else ["inserted"]
    if j is None and i is not None:
        return ["merged"] if i in state.merged_into or _fate_of_old(state, old[i]) else ["deleted"]
    assert i is not None and j is not None
    a, b = old[i], new[j]
    tags: list[str] = []
    if i in state.split_parts:
        tags.append("split")
    if j in state.merge_parts:
        tags.append("merged")
    parent_moved = (a.parent is None) != (b.parent is None) or (
        a.parent is not None and state.forward.get(a.parent) != b.parent
    )
    carried = a.parent is not None and not parent_moved and _moved_block(state, a.parent)
    if (i not in state.anchored and not carried) or parent_moved or a.kind != b.kind:
        tags.append("moved")  # an element carried by its moving parent moved with it, not on its own
    if a.key != b.key:
        if a.role in HEADED:
            tags.append("retitled")
        elif a.body == b.body:  # only a reference's target changed: shown as a reference change, not an empty edit
            tags.append("retargeted")
        else:
            tags.append("modified")
    if a.number != b.number and "moved" not in tags:
        tags.append("renumbered")
    return tags or ["unchanged"]


def _moved_block(state: _State, index: int) -> bool:
    """Whether old element ``index`` (or one of its ancestors) left the chain of anchors: a block that moved whole."""
    current: int | None = index
    while current is not None:
        if current not in state.anchored:
            return True
        current = state.old[current].parent
    return False


def _status(tags: list[str]) -> str:
    return tags[0] if len(tags) == 1 else next(s for s in STATUS_ORDER if s in tags)  # most carry one tag


def _side(f: _Flat, text: str | None = None) -> Side:
    return Side(
        f.id,
        f.kind,
        f.label,
        f.article,
        f.body if text is None else text,
        f.index,
        f.role,
        f.number.rstrip("\t"),
        f.name,
        "" if f.key == f.body else f.key,
    )


def _named(f: _Flat) -> str:
    return f.name


def _holder(flats: list[_Flat], f: _Flat) -> str:
    """The name of the article (or annex) holding ``f``: "Article 8"."""
    parent = f.parent
    while parent is not None:
        if flats[parent].role in ("article", "annex"):
            return flats[parent].name
        parent = flats[parent].parent
    return "the preamble" if f.region == "preamble" else f.region


def _pair_diff(state: _State, a: _Flat, b: _Flat) -> tuple[Segment, ...]:
    """``word_diff(a.body, b.body)``, with what the alignment already compared when it can."""
    if a.body == b.body:
        return (Segment("equal", b.body),) if b.body else ()
    worded = state.worded.get(a.index)
    if worded is not None and state.forward.get(a.index) == b.index:
        return worded
    return word_diff(a.body, b.body)


def _change(state: _State, i: int | None, j: int | None, children: tuple[Change, ...] = ()) -> Change:
    tags = _tags(state, i, j)
    a = state.old[i] if i is not None else None
    b = state.new[j] if j is not None else None
    match = state.pairs[i][1] if i is not None and j is not None else None
    related: tuple[str, ...] = ()
    note = ""
    if a is not None and b is not None:
        segments = _pair_diff(state, a, b)
        pieces, joins = state.split_parts.get(a.index), state.merge_parts.get(b.index)
        parts = [f"new {state.new[k].label}" for k in pieces] if pieces else []
        if joins:
            parts += [f"old {state.old[k].label}" for k in joins]
        related = tuple(parts) if parts else ()
        if "moved" in tags and a.kind != b.kind:
            note = f"{a.kind} {a.label} became {b.kind} {b.label}"
        elif "moved" in tags and not _same_parent(a, b, state.pairs) and a.role in HEADED:
            before = state.old[a.parent].name if a.parent is not None else "the top level"
            after = state.new[b.parent].name if b.parent is not None else "the top level"
            note = f"moved from {before} to {after}"
        elif "moved" in tags:
            note = (
                f"moved from {_named(a)}"
                if a.role in HEADED or a.article != b.article
                else f"moved within {_holder(state.new, b)} (was {a.label})"
            )
        elif "renumbered" in tags:
            note = f"renumbered {a.label} \u2192 {b.label}"
        if parts:
            note = (
                (note + "; " if note else "")
                + ("split into " if any(p.startswith("new") for p in parts) else "merged with ")
                + ", ".join(p.split()[1] for p in parts)
            )
    elif b is not None and j in state.split_from:
        source = state.old[state.split_from[j]]
        related, note = (f"old {source.label}",), f"split from {_named(source)}"
        segments = word_diff(_left_over(source.body, state.new[state.forward[source.index]].body), b.body)
    elif a is not None and i in state.merged_into:
        target = state.new[state.merged_into[i]]
        related, note = (f"new {target.label}",), f"merged into {_named(target)}"
        segments = word_diff(a.body, _left_over(target.body, state.old[state.reverse[target.index]].body))
    else:
        segments = word_diff(a.body if a else "", b.body if b else "")
        if a is not None and "merged" in tags:
            fate = _fate_of_old(state, a)
            assert fate is not None
            related, note = (f"new {fate.label}",), f"merged into {fate.name}"
        elif b is not None and "split" in tags:
            fate = _fate_of_new(state, b)
            assert fate is not None
            related, note = (f"old {fate.label}",), f"split from {fate.name}"
    old_side = (
        None if a is None else _side(a) if b is None or a.body != b.body else _side(a, b.body)
    )  # one string for both
    tagged = tuple(tags)
    either = a if a is not None else b
    assert either is not None
    change = Change(
        either.kind,
        _status(tags),
        state.tag_sets.setdefault(tagged, tagged),
        old_side,
        _side(b) if b else None,
        match,
        segments,
        related,
        note,
        children,
    )
    if i is not None and j is not None:
        state.changes[i] = change
    return change


def _with_children(state: _State, i: int | None, j: int | None) -> Change:
    return _change(state, i, j, _level(state, i, j))


def _level(state: _State, i: int | None, j: int | None, region: str = "") -> tuple[Change, ...]:
    """The changes under one parent (old ``i``, new ``j``; the top of ``region`` when both are None): its new
    children in order, and the old ones that are gone (not moved elsewhere) slotted in after their old
    predecessor."""
    new_children: Sequence[_Flat]
    old_children: Sequence[_Flat]
    if region:
        new_children = [f for f in state.kids_new.get(None, []) if f.region == region]
        old_children = [f for f in state.kids_old.get(None, []) if f.region == region]
    else:
        new_children = state.kids_new.get(j, ()) if j is not None else ()
        old_children = state.kids_old.get(i, ()) if i is not None else ()
    reverse, forward = state.reverse, state.forward
    made = [_with_children(state, reverse.get(f.index), f.index) for f in new_children]
    gone = [f for f in old_children if f.index not in forward]
    if not gone:
        return tuple(made)
    entries: list[tuple[float, Change]] = [(f.index, change) for f, change in zip(new_children, made, strict=False)]
    placed = sorted((reverse[f.index], f.index) for f in new_children if f.index in reverse)
    olds = [o for o, _ in placed]
    running_max: list[int] = []
    for _, n in placed:
        running_max.append(max(running_max[-1], n) if running_max else n)
    first = min((f.index for f in new_children), default=0) - 1
    for f in gone:
        at = bisect_left(olds, f.index)
        base = running_max[at - 1] if at else first
        entries.append((base + 0.5 + f.index / 1e7, _with_children(state, f.index, None)))
    return tuple(change for _, change in sorted(entries, key=lambda e: e[0]))


# --------------------------------------------------------------------------------------------- redline


def _steps(anchors: list[tuple[int, int]], old_count: int, new_count: int) -> Iterator[tuple[int | None, int | None]]:
    """(old, None) removed, (None, new) added, (old, new) kept: between two anchors, what left, then what came."""
    oi = nj = 0
    for i, j in chain(anchors, ((old_count, new_count),)):
        for k in range(oi, i):
            yield k, None
        for k in range(nj, j):
            yield None, k
        if i < old_count:
            yield i, j
        oi, nj = i + 1, j + 1


def _blocks(state: _State, anchors: list[tuple[int, int]]) -> tuple[RedlineBlock, ...]:
    """Old and new interleaved: between two anchors, what left, then what came; the anchors kept in place."""
    old, new = state.old, state.new
    split_from, merged_into = state.split_from, state.merged_into
    out: list[RedlineBlock] = []
    steps = _steps(anchors, len(old), len(new))
    step = next(steps, None)
    while step is not None:
        following = next(steps, None)
        at_old, at_new = step
        if at_old is not None and at_new is not None:
            after_old, after_new = following if following is not None else (None, None)
            joined = None
            if after_old is None and after_new is not None and split_from.get(after_new) == at_old:
                joined = _split_blocks(state, at_old, at_new, after_new)
            elif after_new is None and after_old is not None and merged_into.get(after_old) == at_new:
                joined = _merge_blocks(state, at_old, at_new, after_old)
            if joined:
                out += joined
                step = next(steps, None)
                continue
            out.append(_kept(state, old[at_old], new[at_new]))
        elif at_old is not None:
            out.append(_removed(state, old[at_old]))
        elif at_new is not None:
            out.append(_added(state, new[at_new]))
        step = following
    return tuple(out)


def _split_blocks(state: _State, i: int, j: int, piece: int) -> list[RedlineBlock]:
    """Old paragraph ``i`` became ``j`` and the piece ``piece`` split off it was added right after it: the old
    text with an inserted paragraph break, when the piece is exactly the tail that ``j`` lost."""
    a, b, q = state.old[i], state.new[j], state.new[piece]
    body = _pair_diff(state, a, b)
    if not body or body[-1].op != "delete" or (len(body) > 1 and body[-2].op == "insert"):
        return []
    head, tail = side_text(body[:-1], "old"), body[-1].text
    first = word_diff(head, b.body)
    second = word_diff(tail, q.body)
    numbers = _number_segments(a.number, b.number)
    return [
        # the space between the halves exists only in the old text, where rejecting the break joins them
        RedlineBlock(
            "modified",
            a.kind,
            numbers + first + (Segment("delete", " "),),
            a.number,
            b.number,
            mark="insert",
            role=a.role,
            depth=a.depth,
        ),
        RedlineBlock(
            "modified",
            q.kind,
            (Segment("insert", q.number),) * bool(q.number) + second,
            "",
            q.number,
            role=q.role,
            depth=q.depth,
        ),
    ]


def _merge_blocks(state: _State, i: int, j: int, piece: int) -> list[RedlineBlock]:
    """Old paragraph ``i`` and the one merged into ``j`` and removed right after it (``piece``) became ``j``: a
    deleted paragraph break."""
    a, b, r = state.old[i], state.new[j], state.old[piece]
    body = _pair_diff(state, a, b)
    if not body or body[-1].op != "insert" or (len(body) > 1 and body[-2].op == "delete"):
        return []
    head, tail = side_text(body[:-1], "new"), body[-1].text
    first = word_diff(a.body, head)
    second = word_diff(r.body, tail)
    numbers = _number_segments(a.number, b.number)
    return [
        RedlineBlock(
            "modified",
            a.kind,
            numbers + first + (Segment("insert", " "),),
            a.number,
            b.number,
            mark="delete",
            role=a.role,
            depth=a.depth,
        ),
        RedlineBlock(
            "modified",
            r.kind,
            (Segment("delete", r.number),) * bool(r.number) + second,
            r.number,
            "",
            role=r.role,
            depth=r.depth,
        ),
    ]


def _removed(state: _State, f: _Flat) -> RedlineBlock:
    j = state.pairs.get(f.index, (None,))[0]
    moved = f"to {_named(state.new[j])}" if j is not None else ""
    return RedlineBlock(
        "delete", f.kind, (Segment("delete", _line(f)),), f.number, "", moved, "delete", f.role, f.depth
    )


def _added(state: _State, f: _Flat) -> RedlineBlock:
    i = state.reverse.get(f.index)
    moved = f"from {_named(state.old[i])}" if i is not None else ""
    return RedlineBlock(
        "insert", f.kind, (Segment("insert", _line(f)),), "", f.number, moved, "insert", f.role, f.depth
    )


def _number_segments(old: str, new: str) -> tuple[Segment, ...]:
    """The printed number's change: "8.3" struck, "7.3" inserted, one tab kept after them."""
    core_old, core_new = old.rstrip(), new.rstrip()
    if old == new:
        return (Segment("equal", old),) if old else ()
    if core_old and core_new and old[len(core_old) :] == new[len(core_new) :]:
        if _ONE_NUMBER.fullmatch(core_old) and _ONE_NUMBER.fullmatch(core_new):  # one token each: what word_diff says
            return (Segment("delete", core_old), Segment("insert", core_new), Segment("equal", old[len(core_old) :]))
        return (*word_diff(core_old, core_new), Segment("equal", old[len(core_old) :]))
    return tuple(s for s in (Segment("delete", old), Segment("insert", new)) if s.text)


def _kept(state: _State, a: _Flat, b: _Flat) -> RedlineBlock:
    change = state.changes.get(a.index)
    change = change if change is not None and change.new is not None and change.new.position == b.index else None
    body = change.segments if change is not None else _pair_diff(state, a, b)
    if a.number == b.number:  # the usual case: the same number, made once per diff for all who print it
        numbers = state.numbers.get(a.number)
        if numbers is None:
            numbers = state.numbers[a.number] = _number_segments(a.number, b.number)
        if not body or (len(body) == 1 and body[0].op == "equal"):
            return RedlineBlock("equal", a.kind, numbers + body, a.number, b.number, role=b.role, depth=b.depth)
    else:
        numbers = _number_segments(a.number, b.number)
    segments = numbers + body
    op = "equal" if all(s.op == "equal" for s in segments) else "modified"
    return RedlineBlock(op, a.kind, segments, a.number, b.number, role=b.role, depth=b.depth)


# ------------------------------------------------------------------------------------------- references


def _reference_labels(
    instrument: Instrument, nodes: Iterable[Element] | None = None
) -> dict[str | None, list[tuple[str | None, str, str, str]]]:
    """Per citing element ID: (target ID, printed label, how it was written, citing label), in order; with
    ``nodes``, of those elements only."""
    found: dict[str | None, list[tuple[str | None, str, str, str]]] = {}
    for reference in find_references(instrument, elements=nodes):
        for member in reference.members:
            if member.in_range:
                continue
            if member.ref is not None:
                label = ref_label(member.ref, instrument, reference.source)
                written = "id"
            else:
                label = member.text.strip()
                written = "plain"
            target = member.target.id if member.target is not None else (member.ref.target if member.ref else None)
            found.setdefault(reference.source.id, []).append((target, label, written, reference.source.label))
    return found


def reference_changes(old: Instrument, new: Instrument) -> tuple[RefChange, ...]:
    """References whose printed label changed although the citing text did not mention it, and references that
    now name another element than they did."""
    old_ids, new_ids = {n.id for n in old.walk() if n.id is not None}, {n.id for n in new.walk() if n.id is not None}
    return _reference_changes(_citing(old, old.walk(), new_ids), _citing(new, new.walk(), old_ids), new_ids)


def _citing(
    instrument: Instrument, nodes: Iterable[Element], other_ids: set[str]
) -> dict[str | None, list[tuple[str | None, str, str, str]]]:
    """``_reference_labels`` of the elements that can matter: those whose ID the other version also carries
    and whose text can cite at all (``references.may_cite``); the reference grammar reads only them."""
    return _reference_labels(instrument, citing((n for n in nodes if n.id in other_ids), instrument.profile))


def _reference_changes(
    before: dict[str | None, list[tuple[str | None, str, str, str]]],
    after: dict[str | None, list[tuple[str | None, str, str, str]]],
    present: set[str],
) -> tuple[RefChange, ...]:
    out: list[RefChange] = []
    for source, refs in after.items():
        if source is None or source not in before:
            continue
        old_by_target = {(t, w): (label, src) for t, label, w, src in before[source]}
        old_plain = {label: (t, src) for t, label, w, src in before[source] if w == "plain"}
        for target, label, written, src in refs:
            if written == "id" and (target, "id") in old_by_target:
                was, old_src = old_by_target[(target, "id")]
                if was != label:
                    out.append(RefChange(source, old_src, src, target, was, label, "renumbered"))
            elif written == "plain" and label in old_plain and old_plain[label][0] != target:
                out.append(RefChange(source, old_plain[label][1], src, target, label, label, "retargeted"))
        # a link that now names another element: paired, in order, with the old link whose target it no longer names
        old_links = [(t, label, src) for t, label, w, src in before[source] if w == "id"]
        new_links = [(t, label, src) for t, label, w, src in refs if w == "id"]
        old_targets, new_targets = {t for t, _, _ in old_links}, {t for t, _, _ in new_links}
        lost = [link for link in old_links if link[0] not in new_targets]
        gained = [link for link in new_links if link[0] not in old_targets]
        for (old_target, was_label, old_src), (now, label, src) in zip(lost, gained, strict=False):
            gone = old_target is not None and old_target not in present
            out.append(RefChange(source, old_src, src, now, was_label, label, "retargeted", old_target, gone))
    return tuple(out)


# ----------------------------------------------------------------------------------------------- entry


def diff(old: Instrument, new: Instrument) -> Diff:
    """Align and classify two versions of the instrument, and interleave them into a redline."""
    return _diff(old, new)


def _diff(old: Instrument, new: Instrument) -> Diff:
    problems: list[Diagnostic] = []
    numbers: dict[str, str] = {}
    flat_old, flat_new = _flatten(old, numbers), _flatten(new, numbers)
    worded: dict[int, tuple[Segment, ...]] = {}
    pairs = _align(flat_old, flat_new, problems, worded, new.profile.rank)
    state = _State(flat_old, flat_new, pairs, worded=worded)
    # An article or division that moved into another division has moved whatever its place: it and its contents do
    # not compete for the chain of anchors (else a chapter heading could be called moved for the article that moved
    # into it).  Paragraphs that changed article stay in the chain: merged into the article before, they are shown
    # where they stand, renumbered.
    settled: dict[int, bool] = {}
    for i in sorted(pairs):  # parents come before their children in the flat order
        parent = flat_old[i].parent
        moved_whole = flat_old[i].role in HEADED and not _same_parent(flat_old[i], flat_new[pairs[i][0]], pairs)
        settled[i] = not moved_whole and (parent is None or settled.get(parent, True))
    staying = {i: pair for i, pair in pairs.items() if settled[i]}
    anchors = _anchors(flat_old, flat_new, staying)
    state.anchored = {i for i, _ in anchors}
    _find_splits(state)
    for new_index, old_index in state.split_from.items():
        state.split_parts.setdefault(old_index, []).append(new_index)
    for old_index, new_index in state.merged_into.items():
        state.merge_parts.setdefault(new_index, []).append(old_index)
    regions = {region: _level(state, None, None, region) for region in ("preamble", "body", "final", "annexes")}
    blocks = _blocks(state, anchors)
    title = word_diff(flat_old[0].body, flat_new[0].body)
    return Diff(
        old.meta,
        new.meta,
        title,
        regions["preamble"],
        regions["body"],
        reference_changes(old, new),
        blocks,
        tuple(problems),
        regions["final"],
        regions["annexes"],
    )


def invert(change: Change) -> Change:
    """The change as seen from the other side: what diff(new, old) reports for the same pair."""
    tags = tuple(INVERSE_STATUS.get(t, t) for t in change.tags)
    segments = tuple(Segment({"insert": "delete", "delete": "insert"}.get(s.op, s.op), s.text) for s in change.segments)
    return Change(
        change.kind,
        INVERSE_STATUS.get(change.status, change.status),
        tags,
        change.new,
        change.old,
        change.match,
        segments,
        change.related,
        change.note,
        tuple(invert(c) for c in change.children),
    )
