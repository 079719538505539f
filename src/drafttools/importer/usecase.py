"""The import use case: a file in, a code text folder out (written atomically), and a report.  Never prints.

``import_draft`` reads the file (``text`` or ``docx``), picks the numbering profile (``--profile``, the profile
of the version IDs come from or of the target, or the shipped profile that reads the most structure), recognises
the structure, gives every element its ID (``match``), writes the MyST source (``drafttools.render.myst``) into
a temporary folder beside the target, links plain-text references there (``model.references`` +
``source.rewrite``, resolving the numbers as the file typed them, and warning where a reference so resolved
lands elsewhere than it did in the version it answers), records the IDs in the folder's ledger, and only then
renames the folder into place.  Any error before that leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from drafttools import fsutil
from drafttools.diagnostics import Diagnostic, UsageError, diag, exit_code, is_finding
from drafttools.importer import match as matching
from drafttools.importer.blocks import Read, Refused
from drafttools.importer.structure import Draft, recognise
from drafttools.model import references as xref
from drafttools.model.numbering import number_instrument
from drafttools.model.profile import Profile
from drafttools.model.tree import Element, Inline, Instrument, Meta, Note, Ref, Text
from drafttools.render import myst
from drafttools.source import files as sources
from drafttools.source import ledger, lock, parse, profiles, rewrite, seal, versions

TEXT_SUFFIXES = {".txt": False, ".text": False, ".md": True, ".markdown": True}
TRACK_CHANGES = ("accept", "reject", "refuse")
SOURCE_NAME = "code_text"
PROFILE_SAMPLE = 600  # blocks each shipped profile reads when the import picks one


@dataclass(frozen=True)
class ImportResult:
    file: str
    name: str
    target: Path | None  # the folder written (or that would be written)
    ids_from: str | None  # where the earlier version was read from (a folder, or REV:PATH)
    instrument: Instrument | None  # as written (IDs given, references linked)
    matched: tuple[matching.Pair, ...] = ()
    new: tuple[matching.Lone, ...] = ()
    gone: tuple[matching.Lone, ...] = ()
    linked: tuple[rewrite.Edit, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    written: bool = False
    profile: str = ""  # the numbering profile the file was read with
    profile_why: str = ""  # why that one
    words_in: int = 0  # words in the file
    words_kept: int = 0  # words that ended in the model (the rest are in located diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


@dataclass(frozen=True)
class Places:
    """Where things are: the project's code text and versions folders (from ``drafttools.config`` by default)."""

    source: Path
    versions: Path

    @classmethod
    def from_settings(cls) -> Places:
        from drafttools.config import settings

        found = settings()
        return cls(found.source, found.versions)

    def folder(self, name: str) -> Path:
        return self.source if name == SOURCE_NAME else self.versions / name


def import_draft(
    file: Path,
    name: str,
    ids_from: str | None = None,
    *,
    track_changes: str = "refuse",
    force: bool = False,
    dry_run: bool = False,
    strict: bool = False,
    places: Places | None = None,
    profile: str | None = None,
) -> ImportResult:
    """Import ``file`` as the version ``name`` (``code_text`` for the source itself).  Nothing is written when
    there is an error (or, with ``strict``, a warning).  A real import holds the project's write lock
    (``source.lock``) from its first look at the target to its last rename."""
    with contextlib.nullcontext() if dry_run else lock.writing("import"):
        places = places or Places.from_settings()
        shown = sources.display(file)
        _check_arguments(file, name, track_changes)
        target = places.folder(name)
        if (unusable := _unusable(places, name, target)) is not None:
            return ImportResult(shown, name, target, None, None, diagnostics=(unusable,))
        earlier = _earlier(ids_from, places) if ids_from else None
        base_root = Path(earlier.where) if earlier is not None and earlier.origin != "git" else None
        result = ImportResult(shown, name, target, earlier.where if earlier else None, None)
        try:
            read = read_file(file, shown, track_changes)
        except Refused as refused:
            return replace(result, diagnostics=(refused.diagnostic,))
        base = earlier.instrument if earlier is not None else None
        draft = _recognised(read, shown, profile, base, target)
        problems = list(draft.problems)
        result = replace(
            result,
            profile=draft.profile.name,
            profile_why=draft.why,
            words_in=draft.words_in,
            words_kept=draft.words_in - draft.words_dropped,
        )
        if earlier is not None and base is None:
            problems += earlier.diagnostics
        if _blocking(problems, strict):
            return replace(result, instrument=draft.instrument, diagnostics=tuple(problems))
        if not force and not dry_run and (refusal := _refusal(target, name)) is not None:
            return replace(result, instrument=draft.instrument, diagnostics=(*problems, refusal))
        book = _ledger_entries(places, base_root, target)
        taken = set(book) | _all_ids(places)
        found = matching.match(draft.instrument, draft.typed, base, taken, book, shown)
        problems += found.problems
        if _blocking(problems, strict):
            return replace(result, instrument=draft.instrument, diagnostics=tuple(problems))
        instrument = with_ids(draft.instrument, found.ids, _meta(draft, base, name, file, target), base)
        written, linked, stale = _write(instrument, draft, target, file, book, dry_run, base, name != SOURCE_NAME)
        problems += stale
        return replace(
            result,
            instrument=written,
            matched=found.matched,
            new=found.new,
            gone=found.gone,
            linked=linked,
            diagnostics=tuple(problems),
            written=not dry_run,
        )


