"""The build use case: papers → DOCX, HTML and PDF, with the code annexed at the version each paper names.

Stages, each callable alone and composed here: read the paper (``papers.load_paper``), find its document type
(``templates.load``), load and check the version of the code it annexes (``api.load_code_text``, then
``api.check_loaded``, once per version), check the paper's own references into the code, render every output in
memory, convert the DOCX to PDF when asked (``render.pdf``, LibreOffice), check every output path, and only when
nothing failed write them all or none (``fsutil.write_all``).  A broken reference, a bad field or template, an
unknown version, a failed PDF conversion, an unwritable folder or a failed write gives a diagnostic and no output
file at all.  Version names mean what ``versions.locate`` says, as for ``diff`` and
``import``.  Returns results; never prints.

A rebuild does only what changed: unchanged files' parses (``parsecache``) and unchanged articles' HTML and DOCX
(``render.cache``) come from ``build/.cache``, keyed so that no stale entry can be served.  A large build renders
its DOCX outputs in a forked process as soon as the code is parsed, while this one checks it and renders the
HTML; the outputs are the same bytes either way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from drafttools.api import check as api
from drafttools.config import settings
from drafttools.diagnostics import (
    Diagnostic,
    DraftError,
    Severity,
    UsageError,
    a_or_an,
    diag,
    exit_code,
    is_finding,
    sort_key,
)
from drafttools.model.tree import Instrument, ref_label
from drafttools.papers import load as papers
from drafttools.papers import placeholders, templates
from drafttools.papers.model import Paper
from drafttools.render import cache as render_cache
from drafttools.source import ledger, lock
from drafttools.source.files import Bounds, bounds, display
from drafttools.source.parse import Loaded
from drafttools.source.versions import known as known_versions
from drafttools.source.versions import locate
from drafttools.workers import die_with_parent

FORMATS = ("docx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "html")


@dataclass(frozen=True, slots=True)
class Project:
    """Where a build reads from: the code text, frozen versions, the templates and the papers."""

    root: Path
    source: Path
    versions: Path
    templates: Path
    papers: Path

    @classmethod
    def here(cls, start: Path | None = None) -> Project:
        s = settings((start or Path.cwd()).resolve())
        return cls(s.root, s.source, s.versions, s.root / templates.TEMPLATES, s.root / "papers")

    @property
    def within(self) -> Bounds:
        """What a paper or template may lead to: the project's folder (anywhere with ``allow_outside``)."""
        return bounds(self.root)


@dataclass(frozen=True, slots=True)
class Output:
    paper: str
    format: str
    path: Path


@dataclass(frozen=True)
class BuildResult:
    diagnostics: tuple[Diagnostic, ...]
    outputs: tuple[Output, ...] = ()

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


@dataclass
class _Job:
    paper: Paper
    doctype: templates.DocType
    instrument: Instrument
    context: dict[str, dict[str, str]]
    folder: Path  # the version's folder
    inserts: dict[str, Instrument] = field(default_factory=dict)  # the resolutions its {resolution} blocks print
    inserted: tuple[Path, ...] = ()  # their folders


@dataclass
class _Versions:
    """Each version of the code loaded once per build (``instrument``), then checked once (``check``)."""

    project: Project
    problems: list[Diagnostic]
    cache: bool = True
    loaded: dict[Path, Loaded] = field(default_factory=dict)
    ledgers: dict[Path, ledger.Ledger] = field(default_factory=dict)
    failed: set[Path] = field(default_factory=set)

    def resolve(self, name: str) -> Path | None:
        return locate(name, self.project.versions, self.project.source)

    def known(self) -> list[str]:
        return known_versions(self.project.versions, self.project.source)

    def instrument(self, folder: Path) -> Instrument | None:
        """The version's model, parsed but not yet checked."""
        if folder not in self.loaded:
            with lock.reading():  # the text and its ledger as one writer left them, never half-way
                loaded = self.loaded[folder] = api.load_code_text(folder, self.cache)
                self.ledgers[folder] = ledger.read(folder)
            if loaded.instrument is not None:
                render_cache.describe(loaded.instrument, loaded.keys)
        return self.loaded[folder].instrument

    def unreadable(self) -> bool:
        return any(d.severity is Severity.ERROR for loaded in self.loaded.values() for d in loaded.diagnostics)

    def check(self) -> None:
        """``check`` every version loaded: one with an error annexes nothing (its papers are not built)."""
        for folder, loaded in self.loaded.items():
            result = api.check_loaded(folder, loaded, book=self.ledgers.get(folder))
            self.problems.extend(result.diagnostics)
            if any(d.severity is Severity.ERROR for d in result.diagnostics):
                self.failed.add(folder)


