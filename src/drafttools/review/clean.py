"""The clean text (``drafttools review clean``): the working text with every accepted proposal applied and no open
one shown, written as an ordinary version (a code-text folder: manifest, article files, ID ledger, by the MyST
writer that ``import`` uses) that ``diff``, ``build`` and ``check`` take, and built to DOCX and HTML with the code's
own renderer (the ``code`` document type).  Never prints.

The folder goes to ``<out>/clean-text/`` (replaced whole each time), or with ``--as NAME`` to ``versions/NAME``
under the project's write lock (an existing name is refused: versions are frozen).  Its manifest says what it
is: status "clean" (printed "Clean text of ..."), today's date, and a note naming the working text's version and
the proposals applied.  The elements' negotiating statuses (``:status:``) are kept.  Its ledger is the working
text's, with each ID the proposals removed recorded as gone and each element they inserted as active; beside it,
``review.working.INSERTED`` says which insertion made which ID, so that the next clean text gives the same ID.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from drafttools import fsutil
from drafttools.api.build import annex_fields
from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, DraftError, UsageError, exit_code
from drafttools.model.tree import Instrument
from drafttools.papers.model import FrontMatter, Paper
from drafttools.papers.templates import TEMPLATES, TemplateError
from drafttools.papers.templates import load as load_doctype
from drafttools.render import myst
from drafttools.review import working as work
from drafttools.source import ledger, lock, parse, seal
from drafttools.source import versions as versioning
from drafttools.source.files import LEDGER, bounds, display

FOLDER = "clean-text"
STATUS = "clean"  # the annex line reads "Clean text of 4 December 2026"


@dataclass(frozen=True)
class CleanResult:
    folder: Path | None  # the code-text folder written
    files: tuple[Path, ...]  # the DOCX and HTML written
    applied: tuple[str, ...]  # proposal IDs applied
    by_hand: tuple[str, ...]
    left: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def clean(
    out: Path, formats: tuple[str, ...], name: str | None = None, state: work.Working | None = None
) -> CleanResult:
    """Write the clean text's folder and its ``formats`` (docx, html) into ``out`` (see the module's docstring)."""
    config = settings()
    if name is not None and (why := versioning.name_problem(name)) is not None:
        raise UsageError(f"--as {name!r}: {why}")
    with lock.writing("review clean") if name is not None else contextlib.nullcontext():
        target = config.versions / name if name is not None else out / FOLDER
        if name is not None and target.exists():
            raise UsageError(f"--as {name}: version '{name}' already exists at {display(target)}; versions are frozen")
        state = state if state is not None else work.load()  # under the lock, for --as
        if work.blocked(state.diagnostics):
            return CleanResult(None, (), (), (), (), state.diagnostics)
        text = _as_clean(state, name or FOLDER)
        build = _staged_folder(text, state, target)
        try:
            loaded = parse.load(build)
            if loaded.instrument is None:  # guarded: the writer is tested to read back
                raise DraftError(f"the clean text written to {display(target)} cannot be read back", str(target))
            rendered = _rendered(loaded.instrument, out, formats)
            fsutil.write_all(rendered)  # the outputs first: a run killed before the text is in place is run again
            if name is not None:
                seal.write(build)  # a frozen version
            with lock.committing():
                work.place_folder(build, target)
        finally:
            if build.exists():
                shutil.rmtree(build, ignore_errors=True)
    return CleanResult(
        target,
        tuple(path for path, _ in rendered),
        state.applied.done,
        state.applied.by_hand,
        state.applied.left,
        state.diagnostics,
    )


def _as_clean(state: work.Working, version: str) -> Instrument:
    instrument = state.applied.instrument
    today = _dt.datetime.now(_dt.UTC).date().isoformat()
    done = state.applied.done
    note = (
        f"Clean text of {instrument.meta.version or 'the working text'} made on {today}: the working text with "
        + (f"the accepted proposals applied ({', '.join(done)})" if done else "no accepted proposal to apply")
        + "; open proposals are not shown."
    )
    return replace(instrument, meta=replace(instrument.meta, version=version, date=today, status=STATUS, note=note))


def _staged_folder(instrument: Instrument, state: work.Working, target: Path) -> Path:
    """The clean text written as a code-text folder beside ``target`` under a staging name (every command ignores
    it, and the next writer sweeps it if this run is killed); the caller puts it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=fsutil.staging_prefix(target.name, "import"), dir=target.parent))
    try:
        written = myst.serialize(instrument, comment="Clean text written by `drafttools review clean`.")
        for file, content in written.items():
            (build / file).write_text(content, encoding="utf-8")
        if myst.profile_name(instrument.profile) != instrument.profile.name and Path(instrument.profile.path).is_file():
            shutil.copyfile(instrument.profile.path, build / Path(instrument.profile.path).name)
        book = ledger.read(state.source)
        current = {e.id: e.kind for e in instrument.walk() if e.id}
        entries = ledger.updated(ledger.Ledger(build / LEDGER, dict(book.entries), True), current)
        (build / LEDGER).write_bytes(ledger.render(entries))
        if state.applied.inserted:
            (build / work.INSERTED).write_bytes(work.render_inserted(state.applied.inserted))
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return build


def _rendered(instrument: Instrument, out: Path, formats: tuple[str, ...]) -> list[tuple[Path, bytes]]:
    """The clean text as the ``code`` document type renders it (the code on its own, no paper around it)."""
    config = settings()
    try:
        doctype = load_doctype(config.root / TEMPLATES, "code", bounds(config.root))
    except TemplateError as exc:
        raise DraftError(exc.diagnostic.format(), exc.diagnostic.path) from None
    front = FrontMatter("code", instrument.meta.version, instrument.meta.language)
    paper = Paper(str(out / FOLDER), front, ())
    context = {"paper": front.fields(), "annex": annex_fields(instrument)}
    found: list[tuple[Path, bytes]] = []
    if "docx" in formats:
        from drafttools.render import docx

        found.append((out / f"{FOLDER}.docx", docx.render(paper, instrument, doctype, context)))
    if "html" in formats:
        from drafttools.render import html

        found.append((out / f"{FOLDER}.html", html.render_bytes(paper, instrument, doctype, context)))
    return found