def _recognised(read: Read, shown: str, requested: str | None, base: Instrument | None, target: Path) -> Draft:
    """The file read with the profile asked for, else the one of the version IDs come from or of the target,
    else the shipped profile that recognises the most structure (fewest blocks left as unnumbered text that
    look numbered or headed, then fewest errors, then warnings); ``Draft.why`` says which and why."""
    if requested is not None:
        chosen, problems, _ = profiles.load(requested, Path.cwd())
        if chosen is None:
            raise UsageError(f"--profile {requested}: " + "; ".join(p.message for p in problems))
        return _with_note(recognise(read, shown, chosen), "as asked (--profile)")
    known = base.profile if base is not None else _target_profile(target)
    if known is not None:
        return _with_note(
            recognise(read, shown, known),
            "the profile of " + ("the version IDs come from" if base is not None else sources.display(target)),
        )
    # Each profile reads the first PROFILE_SAMPLE blocks (a long text is not read three times over); the best
    # then reads the whole file.
    sample = replace(read, blocks=read.blocks[:PROFILE_SAMPLE]) if len(read.blocks) > PROFILE_SAMPLE else read
    drafts = []
    for rank, name in enumerate(profiles.ranked()):
        candidate, _, _ = profiles.load(name, None)
        if candidate is not None:
            draft = recognise(sample, shown, candidate)
            errors = sum(1 for p in draft.problems if p.severity.name == "ERROR")
            warnings = sum(1 for p in draft.problems if p.severity.name == "WARNING")
            drafts.append(((draft.unplaced, errors, warnings, rank), draft))
    best = min(drafts, key=lambda d: d[0])[1]
    if sample is not read:
        best = recognise(read, shown, best.profile)
    return _with_note(best, "it reads the most structure of the shipped profiles (--profile NAME to choose another)")


def _target_profile(target: Path) -> Profile | None:
    manifest = sources.read_manifest(target, []) if (target / sources.MANIFEST).is_file() else None
    if manifest is None:
        return None
    found, _, _ = profiles.load(manifest.profile, target, numbering=manifest.numbering)
    return found


def _with_note(draft: Draft, why: str) -> Draft:
    return replace(draft, why=why)


def _check_arguments(file: Path, name: str, track_changes: str) -> None:
    if not file.is_file():
        raise UsageError(f"{file}: {'a folder, not a file' if file.is_dir() else 'no such file'}")
    if not versions.NAME.match(name):
        raise UsageError(
            f"--as {name!r}: a version name is letters, digits, '.', '-' and '_' (e.g. 2009-01-EB124), or {SOURCE_NAME}"
        )
    if name != SOURCE_NAME and (why := versions.name_problem(name)) is not None:  # 'current' is the working text
        raise UsageError(f"--as {name!r}: {why}, or --as {SOURCE_NAME} to import into the working text")
    if track_changes not in TRACK_CHANGES:
        raise UsageError(f"--track-changes {track_changes!r}: choose one of {', '.join(TRACK_CHANGES)}")


def _unusable(places: Places, name: str, target: Path) -> Diagnostic | None:
    """A located error when the import has nowhere to go: versions/ (or the code text) is a file."""
    folder = target if name == SOURCE_NAME else places.versions
    why = versions.folder_problem(folder)
    if why is None:
        return None
    message = f"cannot import into {sources.display(target)}: {why}"
    return diag("import.target", sources.display(folder), 0, message, f"move {sources.display(folder)} aside")


def _earlier(spec: str, places: Places) -> versions.Resolved:
    """The version IDs come from: ``code_text``, a version name, a folder, or a git revision REV:PATH."""
    return versions.resolve(str(places.source) if spec == SOURCE_NAME else spec, places.versions, places.source.parent)


