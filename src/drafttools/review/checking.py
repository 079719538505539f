"""What ``drafttools check`` says about the proposals: their files read (``proposal.syntax``, ``proposal.field``,
``proposal.status``) and checked against the working text and its ID ledger (``proposal.target``,
``proposal.target-gone``, ``proposal.merge``)."""

from __future__ import annotations

from pathlib import Path

from drafttools.diagnostics import Diagnostic
from drafttools.review import proposals as store


def check_proposals(source: Path, folder: Path, cache_dir: Path | None = None) -> list[Diagnostic]:
    """The proposals in ``folder`` checked against the code text ``source``; nothing when there are none."""
    from drafttools.source import ledger
    from drafttools.source.parse import load

    loaded = store.load(folder, shown=None)
    if not loaded.proposals and not loaded.diagnostics:
        return []
    instrument = load(source, cache_dir=cache_dir).instrument
    if instrument is None:
        return list(loaded.diagnostics)  # the text's own errors are check's; targets cannot be told
    present = {e.id for e in instrument.walk() if e.id}
    recorded = {i: entry.status for i, entry in ledger.read(source).entries.items()}
    return store.check(loaded, present, recorded)
