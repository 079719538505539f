"""Giving imported elements their IDs back: match each one to an element of an earlier version, or mint one.

In this order (elements with text innermost kind first, then the containers: tables, articles, annexes,
divisions):

1. a bookmark in the Word file naming an ID we know (our DOCX builder writes one on every element; known means
   in the earlier version or in a ledger) keeps that ID — ``how="bookmark"`` — unless the ledger records it as
   retired or as another kind, or it is taken already.  Other bookmarks (pandoc's heading IDs, Word's ``_Toc``)
   are not IDs and are ignored;
2. the rest are paired by content with the diff engine's ``drafttools.diff.align_by_content``: identical
   texts first, then word-token similarity, best pairs first (past ``MAX_PAIRS`` comparisons, only with
   elements near the same relative place or sharing one of its rarest words).  A pair is taken at
   ``CONTENT_THRESHOLD`` (the engine's ``SIMILARITY_THRESHOLD``) or above (``how="content"``), or at
   ``NUMBER_THRESHOLD`` or above when both carry the same number (``how="number+content"``).  The same number
   adds ``NUMBER_BONUS`` to the ranking only, so content wins when numbers moved.  A container (an article, a
   division, a table) is the old one that most of its elements came from (share at ``ARTICLE_OVERLAP`` or above)
   or the one with the same title;
   failing that, it is compared by title and text;
3. everything left gets a new ID from ``drafttools.ids.mint``, never one in ``taken`` (every ID any ledger or
   version knows), so a retired ID is never given again.

The diff engine (``drafttools.diff``) aligns versions by ID first; this module exists because an import has no
IDs yet, and typed numbers are a clue the diff engine does not use: that ranking is the layer this module puts
on top of the engine's content alignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from drafttools.diagnostics import Diagnostic, diag
from drafttools.diff.engine import SIMILARITY_THRESHOLD, align_by_content, similarity
from drafttools.model import ids
from drafttools.model.profile import ROLE_CLASS
from drafttools.model.tree import Element, Instrument, plain_text
from drafttools.source.ledger import Entry

BOOKMARK_LIMIT = 40  # Word and LibreOffice cut bookmark names to 40 characters
CONTENT_THRESHOLD = SIMILARITY_THRESHOLD
NUMBER_THRESHOLD = 0.5
NUMBER_BONUS = 0.1
ARTICLE_OVERLAP = 0.5  # as the diff engine: the share of an article's elements that came from one old article
MAX_PAIRS = 250_000  # content comparisons per kind before the search narrows to nearby elements
MIN_WINDOW = 25
RARE_WORDS = 4


@dataclass(frozen=True, slots=True)
class Pair:
    """One imported element that kept an ID."""

    kind: str
    id: str
    label: str  # its number in the imported file ("8.3"; "" when none)
    old_label: str  # its number in the earlier version ("" when the ID came from a bookmark alone)
    how: str  # "bookmark" | "number+content" | "content"
    score: float


@dataclass(frozen=True, slots=True)
class Lone:
    """An element only on one side: new in the import (with its minted ID), or gone from it."""

    kind: str
    id: str
    label: str
    text: str


@dataclass(frozen=True)
class Matching:
    ids: tuple[str, ...]  # the ID of each imported element, in walk order
    matched: tuple[Pair, ...]
    new: tuple[Lone, ...]
    gone: tuple[Lone, ...]
    problems: tuple[Diagnostic, ...]


CONTAINER_ROLES = frozenset({"division", "article", "annex", "table"})


def node_text(node: Element, instrument: Instrument) -> str:
    if node.role in CONTAINER_ROLES:
        return node.title
    if node.cells:
        return " | ".join(" ".join(plain_text(c, instrument, node).split()) for c in node.cells)
    return " ".join(plain_text(node.inlines, instrument, node).split())


def _mint_text(node: Element, instrument: Instrument) -> str:
    """The words a new ID is made from: the element's own, or (when it has none that count, as "WHO shall:"
    or a lead-in without text) its nearest titled ancestor's title, so the ID is never a bare "paragraph-2"."""
    text = node_text(node, instrument)
    if ids.slug_words(text) or node.role in CONTAINER_ROLES:
        return text
    titled = next((a for a in instrument.ancestors(node) if a.title), None)
    return f"{titled.title} {node.kind}" if titled is not None else text