def annex_fields(instrument: Instrument) -> dict[str, str]:
    """What templates know of the annexed code: {{ annex.title }}, version, date, status, and the line printed
    under the annex's title.  That line says what the public record says of the text, its status and date ("Draft
    text of 7 September 2009"), never the version's name, which is the tool's handle on it."""
    meta = instrument.meta
    date = papers.print_date(meta.date)
    return {
        "title": meta.title,
        "version": meta.version,
        "date": date,
        "status": meta.status,
        "line": f"{meta.status[:1].upper()}{meta.status[1:]} text of {date}",
    }


def annex_after_paper(paper: Paper, instrument: Instrument) -> Diagnostic | None:
    """A paper cannot carry a text dated after itself (an EB paper of December 2008 annexing the September 2009
    draft): a warning at the front matter's 'annex' line.  Either date unknown or not a date: no finding."""
    written, annexed = paper.front.date, papers.parse_date(instrument.meta.date)
    if written is None or annexed is None or annexed <= written:
        return None
    front = paper.front
    return diag(
        "paper.annex-date",
        paper.path,
        front.line("annex"),
        f"the paper is dated {papers.print_date(written)} but annexes '{front.annex}', "
        f"{a_or_an(instrument.meta.status)} text dated {papers.print_date(annexed)}, after the paper",
        "annex a version dated on or before the paper (drafttools versions lists them), or correct the paper's date",
    )


def default_papers(project: Project) -> list[Path]:
    return sorted(project.papers.glob("*.md")) if project.papers.is_dir() else []


def papers_named(paths: Sequence[Path], problems: list[Diagnostic]) -> list[Path]:
    """The papers the command line names: a folder stands for the papers (*.md) in it, a paper named twice is
    built once, and two papers whose outputs would share a name (papers/code.md, drafts/code.md) are an error."""
    chosen: dict[Path, Path] = {}
    for path in paths:
        found = sorted(path.glob("*.md")) if path.is_dir() else [path]
        if not found:
            problems.append(
                diag(
                    "paper.missing",
                    display(path),
                    0,
                    f"{display(path)} is a folder holding no papers (*.md files)",
                    "name a paper, or a folder of papers",
                )
            )
        for paper in found:
            chosen.setdefault(paper.resolve(), paper)
    by_name: dict[str, Path] = {}
    for paper in chosen.values():
        first = by_name.setdefault(paper.stem, paper)
        if first is not paper:
            problems.append(
                diag(
                    "build.output",
                    display(paper),
                    0,
                    f"{display(paper)} and {display(first)} would both be built as {paper.stem}.*, one over the other",
                    "rename one of the papers, or build them to different folders with -o",
                )
            )
    return list(chosen.values())