def read_file(file: Path, shown: str, track_changes: str) -> Read:
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from drafttools.importer.text import read_text

        return read_text(file, shown, markdown=TEXT_SUFFIXES[suffix])
    from drafttools.importer.docx import read_docx  # python-docx only when a Word file is read

    return read_docx(file, shown, track_changes)


def _blocking(problems: list[Diagnostic], strict: bool) -> bool:
    return any(is_finding(p, strict) for p in problems)


def _refusal(target: Path, name: str) -> Diagnostic | None:
    """Why the target must not be overwritten: a frozen version, or work git has not recorded."""
    if name != SOURCE_NAME and target.exists():
        shown = sources.display(target)
        return diag(
            "import.version-exists",
            shown,
            0,
            f"version '{name}' already exists at {shown}; versions are frozen",
            "choose another name, or pass --force to replace it",
        )
    return _uncommitted(target)


def _uncommitted(target: Path) -> Diagnostic | None:
    """A diagnostic when ``target`` holds work git has not recorded (or git cannot tell)."""
    if not target.exists():
        return None
    shown = sources.display(target)
    status = versions.uncommitted(target)
    if status.failure:
        return diag(
            "import.uncommitted",
            shown,
            0,
            f"cannot ask git whether {shown} holds uncommitted work ({status.failure})",
            "pass --force to overwrite it anyway",
        )
    if status.refusal:
        return diag(
            "import.uncommitted",
            shown,
            0,
            f"{shown} is not in a git work tree, so its work may be unsaved: {status.refusal}",
            "pass --force to overwrite it anyway",
        )
    changed = status.changed
    if changed:
        listed = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        return diag(
            "import.uncommitted",
            shown,
            0,
            f"{shown} holds uncommitted work ({listed}); importing would overwrite it",
            "commit or stash it first, or pass --force",
        )
    return None


def _ledger_entries(places: Places, base: Path | None, target: Path) -> dict[str, ledger.Entry]:
    """Every ledger entry we know of: the source's, then the base's and the target's."""
    entries: dict[str, ledger.Entry] = {}
    for root in (target, base, places.source):
        if root is not None:
            entries.update(ledger.read(root).entries)
    return entries


def _all_ids(places: Places) -> set[str]:
    """Every ID any version's ledger has recorded: a minted ID must be new to all of them."""
    found: set[str] = set()
    if places.versions.is_dir():
        for folder in places.versions.iterdir():
            if folder.is_dir() and versions.NAME.match(folder.name):  # not a killed import's staging folder
                found |= ledger.read(folder).used()
    return found


def _meta(draft: Draft, base: Instrument | None, name: str, file: Path, target: Path) -> Meta:
    """The new version's metadata; importing into the source keeps its manifest but for the title."""
    found = draft.instrument.meta.title
    if name == SOURCE_NAME and (current := sources.read_manifest(target, [])) is not None:
        return replace(current.meta, title=found or current.meta.title)
    previous = base.meta if base is not None else None
    today = _dt.datetime.now(_dt.UTC).date().isoformat()
    return Meta(
        title=found or (previous.title if previous else file.stem),
        version=name,
        date=today,
        status=previous.status if previous else "draft",
        language=previous.language if previous else "en",
        note=f"Imported from {file.name} on {today}.",
    )


