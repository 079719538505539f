"""Numbering: every printed number, citation label and heading of an instrument, computed by its profile.

The only place numbers are made.  Each kind counts as its profile says: over the whole instrument (articles,
annexes) or afresh under each parent (paragraphs, points, chapters within a title), with the format of its depth
when it nests in itself ((a) holding (i)).  With ``numbering = "given"`` a number written in the source is kept
as it is (gaps stay, "92a" stands between 92 and 93) and only a missing one is counted on from the one before.
In the preamble and the final clauses only recitals and citations are numbered.  Templates read ``{n}`` (the
printed counter, "(c)"), ``{t}`` (the bare token, "c"), ``{parent}`` (the nearest numbered ancestor's label),
``{number}`` (the element's printed number), ``{title}`` and ``{KIND}`` (the token of the nearest ancestor of
that kind, "{article}").  Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence

from drafttools.model.profile import TEMPLATE_FIELD, Counter, Kind, Profile
from drafttools.model.tree import Element, Instrument

_REGION_NUMBERED_ROLES = {"preamble": ("recital", "citation"), "final": ("recital", "citation")}

# What numbering computes for one element: its role, token, number, label, near form and heading.
Numbers = tuple[str, str, str, str, str, str]


class _Fields(dict[str, str]):
    """Template fields; one that is not known (an ancestor kind absent here) prints as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, fields: _Fields) -> str:
    return template.format_map(fields) if template else ""


def _made(element: Element, children: tuple[Element, ...], numbers: Numbers) -> Element:
    """The element with its numbers and its (numbered) children."""
    role, token, number, label, near, heading = numbers
    return Element(
        element.kind,
        element.id,
        element.loc,
        element.title,
        element.inlines,
        children,
        element.numbered,
        element.given,
        element.deleted,
        element.header,
        element.cells,
        element.text_line,
        role,
        token,
        number,
        label,
        near,
        heading,
        element.status,
    )


class _Numberer:
    """Numbers an instrument's elements, in document order (each parent before its children)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.global_counts: dict[str, int] = {}
        self.global_last: dict[str, str] = {}
        self.index: dict[str, Element] = {}
        self.parent: dict[int, Element] = {}
        self.region: dict[int, str] = {}

    def children(
        self, elements: tuple[Element, ...], region: str, parent: Element | None, trail: tuple[Element, ...]
    ) -> tuple[Element, ...]:
        """Number one parent's children (``trail``: the numbered ancestors, outermost first)."""
        counts: dict[str, int] = {}
        last: dict[str, str] = {}
        texts = 1 if parent is not None and parent.inlines else 0
        out: list[Element] = []
        for element in elements:
            kind = self.profile.kind(element.kind)
            if kind is not None and kind.role == "text":
                texts += 1
            made = self.element(element, kind, region, parent, trail, counts, last, texts)
            out.append(made)
        return tuple(out)

    def element(
        self,
        element: Element,
        kind: Kind | None,
        region: str,
        parent: Element | None,
        trail: tuple[Element, ...],
        counts: dict[str, int],
        last: dict[str, str],
        texts: int,
    ) -> Element:
        numbers = self.numbers(element, kind, region, trail, counts, last, texts)
        children: tuple[Element, ...] = ()
        if element.children:  # numbered under a stand-in that knows its numbers, then made once with them
            stand_in = _made(element, (), numbers)
            children = self.children(element.children, region, stand_in, (*trail, stand_in))
        made = _made(element, children, numbers)
        self.register(made, region)
        for child in children:
            self.parent[id(child)] = made
        return made

    def numbers(
        self,
        element: Element,
        kind: Kind | None,
        region: str,
        trail: tuple[Element, ...],
        counts: dict[str, int],
        last: dict[str, str],
        texts: int,
    ) -> Numbers:
        """The element's computed fields: role, token, number, label, near form and heading."""
        role = kind.role if kind is not None else "text"
        depth = sum(1 for a in trail if a.kind == element.kind)
        counter = kind.counter(depth) if kind is not None else Counter("none")
        allowed = _REGION_NUMBERED_ROLES.get(region)
        numbered = element.numbered and counter.numbered and (allowed is None or role in allowed)
        token = number = ""
        mark = bool(element.given) and not any(ch.isalnum() for ch in element.given)  # a dash indent: "—"
        if numbered and mark:
            numbered, number = False, element.given
        elif numbered:
            token = self.token(element, kind, counter, counts, last)
            number = counter.decorate(token) if counter.counts else counter.decorate("")
        elif role == "text":
            token = str(texts)  # "the second subparagraph": its place among its parent's runs of text
        fields = _Fields(n=number, t=token, title=element.title)
        for ancestor in (*trail, element):
            fields[ancestor.kind] = ancestor.token
        fields["parent"] = next((a.label for a in reversed(trail) if a.number and a.label), "")
        fields["number"] = _fill(kind.number, fields) if kind is not None and numbered else number
        if numbered and kind is not None:
            number = fields["number"]
            label = _fill(kind.label, fields)
            near = _fill(kind.near, fields)
        else:
            near = ""
            label = self.unnumbered_label(kind, region, fields)
        return role, token, number, label, near, self.heading(element, kind, fields, numbered)

    def token(
        self, element: Element, kind: Kind | None, counter: Counter, counts: dict[str, int], last: dict[str, str]
    ) -> str:
        """The element's bare number: given and kept, or counted on from the one before."""
        scope_counts, scope_last = (
            (self.global_counts, self.global_last)
            if kind is not None and kind.scope == "instrument"
            else (counts, last)
        )
        name = element.kind
        if self.profile.numbering == "given" and element.given:
            token = element.given
            value = counter.value(token)
            if value is not None:
                scope_counts[name] = value
        else:
            value = scope_counts.get(name, 0) + 1
            scope_counts[name] = value
            token = counter.token(value) if counter.counts else str(value)
        scope_last[name] = token
        return token

    def unnumbered_label(self, kind: Kind | None, region: str, fields: _Fields) -> str:
        if region == "preamble":
            return self.profile.preamble_label
        if region == "final":
            return self.profile.final_label
        if (
            kind is not None
            and kind.unnumbered_label
            and all(fields[name] for name in TEMPLATE_FIELD.findall(kind.unnumbered_label))
        ):
            return _fill(kind.unnumbered_label, fields)
        return fields["parent"]

    def heading(self, element: Element, kind: Kind | None, fields: _Fields, numbered: bool) -> str:
        if kind is None or not kind.headed:
            return ""
        head = _fill(kind.heading, fields) if numbered else (kind.word or "")
        if not head:
            head = element.title
        elif element.title:
            head = f"{head}{kind.title_join}{element.title}"
        if element.deleted:
            head = f"{head} {self.profile.deleted}"
        return head

    def register(self, element: Element, region: str) -> None:
        if element.id and element.id not in self.index:
            self.index[element.id] = element
        self.region[id(element)] = region


