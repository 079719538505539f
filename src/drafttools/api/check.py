"""Use cases: check, ids, and (in their own modules) build, diff and import.  They return results, never print.

Each use case parses once (``parse.load``) and hands the one model to every stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafttools.diagnostics import Diagnostic, UsageError, a_or_an, diag, exit_code, sort_key
from drafttools.source.files import display

if TYPE_CHECKING:  # the parse stack (docutils, myst-parser) is imported only when a parse is needed
    from drafttools.model.tree import Element, Instrument
    from drafttools.source import ledger, rewrite
    from drafttools.source.parse import Loaded


@dataclass(frozen=True)
class CheckResult:
    diagnostics: tuple[Diagnostic, ...]
    instrument: Instrument | None  # None when the text could not be read, or the result came from the cache
    open_brackets: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    changes: tuple[rewrite.Edit, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)  # version and element counts
    cached: bool = False

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)

    def to_cache(self) -> dict[str, Any]:
        return {
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "open_brackets": self.open_brackets,
            "summary": self.summary,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> CheckResult:
        found = tuple(
            Diagnostic(d["code"], d["path"], d["line"], d["message"], d.get("fix")) for d in data["diagnostics"]
        )
        return cls(found, None, data["open_brackets"], (), data["summary"], cached=True)


def _require_folder(path: Path) -> None:
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if not path.is_dir():
        raise UsageError(f"{path}: not a folder; give the code text folder (the one holding manifest.toml)")


def _refuse_frozen(path: Path, command: str) -> None:
    """A version under the project's versions folder is frozen: ``ids`` and ``check --fix`` never rewrite it (its
    sources and ledger are the record of what was sent out)."""
    from drafttools.config import settings

    frozen = settings().versions.resolve()
    if path.resolve().is_relative_to(frozen) and path.resolve() != frozen:
        raise UsageError(
            f"{path}: a frozen version; `drafttools {command}` rewrites a text, and versions are never changed "
            "(run it on the working text, then freeze a new version with `drafttools snapshot NAME`)"
        )


def load_code_text(path: Path, parse_cache: bool = True) -> Loaded:
    """Parse a code text folder; a path that is not a folder is a usage error.

    Unchanged files are served from the project's parse cache (``parsecache``) unless ``parse_cache`` is off
    or DRAFTTOOLS_NO_CACHE is set.
    """
    from drafttools.config import settings
    from drafttools.source.parse import load

    _require_folder(path)
    return load(path, cache_dir=settings().build / ".cache" if parse_cache else None)


def check(path: Path, fix: bool = False, cache_dir: Path | None = None, parse_cache: bool = True) -> CheckResult:
    """Every check on a code text: structure, IDs, the ledger, cross-references and brackets.

    With ``fix``, plain-text references that resolve are first linked to their targets' IDs (in place,
    atomically), and the text is checked again as it now stands.  With ``cache_dir``, an unchanged text's
    result is served from the cache (see ``checkcache`` for why it cannot be stale).
    """
    from drafttools.checks import cache as checkcache
    from drafttools.source import lock

    _require_folder(path)
    if fix:
        _refuse_frozen(path, "check --fix")
        with lock.writing("check --fix"):
            return _check(path, fix, parse_cache)
    with lock.reading():  # the text and its ledger as one writer left them, never half-way
        key = checkcache.key(path) if cache_dir is not None else None
        if cache_dir is not None and (hit := checkcache.load(cache_dir, path, key)) is not None:
            return CheckResult.from_cache(hit)
        result = _check(path, fix, parse_cache)
    if cache_dir is not None and key is not None:
        checkcache.store(cache_dir, path, key, result.to_cache())
    return result


def _check(path: Path, fix: bool, parse_cache: bool = True) -> CheckResult:
    from drafttools.model import references as xref
    from drafttools.source import rewrite

    loaded = load_code_text(path, parse_cache)
    changes: tuple[rewrite.Edit, ...] = ()
    if fix and loaded.instrument is not None and not _unreadable(loaded):
        changes = tuple(rewrite.link_references(xref.find_references(loaded.instrument)))
        if changes:
            loaded = load_code_text(path, parse_cache)
    return check_loaded(path, loaded, changes)


def check_loaded(
    path: Path, loaded: Loaded, changes: tuple[rewrite.Edit, ...] = (), book: ledger.Ledger | None = None
) -> CheckResult:
    """``check`` on a code text already parsed (``load_code_text``), so that a build can start on the model
    while the checks run; the same result as ``check(path)``.  ``book``: its ID ledger, when read with it."""
    from drafttools.checks import brackets, numbers, openings, xref_cache
    from drafttools.checks import identity as checks
    from drafttools.config import settings
    from drafttools.source import ledger, seal

    problems = [*loaded.diagnostics, *seal.check(path, settings().source)]
    instrument = loaded.instrument
    found: list[brackets.Bracket] = []
    if instrument is not None:
        problems += checks.check_ids(instrument)
        problems += checks.check_ledger(instrument, book if book is not None else ledger.read(path))
        problems += numbers.check(instrument)
        problems += openings.check(instrument)
        problems += xref_cache.check(instrument, loaded.keys, loaded.skeleton, loaded.cache_dir)
        found, bracket_problems = brackets.scan(instrument)
        problems += bracket_problems + brackets.report(found)
    problems += [diag("xref.fixed", c.path, c.line, f"linked: {c.before!r} -> {c.after!r}") for c in changes]
    return CheckResult(
        tuple(sorted(problems, key=sort_key)), instrument, brackets.by_article(found), changes, _summary(instrument)
    )


def _summary(instrument: Instrument | None) -> dict[str, Any]:
    """The version and how many elements of each kind it holds (profile order), for the one-line summary."""
    if instrument is None:
        return {}
    kinds = {name: 0 for name in instrument.profile.kinds}
    roles = {"article": 0, "paragraph": 0, "point": 0}
    for element in instrument.walk():
        kinds[element.kind] = kinds.get(element.kind, 0) + 1
        if element.role in roles:
            roles[element.role] += 1
    return {
        "version": instrument.meta.version,
        "profile": instrument.profile.name,
        "articles": roles["article"],
        "paragraphs": roles["paragraph"],
        "items": roles["point"],
        "kinds": {k: n for k, n in kinds.items() if n},
    }


def _unreadable(loaded: Loaded) -> bool:
    return any(d.code.startswith(("source.encoding", "myst.")) for d in loaded.diagnostics)


def _retiring_referenced(instrument: Instrument, book: Any) -> tuple[Diagnostic, ...]:
    """Links to an ID that is in the ledger as active but on no element: `ids` would record it as gone, and the
    next snapshot would retire it for good."""
    from drafttools.model.tree import Ref

    present = {n.id for n in instrument.walk() if n.id}
    found: list[Diagnostic] = []
    for node in instrument.walk():
        for piece in (p for run in node.texts() for p in run):
            if not isinstance(piece, Ref):
                continue
            entry = book.entries.get(piece.target)
            if entry is not None and entry.status == "active" and piece.target not in present:
                found.append(
                    diag(
                        "id.retire-referenced",
                        piece.loc.path,
                        piece.loc.line,
                        f"ID '{piece.target}' is on no element, but this reference links to it; `ids` would record it "
                        "as gone, and the next snapshot would retire it for good",
                        f"put '{piece.target}' back on the {entry.kind} it named, or change the reference",
                    )
                )
    return tuple(found)


@dataclass(frozen=True)
class IdsResult:
    changes: tuple[rewrite.Edit, ...]
    gone: tuple[str, ...]  # IDs newly recorded as gone from the text
    recorded: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    ledger_written: bool

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def assign_ids(path: Path, dry_run: bool = False) -> IdsResult:
    """Give every element without an ID a new one, and bring the ID ledger up to date: new IDs active, IDs no
    longer in the text gone (retired only when a version without them is frozen).  Refused, with nothing
    written, while the text has ID errors (a duplicate, a malformed ID, a retired ID used again): recording
    the text as it stands would turn a slip into a lost ID.  The sources and the ledger are written together,
    under the project's write lock."""
    if dry_run:
        return _assign_ids(path, dry_run)
    from drafttools.source import lock

    _refuse_frozen(path, "ids")
    with lock.writing("ids"):
        return _assign_ids(path, dry_run)


