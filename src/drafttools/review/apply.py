"""Accepted proposals applied to the working text: the text the room has agreed to so far.

``apply(instrument, proposals, taken)`` returns the instrument with every ``accepted`` proposal applied, in the
order the proposals are listed (``proposals.order``: a proponent's in the order they were numbered):

- ``amend``: the element's words become the proposal's ``after`` (an article's or division's title, for a heading);
- ``delete``: the element goes, with what it holds (the ledger records its ID as deleted when the text is written);
- ``insert-after``: a new element of kind ``inserts`` (the target's kind when unsaid) after the target, or as its
  first child when the target is a container of that kind (a first paragraph is inserted "after" its article), its
  ID the one an earlier clean text gave it (``given``: proposal ID → element ID) when that ID is free in the text,
  else minted from its words like an imported element's (``model.ids.mint``), colliding with nothing in ``taken``.

The text may have moved on since the proposal was made.  When the element's words are still ``before``, the change
is made; when they already read ``after``, it was applied by hand and nothing is done; otherwise each changed span
of the proposal (its words with up to three words of context on each side) is looked for in the words as they
stand and, found exactly once, replaced; failing that, a located warning (``review.stale``) and the element is left
as it is.  Several proposals on one element apply one after the other, the later ones by that patch.

The words are changed on the element's inline structure, not on its flattened text: the words as they stand are
compared token by token with the words wanted (the diff engine's tokens), and every token that stays keeps what it
was, so a cross-reference (``{xref}``) whose printed label stays whole stays a reference, and a footnote stays
after the word it followed.  A reference whose label is changed or cut is left as the plain words it printed
(``review.reference-lost``, a note); a footnote whose word is replaced follows the words that replace it.  A table
row's cells are rewritten as plain text (split at " | ").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from drafttools.diagnostics import Diagnostic, diag
from drafttools.diff.engine import tokens
from drafttools.importer.match import CONTAINER_ROLES, node_text
from drafttools.model import ids
from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Element, Inline, Instrument, Loc, Note, Ref, Text, ref_label
from drafttools.review import proposals as store

CONTEXT = 3  # words of context on each side of a changed span, when a proposal is applied to words moved on


@dataclass(frozen=True)
class Applied:
    instrument: Instrument  # numbered, every accepted proposal that could be applied applied
    done: tuple[str, ...]  # proposal IDs applied
    by_hand: tuple[str, ...]  # found already applied (the words read as proposed, the element already gone)
    left: tuple[str, ...]  # not applied (each has a warning)
    inserted: dict[str, str]  # insert-after proposal ID → the ID of the element it inserted
    diagnostics: tuple[Diagnostic, ...]


def words(element: Element, instrument: Instrument) -> str:
    """An element's words as proposals hold them: what a reader sees, whitespace-normalised (a heading's title)."""
    return node_text(element, instrument)


def apply(
    instrument: Instrument,
    proposals: tuple[store.Proposal, ...],
    taken: set[str],
    given: dict[str, str] | None = None,
) -> Applied:
    """``instrument`` with the accepted ``proposals`` applied (see the module's docstring)."""
    accepted = [p for p in proposals if p.status == "accepted" and p.kind in ("amend", "delete", "insert-after")]
    present = {e.id for e in instrument.walk() if e.id}
    state = _State(instrument, set(taken) | present, present, given or {})
    for p in accepted:
        state.one(p)
    state.lost(accepted)
    return Applied(
        state.current,
        tuple(state.done),
        tuple(state.by_hand),
        tuple(state.left),
        dict(state.inserted),
        tuple(state.problems),
    )


class _State:
    def __init__(self, instrument: Instrument, taken: set[str], present: set[str], given: dict[str, str]) -> None:
        self.current = instrument
        self.taken = taken
        self.present = present  # the IDs of the text as it came (an earlier clean text's ID is reused only if free)
        self.given = given
        self.done: list[str] = []
        self.by_hand: list[str] = []
        self.left: list[str] = []
        self.inserted: dict[str, str] = {}
        self.last_inserted: dict[str, str] = {}  # target → the ID inserted after it last (keeps the order)
        self.problems: list[Diagnostic] = []

    def warn(self, code: str, p: store.Proposal, message: str, fix: str, key: str) -> None:
        self.problems.append(diag(code, p.path, _line(p, key), message, fix))

    def lost(self, accepted: list[store.Proposal]) -> None:
        """An amendment or insertion applied, then taken out again by a later deletion of what holds it (an
        article deleted in the same round): not applied after all, and said."""
        for p in accepted:
            if p.id not in self.done or p.kind == "delete":
                continue
            made = self.inserted.get(p.id, p.target)
            if self.current.get(made) is None:
                self.done.remove(p.id)
                self.left.append(p.id)
                self.warn(
                    "review.target-gone",
                    p,
                    f"accepted proposal {p.id} ({p.kind}) on {p.target!r} was applied, then deleted with what "
                    "holds it by another accepted proposal; it is not in the text",
                    "decide which stands: reopen one of the two proposals",
                    "target",
                )

    def one(self, p: store.Proposal) -> None:
        target = self.current.get(p.target)
        if target is None:
            if p.kind == "delete":
                self.by_hand.append(p.id)
                return
            self.left.append(p.id)
            self.warn(
                "review.target-gone",
                p,
                f"accepted proposal {p.id} ({p.kind}) targets {p.target!r}, which is no longer in the text; "
                "it is not applied",
                "apply it by hand where it belongs, or reopen and close it as it stands",
                "target",
            )
            return
        if p.kind == "delete":
            self.current = _rebuilt(self.current, lambda e: () if e is target else None)
            self.done.append(p.id)
        elif p.kind == "amend":
            self.amend(p, target)
        else:
            self.insert(p, target)

    def amend(self, p: store.Proposal, target: Element) -> None:
        now = words(target, self.current)
        wanted = _normal(p.after)
        if now == wanted:
            self.by_hand.append(p.id)
            return
        if now != _normal(p.before):
            if rebase(p.before, p.after, now) is None and _present(p, now):
                self.by_hand.append(p.id)  # its changed spans already read as proposed, its old ones are gone
                return
            patched = rebase(p.before, p.after, now)
            if patched is None:
                self.left.append(p.id)
                self.warn(
                    "review.stale",
                    p,
                    f"accepted proposal {p.id} on {target.label or p.target} ({p.target}) was accepted against words "
                    "that have changed since; apply it by hand",
                    f"make the change in the code text by hand, then the words of {p.target} read as proposed",
                    "before",
                )
                return
            wanted = patched
        changed, lost = with_words(target, wanted, self.current)
        for label in lost:
            self.problems.append(
                diag(
                    "review.reference-lost",
                    p.path,
                    _line(p, "after"),
                    f"applying {p.id} rewrote the reference {label!r} in {target.label or p.target}; it is left as "
                    "plain text",
                    "link it again in the clean text if it should stay a reference",
                )
            )
        self.current = _rebuilt(self.current, lambda e: (changed,) if e is target else None)
        self.done.append(p.id)

    def insert(self, p: store.Proposal, target: Element) -> None:
        kind = p.inserts or target.kind
        after = self.last_inserted.get(target.id or "")
        anchor = (self.current.get(after) if after else None) or target
        following = _following(self.current, anchor)
        if following is not None and words(following, self.current) == _normal(p.after):
            self.by_hand.append(p.id)
            return
        new_id = self.given.get(p.id, "")
        if not new_id or new_id in self.present or new_id in self.inserted.values():
            new_id = ids.mint(kind, p.after, self.taken, prefix=None)
        self.taken.add(new_id)
        role = self.current.profile.role(kind)
        loc = Loc(p.path, 0)
        new = (
            Element(kind, new_id, loc, title=_normal(p.after))
            if role in CONTAINER_ROLES
            else Element(kind, new_id, loc, inlines=(Text(_normal(p.after)),))
        )
        first_child = kind != target.kind and (target.role in CONTAINER_ROLES or kind in _child_kinds(target, self))
        if first_child and anchor is target:
            self.current = _rebuilt(
                self.current, lambda e: (replace(e, children=(new, *e.children)),) if e is target else None
            )
        else:
            self.current = _rebuilt(self.current, lambda e: (e, new) if e is anchor else None)
        self.last_inserted[target.id or ""] = new_id
        self.inserted[p.id] = new_id
        self.done.append(p.id)


def _child_kinds(target: Element, state: _State) -> tuple[str, ...]:
    kind = state.current.profile.kinds.get(target.kind)
    return tuple(kind.children) if kind is not None else ()


def _following(instrument: Instrument, element: Element) -> Element | None:
    siblings = instrument.siblings(element)
    place = next((k for k, s in enumerate(siblings) if s is element), -1)
    return siblings[place + 1] if 0 <= place < len(siblings) - 1 else None


def _line(p: store.Proposal, key: str) -> int:
    return store.line_of(p.path, key) if p.path else 0


def _normal(text: str) -> str:
    return " ".join(text.split())


def _rebuilt(instrument: Instrument, change: Callable[[Element], tuple[Element, ...] | None]) -> Instrument:
    """The instrument with each element for which ``change(element)`` gives a tuple replaced by that tuple (empty:
    removed), numbered again."""

    def walk(elements: tuple[Element, ...]) -> tuple[Element, ...]:
        out: list[Element] = []
        for e in elements:
            made = change(e)
            if made is not None:
                out += made
                continue
            children = walk(e.children)
            out.append(e if children == e.children else replace(e, children=children))
        return tuple(out)

    regions = {region: walk(elements) for region, elements in instrument.tops()}
    return number_instrument(instrument.with_regions(regions))


# ------------------------------------------------------------------------------------------------- words


def rebase(before: str, after: str, current: str) -> str | None:
    """The change from ``before`` to ``after`` made on ``current`` instead: each changed span, with up to
    ``CONTEXT`` words each side, found exactly once in ``current`` and replaced; None when one is not."""
    b, a, c = tokens(before), tokens(after), tokens(current)
    kb, ka, kc = _keys(b), _keys(a), _keys(c)
    places: list[tuple[int, int, list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, kb, ka, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        left, right = max(0, i1 - CONTEXT), min(len(kb), i2 + CONTEXT)
        pattern = kb[left:right]
        if not pattern:
            return None
        found = [k for k in range(len(kc) - len(pattern) + 1) if kc[k : k + len(pattern)] == pattern]
        if len(found) != 1:
            return None
        start = found[0]
        lead, trail = i1 - left, right - i2
        replacement = c[start : start + lead] + a[j1:j2] + c[start + len(pattern) - trail : start + len(pattern)]
        places.append((start, start + len(pattern), replacement))
    places.sort()
    if any(x[1] > y[0] for x, y in zip(places, places[1:], strict=False)):
        return None  # two spans found overlapping: the text moved on too much to tell
    out = list(c)
    for start, end, replacement in reversed(places):
        out[start:end] = replacement
    return _normal("".join(spaced(out)))


def _present(p: store.Proposal, current: str) -> bool:
    """Whether each span the proposal changes already reads as proposed in ``current`` (with its context)."""
    b, a, c = _keys(tokens(p.before)), _keys(tokens(p.after)), _keys(tokens(current))
    for tag, i1, i2, _, _ in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pattern = a[max(0, i1 - CONTEXT) : min(len(a), i2 + CONTEXT)]
        if not any(c[k : k + len(pattern)] == pattern for k in range(len(c) - len(pattern) + 1)):
            return False
    return True


def _keys(found: list[str]) -> list[str]:
    return [t.strip() for t in found]


def spaced(found: list[str]) -> list[str]:
    """Tokens joined as text: a word token keeps its leading space; one that lost it (first of an insertion, say)
    gets one back unless it is punctuation that hugs the word before."""
    out: list[str] = []
    for k, token in enumerate(found):
        if k and not token[:1].isspace() and token.strip()[:1].isalnum() and out[-1].strip()[-1:].isalnum():
            token = " " + token
        out.append(token)
    return out


@dataclass(frozen=True, slots=True)
class _Char:
    ch: str
    owner: int  # index of the Ref piece whose label it is; -1 for plain text


def with_words(element: Element, wanted: str, instrument: Instrument) -> tuple[Element, list[str]]:
    """``element`` with its words made ``wanted``, its references and footnotes kept where their words stay;
    and the labels of references that could not be kept."""
    if element.role in CONTAINER_ROLES:
        return replace(element, title=wanted), []
    if element.cells:
        return replace(element, cells=tuple((Text(c.strip()),) for c in wanted.split(" | "))), []
    inlines, lost = patch_inlines(element.inlines, wanted, instrument, element)
    return replace(element, inlines=inlines), lost


def patch_inlines(
    inlines: tuple[Inline, ...], wanted: str, instrument: Instrument, context: Element | None = None
) -> tuple[tuple[Inline, ...], list[str]]:
    """``inlines`` changed token by token into ``wanted`` (see the module's docstring)."""
    chars, notes = flatten(inlines, instrument, context)
    old_text = "".join(c.ch for c in chars)
    if old_text == _normal(wanted):
        return inlines, []
    old = tokens(old_text)
    new = tokens(wanted)
    spans: list[tuple[int, int]] = []
    at = 0
    for token in old:
        spans.append((at, at + len(token)))
        at += len(token)
    # a footnote stands after the token whose end it follows (-1: before the first)
    after_token: dict[int, list[Note]] = {}
    for position, note in notes:
        k = max((n for n, (_, end) in enumerate(spans) if end <= position), default=-1)
        after_token.setdefault(k, []).append(note)
    out: list[_Char | Note] = list(after_token.get(-1, []))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, _keys(old), _keys(new), autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                start, end = spans[k]
                out += chars[start:end]
                out += after_token.get(k, [])
            continue
        for token in spaced(list(new[j1:j2])) if not out else _joined(out, new[j1:j2]):
            out += [_Char(ch, -1) for ch in token]
        for k in range(i1, i2):
            out += after_token.get(k, [])
    return _grouped(out, inlines, instrument, context)


def _joined(out: list[_Char | Note], found: list[str]) -> list[str]:
    """Inserted tokens after what is already out: spaced as words are."""
    last = next((x.ch for x in reversed(out) if isinstance(x, _Char)), "")
    made: list[str] = []
    for token in found:
        before = made[-1][-1:] if made else last
        if not token[:1].isspace() and token.strip()[:1].isalnum() and before.isalnum():
            token = " " + token
        made.append(token)
    return made


def flatten(
    inlines: tuple[Inline, ...], instrument: Instrument, context: Element | None
) -> tuple[list[_Char], list[tuple[int, Note]]]:
    """The words a reader sees, whitespace-normalised, each character with the reference it belongs to, and each
    footnote with the place in those words where it stands."""
    chars: list[_Char] = []
    notes: list[tuple[int, Note]] = []
    for index, piece in enumerate(inlines):
        if isinstance(piece, Note):
            notes.append((len(chars), piece))
            continue
        text = piece.text if isinstance(piece, Text) else ref_label(piece, instrument, context)
        owner = index if isinstance(piece, Ref) else -1
        for ch in text:
            if ch.isspace():
                if chars and chars[-1].ch != " ":
                    chars.append(_Char(" ", owner))
            else:
                chars.append(_Char(ch, owner))
    while chars and chars[-1].ch == " ":
        chars.pop()
    notes = [(min(p, len(chars)), n) for p, n in notes]
    return chars, notes


def _grouped(
    out: list[_Char | Note], inlines: tuple[Inline, ...], instrument: Instrument, context: Element | None
) -> tuple[tuple[Inline, ...], list[str]]:
    pieces: list[Inline] = []
    lost: list[str] = []
    used: set[int] = set()
    k = 0
    while k < len(out):
        item = out[k]
        if isinstance(item, Note):
            pieces.append(item)
            k += 1
            continue
        end = k
        while end < len(out) and isinstance(out[end], _Char) and out[end].owner == item.owner:  # type: ignore[union-attr]
            end += 1
        text = "".join(c.ch for c in out[k:end] if isinstance(c, _Char))
        if item.owner >= 0:
            ref = inlines[item.owner]
            assert isinstance(ref, Ref)
            label = ref_label(ref, instrument, context)
            if text.strip() == label and item.owner not in used:
                if text[:1] == " ":
                    pieces.append(Text(" "))
                pieces.append(ref)
                used.add(item.owner)
                k = end
                continue
            lost.append(label)
        pieces.append(Text(text))
        k = end
    merged: list[Inline] = []
    for piece in pieces:
        if merged and isinstance(piece, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + piece.text)
        else:
            merged.append(piece)
    if merged and isinstance(merged[0], Text):
        merged[0] = Text(merged[0].text.lstrip())
    written = "".join(c.ch for c in out if isinstance(c, _Char))
    for index, piece in enumerate(inlines):  # a reference whose words were rewritten but still stand as words
        if isinstance(piece, Ref) and index not in used and (label := ref_label(piece, instrument, context)) in written:
            lost.append(label)
    return tuple(p for p in merged if not (isinstance(p, Text) and not p.text)), sorted(set(lost))