class Mismatch(Exception):
    """Numbers replayed on a tree of another shape (more elements, fewer, or of other kinds)."""


class _Replayer:
    """Puts numbers computed before (``computed_numbers`` of an instrument of the same structure) back on the
    elements, in document order, without counting: each element made once, with nothing else read.  Raises
    ``Mismatch`` when an element is not of the kind the next numbers were made for."""

    def __init__(self, numbers: Sequence[tuple[str, Numbers]]) -> None:
        self.replayed = iter(numbers)
        self.parent: dict[int, Element] = {}
        self.region: dict[int, str] = {}

    def children(self, elements: tuple[Element, ...], region: str) -> tuple[Element, ...]:
        return tuple([self.element(element, region) for element in elements])

    def element(self, element: Element, region: str) -> Element:
        made_for, numbers = next(self.replayed, _NONE)
        if made_for != element.kind:
            raise Mismatch(str(element.loc))
        children = self.children(element.children, region) if element.children else ()
        made = _made(element, children, numbers)
        self.region[id(made)] = region
        for child in children:
            self.parent[id(child)] = made
        return made


_NONE = ("", ("", "", "", "", "", ""))


def number_instrument(instrument: Instrument, replay: Sequence[tuple[str, Numbers]] | None = None) -> Instrument:
    """Compute every printed number, label and heading, and index the elements by ID (the first element to carry
    an ID keeps it in the index; ``checks`` reports the duplicate).

    With ``replay``, the numbers are not computed but taken from it: ``computed_numbers`` of an earlier numbering
    of an instrument whose every element reads the same to numbering (``source.numbering_cache`` keys them so).
    Raises ``Mismatch`` when it does not fit this tree element for element."""
    regions = {}
    numberer: _Numberer | _Replayer
    if replay is None:
        numberer = _Numberer(instrument.profile)
        for region, elements in instrument.tops():
            regions[region] = numberer.children(elements, region, None, ())
    else:
        numberer = _Replayer(replay)
        for region, elements in instrument.tops():
            regions[region] = numberer.children(elements, region)
        if next(numberer.replayed, None) is not None:
            raise Mismatch("numbers left over")
    # the index is filled children-first; refill it in document order so that a duplicated ID names its first
    numbered = instrument.with_regions(regions)
    numbered._parent.update(numberer.parent)
    numbered._region.update(numberer.region)
    index: dict[str, Element] = {}
    for element in numbered.walk():
        if element.id and element.id not in index:
            index[element.id] = element
    numbered._index.update(index)
    return numbered


def computed_numbers(numbered: Instrument) -> list[tuple[str, Numbers]]:
    """What ``number_instrument`` computed for each element, in document order, with its kind: to replay."""
    return [(e.kind, (e.role, e.token, e.number, e.label, e.near, e.heading)) for e in numbered.walk()]


def heading_prefix(element: Element) -> str:
    """What the heading puts before the title ("Article 8 – "); the whole heading when untitled.  For a renderer
    that prints the title itself (a word diff)."""
    if element.title and element.heading.endswith(element.title):
        return element.heading[: len(element.heading) - len(element.title)]
    return element.heading