def _assign_ids(path: Path, dry_run: bool) -> IdsResult:
    from drafttools.checks import identity as checks
    from drafttools.source import ledger, rewrite

    loaded = load_code_text(path)
    blocking = tuple(d for d in loaded.diagnostics if d.severity >= 2)
    if loaded.instrument is None or blocking:
        return IdsResult((), (), (), blocking or loaded.diagnostics, False)
    book = ledger.read(path)
    refused = tuple(d for d in checks.check_ids(loaded.instrument) if d.severity >= 2 and d.code != "id.missing")
    if refused:
        why = diag(
            "id.errors",
            display(path),
            0,
            f"{len(refused)} ID error(s) in the text: nothing written, and no ID recorded as gone",
            "fix them (an undo restores an overwritten ID), then run `drafttools ids` again",
        )
        return IdsResult((), (), (), (*refused, why), False)
    refused += tuple(
        d
        for d in checks.check_ledger(loaded.instrument, book)
        if d.code in ("id.reused", "id.kind-changed", "id.ledger", "source.outside")
    )
    refused += _retiring_referenced(loaded.instrument, book)
    if refused:
        return IdsResult((), (), (), refused, False)
    minted = rewrite.add_ids(loaded.instrument, book.used())
    current: dict[str, str] = {}
    for node in loaded.instrument.walk():
        if node.id:
            current.setdefault(node.id, node.kind)
    current.update(minted.kinds)
    entries = ledger.updated(book, current)
    gone = tuple(i for i, e in entries.items() if e.status == "gone" and book.entries.get(i, e).status != "gone")
    recorded = tuple(i for i in entries if i not in book.entries)
    files = list(minted.files)
    if ledger.changed(book, entries):
        files.append((book.path, ledger.render(entries)))
    if not dry_run:
        rewrite.commit(files)
    ledger_written = not dry_run and any(p == book.path for p, _ in files)
    return IdsResult(tuple(minted.changes), gone, recorded, (), ledger_written)