def _content(node: Element, instrument: Instrument) -> str:
    """What content matching compares, lower-cased: a container's title and all its text; an element's own text."""
    if node.role in CONTAINER_ROLES:
        text = " ".join([node.title] + [node_text(n, instrument) for n in node.walk() if n is not node])
    else:
        text = node_text(node, instrument)
    return " ".join(text.lower().split())


def _same_class(a: str, b: str) -> bool:
    return ROLE_CLASS.get(a, a) == ROLE_CLASS.get(b, b)


def match(
    new: Instrument,
    typed: tuple[str, ...],
    old: Instrument | None,
    taken: Iterable[str],
    ledger: dict[str, Entry],
    path: str,
) -> Matching:
    """The ID of every element of ``new``; ``typed`` holds each one's typed number (walk order)."""
    nodes = list(new.walk())
    labels = [t or n.label for t, n in zip(typed, nodes, strict=False)]
    old_nodes = list(old.walk()) if old is not None else []
    assigned: dict[int, str] = {}
    pairs: dict[int, Pair] = {}
    problems: list[Diagnostic] = []
    claimed: set[str] = set()
    old_by_id = {n.id: i for i, n in enumerate(old_nodes) if n.id}
    used_old: set[int] = set()
    known = {n.id: n.kind for n in old_nodes if n.id} | {i: e.kind for i, e in ledger.items()}
    role_of = {k.name: k.role for k in new.profile.kinds.values()}
    if old is not None:
        role_of = {k.name: k.role for k in old.profile.kinds.values()} | role_of
    for index, node in enumerate(nodes):  # 1. bookmarks naming IDs we know
        if not node.id:
            continue
        node_id = _known(node.id, node.kind, known)
        entry = ledger.get(node_id)
        at = old_by_id.get(node_id)
        fits_old = at is not None and _same_class(old_nodes[at].role, node.role) and at not in used_old
        fits_ledger = (
            entry is not None and _same_class(role_of.get(entry.kind, "text"), node.role) and entry.status == "active"
        )
        if at is None and entry is None:
            continue  # a bookmark of another tool's (pandoc's heading IDs, Word's _Toc): not one of our IDs
        if node_id in claimed or not (fits_old or (at is None and fits_ledger)):
            why = (
                "is used twice in the file"
                if node_id in claimed
                else "is retired in the ID ledger"
                if entry is not None and entry.status == "retired"
                else "is the ID of another kind of element in the ID ledger"
            )
            problems.append(
                diag(
                    "import.bookmark",
                    path,
                    node.loc.line,
                    f"bookmark '{node.id}' on {node.kind} {labels[index] or '(unnumbered)'} {why}; it gets another ID",
                )
            )
            continue
        claimed.add(node_id)
        assigned[index] = node_id
        score = 1.0
        if fits_old and at is not None:
            used_old.add(at)
            score = round(similarity(_content(node, new), _content(old_nodes[at], old)), 3) if old is not None else 1.0
        how = "bookmark" if node_id == node.id else "bookmark (cut)"
        pairs[index] = Pair(
            node.kind, node_id, labels[index], old_nodes[at].label if fits_old and at is not None else "", how, score
        )
    if old is not None:  # an element kept only as its number ("Article 7 (deleted)") is the old one of that number
        _deleted_by_number(nodes, labels, old_nodes, assigned, used_old, pairs, claimed)
    if old is not None:  # 2. content: elements with text, innermost first, then containers by their elements
        order = sorted({n.kind for n in nodes} | {n.kind for n in old_nodes}, key=lambda k: -new.profile.rank(k))
        for kind in order:
            if new.profile.role(kind) not in CONTAINER_ROLES:
                _by_content(kind, nodes, labels, new, old_nodes, old, assigned, used_old, pairs, claimed)
        for kind in order:
            if new.profile.role(kind) in CONTAINER_ROLES:
                _containers_by_children(kind, nodes, labels, old_nodes, old, assigned, used_old, pairs, claimed)
                _by_content(kind, nodes, labels, new, old_nodes, old, assigned, used_old, pairs, claimed)
    busy = set(taken) | claimed | {n.id for n in old_nodes if n.id}
    new_lone: list[Lone] = []
    tried: dict[str, int] = {}
    for index, node in enumerate(nodes):  # 3. mint
        if index in assigned:
            continue
        minted = ids.mint(
            node.kind, _mint_text(node, new), busy, prefix=ids.prefix_for(node.role, node.kind), tried=tried
        )
        busy.add(minted)
        assigned[index] = minted
        new_lone.append(Lone(node.kind, minted, labels[index], node_text(node, new)))
    gone = tuple(
        Lone(n.kind, n.id or "", n.label, node_text(n, old))
        for i, n in enumerate(old_nodes)
        if i not in used_old and old is not None
    )
    return Matching(
        tuple(assigned[i] for i in range(len(nodes))),
        tuple(pairs[i] for i in sorted(pairs)),
        tuple(new_lone),
        gone,
        tuple(problems),
    )


