"""Checking cross-references: every reference names an element that exists, prints its current number, says
"above" or "below" truly, calls its target by the right kind, and does not cite its own element or parent.

Reads the references ``model.references`` finds (linked by ID and typed as plain text, one grammar for both) and
returns diagnostics.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator

from drafttools.diagnostics import Diagnostic, a_or_an, diag
from drafttools.model.references import Member, Reference, describe, find_references
from drafttools.model.tree import Instrument, plain_text


def check(instrument: Instrument, references: list[Reference] | None = None) -> list[Diagnostic]:
    """Diagnostics for every reference: unknown IDs, unresolved text, false 'above'/'below', stale labels."""
    problems: list[Diagnostic] = []
    for reference in references if references is not None else find_references(instrument):
        for member in reference.members:
            if not member.in_range:
                problems += _check_member(instrument, reference, member)
    return problems


QUOTED = 80  # characters of a reference phrase a diagnostic quotes


def _quoted(reference: Reference) -> str:
    """The phrase in double quotes, cut in the middle when long: a list of 10,000 members makes a phrase of
    50,000 characters, and quoting it whole in each member's diagnostic printed half a gigabyte."""
    phrase = reference.phrase
    if len(phrase) > QUOTED:
        phrase = f"{phrase[: QUOTED - 20]} … {phrase[-15:]}"
    return f'"{phrase}"'


def _check_member(instrument: Instrument, reference: Reference, member: Member) -> Iterator[Diagnostic]:
    path, line = reference.loc.path, member.line
    source = describe(reference.source, instrument)
    if member.ref is not None and member.target is None:
        yield diag(
            "xref.unknown-id",
            path,
            line,
            f"reference in {source} links to ID '{member.ref.target}', which no element carries",
            "correct the ID, or restore the element it named",
        )
        return
    if member.target is None:
        yield diag(
            "xref.unresolved",
            path,
            line,
            f"{_quoted(reference)} in {source}: {reference.keyword} {member.text.strip()} does not exist",
            "correct the number, or link the reference to an ID",
        )
        return
    target = member.target
    if (
        member.ref is not None
        and member.ref.written
        and member.ref.written != (now := plain_text((member.ref,), instrument, reference.source))
    ):
        yield diag(
            "xref.label-stale",
            path,
            line,
            f"reference in {source} is written '{member.ref.written}' but its target '{target.id}' is now {now}",
            f"write {{xref}}`{target.id}` and let the number print itself",
        )
    if len(reference.members) == 1 and (
        target is reference.source or any(a is target for a in instrument.ancestors(reference.source))
    ):
        whose = "itself" if target is reference.source else f"its own {target.kind}"
        yield diag(
            "xref.self",
            path,
            line,
            f"{_quoted(reference)} in {source} cites {whose} ({describe(target, instrument)})",
            "a reference that names its own element or parent has usually lost its target in a renumbering: check what "
            "it should name",
        )
    elif reference.direction:
        above = instrument.position(target) < instrument.position(reference.source)
        if above != (reference.direction == "above"):
            truth = "above" if above else "below"
            yield diag(
                "xref.direction",
                path,
                line,
                f"{_quoted(reference)} in {source}: {describe(target, instrument)} stands {truth}, not "
                f"{reference.direction}",
                f"write '{truth}'",
            )
    if reference.names and target.kind not in reference.names:
        yield diag(
            "xref.kind",
            path,
            line,
            f"{_quoted(reference)} in {source} calls {describe(target, instrument)} "
            f"{a_or_an(reference.keyword.rstrip('s'))}",
            None,
        )
    if member.ref is None and not member.chained:  # "Article 8, paragraph 3": placed by words, not linkable
        yield diag(
            "xref.untagged",
            path,
            line,
            f"{_quoted(reference)} in {source} is plain text; {member.text.strip()} is '{target.id or '(no ID)'}'",
            f"write {{xref}}`{target.id}` (or run `drafttools check --fix`)"
            if target.id
            else "give the target an ID (`drafttools ids`), then link it",
        )
