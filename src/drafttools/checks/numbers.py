"""Checking numbers written in the source: with given numbering, every numbered element has its number, and the
numbers of one sequence rise without repeating ("92", "92a", "93"; gaps are allowed: an adopted act keeps them);
with computed numbering, a number written in the source is ignored, and said so.  Standard library only.
"""

from __future__ import annotations

import re

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.profile import Counter
from drafttools.model.references import describe
from drafttools.model.tree import Element, Instrument

_ORDER = re.compile(r"(\d+)|([a-z]+)")


def _order_key(token: str) -> tuple[tuple[int, str], ...]:
    """ "92" < "92a" < "92b" < "93"; "ii" < "iii" (roman and words compare by the profile's counter first)."""
    return tuple((int(d), "") if d else (-1, w) for d, w in _ORDER.findall(token.lower()))


def check(instrument: Instrument) -> list[Diagnostic]:
    profile = instrument.profile
    problems: list[Diagnostic] = []
    if profile.numbering != "given":
        for element in instrument.walk():
            if element.given:
                problems.append(
                    diag(
                        "numbering.ignored",
                        element.loc.path,
                        element.loc.line,
                        f"{describe(element, instrument)} is written ':number: {element.given}', but the profile "
                        f"'{profile.name}' computes numbers from order",
                        "remove ':number:', or set numbering = \"given\" in manifest.toml to keep written numbers",
                    )
                )
        return problems
    sequences: dict[tuple[int, str], list[Element]] = {}
    for element in instrument.walk():
        if not element.token or element.role == "text":
            continue
        kind = profile.kind(element.kind)
        if kind is None or not kind.counter(0).counts:
            continue
        parent = instrument.parent_of(element)
        scope = 0 if kind.scope == "instrument" or parent is None else id(parent)
        sequences.setdefault((scope, element.kind), []).append(element)
        if not element.given:
            problems.append(
                diag(
                    "numbering.missing",
                    element.loc.path,
                    element.loc.line,
                    f"{describe(element, instrument)} has no ':number:'; with given numbering it was counted on from "
                    "the one before",
                    f"write ':number: {element.token}' under its directive",
                )
            )
    counters = {name: kind.counter(0) for name, kind in profile.kinds.items()}
    for (_, _), elements in sequences.items():
        seen: dict[str, Element] = {}
        values = [_value(counters.get(e.kind), e.token) for e in elements]  # each once: a tenth of a deep check
        for at, after in enumerate(elements):
            before = elements[at - 1] if at else None
            key = after.token.lower()
            if key in seen:
                first = seen[key]
                problems.append(
                    diag(
                        "numbering.duplicate",
                        after.loc.path,
                        after.loc.line,
                        f"{describe(after, instrument)} repeats the number of the {after.kind} at {first.loc}",
                        "give it its own number (an inserted element takes a letter: 92a)",
                    )
                )
                continue
            seen[key] = after
            if before is not None and values[at - 1] >= values[at]:
                problems.append(
                    diag(
                        "numbering.order",
                        after.loc.path,
                        after.loc.line,
                        f"{describe(after, instrument)} follows {describe(before, instrument)}: the numbers go "
                        "backwards",
                        "put the elements in the order of their numbers, or correct the number",
                    )
                )
    return problems


def _value(counter: Counter | None, token: str) -> tuple[object, ...]:
    counted = counter.value(token) if counter is not None else None
    letters = _LEADING_DIGITS.sub("", token.lower()) if counted is not None else ""
    return (counted if counted is not None else -1, letters, _order_key(token))


_LEADING_DIGITS = re.compile(r"^\d+")
