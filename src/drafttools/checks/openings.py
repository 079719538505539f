"""Checking how texts open: a kind whose profile says ``opening_required`` (a resolution's operative paragraph,
which opens with its operative verb in capitals: "ADOPTS", "URGES Member States:") must open with the words its
``opening`` pattern reads; each one that does not is a ``structure.opening`` error at its text's line, with the
profile's ``opening_fix``.  Standard library only.
"""

from __future__ import annotations

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.tree import Instrument, Text, opening


def check(instrument: Instrument) -> list[Diagnostic]:
    profile = instrument.profile
    required = {k.name: k for k in profile.kinds.values() if k.opening_required}
    if not required:
        return []
    problems: list[Diagnostic] = []
    for element in instrument.walk():
        kind = required.get(element.kind)
        if kind is None or opening(element, profile):
            continue
        first = element.inlines[0].text if element.inlines and isinstance(element.inlines[0], Text) else ""
        words = " ".join(first.split()[:4])
        name = f"{kind.describe()} {element.label}".strip() if element.number else kind.describe()
        problems.append(
            diag(
                "structure.opening",
                element.loc.path,
                element.text_line or element.loc.line,
                f"{name} ({element.id or 'no ID'}) does not open as a {kind.describe()} must"
                + (f": it opens '{words} ...'" if words else ": it has no text"),
                kind.opening_fix or f"open it with what the profile's 'opening' for {kind.name} reads",
            )
        )
    return problems