def _known(name: str, kind: str, known: dict[str, str]) -> str:
    """The known ID a bookmark names: itself, or the one ID of that kind it is the first 40 characters of."""
    if name in known or len(name) < BOOKMARK_LIMIT:
        return name
    longer = [i for i, k in known.items() if k == kind and i.startswith(name)]
    return longer[0] if len(longer) == 1 else name


def _deleted_by_number(
    nodes: list[Element],
    labels: list[str],
    old_nodes: list[Element],
    assigned: dict[int, str],
    used_old: set[int],
    pairs: dict[int, Pair],
    claimed: set[str],
) -> None:
    by_label = {(n.kind, n.label): j for j, n in enumerate(old_nodes) if n.id and n.label}
    for i, node in enumerate(nodes):
        if not node.deleted or i in assigned or not labels[i]:
            continue
        j = by_label.get((node.kind, labels[i]))
        node_id = old_nodes[j].id if j is not None else None
        if j is None or j in used_old or node_id is None or node_id in claimed:
            continue
        assigned[i], pairs[i] = node_id, Pair(node.kind, node_id, labels[i], old_nodes[j].label, "number", 1.0)
        used_old.add(j)
        claimed.add(node_id)


def _containers_by_children(
    kind: str,
    nodes: list[Element],
    labels: list[str],
    old_nodes: list[Element],
    old: Instrument,
    assigned: dict[int, str],
    used_old: set[int],
    pairs: dict[int, Pair],
    claimed: set[str],
) -> None:
    """A container whose elements kept IDs of one old container of its kind is that container (overlap = 2 ×
    shared / (new elements + old elements), at least ``ARTICLE_OVERLAP``), as is one with the same title; both
    together rank first."""
    index_of = {id(n): i for i, n in enumerate(nodes)}
    old_index = {id(n): j for j, n in enumerate(old_nodes)}
    old_by_id = {n.id: n for n in old_nodes if n.id}
    titled: dict[str, set[int]] = {}
    for j, n in enumerate(old_nodes):
        if n.kind == kind and n.title:
            titled.setdefault(" ".join(n.title.lower().split()), set()).add(j)
    candidates: list[tuple[float, int, int, float]] = []
    for i, node in enumerate(nodes):
        if node.kind != kind or i in assigned:
            continue
        inside = [c for c in node.walk() if c is not node]
        votes: dict[int, int] = {}
        for child in inside:
            kept = old_by_id.get(assigned.get(index_of[id(child)], ""))
            home = next(
                (
                    a
                    for a in ([kept] if kept is not None else [])
                    + list(old.ancestors(kept) if kept is not None else [])
                    if a.kind == kind
                ),
                None,
            )
            if home is not None:
                votes[old_index[id(home)]] = votes.get(old_index[id(home)], 0) + 1
        title = " ".join(node.title.lower().split())
        for j in set(votes) | (titled.get(title, set()) if title else set()):
            old_node = old_nodes[j]
            total = len(inside) + sum(1 for c in old_node.walk() if c is not old_node)
            overlap = 2 * votes.get(j, 0) / total if total else 0.0
            same_title = bool(title) and j in titled.get(title, set())
            if j not in used_old and (overlap >= ARTICLE_OVERLAP or same_title):
                candidates.append((overlap + (1.0 if same_title else 0.0), i, j, overlap))
    for _, i, j, overlap in sorted(candidates, key=lambda c: (-c[0], c[1])):
        node_id = old_nodes[j].id
        if i in assigned or j in used_old or node_id is None or node_id in claimed:
            continue
        assigned[i] = node_id
        used_old.add(j)
        claimed.add(node_id)
        how = ("number+" if labels[i] == old_nodes[j].label else "") + (
            "content" if overlap >= ARTICLE_OVERLAP else "title"
        )
        pairs[i] = Pair(kind, node_id, labels[i], old_nodes[j].label, how, round(overlap, 3))


