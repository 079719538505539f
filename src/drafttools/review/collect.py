"""Collecting a return: a Word file sent back with tracked changes and comments, a Word file edited without
tracking, or a plain text → proposals files, each attributed to the stable ID of the article, paragraph or item
it concerns.

1. The file is read as it was sent (every tracked change rejected) with the importer (``importer.docx``,
   ``importer.structure``) and its elements are given the IDs of the version it answers (``importer.match``:
   bookmarks first, our builder writes one per element, then content).  That text must be the version named:
   when it reads as another known version, or differs from the named one in more than a few elements, the
   return is refused (``collect.wrong-version``), never misattributed; a few elements edited without tracking
   are said (``collect.untracked``) and left out.
2. For each author of a tracked change, the file is read again with that author's changes accepted and every
   other author's rejected, so interleaved changes keep their authors.  Each element whose words then differ is an
   ``amend`` proposal (before: as sent, after: as that author would have it), each element gone a ``delete``, each
   new element an ``insert-after`` the element before it.  The tracked changes it was made from ride along with
   their authors and dates.
   A return with no tracked change at all (a Word file edited without tracking, a text file) is compared with
   the version it answers instead, element by element as the importer aligned them: ``amend``, ``delete`` and
   ``insert-after`` proposals noted "edited without tracking".
3. Each comment (with its replies) is a ``comment`` proposal on every element its range covers; one anchored
   across several says so in a note.

Proponents are the party the return came from (``--from``); the names in the file are kept as written
(``authors``).  A proposal is known by the file's SHA-256 and a key saying what it is in the file, so collecting
the same file again writes nothing.  Everything is written at the end, together, under the write lock.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as _dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drafttools import fsutil
from drafttools.diagnostics import Diagnostic, DraftError, UsageError, diag, exit_code
from drafttools.diff.engine import similarity
from drafttools.importer import match as matching
from drafttools.importer.blocks import Refused
from drafttools.importer.marks import Marks, TrackedChange, WordComment, read_marks
from drafttools.importer.structure import Draft, recognise
from drafttools.model.tree import Element, Instrument
from drafttools.review import proposals as store
from drafttools.source import files as sources
from drafttools.source import lock, versions

SAME_ENOUGH = 0.8  # below this share of elements read as sent, a tracked return is not the version named
EDITED_ENOUGH = 0.5  # ... an untracked one, whose edits are all in its text
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
OTHER_VERSION = 0.9  # a return reading at least this much as another version, and more than as the one named, is it


@dataclass(frozen=True)
class CollectResult:
    file: str
    party: str
    answers: str
    new: tuple[store.Proposal, ...] = ()  # written (or, in a dry run, that would be)
    already: tuple[str, ...] = ()  # proposals of this file collected before
    labels: dict[str, str] = field(default_factory=dict)  # ID → its number in the answered version
    diagnostics: tuple[Diagnostic, ...] = ()
    written: bool = False

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


@dataclass
class _Return:
    """A return read as sent: its elements with the answered version's IDs.  An element owns the Word paragraphs
    from just after the element before it to its own (a paragraph whose mark is inserted runs on into the next,
    so its words can stand a paragraph or more above where its block ends); the first owns only its own."""

    draft: Draft
    ends: list[int]  # each element's (last) Word paragraph, in order
    owners: list[str | None]  # the ID of the answered version each one has (None: not the version's)
    text: dict[str, str]  # ID → its words as sent
    version: Instrument
    mapped: dict[int, str] = field(default_factory=dict)  # each element (by identity) → the answered version's ID

    @property
    def order(self) -> list[str]:
        return [i for i in self.owners if i is not None]

    def owner(self, paragraph: int) -> str | None:
        at = bisect.bisect_left(self.ends, paragraph)
        if at == len(self.ends) or (at == 0 and paragraph != self.ends[0]):
            return None
        return self.owners[at]

    def lines(self, element_id: str) -> range:
        at = self.owners.index(element_id)
        return range((self.ends[at - 1] + 1) if at else self.ends[0], self.ends[at] + 1)


@dataclass(frozen=True)
class Places:
    source: Path
    versions: Path
    proposals: Path

    @classmethod
    def from_settings(cls) -> Places:
        from drafttools.config import settings

        found = settings()
        return cls(found.source, found.versions, found.proposals)


def collect(
    file: Path, party: str, answers: str, *, dry_run: bool = False, places: Places | None = None
) -> CollectResult:
    """Collect the return ``file`` sent by ``party`` in answer to the version ``answers``."""
    (result,) = collect_all([(file, party)], answers, dry_run=dry_run, places=places)
    return result


def collect_all(
    returns: Sequence[tuple[Path, str]], answers: str, *, dry_run: bool = False, places: Places | None = None
) -> tuple[CollectResult, ...]:
    """Collect several returns (each a file and who sent it) answering one version, in one run: the version is
    read once, and the proposals of every file are written together, or, when one file is refused, none at all."""
    places = places or Places.from_settings()
    for file, party in returns:
        _arguments(file, party)
    with contextlib.nullcontext() if dry_run else lock.writing("collect"):
        version = _version(answers, places)
        loaded = store.load(places.proposals)
        known = {(p.source.sha256, p.source.key): p.id for p in loaded.proposals if p.source is not None}
        taken = [f.stem for f in places.proposals.glob("*.toml")] if places.proposals.is_dir() else []
        results = [_collect_one(file, party, answers, version, places, known, taken) for file, party in returns]
        refused = any(r.exit_code() for r in results)
        new = [p for r in results for p in r.new]
        if new and not dry_run and not refused:
            with lock.committing():  # a reader (check) sees all of them or none
                fsutil.write_all([(places.proposals / f"{p.id}.toml", store.dump(p).encode("utf-8")) for p in new])
        return tuple(dataclasses.replace(r, written=bool(r.new) and not dry_run and not refused) for r in results)


def _collect_one(
    file: Path,
    party: str,
    answers: str,
    version: Instrument,
    places: Places,
    known: dict[tuple[str, str], str],
    taken: list[str],
) -> CollectResult:
    """One return's proposals, numbered after ``taken`` (which they join) and leaving out what ``known`` holds
    (which they join too: the same file twice in one run is collected once)."""
    shown = sources.display(file)
    result = CollectResult(shown, party.strip(), answers)
    text = file.suffix.lower() in TEXT_SUFFIXES
    try:
        marks = Marks((), ()) if text else read_marks(file, shown)
        sent = _as_sent(file, shown, version)
    except Refused as refused:
        return _with(result, refused.diagnostic)
    tracked = bool(marks.changes)
    refusal = _wrong_version(sent, shown, answers, places, SAME_ENOUGH if tracked else EDITED_ENOUGH)
    if refusal is not None:
        return _with(result, refusal)
    problems = _untracked(sent, shown, answers) if tracked else []
    problems += _unnamed(marks, shown, result.party)
    edits = _from_changes(file, shown, sent, marks) if tracked else _edited(sent, result.party)
    made = sorted(
        edits + _from_comments(sent, shown, marks, problems),
        key=lambda p: (_paragraph(p), store.KINDS.index(p.kind), p.source.key if p.source else ""),
    )
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    already = tuple(dict.fromkeys(pid for (sha, _), pid in known.items() if sha == digest))
    fresh = [p for p in made if (digest, p.source.key if p.source else "") not in known]
    new = _numbered(fresh, result.party, answers, shown, digest, taken)  # never over a file, even a broken one
    taken += [p.id for p in new]
    known.update(((digest, p.source.key if p.source else ""), p.id) for p in new)
    labels = {e.id: e.heading or e.label for e in version.walk() if e.id}
    return CollectResult(shown, result.party, answers, new, already, labels, tuple(problems))


def _with(result: CollectResult, problem: Diagnostic) -> CollectResult:
    return CollectResult(result.file, result.party, result.answers, diagnostics=(problem,))


def _arguments(file: Path, party: str) -> None:
    if not file.is_file():
        raise UsageError(f"{file}: {'a folder, not a file' if file.is_dir() else 'no such file'}")
    if not party.strip() or any(ord(ch) < 0x20 for ch in party):
        raise UsageError(
            f"--from {party!r}: name who sent it: an ISO 3166 alpha-3 code (BRA), a group or an organization's name"
        )


def _version(spec: str, places: Places) -> Instrument:
    resolved = versions.resolve(spec, places.versions, places.source.parent, source=places.source)
    if resolved.instrument is None:
        first = resolved.diagnostics[0].format() if resolved.diagnostics else "it cannot be read"
        raise DraftError(f"--answers {spec}: {first}")
    return resolved.instrument


def _as_sent(file: Path, shown: str, version: Instrument) -> _Return:
    """The return as it was sent: a Word file with every tracked change rejected, a text file as it is."""
    from drafttools.importer.usecase import read_file

    draft = recognise(read_file(file, shown, "reject"), shown, version.profile)
    found = matching.match(draft.instrument, draft.typed, version, set(), {}, shown)
    ends: list[int] = []
    owners: list[str | None] = []
    text: dict[str, str] = {}
    mapped = {id(n): given for n, given in zip(draft.instrument.walk(), found.ids, strict=False) if version.get(given)}
    for node, given in sorted(zip(draft.instrument.walk(), found.ids, strict=False), key=lambda pair: pair[0].loc.line):
        ours = version.get(given) is not None and given not in text
        if ends and ends[-1] == node.loc.line:
            continue  # two elements from one Word paragraph cannot be told apart by place
        ends.append(node.loc.line)
        owners.append(given if ours else None)
        if ours:
            text[given] = matching.node_text(node, draft.instrument)
    return _Return(draft, ends, owners, text, version, mapped)


def _texts(instrument: Instrument) -> dict[str, str]:
    return {e.id: matching.node_text(e, instrument) for e in instrument.walk() if e.id}


def _wrong_version(sent: _Return, shown: str, answers: str, places: Places, enough: float) -> Diagnostic | None:
    """A located refusal when the return, read as sent, is not the version it is said to answer."""
    wanted = _texts(sent.version)
    same = sum(1 for i, t in wanted.items() if sent.text.get(i) == t)
    if wanted and same == len(wanted):
        return None
    as_sent = set(sent.text.values()) | {
        matching.node_text(e, sent.draft.instrument) for e in sent.draft.instrument.walk()
    }
    named_share = sum(1 for t in wanted.values() if t in as_sent) / max(len(wanted), 1)
    best = ("", 0.0)
    named_folder = versions.locate(answers, places.versions, places.source)
    for name in versions.known(places.versions, places.source):
        folder = versions.locate(name, places.versions, places.source)
        if folder is None or folder == named_folder or name in versions.WORKING:
            continue  # the working text is known by its version name (its manifest's), never as "code_text"
        other = versions.resolve(name, places.versions, places.source.parent, source=places.source).instrument
        if other is None:
            continue
        texts = _texts(other)
        share = sum(1 for t in texts.values() if t in as_sent) / max(len(texts), 1)
        if share > best[1]:
            best = (name, share)
    fix = "collect it with --answers naming the version that was sent out (drafttools versions lists them)"
    how = "read as sent (every tracked change rejected)" if enough == SAME_ENOUGH else "as returned"
    if best[1] >= OTHER_VERSION and best[1] > named_share:
        return diag(
            "collect.wrong-version",
            shown,
            0,
            f"this return answers {best[0]}, not {answers}: {how}, "
            f"{best[1]:.0%} of its elements read as in {best[0]} and {named_share:.0%} as in {answers}",
            fix,
        )
    if same / max(len(wanted), 1) < enough:
        return diag(
            "collect.wrong-version",
            shown,
            0,
            f"this return does not answer {answers}: {how}, only {same} of {len(wanted)} elements read as in {answers}",
            fix,
        )
    return None


def _untracked(sent: _Return, shown: str, answers: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    wanted = _texts(sent.version)
    lines = {i: line for line, i in zip(sent.ends, sent.owners, strict=True) if i is not None}
    for element_id, words in wanted.items():
        if sent.text.get(element_id, words) != words:
            label = _label(sent.version, element_id)
            problems.append(
                diag(
                    "collect.untracked",
                    shown,
                    lines.get(element_id, 0),
                    f"{label} ({element_id}) differs from {answers} without tracked changes: that edit is not "
                    "collected",
                    "ask the sender to make the edit with Track Changes on, or record it as a proposal by hand",
                )
            )
    return problems


# the names Word and LibreOffice write for an author when none is set (casefolded): no delegate can be told from them
UNNAMED = frozenset(
    {"", "author", "unknown", "unknown author", "user", "windows user", "microsoft office user", "owner", "admin"}
)


def _unnamed(marks: Marks, shown: str, party: str) -> list[Diagnostic]:
    """A warning per author name that names nobody ("Unknown Author"): kept as written, but said."""
    found: dict[str, int] = {}
    for name in [c.author for c in marks.changes] + [c.author for c in marks.comments]:
        if name.strip().casefold() in UNNAMED:
            found[name] = found.get(name, 0) + 1
    return [
        diag(
            "collect.author",
            shown,
            0,
            f"{count} tracked change(s) or comment(s) by {name!r}, a name a word processor writes when none is set: "
            f"kept as written, proposed by {party}",
            "ask the sender to set their name (Word: File > Options > User name) and to send the file again, or "
            "record who it was in the proposals' note",
        )
        for name, count in found.items()
    ]


def _label(instrument: Instrument, element_id: str) -> str:
    element = instrument.get(element_id)
    if element is None:
        return element_id
    return element.heading or element.label or element.kind


# ---------------------------------------------------------------------------------------------- proposals


def _proposal(target: str, kind: str, key: str, where: str, **fields: object) -> store.Proposal:
    """A proposal not yet numbered: its ID, proponents and source are given by ``_numbered``."""
    source = store.Source("", "", where, key)
    return store.Proposal("", target, kind, "open", (), source=source, **fields)  # type: ignore[arg-type]


def _from_changes(file: Path, shown: str, sent: _Return, marks: Marks) -> list[store.Proposal]:
    from drafttools.importer.docx import read_docx

    made: list[store.Proposal] = []
    for author in marks.authors():
        draft = recognise(read_docx(file, shown, "author", author=author), shown, sent.version.profile)
        mine = [c for c in marks.changes if c.author == author and c.text]
        made += _authored(author, draft, sent, mine)
    return made


def _paragraph(p: store.Proposal) -> int:
    found = re.match(r"(?:Word paragraph|Line) (\d+)", p.source.where if p.source else "")
    return int(found.group(1)) if found else 10**9  # a deletion from a text edited without tracking: at the end


def _authored(author: str, draft: Draft, sent: _Return, changes: list[TrackedChange]) -> list[store.Proposal]:
    """The proposals of one author: ``draft`` is the return read with only that author's changes accepted.
    Each of its elements is the element as sent that owns its Word paragraph; where two claim one (a paragraph
    inserted after it, whose new mark carries the old paragraph's text along), the one whose words are nearer
    keeps it and the other is new."""
    nodes = list(draft.instrument.walk())
    lines = [n.loc.line for n in nodes]
    mapped = _claims(nodes, draft, sent)
    previous = _previous_siblings(draft.instrument)
    made: list[store.Proposal] = []

    def marks(covered: range, **fields: object) -> dict[str, object]:
        here = [c for c in changes if c.paragraph in covered]
        return {
            "changes": tuple(store.Mark(c.type, c.author, c.date, c.text) for c in here),
            "authors": (author,),
            "date": max((c.date for c in here), default=""),
            **fields,
        }

    for k, node in enumerate(nodes):
        line = node.loc.line
        covered = range((lines[k - 1] if k else line - 1) + 1, line + 1)
        words = matching.node_text(node, draft.instrument)
        target = mapped.get(id(node))
        if target is not None:
            if words != sent.text[target]:
                key = f"amend {target} by {author}"
                made.append(
                    _proposal(
                        target,
                        "amend",
                        key,
                        f"Word paragraph {line}",
                        **marks(covered, before=sent.text[target], after=words),
                    )
                )
            continue
        after = next((mapped[id(p)] for p in previous.get(id(node), []) if id(p) in mapped), None)
        if after is None:
            after = next((mapped[id(n)] for n in reversed(nodes[:k]) if id(n) in mapped), None)
        if after is not None:
            key = f"insert after {after} at Word paragraph {line} by {author}"
            made.append(
                _proposal(
                    after,
                    "insert-after",
                    key,
                    f"Word paragraph {line}",
                    **marks(covered, after=words, inserts=node.kind),
                )
            )
    kept = set(mapped.values())
    gone = [i for i in sent.order if i not in kept]
    for element_id in gone:
        parent = sent.version.parent_of(sent.version.get(element_id))  # type: ignore[arg-type]
        if parent is not None and parent.id in gone:
            continue  # deleted with the article (or paragraph) that holds it
        covered = sent.lines(element_id)
        made.append(
            _proposal(
                element_id,
                "delete",
                f"delete {element_id} by {author}",
                f"Word paragraph {covered[-1]}",
                **marks(covered, before=sent.text[element_id]),
            )
        )
    return made


def _claims(nodes: list[Element], draft: Draft, sent: _Return) -> dict[int, str]:
    """Each element of an author's reading (by identity) → the ID of the element as sent that it is."""
    claims: dict[str, list[tuple[int, Element]]] = {}
    for k, node in enumerate(nodes):
        owner = sent.owner(node.loc.line)
        if owner is not None:
            claims.setdefault(owner, []).append((k, node))
    mapped: dict[int, str] = {}
    for owner, claimants in claims.items():
        k, best = max(
            claimants,
            key=lambda c: (similarity(matching.node_text(c[1], draft.instrument), sent.text[owner]), -c[0]),
        )
        mapped[id(best)] = owner
    return mapped


def _edited(sent: _Return, party: str) -> list[store.Proposal]:
    """The proposals of a return edited without tracking (a Word file, a text): the text as returned against the
    version it answers, element by element, as the importer aligned them (stable IDs from bookmarks, else the diff
    engine's content alignment): an element whose words differ is an ``amend``, one missing a ``delete``, one new
    an ``insert-after``."""
    nodes = list(sent.draft.instrument.walk())
    previous = _previous_siblings(sent.draft.instrument)
    answered = _texts(sent.version)
    made: list[store.Proposal] = []
    for k, node in enumerate(nodes):
        line, words = node.loc.line, matching.node_text(node, sent.draft.instrument)
        where = f"{sent.draft.unit.capitalize() if sent.draft.unit == 'line' else 'Word paragraph'} {line}"
        target = sent.mapped.get(id(node))
        if target is not None:
            if words != answered[target]:
                made.append(
                    _proposal(
                        target,
                        "amend",
                        f"amend {target}",  # no party: a file (its SHA-256) is collected once, whoever sends it
                        where,
                        before=answered[target],
                        after=words,
                        note="edited without tracking",
                    )
                )
            continue
        after = next((sent.mapped[id(p)] for p in previous.get(id(node), []) if id(p) in sent.mapped), None)
        if after is None:
            after = next((sent.mapped[id(n)] for n in reversed(nodes[:k]) if id(n) in sent.mapped), None)
        if after is not None:
            made.append(
                _proposal(
                    after,
                    "insert-after",
                    f"insert after {after} at {where}",
                    where,
                    after=words,
                    inserts=node.kind,
                    note="edited without tracking",
                )
            )
    kept = set(sent.mapped.values())
    gone = [e.id for e in sent.version.walk() if e.id and e.id not in kept]
    for element_id in gone:
        parent = sent.version.parent_of(sent.version.get(element_id))  # type: ignore[arg-type]
        if parent is not None and parent.id in gone:
            continue
        made.append(
            _proposal(
                element_id,
                "delete",
                f"delete {element_id}",
                "not in the return",
                before=answered[element_id],
                note="edited without tracking",
            )
        )
    return made


def _previous_siblings(instrument: Instrument) -> dict[int, list[Element]]:
    """For each element (by identity), its earlier siblings, nearest first."""
    found: dict[int, list[Element]] = {}
    for _, tops in instrument.tops():
        for i, top in enumerate(tops):
            found[id(top)] = list(reversed(tops[:i]))
    for element in instrument.walk():
        for i, child in enumerate(element.children):
            found[id(child)] = list(reversed(element.children[:i]))
    return found


def _from_comments(sent: _Return, shown: str, marks: Marks, problems: list[Diagnostic]) -> list[store.Proposal]:
    by_id = {c.id: c for c in marks.comments}
    replies: dict[str, list[WordComment]] = {}
    for c in marks.comments:
        if c.parent and c.parent in by_id:
            replies.setdefault(_thread(c, by_id), []).append(c)
    made: list[store.Proposal] = []
    for c in marks.comments:
        if c.parent and c.parent in by_id:
            continue
        owners = (sent.owner(line) for line in range(c.first, c.last + 1))
        targets = list(dict.fromkeys(owner for owner in owners if owner is not None))
        if not targets:
            problems.append(
                diag(
                    "collect.unplaced",
                    shown,
                    c.first,
                    f"comment by {c.author} on Word paragraph {c.first} stands "
                    f"outside the code text ({c.text[:60]!r}): not collected",
                    "add it to a proposal by hand",
                )
            )
            continue
        labels = [_label(sent.version, t) for t in targets]
        note = (
            f"anchored across {', '.join(labels[:-1])} and {labels[-1]}; filed under each" if len(targets) > 1 else ""
        )
        thread = [store.Reply(r.author, r.date, r.text) for r in replies.get(c.id, [])]
        comment = store.Comment(c.author, c.date, c.anchor, c.text, note, tuple(thread))
        where = f"Word paragraph {c.first}" + (f"-{c.last}" if c.last != c.first else "") + f", comment {c.id}"
        for target in targets:
            made.append(
                _proposal(
                    target,
                    "comment",
                    f"comment {c.id} on {target}",
                    where,
                    comments=(comment,),
                    authors=tuple(dict.fromkeys([c.author, *(r.author for r in thread)])),
                    date=c.date,
                    note=note,
                )
            )
    return made


def _thread(comment: WordComment, by_id: dict[str, WordComment]) -> str:
    """The comment that opens ``comment``'s thread."""
    seen = {comment.id}
    while comment.parent and comment.parent in by_id and comment.parent not in seen:
        comment = by_id[comment.parent]
        seen.add(comment.id)
    return comment.id


def _numbered(
    fresh: list[store.Proposal], party: str, answers: str, shown: str, digest: str, taken: list[str]
) -> tuple[store.Proposal, ...]:
    stem = store.slug(party)
    first = store.next_number(taken, stem)
    today = _dt.datetime.now(_dt.UTC).date().isoformat()
    out = []
    for n, p in enumerate(fresh, start=first):
        where = p.source.where if p.source else ""
        key = p.source.key if p.source else ""
        out.append(
            store.Proposal(
                f"{stem}-{n}",
                p.target,
                p.kind,
                "open",
                (party,),
                (),
                (),
                "",
                answers,
                p.authors,
                p.date,
                p.inserts,
                p.note,
                p.before,
                p.after,
                store.Source(shown, digest, where, key, today),
                p.changes,
                p.comments,
            )
        )
    return tuple(out)