# A restored ID's element must read at least this much like the one it labelled in the last frozen version that
# had it (difflib's ratio over words): an ID never labels two different elements across frozen versions.
RESTORE_LIKENESS = 0.5


def restore_ids(path: Path, wanted: tuple[str, ...]) -> IdsResult:
    """Bring retired IDs back (``ids --restore``), when their retirement was a mistake: each must stand again,
    once, on an element of its class that reads like the one it labelled in the last frozen version holding it
    (see docs/ids.md).  All or nothing, under the project's write lock."""
    from drafttools.source import lock

    _refuse_frozen(path, "ids --restore")
    with lock.writing("ids --restore"):
        return _restore_ids(path, wanted)


def _restore_ids(path: Path, wanted: tuple[str, ...]) -> IdsResult:
    from drafttools.checks import identity as checks
    from drafttools.source import ledger, rewrite

    loaded = load_code_text(path)
    if loaded.instrument is None or any(d.severity >= 2 for d in loaded.diagnostics):
        return IdsResult((), (), (), tuple(d for d in loaded.diagnostics if d.severity >= 2), False)
    instrument = loaded.instrument
    book = ledger.read(path)
    problems: list[Diagnostic] = list(book.problems)
    entries = dict(book.entries)
    shown = str(book.path)
    for wanted_id in wanted:
        entry = book.entries.get(wanted_id)
        carriers = [e for e in instrument.walk() if e.id == wanted_id]
        if entry is None or entry.status != "retired":
            state = "not in the ledger" if entry is None else f"{entry.status}, not retired"
            problems.append(diag("id.restore", shown, 0, f"ID '{wanted_id}' cannot be restored: it is {state}"))
        elif len(carriers) != 1:
            problems.append(
                diag(
                    "id.restore",
                    shown,
                    0,
                    f"ID '{wanted_id}' stands on {len(carriers)} elements of the text; restoring needs exactly one",
                    f"put '{wanted_id}' back on the {entry.kind} it labelled, then restore it again",
                )
            )
        elif checks.id_class(entry.kind, instrument) != checks.id_class(carriers[0].kind, instrument):
            element = carriers[0]
            problems.append(
                diag(
                    "id.restore",
                    element.loc.path,
                    element.loc.line,
                    f"ID '{wanted_id}' labelled {a_or_an(entry.kind)}; it now stands on {a_or_an(element.kind)}",
                    "an ID never passes to another kind of element: give this one a new ID",
                )
            )
        elif (unlike := _unlike_its_past(wanted_id, carriers[0], instrument)) is not None:
            problems.append(unlike)
        else:
            entries[wanted_id] = ledger.Entry(wanted_id, carriers[0].kind, "active")
    if problems:
        return IdsResult((), (), (), tuple(problems), False)
    rewrite.commit([(book.path, ledger.render(entries))])
    return IdsResult((), (), tuple(wanted), (), True)


def _unlike_its_past(wanted_id: str, element: Element, instrument: Instrument) -> Diagnostic | None:
    """A diagnostic when ``element`` does not read like what ``wanted_id`` labelled in the last frozen version that
    holds it (by the versions' dates, then names); None when it does, or no frozen version holds it."""
    import difflib

    from drafttools.config import settings
    from drafttools.model.tree import plain_text
    from drafttools.source import versions

    def words(e: Element, within: Instrument) -> list[str]:
        return " ".join([e.title, *(plain_text(run, within, e) for run in e.texts())]).split()

    frozen = sorted(versions.list_versions(settings().versions), key=lambda v: (v.date, v.name), reverse=True)
    for info in frozen:
        past = load_code_text(Path(info.path)).instrument
        before = past.get(wanted_id) if past is not None else None
        if past is None or before is None:
            continue
        likeness = difflib.SequenceMatcher(None, words(before, past), words(element, instrument)).ratio()
        if likeness >= RESTORE_LIKENESS:
            return None
        return diag(
            "id.restore",
            element.loc.path,
            element.loc.line,
            f"ID '{wanted_id}' labelled another text in version {info.name} ({likeness:.0%} alike, at least "
            f"{RESTORE_LIKENESS:.0%} needed): {' '.join(words(before, past))[:80]!r}",
            "an ID never labels two different elements across frozen versions: give this element a new ID",
        )
    return None
