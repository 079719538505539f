"""Use cases for versions and diffs: snapshot, versions, compare.  They return results, never print.

``compare`` resolves both sides (version names, folders or git revisions), refuses a side that does not parse
or carries duplicate IDs (its alignment would be meaningless), and runs the engine once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafttools.checks import identity as checks
from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, Severity, exit_code, sort_key
from drafttools.diff.engine import Diff, diff
from drafttools.source import lock, versions


@dataclass(frozen=True)
class DiffResult:
    old: versions.Resolved
    new: versions.Resolved
    diff: Diff | None
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def compare(old_spec: str, new_spec: str, root: Path | None = None, parse_cache: bool = True) -> DiffResult:
    """Diff two versions given as names, folders or ``REV:PATH``; unchanged files of a named version or a
    folder are read from the project's parse cache unless ``parse_cache`` is off (a git revision is always
    parsed afresh)."""
    config = settings(root)
    cache_dir = config.build / ".cache" if parse_cache else None
    with lock.reading():  # a working text as one writer left it, never half-way
        old = versions.resolve(old_spec, config.versions, config.root, config.source, cache_dir)
        new = versions.resolve(new_spec, config.versions, config.root, config.source, cache_dir)
    edited = [d for d in (*old.diagnostics, *new.diagnostics) if d.code == "version.edited"]
    problems = [
        *checks.unusable(old.spec, old.where, old.diagnostics, old.instrument, " and cannot be compared"),
        *checks.unusable(new.spec, new.where, new.diagnostics, new.instrument, " and cannot be compared"),
    ]
    if problems or old.instrument is None or new.instrument is None:
        return DiffResult(old, new, None, tuple([*problems, *edited]))
    result = diff(old.instrument, new.instrument)
    return DiffResult(old, new, result, tuple(sorted([*result.problems, *edited], key=sort_key)))


@dataclass(frozen=True)
class SnapshotResult:
    path: Path | None  # the new version folder; None when the text had errors and nothing was written
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.path is None else exit_code(self.diagnostics, strict)


def snapshot(name: str, source: Path | None = None, root: Path | None = None) -> SnapshotResult:
    """Freeze the code text as ``versions/NAME``; a text with errors is not frozen.  The IDs the ledger records
    that the frozen text lacks are retired, in the version's ledger and the working one (see docs/ids.md); all
    under the project's write lock."""
    from drafttools.source import lock

    with lock.writing("snapshot"):
        return _snapshot(name, source, root)


def _snapshot(name: str, source: Path | None, root: Path | None) -> SnapshotResult:
    from drafttools.api import check as api
    from drafttools.source import ledger

    config = settings(root)
    folder = source or config.source
    checked = api.check(folder)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    if errors:
        return SnapshotResult(None, errors)
    book = ledger.read(folder)
    retired: bytes | None = None
    if book.exists:
        loaded = api.load_code_text(folder)
        assert loaded.instrument is not None  # it checked without errors
        retired = ledger.render(ledger.retired_by(book, {e.id for e in loaded.instrument.walk() if e.id}))
    return SnapshotResult(versions.snapshot(folder, config.versions, name, retired), ())


def list_versions(root: Path | None = None) -> list[versions.VersionInfo]:
    """The frozen versions (versions/), then the resolutions and decisions (resolutions/, beside it): every
    name ``diff`` and the papers' ``annex`` take besides the working text."""
    folder = settings(root).versions
    return versions.list_versions(folder) + versions.list_versions(folder.parent / versions.RESOLUTIONS, "resolution")
