"""The compilation and the per-proponent view (``drafttools review compilation`` and ``review proponent``): the
proposals read against the working text and put into the records ``render.compilation`` shows, then written to
DOCX and HTML.

The compilation follows the working text: a heading row per division and article in the text's order, then a row
per element (paragraph, item, lead-in) with the proposals filed on it (amend, insert-after, delete), the comments of
the returns (proposals of kind ``comment``) and the Secretariat's notes (kind ``note``).  Every element is kept,
filed on or not (the complete text), unless ``only_filed``.  A proposal whose target is no longer in the text is
listed at the end, never dropped.  The per-proponent view is one party's proposals, and those it supported or
objected to, each with what became of it and the words of its target today.

A proposal file that cannot be read is an error and nothing is written: a compilation silently missing a
delegation's proposal is worse than none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from drafttools import fsutil
from drafttools.diagnostics import Diagnostic, DraftError, Severity, UsageError, exit_code
from drafttools.diff.engine import Segment, word_diff
from drafttools.model import negotiation
from drafttools.model.profile import HEADED_ROLES  # roles that head a group of rows
from drafttools.model.tree import Element, Instrument, plain_text
from drafttools.render import compilation as view
from drafttools.review import proposals as store
from drafttools.review.working import formats, output_folder

HOUSE_TEMPLATE = Path("annex_templates") / "code" / "reference.docx"


@dataclass(frozen=True)
class Written:
    path: Path
    format: str


@dataclass(frozen=True)
class Result:
    outputs: tuple[Written, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    summary: str = ""

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


@dataclass(frozen=True)
class Reading:
    """The working text as the compilation and the views read it: its records, and each ID's number and words."""

    instrument: Instrument
    text: view.Text
    labels: dict[str, str] = field(default_factory=dict)  # ID → "8.2(c)", "Article 8"
    words: dict[str, str] = field(default_factory=dict)  # ID → its words as they stand


# ------------------------------------------------------------------------------------------------- reading


def read_working(source: Path) -> Reading:
    """The working code text (``settings().source``), read as ``check`` reads it."""
    from drafttools.config import settings
    from drafttools.source.parse import load

    loaded = load(source, cache_dir=settings().build / ".cache")
    if loaded.instrument is None:
        first = next((d.format() for d in loaded.diagnostics if d.severity is Severity.ERROR), "")
        raise DraftError(f"the working text {source} cannot be read" + (f": {first}" if first else ""))
    instrument = loaded.instrument
    meta = instrument.meta
    text = view.Text(" ".join(meta.title.split()), meta.version, meta.date, meta.language)
    labels = {e.id: called(e) for e in instrument.walk() if e.id}
    words = {e.id: words_of(e, instrument) for e in instrument.walk() if e.id}
    return Reading(instrument, text, labels, words)


def called(element: Element) -> str:
    """How an element is named: "8.2(c)", "1(a)", "Article 8" (a lead-in by the label of what holds it)."""
    if element.role in HEADED_ROLES:
        return f"{element.kind.capitalize()} {element.number}".strip()
    return element.label or element.number or element.id or ""


def words_of(element: Element, instrument: Instrument) -> str:
    """An element's words as a reader sees them (references printed, footnotes left out); a heading's title."""
    if element.role in HEADED_ROLES:
        return element.title
    if element.cells:
        return " | ".join(" ".join(plain_text(cell, instrument, element).split()) for cell in element.cells)
    return " ".join(plain_text(element.inlines, instrument, element).split())


def _proposals(
    folder: Path, statuses: tuple[str, ...] = (), loaded: store.Loaded | None = None
) -> tuple[store.Loaded, tuple[store.Proposal, ...]]:
    """The proposals (read from ``folder`` unless a caller has ``loaded`` them already), and those ``statuses``."""
    for status in statuses:
        if status not in store.STATUSES:
            raise UsageError(f"--status {status!r}: choose among {', '.join(store.STATUSES)}")
    loaded = loaded if loaded is not None else store.load(folder)
    chosen = tuple(p for p in loaded.proposals if not statuses or p.status in statuses)
    return loaded, chosen


# ------------------------------------------------------------------------------------------------- entries


def says(p: store.Proposal) -> str:
    """A status in words: "open", "accepted", "merged into bra-3"."""
    return f"merged into {p.merged_into}" if p.status == "merged" and p.merged_into else p.status