def with_ids(instrument: Instrument, given: tuple[str, ...], meta: Meta, base: Instrument | None = None) -> Instrument:
    """The draft with its final IDs, and each link to a bookmark pointed at the ID its element now carries.  A
    profile that computes numbers drops the typed ones (they served matching and linking); one that keeps
    them (``numbering = "given"``) writes them.  An element matched to one of ``base`` (the version its IDs
    come from) keeps that element's negotiating status: Word and plain text carry none, and an import must not
    silently reopen what was agreed."""
    statuses = {e.id: e.status for e in base.walk() if e.id and e.status} if base is not None else {}
    nodes = list(instrument.walk())
    targets = {node.id: final for node, final in zip(nodes, given, strict=False) if node.id}
    finals = set(given)
    feed: Iterator[str] = iter(given)
    keep = instrument.profile.numbering == "given"

    def inlines(pieces: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return tuple(
            _link_target(piece, targets, finals)
            if isinstance(piece, Ref)
            else replace(piece, inlines=inlines(piece.inlines))
            if isinstance(piece, Note)
            else piece
            for piece in pieces
        )

    def element(e: Element) -> Element:
        own = next(feed)
        children = tuple(element(c) for c in e.children)
        return Element(
            e.kind,
            own,
            e.loc,
            e.title,
            inlines(e.inlines),
            children,
            e.numbered,
            e.given if keep else "",
            e.deleted,
            e.header,
            tuple(inlines(c) for c in e.cells),
            e.text_line,
            status=e.status or statuses.get(own, ""),
        )

    regions = {region: tuple(element(e) for e in elements) for region, elements in instrument.tops()}
    return number_instrument(Instrument(meta, instrument.profile).with_regions(regions))


def _link_target(ref: Ref, targets: dict[str, str], finals: set[str]) -> Inline:
    """A Word link to bookmark B → a reference to the ID now carried by the element B marked (B cut to 40
    characters is matched by prefix); a link to nothing imported falls back to the text it showed."""
    target = targets.get(ref.target) or (ref.target if ref.target in finals else None)
    if target is None and len(ref.target) >= matching.BOOKMARK_LIMIT:
        longer = [i for i in finals if i.startswith(ref.target)]
        target = longer[0] if len(longer) == 1 else None
    return Ref(target, ref.loc) if target is not None else Text(ref.written or "")


# --------------------------------------------------------------------------------------------------- writing


def _write(
    instrument: Instrument,
    draft: Draft,
    target: Path,
    file: Path,
    book: dict[str, ledger.Entry],
    dry_run: bool,
    base: Instrument | None,
    frozen: bool = False,
) -> tuple[Instrument, tuple[rewrite.Edit, ...], list[Diagnostic]]:
    """Write the imported text into ``target`` (staged, then swapped in), a frozen version sealed (``seal``)."""
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(
        tempfile.mkdtemp(prefix=fsutil.staging_prefix(target.name, "import"), dir=None if dry_run else target.parent)
    )
    try:
        for name, text in myst.serialize(
            instrument, comment=f"Imported by `drafttools import` from {file.name}."
        ).items():
            (build / name).write_text(text, encoding="utf-8")
        _write_profile(instrument.profile, build)
        loaded = parse.load(build)
        linked, stale = _link_references(loaded, draft, base)
        if linked:
            loaded = parse.load(build)  # read again what is now on disk
        if _keep_unchanged_files(build, target, loaded):
            loaded = parse.load(build)
        assert loaded.instrument is not None, loaded.diagnostics
        written = loaded.instrument
        if [(n.kind, n.id) for n in written.walk()] != [(n.kind, n.id) for n in instrument.walk()]:
            raise AssertionError("the MyST writer lost an element or an ID")  # guarded: never expected
        current = {n.id: n.kind for n in written.walk() if n.id}
        old = (
            ledger.read(target)
            if (target / sources.LEDGER).is_file()
            else ledger.Ledger(build / sources.LEDGER, {}, False)
        )
        entries = ledger.updated(ledger.Ledger(build / sources.LEDGER, {**book, **old.entries}, True), current)
        (build / sources.LEDGER).write_bytes(ledger.render(entries))
        if not dry_run:
            _keep_foreign_files(target, build)
            if frozen:
                seal.write(build)
            with lock.committing():
                _swap(build, target)
        return written, tuple(replace(c, path=sources.display(target / Path(c.path).name)) for c in linked), stale
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)


def _write_profile(profile: Profile, build: Path) -> None:
    """A profile that is not shipped (a user's file) is copied beside the manifest that names it."""
    if myst.profile_name(profile) == profile.name:
        return
    source = Path(profile.path)
    if source.is_file():
        shutil.copyfile(source, build / source.name)


def as_typed(instrument: Instrument, draft: Draft) -> Instrument:
    """``instrument`` numbered as the file typed it: each element's typed number given and kept."""
    feed = iter([e.given for e in draft.instrument.walk()])

    def element(e: Element) -> Element:
        own = next(feed)
        return replace(e, given=own, children=tuple(element(c) for c in e.children))

    regions = {region: tuple(element(e) for e in elements) for region, elements in instrument.tops()}
    return number_instrument(instrument.with_regions(regions, profile=replace(instrument.profile, numbering="given")))


def _link_references(
    loaded: parse.Loaded, draft: Draft, base: Instrument | None
) -> tuple[tuple[rewrite.Edit, ...], list[Diagnostic]]:
    """Link plain-text references in the files just written, resolving each number as the file typed it (not
    as renumbered); warn where one so resolved lands elsewhere than the same element's reference did in
    ``base`` and that old target is gone (a reference left stale by renumbering by hand)."""
    if loaded.instrument is None:
        return (), []
    typed = as_typed(loaded.instrument, draft)
    found = xref.find_references(typed)
    stale = _stale(found, typed, base) if base is not None else []
    return tuple(rewrite.link_references(found, private=True)), stale  # the import's own staging folder


