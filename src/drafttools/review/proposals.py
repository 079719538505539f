"""Proposals as files: one TOML file per proposal in the project's ``proposals/`` folder, its name the proposal's
ID (``proposals/bra-1.toml``).  This module owns the format: the ``Proposal`` record, reading a file (every
problem a located diagnostic), writing one in its one canonical form, and checking a set of them against the
text they amend.

One file per proposal, not per article, because a proposal's life is its own: the status command the Secretariat
runs in the room changes one line of one file, a collection adds files and never edits one, two people recording
different proposals never touch the same file (no merge conflict), and a proposal follows its paragraph when
articles are renumbered or merged (its target is a stable ID, not a file of an article).  Long words are
wrapped at spaces with TOML's line-ending backslash, so ``git diff`` of an edited proposal shows the lines that
changed, and reading the file back gives the words exactly.  Standard library only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafttools.diagnostics import Diagnostic, diag, toml_error_line
from drafttools.model import negotiation

SCHEMA = "drafttools.proposal/1"
KINDS = ("amend", "insert-after", "delete", "comment", "note")  # note: the Secretariat's or a facilitator's, in `note`
STATUSES = ("open", "accepted", "rejected", "merged", "withdrawn")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WRAP = 100  # characters of words per line of a long string


@dataclass(frozen=True, slots=True)
class Reply:
    author: str
    date: str
    text: str


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment of a return (with its replies), filed under a proposal of kind ``comment``."""

    author: str
    date: str
    anchor: str  # the words it is anchored to
    text: str
    note: str = ""  # e.g. that it is anchored across two paragraphs, and where else it is filed
    replies: tuple[Reply, ...] = ()


