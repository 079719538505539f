"""The three-way compare as the reviewers use it: a base version, the Secretariat's revision (ours) and one
Member State's return (theirs).  Returns a result, never prints.

Each side is what ``diff`` takes (a version name, a folder, ``REV:PATH``); ours and theirs may also be a returned
file (.docx, .txt, .md), read in memory as ``import --ids-from BASE --dry-run`` reads it (tracked changes
accepted: the return as its sender would have it), so its elements carry the base's IDs and nothing is written.
A side that does not parse, or carries duplicate IDs, is refused as ``diff`` refuses it.  The engine then runs
base→ours and base→theirs, and ``diff.three_way`` combines the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drafttools.checks import identity as checks
from drafttools.config import Settings, settings
from drafttools.diagnostics import Diagnostic, Severity, exit_code, sort_key
from drafttools.diff.engine import diff
from drafttools.diff.three_way import ThreeWay, combine
from drafttools.importer import usecase as importer
from drafttools.model.tree import Instrument
from drafttools.source import lock, versions

RETURNS = (".docx", *importer.TEXT_SUFFIXES)  # a side given as one of these files is a return, imported in memory


@dataclass(frozen=True)
class ThreeWayResult:
    names: tuple[str, str, str]  # base, ours, theirs as the user gave them
    three_way: ThreeWay | None  # None when a side cannot be compared (its problems are the diagnostics)
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        """1 for a side that cannot be compared, an error (a warning too, strict), or a conflict; else 0."""
        found = exit_code(self.diagnostics, strict)
        return found or int(self.three_way is None or bool(self.three_way.conflicts))


def compare3(
    base_spec: str, ours_spec: str, theirs_spec: str, root: Path | None = None, parse_cache: bool = True
) -> ThreeWayResult:
    """What ours and theirs each changed in base, and where they conflict."""
    config = settings(root)
    cache_dir = config.build / ".cache" if parse_cache else None
    names = (base_spec, ours_spec, theirs_spec)
    with lock.reading():  # a working text as one writer left it, never half-way
        base = versions.resolve(base_spec, config.versions, config.root, config.source, cache_dir)
        problems = checks.unusable(base_spec, base.where, base.diagnostics, base.instrument, " and cannot be compared")
        if problems or base.instrument is None:
            return ThreeWayResult(names, None, tuple(problems))
        sides = [
            _return(spec, base_spec) if _is_return(spec, config) else _version(spec, config, cache_dir)
            for spec in (ours_spec, theirs_spec)
        ]
    unusable = [p for side in sides for p in side.problems if side.instrument is None or p.severity is Severity.ERROR]
    ours, theirs = (side.instrument for side in sides)
    if unusable or ours is None or theirs is None:
        return ThreeWayResult(names, None, tuple(sorted(unusable, key=sort_key)))
    to_ours, to_theirs = diff(base.instrument, ours), diff(base.instrument, theirs)
    said = [p for side in sides for p in side.problems]
    found = dict.fromkeys((*said, *to_ours.problems, *to_theirs.problems))  # the base's own come twice
    return ThreeWayResult(names, combine(to_ours, to_theirs), tuple(sorted(found, key=sort_key)))


@dataclass(frozen=True)
class _Side:
    instrument: Instrument | None  # None: it cannot be compared
    problems: tuple[Diagnostic, ...]


def _is_return(spec: str, config: Settings) -> bool:
    """A side named as a file (``.docx``, ``.txt``, ``.md``, or a legacy ``.doc`` the importer names as such) is a
    return, there or not (the importer says "no such file"); a folder or a version of that name is a version."""
    path = Path(spec)
    named = path.suffix.lower() in (*RETURNS, ".doc") and ":" not in spec
    return named and not path.is_dir() and not (config.versions / spec).is_dir()


def _version(spec: str, config: Settings, cache_dir: Path | None) -> _Side:
    resolved = versions.resolve(spec, config.versions, config.root, config.source, cache_dir)
    problems = checks.unusable(
        spec, resolved.where, resolved.diagnostics, resolved.instrument, " and cannot be compared"
    )
    return _Side(None if problems else resolved.instrument, tuple(problems))  # as ``diff``: only what stops it


def _return(spec: str, base_spec: str) -> _Side:
    """A returned file read against the base, as a dry-run import keeps IDs; nothing is written."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(spec).stem).strip(".-") or "return"
    if versions.name_problem(name) is not None:
        name = f"return-{name}"
    result = importer.import_draft(Path(spec), name, base_spec, track_changes="accept", dry_run=True)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    return _Side(None if errors else result.instrument, result.diagnostics)