def _stale(found: list[xref.Reference], typed: Instrument, base: Instrument) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    old_refs: dict[str, list[xref.Member]] = {}
    for reference in found:
        source = reference.source
        if source.id is None or (old := base.get(source.id)) is None:
            continue
        if source.id not in old_refs:
            old_refs[source.id] = [m for r in xref.find_references(base, elements=[old]) for m in r.members]
        for member in reference.members:
            if member.ref is not None or member.target is None:
                continue
            for was in old_refs[source.id]:
                gone = was.target
                if gone is None or gone.id is None or gone.id == member.target.id or typed.get(gone.id) is not None:
                    continue
                if " ".join(was.text.split()) == " ".join(member.text.split()) or gone.label == member.text:
                    problems.append(
                        diag(
                            "import.stale-reference",
                            reference.loc.path,
                            reference.loc.line,
                            f"{source.label or source.kind} cites {member.text!r}, which as typed is now "
                            f"{xref.describe(member.target, typed)}; "
                            f"in the version it answers, the same reference cited {gone.label} ({gone.id}), which this "
                            "version no longer has",
                            "check the reference: renumbered by hand, it may have been left pointing at the old number",
                        )
                    )
    return problems


def _keep_unchanged_files(build: Path, target: Path, written: parse.Loaded) -> bool:
    """Where a file's element (an article, a division heading, an annex) reads exactly as the target's file
    already has it, keep that file's bytes, so that importing into a code text changes only what the draft
    changed (and not line wrapping).  True when a file was replaced."""
    if not (target / sources.MANIFEST).is_file():
        return False
    before = parse.load(target)
    if before.instrument is None or written.instrument is None:
        return False
    old = {_signature(e): e.loc.path for e in _file_elements(before.instrument)}
    replaced = False
    for element in _file_elements(written.instrument):
        if (path := old.get(_signature(element))) is not None and Path(path).name != sources.MANIFEST:
            Path(element.loc.path).write_bytes(Path(path).read_bytes())
            replaced = True
    kept, made = sources.read_manifest(target, []), sources.read_manifest(build, [])
    if (
        kept is not None
        and made is not None
        and (kept.meta, kept.preamble, kept.articles, kept.final, kept.annexes, kept.profile)
        == (made.meta, made.preamble, made.articles, made.final, made.annexes, made.profile)
    ):
        shutil.copyfile(target / sources.MANIFEST, build / sources.MANIFEST)
    return replaced


def _file_elements(instrument: Instrument) -> list[Element]:
    """The elements that stand first in a file of their own: each body file's top element and each annex."""
    files: dict[str, Element] = {}
    for element in instrument.walk():
        region = instrument.region_of(element)
        if region in ("body", "annexes") and element.loc.path not in files:
            files[element.loc.path] = element
    return [e for e in files.values() if e.loc.line > 0]


def _signature(element: Element) -> tuple[object, ...]:
    """What an element says, whatever its line wrapping: IDs, kinds, titles, numbers, text and references."""

    def inlines(pieces: tuple[Inline, ...]) -> tuple[object, ...]:
        return tuple(
            " ".join(p.text.split())
            if isinstance(p, Text)
            else (p.target, p.written)
            if isinstance(p, Ref)
            else (p.label, inlines(p.inlines))
            for p in pieces
        )

    return (
        element.kind,
        element.id,
        element.title,
        element.numbered,
        element.given,
        element.deleted,
        element.header,
        inlines(element.inlines),
        tuple(inlines(c) for c in element.cells),
        tuple(_signature(c) for c in element.children),
    )


def _keep_foreign_files(target: Path, build: Path) -> None:
    """Files in the target that are not code text (a README, .gitattributes) move into the new folder."""
    if not target.is_dir():
        return
    manifest = sources.read_manifest(target, [])
    ours = {sources.MANIFEST, sources.LEDGER, seal.SEAL, myst.PREAMBLE_FILE, myst.FINAL_FILE}
    if manifest is not None:
        ours |= {name for _, name in manifest.files()}
    for entry in target.iterdir():
        if (
            entry.name not in ours
            and not fsutil.is_staging(entry.name)
            and not (build / entry.name).exists()
            and not re.fullmatch(r"(?:article|part|title|chapter|section|subsection|annex)-\d+\.md", entry.name)
        ):
            (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, build / entry.name)


def _swap(build: Path, target: Path) -> None:
    """Put ``build`` where ``target`` is (``fsutil.swap_folder``; the old text, if exchanged, is left in ``build``
    for the caller to remove)."""
    fsutil.swap_folder(build, target)
