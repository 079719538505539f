"""The redline audit use case: does a published revision show every change it makes to the previous version?
Returns a result, never prints, writes nothing.

``audit_revision`` reads the previous version as ``diff`` does (a version name, ``code_text``, a folder or
``REV:PATH``), reads the revision (a Word file) with every change it shows rejected (``importer.docx``: Word
revisions, or struck and underlined text, whichever the file uses), recognises its structure with the previous
version's profile and gives its elements the IDs of the elements they match (``importer.structure`` and
``importer.match``, as ``import`` does), keeping the numbers as the file types them, and compares the two with
the diff engine (``diff.audit``).  What differs is a change the revision does not show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from drafttools.checks import identity
from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, UsageError, diag, exit_code
from drafttools.diff.audit import RELATED_AT, Audit, Unshown, audit
from drafttools.importer import match as matching
from drafttools.importer.blocks import Read, Refused
from drafttools.importer.structure import recognise
from drafttools.importer.usecase import as_typed, with_ids
from drafttools.model.tree import Instrument, Meta
from drafttools.source import files as sources
from drafttools.source import lock, versions

# What the reader says it left out that could hold words of the revision (comments are remarks, not the text).
_LEFT_OUT = ("import.dropped-entities", "import.dropped-macros", "import.dropped-objects")


@dataclass(frozen=True)
class AuditResult:
    previous: str  # the previous version as typed
    where: str  # where it was read from (a folder, or REV:PATH)
    file: str  # the revision, as shown in messages
    audit: Audit | None  # None when the comparison could not be made (see ``diagnostics``)
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def audit_revision(
    previous: str, file: Path, marks: str = "auto", *, parse_cache: bool = True, root: Path | None = None
) -> AuditResult:
    """Audit the Word file ``file`` as a revision of the version ``previous``; ``marks`` (``auto``, ``tracked``,
    ``formatting``) says what shows a change (``importer.docx.read_docx``)."""
    from drafttools.importer.docx import MARKS, read_docx  # python-docx only when a Word file is read

    if marks not in MARKS:
        raise UsageError(f"--marks {marks!r}: choose one of {', '.join(MARKS)}")
    if not file.is_file():
        raise UsageError(f"{file}: {'a folder, not a file' if file.is_dir() else 'no such file'}")
    config = settings(root)
    with lock.reading():
        side = versions.resolve(
            previous, config.versions, config.root, config.source, config.build / ".cache" if parse_cache else None
        )
    shown = sources.display(file)
    result = AuditResult(previous, side.where, shown, None, ())
    cannot = ", so no revision can be audited against it"
    if (
        problems := identity.unusable(side.spec, side.where, side.diagnostics, side.instrument, cannot)
    ) or side.instrument is None:
        return replace(result, diagnostics=tuple(problems))
    try:
        read = read_docx(file, shown, "reject", marks=marks)
    except Refused as refused:
        return replace(result, diagnostics=(refused.diagnostic,))
    base = side.instrument
    found = [d for d in side.diagnostics if d.code == "version.edited"]  # a version edited since it was frozen
    found += [d for d in read.problems if d.code in _LEFT_OUT] + _mixed(read, shown)
    revision = _revision(read, shown, base)
    if revision is None:
        why = f"no article heading was found in it (read with the profile {base.profile.name} of {previous})"
        return replace(result, diagnostics=(*found, _unrelated(shown, previous, why)))
    honoured = tuple(s for s in read.shown if read.marks == "formatting" or s.kind not in ("struck", "underlined"))
    outcome = audit(base, revision, shown, read.marks, honoured, frozenset(read.renumbered))
    if not outcome.related:
        share = outcome.kept / outcome.words
        why = (
            f"rejecting its shown changes keeps {share:.0%} of the words of {previous} in place (a revision keeps at "
            f"least {RELATED_AT:.0%})"
        )
        return replace(result, diagnostics=(*found, _unrelated(shown, previous, why)))
    found += [_finding(u, previous) for u in outcome.unshown]
    return replace(result, audit=outcome, diagnostics=tuple(found))


def _revision(read: Read, shown: str, base: Instrument) -> Instrument | None:
    """The revision with its shown changes rejected, as a model: recognised with the previous version's profile,
    its elements carrying the IDs of the previous version's elements they match, numbered as the file types
    them.  None when no article is recognised in it."""
    draft = recognise(read, shown, base.profile)
    if any(p.code == "import.no-article" for p in draft.problems):
        return None
    found = matching.match(draft.instrument, draft.typed, base, (), {}, shown)
    meta = Meta(draft.instrument.meta.title, "revision", "", "", base.meta.language)
    return as_typed(with_ids(draft.instrument, found.ids, meta), draft)


def _mixed(read: Read, shown: str) -> list[Diagnostic]:
    """A warning when changes are read from Word revisions while the file also holds struck or underlined text."""
    formatted = [s for s in read.shown if s.kind in ("struck", "underlined")]
    if read.marks != "tracked" or not formatted:
        return []
    counted = " and ".join(f"{s.count} run(s) of {s.kind} text" for s in formatted)
    return [
        diag(
            "audit.mixed-marks",
            shown,
            0,
            f"the file shows its changes as Word tracked changes, and also holds {counted}, read as plain text",
            "if strikethrough and underline mark changes too, run again with --marks formatting (it reads both)",
        )
    ]


def _unrelated(shown: str, previous: str, why: str) -> Diagnostic:
    return diag(
        "audit.unrelated",
        shown,
        0,
        f"{shown} is not a revision of {previous}: {why}",
        "audit a revision against the version it revises (drafttools versions lists them)",
    )


def _finding(unshown: Unshown, previous: str) -> Diagnostic:
    where = f" (ID {unshown.id})" if unshown.id else ""
    return diag(
        "audit.unshown",
        unshown.path,
        unshown.line,
        unshown.describe().replace(unshown.name, unshown.name + where, 1),
        f"show it as a tracked change (or struck/underlined), or give back the words of {previous}",
    )