def _formats(requested: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in requested if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"unknown output format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return chosen


def _prepare(
    path: Path, project: Project, versions: _Versions, problems: list[Diagnostic], cache_dir: Path | None
) -> _Job | None:
    loaded = papers.load_paper(path, cache_dir, project.within)
    problems.extend(loaded.diagnostics)
    paper = loaded.paper
    if paper is None:
        return None
    front = paper.front
    known = templates.known(project.templates)
    if front.document_type not in known:
        problems.append(
            diag(
                "paper.doctype",
                paper.path,
                front.line("document_type"),
                f"unknown document type '{front.document_type}'; annex_templates/ has {', '.join(known) or 'none'}",
                f"use one of those, or add the folder {display(project.templates / front.document_type)}",
            )
        )
        return None
    try:
        doctype = templates.load(project.templates, front.document_type, project.within)
    except templates.TemplateError as exc:
        problems.append(exc.diagnostic)
        return None
    paper = with_defaults(paper, doctype)
    front = paper.front
    fields = front.fields()
    problems.extend(body_and_symbol(paper, doctype, project))
    for name in doctype.required:
        if name not in fields:
            problems.append(
                diag(
                    "paper.front-matter",
                    paper.path,
                    front.line("document_type"),
                    f"{a_or_an(doctype.label)} needs '{name}' in its front matter "
                    f"({papers.FIELDS.get(name, 'a field its template uses')})",
                    f"add '{name}: ...' to the front matter",
                )
            )
    folder = versions.resolve(front.annex)
    if folder is None:
        problems.append(
            diag(
                "build.version",
                paper.path,
                front.line("annex"),
                f"annex: '{front.annex}' names no version of the code; known: {', '.join(versions.known())}",
                "name code_text, or a version under versions/",
            )
        )
        return None
    instrument = versions.instrument(folder)
    if instrument is None:
        return None
    if (later := annex_after_paper(paper, instrument)) is not None:
        problems.append(later)
    inserts, inserted = _inserts(paper, versions, problems)
    if inserts is None:
        return None
    context = {"paper": fields, "annex": annex_fields(instrument)}
    return _Job(paper, doctype, instrument, context, folder, inserts, inserted)


def with_defaults(paper: Paper, doctype: templates.DocType) -> Paper:
    """The paper with the fields its document type gives (``[defaults]``: the body, the regional office, the
    language) where its front matter does not give them."""
    given = dict(paper.front.lines)
    extra = tuple((k, v) for k, v in doctype.defaults if k not in given and k != "language")
    language = dict(doctype.defaults).get("language") if "language" not in given else None
    if not extra and not language:
        return paper
    front = replace(paper.front, values=extra + paper.front.values, language=language or paper.front.language)
    return replace(paper, front=front)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def body_and_symbol(paper: Paper, doctype: templates.DocType, project: Project) -> list[Diagnostic]:
    """The paper's body is the one its document type is for (its name holds the type's body: "SIXTY-THIRD WORLD
    HEALTH ASSEMBLY" holds "World Health Assembly"), and its symbol fits that body's pattern."""
    found: list[Diagnostic] = []
    front, fields = paper.front, paper.front.fields()
    body = fields.get("body", "")
    if doctype.body and body and _norm(doctype.body) not in _norm(body):
        bodies: list[tuple[str, str]] = []
        for name in templates.known(project.templates):
            with contextlib.suppress(templates.TemplateError, OSError):
                other = templates.read_spec(project.templates / name)
                if other.body:
                    bodies.append((name, other.body))
        match = next((name for name, other in bodies if _norm(other) in _norm(body)), None)
        known_bodies = "; ".join(f"{other} ({name})" for name, other in bodies)
        found.append(
            diag(
                "paper.body",
                paper.path,
                front.line("body"),
                f"body '{body}' is not the body of document type '{doctype.name}' ({doctype.body})"
                + ("" if match else f"; annex_templates/ knows no body of that name, only: {known_bodies}"),
                f"write document_type: {match}"
                if match
                else f"leave 'body' out ({doctype.name} gives it), or add a folder to annex_templates/ for that body",
            )
        )
    symbol = fields.get("symbol")
    if symbol is not None and not templates.symbol_fits(doctype, symbol):
        pattern = doctype.symbol.pattern if doctype.symbol is not None else ""
        found.append(
            diag(
                "paper.symbol",
                paper.path,
                front.line("symbol"),
                f"symbol '{symbol}' does not fit the symbols of {a_or_an(doctype.label)} ({doctype.name}: {pattern})",
                f"write the symbol as the body numbers its documents, e.g. {doctype.symbol_example or pattern}"
                + " (or 'unknown' where the number is not known)",
            )
        )
    return found


def _inserts(
    paper: Paper, versions: _Versions, problems: list[Diagnostic]
) -> tuple[dict[str, Instrument] | None, tuple[Path, ...]]:
    """The resolutions the paper's ``{resolution} NAME`` blocks print, each loaded once per build (and checked
    with the versions); None when one names nothing or cannot be read."""
    inserts: dict[str, Instrument] = {}
    folders: list[Path] = []
    ok = True
    for block in paper.inserts():
        folder = versions.resolve(block.name)
        if folder is None or block.name in inserts:
            ok = False
            problems.append(
                diag(
                    "paper.resolution",
                    block.loc.path,
                    block.loc.line,
                    f"{{resolution}} {block.name} is printed twice in {paper.path}"
                    if folder is not None
                    else f"{{resolution}} {block.name} names no resolution; known: {_resolutions(versions)}",
                    "print each resolution once" if folder is not None else "name a folder of resolutions/",
                )
            )
            continue
        found = versions.instrument(folder)
        if found is None:
            ok = False
            continue
        if any(e.role in ("division", "article", "annex") for e in found.walk()):
            ok = False  # the code, or another text of articles: an annex, not a resolution
            problems.append(
                diag(
                    "paper.resolution",
                    block.loc.path,
                    block.loc.line,
                    f"{{resolution}} {block.name} names a text of articles ({found.meta.title}), not a resolution",
                    "name a folder of resolutions/ (a text in the resolution profile); the code is the paper's annex",
                )
            )
            continue
        inserts[block.name] = found
        folders.append(folder)
    return (inserts if ok else None), tuple(folders)


def template_placeholders(doctypes: Iterable[templates.DocType]) -> list[Diagnostic]:
    """Placeholders in the text of the document types used, each file said once however many papers use it."""
    found: dict[tuple[str, int, str], Diagnostic] = {}
    for doctype in {d.name: d for d in doctypes}.values():
        for problem in placeholders.in_template(doctype):
            found.setdefault((problem.path or "", problem.line or 0, problem.message), problem)
    return list(found.values())


def check_references(paper: Paper, instrument: Instrument) -> list[Diagnostic]:
    """The paper against the code it annexes: each reference names an element of that version, a label written
    by hand ({xref}`8.3 <ID>`) is still the target's number, and no paragraph ID of the paper is one of the code's."""
    found: list[Diagnostic] = []
    for para in paper.paragraphs():
        if instrument.get(para.anchor) is not None:
            found.append(
                diag(
                    "id.duplicate",
                    para.loc.path,
                    para.loc.line,
                    f"paragraph ID '{para.anchor}' of {paper.path} is also an ID of the annexed code",
                    "choose another ID for the paper's paragraph",
                )
            )
    for ref in paper.refs():
        target = instrument.get(ref.target)
        if target is None:
            found.append(
                diag(
                    "xref.unknown-id",
                    ref.loc.path,
                    ref.loc.line,
                    f"reference in {paper.path} links to ID '{ref.target}', which no article, paragraph or item of "
                    f"version {instrument.meta.version} carries",
                    "correct the ID, or restore the element it named",
                )
            )
        elif ref.written and ref.written != ref_label(ref, instrument):
            found.append(
                diag(
                    "xref.label-stale",
                    ref.loc.path,
                    ref.loc.line,
                    f"reference in {paper.path} is written '{ref.written}' but its target '{ref.target}' is now "
                    f"{ref_label(ref, instrument)}",
                    f"write {{xref}}`{ref.target}` and let the number print itself",
                )
            )
    return found


def check_inserted(job: _Job) -> list[Diagnostic]:
    """A resolution printed in the paper shares the page with the paper and its annex: none of its IDs may be
    one of theirs (each is an HTML id and a DOCX bookmark)."""
    taken = {p.anchor for p in job.paper.paragraphs()} | {e.id for e in job.instrument.walk() if e.id}
    found: list[Diagnostic] = []
    for block in job.paper.inserts():
        for element in job.inserts[block.name].walk():
            if element.id and element.id in taken:
                found.append(
                    diag(
                        "id.duplicate",
                        element.loc.path,
                        element.loc.line,
                        f"ID '{element.id}' of resolution {block.name}, printed in {job.paper.path}, is also an ID of "
                        "the paper or of the code it annexes",
                        "choose another ID for one of them",
                    )
                )
            taken.add(element.id or "")
    return found


def _render(job: _Job, fmt: str, cache_dir: Path | None) -> bytes:
    if fmt == "docx":
        from drafttools.render import docx

        return docx.render(job.paper, job.instrument, job.doctype, job.context, cache_dir, job.inserts)
    from drafttools.render import html

    return html.render_bytes(job.paper, job.instrument, job.doctype, job.context, cache_dir, job.inserts)


def _writable(folder: Path) -> str | None:
    """Why ``folder`` cannot take output files (None when it can)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def build(
    paths: Sequence[Path] | None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    outdir: Path | None = None,
    project: Project | None = None,
    strict: bool = False,
    cache: bool = True,
) -> BuildResult:
    """Build papers (all of ``papers/`` when none is named) to ``outdir``; all outputs or none.

    Any error stops the build before a file is written; with ``strict``, so does any warning.  Unchanged files'
    parses and unchanged articles' HTML and DOCX come from ``build/.cache`` (``parsecache``, ``render.cache``)
    unless ``cache`` is off or DRAFTTOOLS_NO_CACHE is set."""
    project = project or Project.here()
    chosen = _formats(formats)
    problems: list[Diagnostic] = []
    targets = papers_named(paths, problems) if paths else default_papers(project)
    if not targets and not problems:
        raise UsageError(f"no papers to build: name one, or add .md files to {display(project.papers)}")
    outdir = outdir if outdir is not None else settings(project.root).build
    versions = _Versions(project, problems, cache)
    cache_dir = settings(project.root).build / ".cache" if cache else None
    jobs = [job for path in targets if (job := _prepare(path, project, versions, problems, cache_dir)) is not None]
    problems.extend(template_placeholders(job.doctype for job in jobs))
    background = (
        _Background.start(jobs, chosen, cache_dir) if _worth_forking(jobs, chosen, versions, problems, strict) else None
    )
    try:
        versions.check()
        checked = [job for job in jobs if not {job.folder, *job.inserted} & versions.failed]
        for job in checked:
            problems.extend(check_references(job.paper, job.instrument))
            problems.extend(check_inserted(job))
        return _finish(checked, chosen, outdir, problems, strict, cache_dir, background)
    finally:
        if background is not None:
            background.close()


# At and above this many articles to render as DOCX, a forked process renders them while this one checks.
BACKGROUND_FROM_ARTICLES = 200


def _worth_forking(
    jobs: list[_Job], chosen: tuple[str, ...], versions: _Versions, problems: list[Diagnostic], strict: bool
) -> bool:
    """Fork only a process with one thread (a lock another thread holds would stay held in the child forever)."""
    import threading

    return (
        ("docx" in chosen or "pdf" in chosen)
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and not _failed(problems, strict)
        and not versions.unreadable()
        and sum(len(job.instrument.articles) for job in jobs) >= BACKGROUND_FROM_ARTICLES
    )


class _Background:
    """The DOCX outputs rendered in a forked process, started before the code is checked: the check and the
    HTML run here meanwhile.  Only an optimisation: a build that fails does not wait for it, and when the
    process fails or cannot be had, the outputs are rendered here as before."""

    def __init__(self, pid: int, fd: int, jobs: list[_Job]) -> None:
        self.pid, self.fd, self.jobs = pid, fd, jobs
        self.done: dict[int, bytes | Diagnostic] | None = None

    @classmethod
    def start(cls, jobs: list[_Job], chosen: tuple[str, ...], cache_dir: Path | None) -> _Background | None:
        parent = os.getpid()
        try:
            read, write = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the child: render, hand the bytes over, and leave without running the parent's exit code
            os.close(read)
            status = 1
            try:
                die_with_parent(parent)  # a killed build leaves no renderer behind
                signal.signal(signal.SIGTERM, _stop)  # so that ``close`` lets a cache write remove its temporary file
                results: list[bytes | Diagnostic] = []
                for job in jobs:
                    try:
                        results.append(_render(job, "docx", cache_dir))
                    except templates.TemplateError as exc:
                        results.append(exc.diagnostic)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return cls(pid, read, jobs)

    def result(self, job: _Job) -> bytes | Diagnostic | None:
        """The job's DOCX bytes (or the template error that stopped it); None when this process must render it."""
        if self.done is None:
            self.done = {}
            try:
                with os.fdopen(self.fd, "rb") as pipe:
                    data = pipe.read()
                _, status = os.waitpid(self.pid, 0)
                self.pid = 0
                if status == 0:
                    self.done = {id(j): r for j, r in zip(self.jobs, pickle.loads(data), strict=True)}
            except Exception:  # noqa: BLE001 - whatever went wrong there, render here
                self.done = {}
        return self.done.get(id(job))

    def close(self) -> None:
        if self.done is None:
            os.close(self.fd)
            self.done = {}
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
                deadline = time.monotonic() + STOP_GRACE_SECONDS
                while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                    if time.monotonic() > deadline:  # stuck: no more waiting
                        os.kill(self.pid, signal.SIGKILL)
                        os.waitpid(self.pid, 0)
                        break
                    time.sleep(0.01)
            self.pid = 0


# How long a forked renderer that is no longer wanted may take to stop (it unwinds, removing any temporary file a
# cache write left) before it is killed.
STOP_GRACE_SECONDS = 2.0


def _stop(signum: int, frame: object) -> None:
    """SIGTERM in the forked renderer: unwind (``finally`` blocks run, so no temporary file is left), then exit."""
    raise SystemExit(1)


def _finish(
    jobs: list[_Job],
    chosen: tuple[str, ...],
    outdir: Path,
    problems: list[Diagnostic],
    strict: bool,
    cache_dir: Path | None,
    background: _Background | None,
) -> BuildResult:
    if _failed(problems, strict):
        return BuildResult(_sorted(problems))
    if (why := _writable(outdir)) is not None:
        problems.append(
            diag(
                "build.output",
                display(outdir),
                0,
                f"cannot write to the output folder {display(outdir)}: {why}",
                "choose another folder with -o, or fix its permissions",
            )
        )
        return BuildResult(_sorted(problems))
    order = [(n, fmt) for n in range(len(jobs)) for fmt in chosen]
    made: dict[tuple[int, str], bytes] = {}
    # HTML first while the DOCX is made in the background, so that both processes work at once
    for n, fmt in sorted(order, key=lambda o: background is not None and o[1] == "docx"):
        if fmt == "pdf":
            continue  # made from the DOCX, below
        try:
            found = background.result(jobs[n]) if background is not None and fmt == "docx" else None
            if isinstance(found, Diagnostic):
                raise templates.TemplateError(found)
            made[(n, fmt)] = found if found is not None else _render(jobs[n], fmt, cache_dir)
        except templates.TemplateError as exc:
            problems.append(exc.diagnostic)
    if "pdf" in chosen and not _failed(problems, strict):
        made |= _pdfs(jobs, made, background, cache_dir, problems)
    rendered = [
        (Output(jobs[n].paper.path, fmt, outdir / f"{jobs[n].paper.name}.{fmt}"), made[(n, fmt)])
        for n, fmt in order
        if (n, fmt) in made
    ]
    problems += _blocked([output.path for output, _ in rendered])
    if _failed(problems, strict):
        return BuildResult(_sorted(problems))
    written = _write(rendered, problems)  # before the result is made: a write error is in it
    return BuildResult(_sorted(problems), written)


def _pdfs(
    jobs: list[_Job],
    made: dict[tuple[int, str], bytes],
    background: _Background | None,
    cache_dir: Path | None,
    problems: list[Diagnostic],
) -> dict[tuple[int, str], bytes]:
    """Each paper's PDF, converted by LibreOffice from the DOCX this build rendered (rendered now when DOCX was
    not asked for), all papers in one call; a paper LibreOffice could not convert is a build.pdf error."""
    from drafttools.render import pdf

    docx: dict[str, bytes] = {}
    for n, job in enumerate(jobs):
        try:
            found = made.get((n, "docx")) or (background.result(job) if background is not None else None)
            if isinstance(found, Diagnostic):
                raise templates.TemplateError(found)
            docx[job.paper.name] = found if found is not None else _render(job, "docx", cache_dir)
        except templates.TemplateError as exc:
            problems.append(exc.diagnostic)
    if not docx or _failed(problems):
        return {}
    try:
        converted = pdf.convert(docx)
    except pdf.LibreOfficeMissing as exc:
        problems.append(
            diag(
                "build.libreoffice",
                jobs[0].paper.path,
                0,
                f"cannot make the PDF of {jobs[0].paper.path}{_and_more(len(jobs) - 1)}: {exc}",
                "install LibreOffice (Debian: apt-get install libreoffice-writer; or scripts/setup --test), "
                "or build without pdf in --to",
            )
        )
        return {}
    pdfs: dict[tuple[int, str], bytes] = {}
    for n, job in enumerate(jobs):
        result = converted.get(job.paper.name)
        if result is not None and result.pdf is not None:
            pdfs[(n, "pdf")] = result.pdf
        elif result is not None:
            problems.append(
                diag(
                    "build.pdf",
                    job.paper.path,
                    0,
                    f"LibreOffice could not convert {job.paper.path}'s DOCX to PDF: {result.failure}",
                    "build --to docx and open the DOCX in LibreOffice to see what it refuses; check LibreOffice runs "
                    "(soffice --headless --version)",
                )
            )
    return pdfs


def _and_more(count: int) -> str:
    return f" (and {count} more paper{'s' * (count != 1)})" if count else ""


def _blocked(paths: list[Path]) -> list[Diagnostic]:
    """Output paths that cannot take a file (a folder or another non-file stands there), found before writing."""
    return [
        diag(
            "build.output",
            display(path),
            0,
            f"cannot write {display(path)}: a folder (or other non-file) is in the way",
            "remove or rename it, or choose another folder with -o",
        )
        for path in paths
        if path.exists() and not path.is_file()
    ]


def _write(rendered: list[tuple[Output, bytes]], problems: list[Diagnostic]) -> tuple[Output, ...]:
    """Every output, all or none (``fsutil.write_all``); a failure is a build.output error and nothing written."""
    from drafttools.fsutil import write_all

    try:
        write_all([(output.path, data) for output, data in rendered])
    except DraftError as exc:
        problems.append(
            diag(
                "build.output",
                exc.path and display(Path(exc.path)),
                0,
                str(exc),
                "free some space, or choose another folder with -o",
            )
        )
        return ()
    return tuple(output for output, _ in rendered)


def _failed(problems: list[Diagnostic], strict: bool = False) -> bool:
    return any(is_finding(d, strict) for d in problems)


def _sorted(problems: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(problems, key=sort_key))


def _resolutions(versions: _Versions) -> str:
    """The resolutions a ``{resolution}`` block may name: the folders of ``resolutions/``."""
    from drafttools.source.versions import RESOLUTIONS

    folder = versions.project.versions.parent / RESOLUTIONS  # beside versions/, as versions.resolve finds them
    names = sorted(f.name for f in folder.iterdir() if (f / "manifest.toml").is_file()) if folder.is_dir() else []
    return ", ".join(names) or "none (resolutions/ holds none)"