def _by_content(
    kind: str,
    nodes: list[Element],
    labels: list[str],
    new: Instrument,
    old_nodes: list[Element],
    old: Instrument,
    assigned: dict[int, str],
    used_old: set[int],
    pairs: dict[int, Pair],
    claimed: set[str],
) -> None:
    """The engine's content alignment, with the typed number as a clue: the same number lowers the bar to
    ``NUMBER_THRESHOLD`` and adds ``NUMBER_BONUS`` to the ranking (identical texts: the same number first)."""
    right = [(i, _content(n, new)) for i, n in enumerate(nodes) if n.kind == kind and i not in assigned]
    left = [
        (j, _content(n, old))
        for j, n in enumerate(old_nodes)
        if n.kind == kind and j not in used_old and n.id and n.id not in claimed
    ]
    if not right or not left:
        return

    def rank(o: int, n: int, score: float) -> float | None:
        same_number = bool(labels[right[n][0]]) and labels[right[n][0]] == old_nodes[left[o][0]].label
        if score < (NUMBER_THRESHOLD if same_number else CONTENT_THRESHOLD):
            return None
        return score + (NUMBER_BONUS if same_number else 0.0)

    found = align_by_content(
        left,
        right,
        key=lambda e: e[1],
        threshold=min(NUMBER_THRESHOLD, CONTENT_THRESHOLD),
        place=lambda e: e[0],
        rank=rank,
        near=_near,
    )
    for aligned in found:
        i, j = right[aligned.new][0], left[aligned.old][0]
        node_id = old_nodes[j].id
        assert node_id is not None
        how = "number+content" if labels[i] == old_nodes[j].label else "content"
        assigned[i], pairs[i] = (
            node_id,
            Pair(kind, node_id, labels[i], old_nodes[j].label, how, round(aligned.score, 3)),
        )
        used_old.add(j)
        claimed.add(node_id)


def _near(left: list[list[str]], right: list[list[str]]) -> Iterator[Sequence[int]]:
    """For each unmatched old element (its tokens), the positions of the new ones to compare it with: all of
    them, or (past ``MAX_PAIRS``) those near the same relative place and those sharing one of its rarest words
    (a paragraph moved far away), so a long instrument costs about linear, not quadratic, time."""
    if len(left) * len(right) <= MAX_PAIRS:
        for _ in left:
            yield range(len(right))
        return
    frequency: dict[str, int] = {}
    holders: dict[str, list[int]] = {}
    for rank, tokens in enumerate(right):
        for word in set(tokens):
            frequency[word] = frequency.get(word, 0) + 1
            holders.setdefault(word, []).append(rank)
    window = max(MIN_WINDOW, MAX_PAIRS // max(1, len(left)) // 4)
    for rank, tokens in enumerate(left):
        centre = rank * len(right) // max(1, len(left))
        near = set(range(max(0, centre - window), min(len(right), centre + window)))
        for word in sorted({w for w in tokens if w in frequency}, key=lambda w: frequency[w])[:RARE_WORDS]:
            near.update(holders[word][:window])
        yield sorted(near)
