"""Identity checks: every element has one well-formed, unique, never-reused ID.

Pure functions over the model and the ledger; they return diagnostics.  Standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafttools.diagnostics import Diagnostic, Severity, a_or_an, diag
from drafttools.model import ids
from drafttools.model.profile import ROLE_CLASS
from drafttools.model.references import describe
from drafttools.model.tree import Instrument, Loc

if TYPE_CHECKING:  # the ledger is read by an adapter; this logic only looks at what it holds
    from drafttools.source.ledger import Ledger


def check_ids(instrument: Instrument) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    first: dict[str, Loc] = {}
    for node in instrument.walk():
        node_id = node.id
        if not node_id:
            problems.append(
                diag(
                    "id.missing",
                    node.loc.path,
                    node.loc.line,
                    f"{describe(node, instrument)} has no ID",
                    "run `drafttools ids` to give it one",
                )
            )
            continue
        # ``is_valid`` holds exactly when ``problem`` finds nothing, and costs less: most IDs are well formed
        if not ids.is_valid(node_id) and (why := ids.problem(node_id)) is not None:
            problems.append(
                diag(
                    "id.malformed",
                    node.loc.path,
                    node.loc.line,
                    f"ID '{node_id}' of {describe(node, instrument)} is malformed: {why}",
                    "use lower-case words joined by single hyphens, e.g. 'data-to-secretariat'",
                )
            )
        elif ids.looks_number_derived(node_id):
            problems.append(
                diag(
                    "id.number-like",
                    node.loc.path,
                    node.loc.line,
                    f"ID '{node_id}' of {describe(node, instrument)} looks derived from a number, which renumbering "
                    "will falsify",
                    "choose an ID from its words, e.g. 'data-to-secretariat'",
                )
            )
        if node_id in first:
            problems.append(
                diag(
                    "id.duplicate",
                    node.loc.path,
                    node.loc.line,
                    f"duplicate ID '{node_id}' on {describe(node, instrument)}; first defined at {first[node_id]}",
                    "give one of them another ID",
                )
            )
        else:
            first[node_id] = node.loc
    return problems


def check_ledger(instrument: Instrument, ledger: Ledger) -> list[Diagnostic]:
    """Retired IDs used again, IDs that changed kind, IDs not yet recorded, recorded IDs now gone."""
    if not ledger.exists:
        return []
    problems: list[Diagnostic] = list(ledger.problems)
    if any(d.code == "source.outside" for d in problems):
        return problems  # a ledger refused unread: every ID would look unrecorded
    shown = str(ledger.path)
    present: set[str] = set()
    for node in instrument.walk():
        if not node.id or node.id in present:
            continue
        present.add(node.id)
        entry = ledger.entries.get(node.id)
        if entry is None:
            problems.append(
                diag(
                    "id.unrecorded",
                    node.loc.path,
                    node.loc.line,
                    f"ID '{node.id}' of {describe(node, instrument)} is not in the ledger",
                    "run `drafttools ids` to record it",
                )
            )
        elif entry.status == "retired":
            problems.append(
                diag(
                    "id.reused",
                    node.loc.path,
                    node.loc.line,
                    f"ID '{node.id}' was retired (its {entry.kind} was deleted) and may not be used again",
                    "give this element a new ID (`drafttools ids` mints one)",
                )
            )
        elif entry.kind != node.kind and id_class(entry.kind, instrument) != id_class(node.kind, instrument):
            problems.append(
                diag(
                    "id.kind-changed",
                    node.loc.path,
                    node.loc.line,
                    f"ID '{node.id}' was given to {a_or_an(entry.kind)}, and now labels {a_or_an(node.kind)}",
                    "give this element a new ID",
                )
            )
    for entry in ledger.entries.values():
        if entry.status == "active" and entry.id not in present:
            problems.append(
                diag(
                    "id.gone",
                    shown,
                    0,
                    f"{entry.kind} '{entry.id}' is no longer in the text",
                    "put it back if its deletion was a slip; else `drafttools ids` records it as gone",
                )
            )
    return problems


def id_class(kind: str, instrument: Instrument) -> str:
    """An ID may pass between kinds of one class (a point promoted to a paragraph keeps its ID), never between
    classes (an article's ID never labels a paragraph)."""
    return ROLE_CLASS.get(instrument.profile.role(kind), "text")


def unusable(
    spec: str, where: str, problems: tuple[Diagnostic, ...], instrument: Instrument | None, consequence: str
) -> list[Diagnostic]:
    """A version's errors, and its duplicate IDs (which make aligning by ID meaningless), with one more line that
    says what cannot be done with it (``consequence``, as "and cannot be compared"); [] when it is usable."""
    found = [d for d in problems if d.severity is Severity.ERROR]
    if instrument is not None:
        found += [d for d in check_ids(instrument) if d.code == "id.duplicate"]
    if found and not any(d.code == "version.no-code-text" for d in found):
        found.append(
            diag(
                "version.unreadable",
                where,
                0,
                f"{spec} has {len(found)} error(s){consequence}",
                f"run: drafttools check {where}",
            )
        )
    return found