@dataclass(frozen=True, slots=True)
class Mark:
    """One tracked change that a proposal was made from, as the return recorded it."""

    type: str  # "insert" | "delete"
    author: str  # as written in the file
    date: str
    text: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where a collected proposal came from: the file (and its SHA-256, which makes collecting it again a no-op),
    the place in it, and the key of the proposal within it."""

    file: str
    sha256: str
    where: str
    key: str
    collected: str = ""  # the date it was collected


@dataclass(frozen=True)
class Proposal:
    id: str
    target: str  # the stable ID of the element it amends, deletes, inserts after or comments on
    kind: str  # one of KINDS
    status: str  # one of STATUSES
    proponents: tuple[str, ...]  # ISO 3166 alpha-3 codes, groups ("African Region"), organizations' names
    supporters: tuple[str, ...] = ()
    objectors: tuple[str, ...] = ()
    merged_into: str = ""  # the proposal it was merged into (status "merged")
    answers: str = ""  # the version of the text it answers
    authors: tuple[str, ...] = ()  # the names in the file's tracked changes or comments, as written
    date: str = ""  # the latest date of its marks
    inserts: str = ""  # for insert-after: the kind of element inserted (paragraph, item)
    note: str = ""
    before: str = ""  # the target's words as answered (amend, delete)
    after: str = ""  # the proposed words (amend, insert-after)
    source: Source | None = None
    changes: tuple[Mark, ...] = ()
    comments: tuple[Comment, ...] = ()
    path: str = field(default="", compare=False)  # the file it was read from


@dataclass(frozen=True)
class Loaded:
    proposals: tuple[Proposal, ...]
    diagnostics: tuple[Diagnostic, ...]

    def get(self, proposal_id: str) -> Proposal | None:
        return next((p for p in self.proposals if p.id == proposal_id), None)


# ------------------------------------------------------------------------------------------------- reading


def load(folder: Path, shown: str | None = None) -> Loaded:
    """Every proposal file in ``folder`` (none when there is no folder), in ID order; a file that cannot be read
    as a proposal is a located diagnostic instead."""
    if not folder.is_dir():
        return Loaded((), ())
    found: list[Proposal] = []
    problems: list[Diagnostic] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("."):
            continue  # a temporary file of a write in progress (fsutil staging names)
        proposal, trouble = read(path, f"{shown or folder}/{path.name}")
        problems += trouble
        if proposal is not None:
            found.append(proposal)
    seen: dict[str, str] = {}
    for proposal in found:
        if proposal.id in seen:
            problems.append(
                diag(
                    "proposal.field",
                    proposal.path,
                    line_of(proposal.path, "id"),
                    f"proposal ID {proposal.id!r} used twice; first in {seen[proposal.id]}",
                    "give each proposal its own ID (its file's name)",
                )
            )
        seen.setdefault(proposal.id, proposal.path)
    return Loaded(tuple(sorted(found, key=order)), tuple(problems))


def order(proposal: Proposal) -> tuple[str, int, str]:
    """Proposals of one proponent in the order they were numbered: bra-2 before bra-10."""
    stem, _, number = proposal.id.rpartition("-")
    return (stem, int(number), "") if number.isdigit() else (proposal.id, 0, proposal.id)


def read(path: Path, shown: str) -> tuple[Proposal | None, list[Diagnostic]]:
    if path.is_dir():
        fix = "move it out of the proposals folder: it holds one .toml file per proposal"
        return None, [diag("proposal.syntax", shown, 0, "a folder, not a proposal file", fix)]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [diag("proposal.syntax", shown, 0, f"cannot read the proposal file: {exc}", "save it as UTF-8")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [
            diag(
                "proposal.syntax",
                shown,
                toml_error_line(exc, text),
                f"not valid TOML: {exc}",
                "compare it with a file drafttools wrote (docs/reviewing.md shows one)",
            )
        ]
    return _record(data, text, shown, path.stem)


def _record(data: dict[str, Any], text: str, shown: str, stem: str) -> tuple[Proposal | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []

    def bad(key: str, message: str, fix: str, code: str = "proposal.field") -> None:
        problems.append(diag(code, shown, _line_in(text, key), message, fix))

    def string(key: str, table: dict[str, Any] | None = None, required: bool = False) -> str:
        value = (data if table is None else table).get(key, None)
        if value is None:
            if required:
                bad(key, f"the proposal has no {key!r}", f'add {key} = "..."')
            return ""
        if not isinstance(value, str):
            bad(key, f"{key!r} must be a string, not {type(value).__name__}", f'write {key} = "..."')
            return ""
        return value

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(key, f"{key!r} must be a list of names", f'write {key} = ["BRA", "African Region"]')
            return ()
        return tuple(value)

    pid = string("id", required=True)
    if pid and (not ID.match(pid) or pid != stem):
        bad(
            "id",
            f"the proposal ID {pid!r} " + ("is not the file's name" if ID.match(pid) else "is malformed"),
            f"an ID is lower-case words and digits joined by hyphens, and the file is named ID.toml ({stem}.toml)",
        )
    kind = string("kind", required=True)
    if kind and kind not in KINDS:
        bad("kind", f"unknown kind {kind!r}", "kind is one of " + ", ".join(KINDS))
    status = string("status", required=True)
    if status and status not in STATUSES:
        bad("status", f"unknown status {status!r}", "status is one of " + ", ".join(STATUSES), "proposal.status")
    target = string("target", required=True)
    proponents = strings("proponents")
    if not data.get("proponents"):
        bad("proponents", "the proposal names no proponent", 'write proponents = ["BRA"] (who made it)')
    merged_into = string("merged_into")
    if status == "merged" and not merged_into:
        bad(
            "merged_into",
            "a merged proposal must say which proposal it was merged into",
            'add merged_into = "ID"',
            "proposal.merge",
        )
    source = _source(data.get("source"), bad, string)
    changes = tuple(
        Mark(string("type", c), string("author", c), string("date", c), string("text", c))
        for c in _tables(data, "changes", bad)
    )
    comments = tuple(
        Comment(
            string("author", c),
            string("date", c),
            string("anchor", c),
            string("text", c),
            string("note", c),
            tuple(Reply(string("author", r), string("date", r), string("text", r)) for r in _tables(c, "replies", bad)),
        )
        for c in _tables(data, "comments", bad)
    )
    if problems:
        return None, problems
    return (
        Proposal(
            pid,
            target,
            kind,
            status,
            proponents,
            strings("supporters"),
            strings("objectors"),
            merged_into,
            string("answers"),
            strings("authors"),
            string("date"),
            string("inserts"),
            string("note"),
            string("before"),
            string("after"),
            source,
            changes,
            comments,
            shown,
        ),
        problems,
    )


def _source(table: Any, bad: Any, string: Any) -> Source | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        bad("source", "'source' must be a table", "write it as [source] with file, sha256, where and key")
        return None
    return Source(
        string("file", table),
        string("sha256", table),
        string("where", table),
        string("key", table),
        string("collected", table),
    )


def _tables(data: dict[str, Any], key: str, bad: Any) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        bad(key, f"{key!r} must be an array of tables", f"write each as [[{key}]]")
        return []
    return value


def _line_in(text: str, key: str) -> int:
    found = re.search(rf"^\s*(?:\[\[?)?{re.escape(key)}\b", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def line_of(path: str, key: str) -> int:
    """The line of ``key`` in the proposal file at ``path`` (0 when the file cannot be read)."""
    try:
        return _line_in(Path(path).read_text(encoding="utf-8"), key)
    except (OSError, UnicodeDecodeError):
        return 0


# ------------------------------------------------------------------------------------------------- writing


def dump(p: Proposal) -> str:
    """The proposal in its one canonical form (reading it back gives ``p``)."""
    lines = [
        "# A proposal on the code text (docs/reviewing.md).  `drafttools proposal ...` changes its status, supporters",
        "# and objectors; the words are wrapped at spaces (a line ending in a backslash goes on with the next).",
        f"schema = {_string(SCHEMA)}",
        f"id = {_string(p.id)}",
        f"target = {_string(p.target)}",
        f"kind = {_string(p.kind)}",
        f"status = {_string(p.status)}",
        f"merged_into = {_string(p.merged_into)}",
        f"proponents = {_array(p.proponents)}",
        f"supporters = {_array(p.supporters)}",
        f"objectors = {_array(p.objectors)}",
        f"answers = {_string(p.answers)}",
        f"authors = {_array(p.authors)}",
        f"date = {_string(p.date)}",
    ]
    if p.inserts:
        lines.append(f"inserts = {_string(p.inserts)}")
    if p.note:
        lines.append(f"note = {_long(p.note)}")
    lines += [f"before = {_long(p.before)}", f"after = {_long(p.after)}"]
    if p.source is not None:
        s = p.source
        lines += [
            "",
            "[source]",
            f"file = {_string(s.file)}",
            f"sha256 = {_string(s.sha256)}",
            f"where = {_string(s.where)}",
            f"key = {_string(s.key)}",
            f"collected = {_string(s.collected)}",
        ]
    for m in p.changes:
        lines += [
            "",
            "[[changes]]",
            f"type = {_string(m.type)}",
            f"author = {_string(m.author)}",
            f"date = {_string(m.date)}",
            f"text = {_long(m.text)}",
        ]
    for c in p.comments:
        lines += [
            "",
            "[[comments]]",
            f"author = {_string(c.author)}",
            f"date = {_string(c.date)}",
            f"anchor = {_long(c.anchor)}",
            f"text = {_long(c.text)}",
        ]
        if c.note:
            lines.append(f"note = {_long(c.note)}")
        for r in c.replies:
            lines += [
                "",
                "[[comments.replies]]",
                f"author = {_string(r.author)}",
                f"date = {_string(r.date)}",
                f"text = {_long(r.text)}",
            ]
    return "\n".join(lines) + "\n"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def _escaped(text: str) -> str:
    return "".join(
        _ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch) for ch in text
    )


def _string(text: str) -> str:
    return f'"{_escaped(text)}"'


def _array(items: Iterable[str]) -> str:
    return "[" + ", ".join(_string(i) for i in items) + "]"


def _long(text: str) -> str:
    """A basic string, or for long words a multi-line one wrapped at spaces: each line but the last ends in
    ' \\', which TOML reads as the space and nothing of the line break (a line is never begun with a space, which
    the backslash would swallow)."""
    escaped = _escaped(text)
    if len(escaped) <= WRAP - 10:
        return f'"{escaped}"'
    tokens = escaped.split(" ")
    lines: list[str] = []
    current = tokens[0]
    for token in tokens[1:]:
        if token and len(current) + 1 + len(token) > WRAP:
            lines.append(current + " \\")
            current = token
        else:
            current += " " + token
    lines.append(current)
    return '"""\n' + "\n".join(lines) + '"""'


def slug(party: str) -> str:
    """The part of a proposal ID naming its proponent: 'BRA' → 'bra', 'Medicus Mundi International' →
    'medicus-mundi-international' (at most 30 characters)."""
    words = re.sub(r"[^a-z0-9]+", "-", party.lower()).strip("-")
    return (words[:30].rstrip("-") or "party") if words else "party"


def next_number(taken: Iterable[str], stem: str) -> int:
    """The next free number for proposals named ``stem-N`` (numbers are never reused: files are never deleted)."""
    numbers = [int(n) for t in taken if (m := re.fullmatch(rf"{re.escape(stem)}-(\d+)", t)) for n in [m.group(1)]]
    return max(numbers, default=0) + 1


# ------------------------------------------------------------------------------------------------ checking


def check(loaded: Loaded, present: set[str], recorded: dict[str, str]) -> list[Diagnostic]:
    """Proposals against the text they amend: ``present`` holds the IDs in the working text, ``recorded`` the
    ledger's status of every ID ever given.  A target that never was an ID is an error; one that has left the
    text is a warning while the proposal is open (a closed proposal on a deleted paragraph is history)."""
    problems = list(loaded.diagnostics)
    for p in loaded.proposals:
        problems += _proponents(p)
        if p.target not in present:
            if p.target not in recorded:
                problems.append(
                    diag(
                        "proposal.target",
                        p.path,
                        line_of(p.path, "target"),
                        f"proposal {p.id} targets {p.target!r}, which is no ID of the code text",
                        "name the stable ID of the paragraph, item or article it "
                        "amends (drafttools diff ... --format json lists them)",
                    )
                )
            elif p.status == "open":
                problems.append(
                    diag(
                        "proposal.target-gone",
                        p.path,
                        line_of(p.path, "target"),
                        f"open proposal {p.id} targets "
                        f"{p.target!r}, which is no longer in the text ({recorded[p.target]} in the ID ledger)",
                        "close the proposal (drafttools proposal reject|withdraw ...), or put the element back",
                    )
                )
        if p.status == "merged" and p.merged_into:
            into = loaded.get(p.merged_into)
            if into is None or into.id == p.id:
                problems.append(
                    diag(
                        "proposal.merge",
                        p.path,
                        line_of(p.path, "merged_into"),
                        f"proposal {p.id} is merged into "
                        f"{p.merged_into!r}, " + ("itself" if into is not None else "which is no proposal"),
                        "name the proposal it was merged into (drafttools proposals lists them)",
                    )
                )
    return problems


# A proponent written as a code ("BRA", "G77", "AFRICAN-GROUP"), not as a name ("European Union"): only these are
# held against the known codes, since a return's sender may sign with a name
_CODE_LIKE = re.compile(r"[A-Z][A-Z0-9-]{1,19}")


def _proponents(p: Proposal) -> list[Diagnostic]:
    """A warning for each proponent written as a code that no list of ``model.negotiation`` knows."""
    return [
        diag(
            "proposal.proponent",
            p.path,
            line_of(p.path, "proponents"),
            f"proposal {p.id} names the proponent {code!r}, which is no ISO 3166 alpha-3 code, group or "
            "organization drafttools knows",
            "write the delegation's ISO 3166 alpha-3 code (BRA), a known group (EU, G77) or organization (WHO), or "
            "its name in full; to add a group or organization, add it to drafttools/model/negotiation.py",
        )
        for code in negotiation.unknown(tuple(c for c in p.proponents if _CODE_LIKE.fullmatch(c)))
    ]
