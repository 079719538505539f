"""A text's bracketed alternatives read back as proposals (``drafttools proposals --in NAME``): what the
negotiating text wove in, recovered from a version made by importing it (``import negotiating-text.docx --as
NAME``), or from any text whose negotiators wrote alternatives in the source.  Read-only; never prints.

Per element, a *group* is a plain bracket (the words as they stand) followed by one or more alternatives
``[Alt n (BRA, IND): words]``, or alternatives on their own.  For each proponent named in an element's groups, the
words it proposes are the element's words with each group replaced by its alternative there (by the plain
bracket's words where it has none); the alternative *delete* over all the element's words is a proposal to delete
the element, over some of them a proposal to strike those words out.  Proponents
proposing the same words are one proposal naming them all.  An element whose words are nothing but alternatives is
a proposed new element: each alternative is an ``insert-after`` its previous sibling (its parent when it is the
first), of the element's kind.  Two different proposals of one proponent on one element read back as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafttools.model import negotiation
from drafttools.model.tree import Element, Instrument
from drafttools.review import apply as applying
from drafttools.review import proposals as store

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_ALT_BODY = re.compile(r"^\s*(?:Alt|Alternative|Option)\s+[\w.]+\s*(?:\([^()]*\))?\s*:\s*(.*)$", re.S)


@dataclass(frozen=True, slots=True)
class _Group:
    start: int  # where the group begins in the element's words
    end: int
    stands: str | None  # the plain bracket's words; None when the alternatives stand alone
    alternatives: tuple[tuple[tuple[str, ...], str], ...]  # (proponents, words)


def groups(words: str) -> list[_Group]:
    """The groups of brackets in an element's words, in order."""
    found: list[_Group] = []
    brackets = list(_BRACKET.finditer(words))
    k = 0
    while k < len(brackets):
        first = brackets[k]
        start = end = first.start()
        stands: str | None = None
        if negotiation.alternative(first.group(0)) is None:
            stands, end = first.group(1), first.end()
            k += 1
        alternatives: list[tuple[tuple[str, ...], str]] = []
        while k < len(brackets):
            bracket = brackets[k]
            if (stands is not None or alternatives) and words[end : bracket.start()].strip():
                break  # words between: the next bracket begins another group
            alt = negotiation.alternative(bracket.group(0))
            if alt is None:
                break
            body = _ALT_BODY.match(bracket.group(1))
            alternatives.append((alt.proponents, " ".join((body.group(1) if body else "").split())))
            end = bracket.end()
            k += 1
        if alternatives:
            found.append(_Group(start, end, stands, tuple(alternatives)))
    return found


def read(instrument: Instrument) -> tuple[store.Proposal, ...]:
    """Every alternative of ``instrument`` as an open proposal (see the module's docstring)."""
    found: list[store.Proposal] = []
    for element in instrument.walk():
        if not element.has_text and not element.title:
            continue
        words = applying.words(element, instrument)
        made = groups(words)
        if not made:
            continue
        if _only_alternatives(words, made):
            found += _inserts(instrument, element, made[0])
        else:
            found += _amends(instrument, element, words, made)
    return tuple(found)


def _whole(words: str, group: _Group) -> bool:
    """Whether the group stands for all the element's words."""
    return not (words[: group.start] + words[group.end :]).strip()


def _only_alternatives(words: str, made: list[_Group]) -> bool:
    return len(made) == 1 and made[0].stands is None and not (words[: made[0].start] + words[made[0].end :]).strip()


def _numbered(element: Element, n: int) -> str:
    return f"{element.id or element.kind}-alt-{n}"


def _inserts(instrument: Instrument, element: Element, group: _Group) -> list[store.Proposal]:
    siblings = instrument.siblings(element)
    place = next(k for k, s in enumerate(siblings) if s is element)
    anchor = siblings[place - 1] if place else instrument.parent_of(element)
    target = anchor.id if anchor is not None and anchor.id else ""
    return [
        store.Proposal(
            _numbered(element, n),
            target,
            "insert-after",
            "open",
            who,
            inserts=element.kind,
            after=words,
            path=element.loc.path,
        )
        for n, (who, words) in enumerate(group.alternatives, start=1)
    ]


def _amends(instrument: Instrument, element: Element, words: str, made: list[_Group]) -> list[store.Proposal]:
    def rebuilt(choose: dict[int, str]) -> str:
        out, at = [], 0
        for k, g in enumerate(made):
            chosen = choose.get(k, g.stands or "")
            before = words[at : g.start]
            out += [before.rstrip() if chosen[:1] in (",", ";", ":", ".") else before, chosen]
            at = g.end
        out.append(words[at:])
        return " ".join("".join(out).split())

    before = rebuilt({})
    people = list(dict.fromkeys(p for g in made for who, _ in g.alternatives for p in who))
    wanted: dict[tuple[str, str], list[str]] = {}
    for person in people:
        chosen = {k: w for k, g in enumerate(made) for who, w in g.alternatives if person in who}
        whole = [k for k, w in chosen.items() if w.casefold() == "delete" and _whole(words, made[k])]
        if whole:
            key = ("delete", "")
        else:  # *delete* over some of the words: those words struck out
            key = ("amend", rebuilt({k: "" if w.casefold() == "delete" else w for k, w in chosen.items()}))
        wanted.setdefault(key, []).append(person)
    return [
        store.Proposal(
            _numbered(element, n),
            element.id or "",
            kind,
            "open",
            tuple(who),
            before=before,
            after=after,
            path=element.loc.path,
        )
        for n, ((kind, after), who) in enumerate(wanted.items(), start=1)
    ]
