"""What the reviewers' outputs are made from: the working code text (``settings().source``), the proposals kept
beside it, every ID any ledger has given (a new element's ID must be new to all of them), the IDs earlier clean
texts gave the elements accepted insertions made (``INSERTED`` in each version, so that the same insertion keeps
its ID from one clean text to the next), and the accepted proposals applied (``review.apply``); and how an output
folder is put in place whole.  Never prints."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from drafttools import fsutil
from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, DraftError, Severity, UsageError
from drafttools.model import ids
from drafttools.model.tree import Instrument
from drafttools.review import apply as applying
from drafttools.review import proposals as store
from drafttools.source import ledger, parse
from drafttools.source import versions as versioning
from drafttools.source.files import display

FORMATS = ("docx", "html")  # what every reviewers' output is written as
# In a clean text's folder: each accepted insertion's proposal ID and the ID of the element it made, a line each
INSERTED = "inserted-ids.tsv"
INSERTED_HEADER = (
    "# drafttools: the ID each accepted insertion's element was given in this clean text, kept by the next one.\n"
    "# proposal\tid\n"
)


def formats(spec: str) -> tuple[str, ...]:
    """``--to docx,html``: the formats asked for, in order, each once (a usage error for any other)."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in spec.split(",") if f.strip()))
    wrong = [f for f in chosen if f not in FORMATS]
    if wrong or not chosen:
        raise UsageError(f"--to {spec!r}: choose among {', '.join(FORMATS)} (comma-separated)")
    return chosen


def output_folder(given: Path | None) -> Path:
    """``-o DIR``, or the project's ``build/review/``."""
    return given if given is not None else settings().build / "review"


@dataclass(frozen=True)
class Working:
    source: Path
    instrument: Instrument  # the working text as written
    proposals: tuple[store.Proposal, ...]
    taken: set[str]  # every ID any ledger (the working text's, each version's) has given
    applied: applying.Applied  # the working text with the accepted proposals applied
    diagnostics: tuple[Diagnostic, ...]  # reading the proposals and checking them against the text, applying them


def load() -> Working:
    """The working text, its proposals, and the accepted ones applied; a DraftError when the text cannot be read."""
    config = settings()
    loaded = parse.load(config.source, cache_dir=config.build / ".cache")
    if loaded.instrument is None:
        first = loaded.diagnostics[0].format() if loaded.diagnostics else "it cannot be read"
        raise DraftError(f"the code text cannot be read: {first}", str(config.source))
    found = store.load(config.proposals, display(config.proposals))
    book = ledger.read(config.source)
    present = {e.id for e in loaded.instrument.walk() if e.id}
    problems = store.check(found, present, {i: entry.status for i, entry in book.entries.items()})
    taken = book.used()
    given: dict[str, str] = {}
    if config.versions.is_dir():
        for folder in sorted(config.versions.iterdir()):
            if folder.is_dir() and versioning.NAME.match(folder.name):
                taken |= ledger.read(folder).used()
                given = read_inserted(folder) | given  # the first version by name keeps its ID
    applied = applying.apply(loaded.instrument, found.proposals, taken, given)
    return Working(
        config.source,
        loaded.instrument,
        found.proposals,
        taken,
        applied,
        (*problems, *applied.diagnostics),
    )


def read_inserted(folder: Path) -> dict[str, str]:
    """A clean text's ``INSERTED`` lines (proposal ID → element ID); none when it has none.  A line that is not two
    fields, or whose ID is not well formed (a hand edit), is passed over: the file is a memory, and without it an
    insertion's ID is minted afresh."""
    try:
        text = (folder / INSERTED).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    pairs = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {fields[0]: fields[1] for fields in pairs if len(fields) == 2 and ids.is_valid(fields[1])}


def render_inserted(inserted: dict[str, str]) -> bytes:
    """The ``INSERTED`` file of a clean text, by proposal ID."""
    return (INSERTED_HEADER + "".join(f"{p}\t{i}\n" for p, i in sorted(inserted.items()))).encode()


def blocked(diagnostics: tuple[Diagnostic, ...]) -> bool:
    """Whether a proposal file is unreadable or names no ID the text ever had: an output made without it would
    silently leave out what a delegation proposed, so none is written."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def place_folder(build: Path, target: Path) -> None:
    """Put the folder ``build`` where ``target`` is, replacing what stood there (an output, never a source)."""
    fsutil.swap_folder(build, target)
    shutil.rmtree(build, ignore_errors=True)  # the old folder, when the two were exchanged
