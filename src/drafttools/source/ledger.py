"""The ID ledger: every ID ever given in a code text, so that a retired ID is never given again.

``code_text/id-ledger.tsv`` lists each ID with its kind and status (``active`` or ``retired``).  Only
``drafttools ids`` writes it (atomically): it records new IDs as active and IDs gone from the text as retired.
``check`` reads it to refuse a retired ID used again, or an ID moved to another kind of element.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag
from drafttools.fsutil import write_atomic
from drafttools.source.files import LEDGER, display

KIND = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")  # a kind of the profile: article, paragraph, point ...
STATUSES = frozenset({"active", "retired"})

HEADER = (
    "# drafttools ID ledger: every ID ever given in this code text, with its kind and status.\n"
    "# Written by `drafttools ids`; an ID marked retired is never used again.\n"
    "# id\tkind\tstatus\n"
)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    status: str  # "active" | "retired"


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
                    f"not a ledger line (ID, kind, active|retired, separated by tabs): {raw[:60]!r}",
                    "restore it from version control",
                )
            )
            continue
        if fields[0] in entries:
            problems.append(diag("id.ledger", shown, number, f"ID '{fields[0]}' is listed twice"))
        entries[fields[0]] = Entry(fields[0], fields[1], fields[2])
    return Ledger(path, entries, True, tuple(problems))


def updated(ledger: Ledger, current: dict[str, str]) -> dict[str, Entry]:
    """The ledger after recording ``current`` (ID → kind): new IDs active, vanished ones retired."""
    entries = dict(ledger.entries)
    for node_id, kind in current.items():
        entries[node_id] = Entry(node_id, kind, "active")
    for node_id, entry in ledger.entries.items():
        if node_id not in current and entry.status == "active":
            entries[node_id] = Entry(node_id, entry.kind, "retired")
    return entries


def write(ledger: Ledger, entries: dict[str, Entry]) -> bool:
    """Write the ledger if it changed; True when it did."""
    body = HEADER + "".join(f"{e.id}\t{e.kind}\t{e.status}\n" for e in entries.values())
    if ledger.path.is_file() and ledger.path.read_text(encoding="utf-8") == body:
        return False
    write_atomic(ledger.path, body)
    return True