def what(p: store.Proposal, label: str) -> str:
    """What a proposal does, in words: "amend 8.3", "new paragraph after 8.3", "delete 8.3"."""
    where = label or p.target
    if p.kind == "amend":
        return f"amend {where}"
    if p.kind == "insert-after":
        return f"new {p.inserts or 'paragraph'} after {where}"
    if p.kind == "delete":
        return f"delete {where}"
    return f"{p.kind} on {where}"


def segments(p: store.Proposal, current: str) -> tuple[Segment, ...]:
    """Its words as a word diff: before (as answered, else the text now) → after."""
    if p.kind == "amend":
        return _outside(word_diff(p.before or current, p.after))
    if p.kind == "insert-after":
        return (Segment("insert", p.after),) if p.after else ()
    if p.kind == "delete":
        gone = p.before or current
        return (Segment("delete", gone),) if gone else ()
    return ()


def _outside(found: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """The space before an inserted or deleted run moved out of it (the diff keeps it with the word), so that an
    underline or a strike covers words only."""
    out: list[Segment] = []
    for s in found:
        stripped = s.text.lstrip()
        if s.op != "equal" and stripped != s.text and stripped:
            out.append(Segment("equal", s.text[: len(s.text) - len(stripped)]))
            out.append(Segment(s.op, stripped))
        else:
            out.append(s)
    return tuple(out)


def remarks(p: store.Proposal) -> tuple[view.Remark, ...]:
    party = ", ".join(p.proponents)
    return tuple(
        view.Remark(
            p.id,
            party,
            c.author,
            c.anchor,
            c.text,
            c.note,
            tuple(view.Reply(r.author, r.text) for r in c.replies),
        )
        for c in p.comments
    )


def entry(p: store.Proposal, work: Reading, role: str = "", loaded: store.Loaded | None = None) -> view.Entry:
    label = work.labels.get(p.target, "")
    current = work.words.get(p.target, "")
    merged: tuple[Segment, ...] = ()
    if loaded is not None and p.status == "merged" and p.merged_into:
        into = loaded.get(p.merged_into)
        if into is not None:
            merged = segments(into, work.words.get(into.target, "")) or (
                (Segment("equal", into.note),) if into.note else ()
            )
    return view.Entry(
        p.id,
        p.kind,
        what(p, label),
        ", ".join(p.proponents),
        p.status,
        says(p),
        ", ".join(p.supporters),
        ", ".join(p.objectors),
        segments(p, current),
        p.note,
        remarks(p),
        role,
        p.target,
        label,
        current,
        merged,
    )


# ------------------------------------------------------------------------------------------------- compilation


def compile_proposals(
    folder: Path,
    source: Path,
    statuses: tuple[str, ...] = (),
    only_filed: bool = False,
    loaded: store.Loaded | None = None,
) -> tuple[view.Compilation, tuple[Diagnostic, ...]]:
    """The compilation of the proposals in ``folder`` (with ``statuses``, or all) against the working text."""
    loaded, chosen = _proposals(folder, statuses, loaded)
    work = read_working(source)
    on: dict[str, list[store.Proposal]] = {}
    gone: list[view.Entry] = []
    for p in chosen:
        if p.target in work.labels:
            on.setdefault(p.target, []).append(p)
        else:
            gone.append(entry(p, work))
    rows = _rows(work, on)
    if only_filed:
        rows = _filed(rows)
    shown = ", ".join(statuses) if statuses else "all statuses"
    compiled = view.Compilation(work.text, _cover(chosen, shown), tuple(rows), tuple(gone), only_filed)
    return compiled, loaded.diagnostics


REGIONS = {"preamble": "Preamble", "final": "Final clauses"}  # regions whose elements no heading of theirs opens


def _rows(work: Reading, on: dict[str, list[store.Proposal]]) -> list[view.Row]:
    rows: list[view.Row] = []
    instrument = work.instrument
    for region, tops in instrument.tops():
        if region in REGIONS and tops:
            rows.append(view.Row("heading", 0, f"region-{region}", "", REGIONS[region]))
        for top in tops:
            for element in top.walk():
                row = _element_row(element, work, on.get(element.id or "", []), rows)
                if row is not None:
                    rows.append(row)
    return rows


def _element_row(element: Element, work: Reading, filed: list[store.Proposal], rows: list[view.Row]) -> view.Row | None:
    """The element's row (after its heading row, appended to ``rows``, for a division or an article); None for an
    article nothing was filed on as a whole, or an element with neither an ID nor words."""
    instrument = work.instrument
    if element.role in HEADED_ROLES:
        depth = sum(1 for a in instrument.ancestors(element) if a.role in HEADED_ROLES)
        rows.append(view.Row("heading", depth, element.id or "", "", element.heading or element.title))
        if not filed:
            return None
        number, words = work.labels.get(element.id or "", ""), f"{element.title} (as a whole)"
        return _row(f"{element.id}-as-a-whole", number, words, filed, work)  # the heading row holds its ID
    else:
        number = element.label if element.number else ""  # "8.2(c)", not "(c)": a row may stand alone
        words = work.words.get(element.id or "", words_of(element, instrument))
    if not element.id and not words:
        return None
    return _row(element.id or "", number, words, filed, work)


def _row(anchor: str, number: str, words: str, filed: list[store.Proposal], work: Reading) -> view.Row:
    amending = tuple(entry(p, work) for p in filed if p.kind in ("amend", "insert-after", "delete"))
    said = tuple(r for p in filed if p.kind == "comment" for r in entry(p, work).remarks)
    notes = tuple(entry(p, work) for p in filed if p.kind == "note")
    return view.Row("element", 0, anchor, number, words, amending, said, notes)


def _filed(rows: list[view.Row]) -> list[view.Row]:
    """Only the element rows with something filed, under the headings that hold one of them."""
    kept: list[view.Row] = []
    pending: list[view.Row] = []  # headings waiting for a filed row below them
    for row in rows:
        if row.kind == "heading":
            pending = [h for h in pending if h.depth < row.depth] + [row]
        elif row.filed:
            kept += pending
            pending = []
            kept.append(row)
    return kept


def _cover(chosen: tuple[store.Proposal, ...], shown: str) -> view.Cover:
    returns: dict[str, tuple[str, int]] = {}
    for p in chosen:
        if p.source is not None and p.source.file:
            sender = p.proponents[0] if p.proponents else ""  # who sent it: a merge adds proponents after it
            party, n = returns.get(p.source.file, (sender, 0))
            returns[p.source.file] = (party, n + 1)
    kinds = Counter(p.kind for p in chosen)
    statuses = Counter(p.status for p in chosen)
    return view.Cover(
        tuple(sorted({p.answers for p in chosen if p.answers})),
        tuple(view.Return(party, file, n) for file, (party, n) in returns.items()),
        sum(1 for p in chosen if p.source is None or not p.source.file),
        tuple(view.Count(k, kinds[k]) for k in store.KINDS if kinds[k]),
        tuple(view.Count(s, statuses[s]) for s in store.STATUSES if statuses[s]),
        len(chosen),
        shown,
    )


# ------------------------------------------------------------------------------------------------- per proponent


def aliases(who: str) -> set[str]:
    """The names ``who`` may be recorded under, case-folded: itself, and a known group's or organization's code
    and full name ("EU" and "European Union")."""
    names = {who.strip().casefold()}
    for known in (negotiation.GROUPS, negotiation.ORGANIZATIONS):
        for code, name in known.items():
            if code.casefold() in names or name.casefold() in names:
                names |= {code.casefold(), name.casefold()}
    return names


def parties(loaded: store.Loaded) -> list[str]:
    """Every name recorded as proponent, supporter or objector, once (case aside), in the order first met."""
    found: dict[str, str] = {}
    for p in loaded.proposals:
        for name in (*p.proponents, *p.supporters, *p.objectors):
            found.setdefault(name.casefold(), name)
    return list(found.values())


def _role(p: store.Proposal, names: set[str]) -> str:
    if any(x.casefold() in names for x in p.proponents):
        return "proposed"
    if any(x.casefold() in names for x in p.supporters):
        return "supported"
    if any(x.casefold() in names for x in p.objectors):
        return "objected to"
    return ""


def proponent_views(
    folder: Path, source: Path, who: str | None, loaded: store.Loaded | None = None
) -> tuple[list[view.ProponentView], tuple[Diagnostic, ...]]:
    """One view for ``who`` (matched case-insensitively, by code or full name), or one per party when None."""
    loaded, _ = _proposals(folder, (), loaded)
    known = parties(loaded)
    if who is not None:
        names = aliases(who)
        matched = [k for k in known if k.casefold() in names]
        if not who.strip() or not matched:
            listed = ", ".join(known[:40]) or "none (no proposal is recorded)"
            raise UsageError(f"no proposal names {who!r} as proponent, supporter or objector; recorded: {listed}")
        wanted = [matched[0]]
    else:
        wanted = _one_per_party(known)
        if not wanted:
            raise DraftError(f"no proposal is recorded in {folder}: there is no proponent to show")
    work = read_working(source)
    return [_view(loaded, work, party) for party in wanted], loaded.diagnostics


def _one_per_party(known: list[str]) -> list[str]:
    """One name per party: "EU" and "European Union" are one."""
    seen: set[str] = set()
    out: list[str] = []
    for name in known:
        if name.casefold() in seen:
            continue
        seen |= aliases(name)
        out.append(name)
    return out


def _view(loaded: store.Loaded, work: Reading, party: str) -> view.ProponentView:
    names = aliases(party)
    entries = [entry(p, work, role, loaded) for p in loaded.proposals if (role := _role(p, names))]
    order = {"proposed": 0, "supported": 1, "objected to": 2}
    entries.sort(key=lambda e: order[e.role])
    statuses = Counter(e.status for e in entries if e.role == "proposed")
    full = negotiation.GROUPS.get(party.upper()) or negotiation.ORGANIZATIONS.get(party.upper()) or party
    return view.ProponentView(
        work.text,
        party,
        full,
        tuple(entries),
        tuple(view.Count(s, statuses[s]) for s in store.STATUSES if statuses[s]),
    )


# ------------------------------------------------------------------------------------------------- writing


def _template() -> Path:
    from drafttools.config import settings

    return settings().root / HOUSE_TEMPLATE


def write_compilation(
    spec: str,
    out: Path | None,
    statuses: tuple[str, ...] = (),
    only_filed: bool = False,
    loaded: store.Loaded | None = None,
) -> Result:
    """``drafttools review compilation``: compilation.docx and compilation.html, written atomically together."""
    from drafttools.config import settings
    from drafttools.render import compilation_docx

    chosen = formats(spec)
    config = settings()
    compiled, problems = compile_proposals(config.proposals, config.source, statuses, only_filed, loaded)
    if any(d.severity is Severity.ERROR for d in problems):
        return Result((), problems)
    folder = output_folder(out)
    files: list[tuple[Path, bytes]] = []
    if "docx" in chosen:
        files.append((folder / "compilation.docx", compilation_docx.compilation_bytes(compiled, _template())))
    if "html" in chosen:
        files.append((folder / "compilation.html", view.compilation_html(compiled).encode("utf-8")))
    _write(files)
    said = f"{compiled.cover.total} proposal(s), {sum(1 for r in compiled.rows if r.filed)} element(s) filed on"
    gone = f", {len(compiled.gone)} on text no longer in the draft" if compiled.gone else ""
    return Result(tuple(Written(p, p.suffix[1:]) for p, _ in files), problems, said + gone)


def write_proponents(spec: str, out: Path | None, who: str | None, loaded: store.Loaded | None = None) -> Result:
    """``drafttools review proponent``: proponent-<slug>.docx and .html for ``who``, or for every party."""
    from drafttools.config import settings
    from drafttools.render import compilation_docx

    chosen = formats(spec)
    config = settings()
    views, problems = proponent_views(config.proposals, config.source, who, loaded)
    if any(d.severity is Severity.ERROR for d in problems):
        return Result((), problems)
    folder = output_folder(out)
    files: list[tuple[Path, bytes]] = []
    for shown in views:
        stem = folder / f"proponent-{store.slug(shown.party)}"
        if "docx" in chosen:
            files.append((stem.with_suffix(".docx"), compilation_docx.proponent_bytes(shown, _template())))
        if "html" in chosen:
            files.append((stem.with_suffix(".html"), view.proponent_html(shown).encode("utf-8")))
    _write(files)
    return Result(tuple(Written(p, p.suffix[1:]) for p, _ in files), problems, f"{len(views)} proponent(s)")


def _write(files: list[tuple[Path, bytes]]) -> None:
    if not files:
        return
    try:
        files[0][0].parent.mkdir(parents=True, exist_ok=True)
        fsutil.write_all(files)
    except OSError as exc:
        raise DraftError(f"cannot write {files[0][0].parent}: {exc.strerror or exc}") from None
