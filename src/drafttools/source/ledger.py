"""The ID ledger: every ID ever given in a code text, so that a retired ID is never given again.

``code_text/id-ledger.tsv`` lists each ID with its kind and status:

- ``active``: on an element of the working text;
- ``gone``: no longer in the working text, but not in a frozen version that lacks it either: put back (an undo,
  a paste restored), it is simply active again;
- ``retired``: missing from a version frozen by ``drafttools snapshot``, so its deletion is on record; it is
  never used again (``drafttools ids --restore`` brings one back only onto the element it labelled).

``drafttools ids`` records new IDs as active and vanished ones as gone; ``snapshot`` retires the IDs its frozen
version lacks.  Both write the ledger with the sources or the version they change, under the project lock.
``check`` reads it to refuse a retired ID used again, or an ID moved to another kind of element.  See docs/ids.md.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag
from drafttools.source.files import LEDGER, bounds, display, outside

KIND = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")  # a kind of the profile: article, paragraph, point ...
STATUSES = frozenset({"active", "gone", "retired"})

HEADER = (
    "# drafttools ID ledger: every ID ever given in this code text, with its kind and status.\n"
    "# Written by `drafttools ids` and `drafttools snapshot`: active (in the text), gone (deleted since the last\n"
    "# snapshot: may come back), retired (deleted in a frozen version: never used again).\n"
    "# id\tkind\tstatus\n"
)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    status: str  # "active" | "gone" | "retired"


@dataclass(frozen=True, slots=True)
class Ledger:
    path: Path
    entries: dict[str, Entry]
    exists: bool
    problems: tuple[Diagnostic, ...] = field(default=())

    def used(self) -> set[str]:
        return set(self.entries)


def read(root: Path) -> Ledger:
    path = root / LEDGER
    entries: dict[str, Entry] = {}
    if not path.is_file():
        return Ledger(path, entries, exists=False)
    refused = outside(path, bounds(root))
    if refused is not None:
        return Ledger(path, entries, True, (refused,))
    shown = display(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Ledger(
            path,
            entries,
            True,
            (diag("id.ledger", shown, 1, f"the ID ledger cannot be read: {exc}", "restore it from version control"),),
        )
    problems: list[Diagnostic] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 3 or not KIND.match(fields[1]) or fields[2] not in STATUSES:
            problems.append(
                diag(
                    "id.ledger",
                    shown,
                    number,
                    f"not a ledger line (ID, kind, active|gone|retired, separated by tabs): {raw[:60]!r}",
                    "restore it from version control",
                )
            )
            continue
        if fields[0] in entries:
            problems.append(diag("id.ledger", shown, number, f"ID '{fields[0]}' is listed twice"))
        entries[fields[0]] = Entry(fields[0], fields[1], fields[2])
    return Ledger(path, entries, True, tuple(problems))


def updated(ledger: Ledger, current: dict[str, str]) -> dict[str, Entry]:
    """The ledger after recording ``current`` (ID → kind, the working text's IDs): new and returning IDs active,
    vanished ones gone.  A retired ID stays retired (``ids`` refuses a text that uses one)."""
    entries = dict(ledger.entries)
    for node_id, kind in current.items():
        if entries.get(node_id, Entry(node_id, kind, "active")).status != "retired":
            entries[node_id] = Entry(node_id, kind, "active")
    for node_id, entry in ledger.entries.items():
        if node_id not in current and entry.status == "active":
            entries[node_id] = Entry(node_id, entry.kind, "gone")
    return entries


def retired_by(ledger: Ledger, frozen: set[str]) -> dict[str, Entry]:
    """The ledger after freezing a version whose IDs are ``frozen``: every ID it lacks is retired."""
    return {
        i: e if i in frozen or e.status == "retired" else Entry(i, e.kind, "retired") for i, e in ledger.entries.items()
    }


def render(entries: dict[str, Entry]) -> bytes:
    return (HEADER + "".join(f"{e.id}\t{e.kind}\t{e.status}\n" for e in entries.values())).encode("utf-8")


def changed(ledger: Ledger, entries: dict[str, Entry]) -> bool:
    """Whether ``entries`` differ from the ledger file as it stands."""
    try:
        return not ledger.path.is_file() or ledger.path.read_bytes() != render(entries)
    except OSError:
        return True
