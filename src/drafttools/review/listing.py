"""Listing proposals (``drafttools proposals``): filtered by proponent and status, each with its target's number in
the working text and the word diff of its words (the diff engine's), as data for the text listing and the JSON
(``drafttools.proposals/1``, docs/proposals-json.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafttools.diagnostics import Diagnostic, UsageError, exit_code
from drafttools.diff.engine import word_diff
from drafttools.review import proposals as store

SCHEMA = "drafttools.proposals/1"


@dataclass(frozen=True)
class Listing:
    proposals: tuple[store.Proposal, ...]
    labels: dict[str, str]  # target ID → its printed number in the working text ("8.2(c)")
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def list_proposals(folder: Path, source: Path, party: str | None = None, status: str | None = None) -> Listing:
    """The proposals in ``folder`` made (or joined as proponent) by ``party`` and with ``status``."""
    if status is not None and status not in store.STATUSES:
        raise UsageError(f"--status {status!r}: choose one of {', '.join(store.STATUSES)}")
    loaded = store.load(folder)
    chosen = [
        p
        for p in loaded.proposals
        if (party is None or party.casefold() in (x.casefold() for x in p.proponents))
        and (status is None or p.status == status)
    ]
    return Listing(tuple(chosen), _labels(source), loaded.diagnostics)


def list_alternatives(version: str, party: str | None = None, status: str | None = None) -> Listing:
    """The proposals that the bracketed alternatives of ``version`` (a name, ``code_text``) make
    (``review.alternatives``), filtered like ``list_proposals``; labels from that text."""
    from drafttools.config import settings
    from drafttools.review.alternatives import read
    from drafttools.source.parse import load
    from drafttools.source.versions import known, locate

    if status is not None and status not in store.STATUSES:
        raise UsageError(f"--status {status!r}: choose one of {', '.join(store.STATUSES)}")
    config = settings()
    folder = locate(version, config.versions, config.source)
    if folder is None:
        raise UsageError(f"--in {version}: no such version (known: {', '.join(known(config.versions, config.source))})")
    loaded = load(folder)
    if loaded.instrument is None:
        return Listing((), {}, loaded.diagnostics)
    chosen = [
        p
        for p in read(loaded.instrument)
        if (party is None or party.casefold() in (x.casefold() for x in p.proponents))
        and (status is None or p.status == status)
    ]
    labels = {e.id: e.heading or e.label for e in loaded.instrument.walk() if e.id}
    return Listing(tuple(chosen), labels, ())


def _labels(source: Path) -> dict[str, str]:
    from drafttools.config import settings
    from drafttools.source.parse import load

    if not source.is_dir():
        return {}
    instrument = load(source, cache_dir=settings().build / ".cache").instrument
    if instrument is None:
        return {}
    return {e.id: e.heading or e.label for e in instrument.walk() if e.id}


def as_json(listing: Listing) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "proposals": [_proposal(p, listing.labels) for p in listing.proposals],
        "diagnostics": [d.to_json() for d in listing.diagnostics],
    }


def _proposal(p: store.Proposal, labels: dict[str, str]) -> dict[str, object]:
    words = word_diff(p.before, p.after) if p.kind == "amend" else ()
    return {
        "id": p.id,
        "target": p.target,
        "label": labels.get(p.target),
        "kind": p.kind,
        "inserts": p.inserts or None,
        "status": p.status,
        "merged_into": p.merged_into or None,
        "proponents": list(p.proponents),
        "supporters": list(p.supporters),
        "objectors": list(p.objectors),
        "authors": list(p.authors),
        "answers": p.answers,
        "date": p.date,
        "note": p.note,
        "before": p.before,
        "after": p.after,
        "words": [{"op": s.op, "text": s.text} for s in words],
        "changes": [{"type": m.type, "author": m.author, "date": m.date, "text": m.text} for m in p.changes],
        "comments": [
            {
                "author": c.author,
                "date": c.date,
                "anchor": c.anchor,
                "text": c.text,
                "note": c.note,
                "replies": [{"author": r.author, "date": r.date, "text": r.text} for r in c.replies],
            }
            for c in p.comments
        ],
        "source": None
        if p.source is None
        else {"file": p.source.file, "sha256": p.source.sha256, "where": p.source.where, "key": p.source.key},
        "path": p.path,
    }


def text_lines(listing: Listing) -> list[str]:
    """One heading line per proposal, then its words: '- ' as answered, '+ ' as proposed, '# ' its comments."""
    lines: list[str] = []
    for p in listing.proposals:
        where = listing.labels.get(p.target) or "(not in the text)"
        who = ", ".join(p.proponents) + (f" ({', '.join(p.authors)})" if p.authors else "")
        status = p.status + (f" into {p.merged_into}" if p.merged_into else "")
        lines.append(f"{p.id:<12} {status:<10} {p.kind:<13} {where} [{p.target}]  {who}")
        if p.supporters or p.objectors:
            lines.append(
                f"    supported by {', '.join(p.supporters) or 'none'}; "
                f"objected to by {', '.join(p.objectors) or 'none'}"
            )
        if p.kind in ("amend", "delete"):
            lines.append(f"    - {p.before}")
        if p.kind in ("amend", "insert-after"):
            lines.append(f"    + {p.after}")
        if p.kind == "note":
            lines.append(f"    ! {p.note}")
        for c in p.comments:
            lines.append(f"    # {c.author}: {c.text}" + (f"  (on {c.anchor!r})" if c.anchor else ""))
            lines += [f"      > {r.author}: {r.text}" for r in c.replies]
            if c.note:
                lines.append(f"      ({c.note})")
    counts: dict[str, int] = {}
    for p in listing.proposals:
        counts[p.status] = counts.get(p.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "none"
    lines.append(f"{len(listing.proposals)} proposal(s): {summary}")
    return lines
