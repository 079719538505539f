"""The compilation of proposals and the per-proponent view: the records both are made of (filled by
``drafttools.review.compilation``, so that this layer never imports the reviewers' use cases) and their HTML pages.

The compilation is the table the Secretariat sends to the governing body: the working text article by article and
paragraph by paragraph, each element in its own row beside the proposals filed on it (with their proponents,
status in words and word diff), the comments of the returns, and the Secretariat's notes; a cover counting what
came in; at the end the proposals whose target has left the text.  The per-proponent view is one delegation's
proposals (and what it supported or objected to) and what became of each.

The layout lives in ``render/templates/compilation.html.j2`` and ``proponent.html.j2`` (sandboxed, strict,
autoescaped: no word of a proposal is ever markup); the Word documents in ``render.compilation_docx``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import PackageLoader

from drafttools.diff.engine import Segment
from drafttools.render import css, sandbox


@dataclass(frozen=True, slots=True)
class Reply:
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class Remark:
    """A comment of a return: who sent it (the proposal's proponents) and who wrote it (the name in the file),
    the words it is anchored to, its text, a note ("anchored across 8.3 and 8.4; filed under each"), replies."""

    proposal: str
    party: str
    author: str
    anchor: str
    text: str
    note: str
    replies: tuple[Reply, ...]

    @property
    def by(self) -> str:
        """'BRA (João Souza)', or either alone."""
        if self.party and self.author and self.author != self.party:
            return f"{self.party} ({self.author})"
        return self.party or self.author or "unnamed"


@dataclass(frozen=True, slots=True)
class Entry:
    """One proposal as the outputs show it."""

    id: str
    kind: str  # amend, insert-after, delete, comment, note
    what: str  # "amend 8.3", "new paragraph after 8.3", "delete 8.3", "comment on 8.3", "note on 8.3"
    proponents: str  # "BRA, IND"
    status: str  # one of review.proposals.STATUSES, for a class name
    says: str  # the status in words: "open", "accepted", "merged into bra-3"
    supporters: str  # "IND, African Region" or ""
    objectors: str
    words: tuple[Segment, ...]  # before → after: equal, insert (underlined), delete (struck)
    note: str  # a note's words, or the proposal's own note ("edited without tracking")
    remarks: tuple[Remark, ...] = ()
    role: str = ""  # the per-proponent view: "proposed", "supported", "objected to"
    target: str = ""  # the target's stable ID
    label: str = ""  # its number in the working text ("8.2(c)"), "" when it is no longer there
    current: str = ""  # its words in the working text now
    merged_words: tuple[Segment, ...] = ()  # merged: the words of the proposal it was merged into

    @property
    def changes(self) -> bool:
        return any(s.op != "equal" for s in self.words)


@dataclass(frozen=True, slots=True)
class Row:
    """A row of the compilation: a heading (an article, a division: ``depth`` 0 at the top) or an element with
    what is filed on it."""

    kind: str  # "heading" | "element"
    depth: int
    anchor: str  # the element's stable ID
    number: str  # "8.3", "(c)", "Article 8" for an article's own row
    words: str  # its words as they stand in the working text (a heading's line)
    proposals: tuple[Entry, ...] = ()
    remarks: tuple[Remark, ...] = ()
    notes: tuple[Entry, ...] = ()

    @property
    def filed(self) -> bool:
        return bool(self.proposals or self.remarks or self.notes)


@dataclass(frozen=True, slots=True)
class Count:
    name: str
    n: int


@dataclass(frozen=True, slots=True)
class Return:
    """A returned file the proposals came from, and who sent it."""

    party: str
    file: str
    proposals: int


@dataclass(frozen=True)
class Cover:
    answers: tuple[str, ...]  # the versions the proposals answer
    returns: tuple[Return, ...]
    by_hand: int  # proposals written by hand or with ``review note`` (no source file)
    kinds: tuple[Count, ...]
    statuses: tuple[Count, ...]
    total: int
    shown: str  # which statuses are shown: "all statuses", "open, accepted"

    @property
    def returns_count(self) -> int:
        return len(self.returns)


@dataclass(frozen=True)
class Text:
    """The working text the outputs answer to."""

    title: str
    version: str
    date: str
    language: str


@dataclass(frozen=True)
class Compilation:
    text: Text
    cover: Cover
    rows: tuple[Row, ...]
    gone: tuple[Entry, ...]  # proposals whose target is no longer in the working text
    only_filed: bool


@dataclass(frozen=True)
class ProponentView:
    text: Text
    party: str  # as the proposals name it
    name: str  # its full name, when it is a known group or organization; else as party
    entries: tuple[Entry, ...]
    counts: tuple[Count, ...]  # by status, over what it proposed

    @property
    def groups(self) -> tuple[Group, ...]:
        """Its entries by role, in this order: proposed, supported, objected to (a role with none left out)."""
        found = []
        for role, heading in ROLES:
            entries = tuple(e for e in self.entries if e.role == role)
            if entries:
                found.append(Group(role.replace(" ", "-"), heading, entries))
        return tuple(found)


ROLES = (("proposed", "Proposed"), ("supported", "Supported"), ("objected to", "Objected to"))


@dataclass(frozen=True, slots=True)
class Group:
    anchor: str
    heading: str
    entries: tuple[Entry, ...]


RECORDS = (Reply, Remark, Entry, Row, Count, Return, Cover, Text, Compilation, ProponentView, Group, Segment)


@lru_cache(maxsize=1)
def _environment() -> sandbox.Sandbox:
    filters: dict[str, Callable[..., str]] = {"css": css.string}
    loader = PackageLoader("drafttools", "render/templates")
    return sandbox.environment(loader, filters, records=RECORDS, trim_blocks=True, lstrip_blocks=True)


def compilation_html(compiled: Compilation) -> str:
    """The compilation as one self-contained HTML page."""
    return _environment().get_template("compilation.html.j2").render(c=compiled, running=running(compiled.text))


def proponent_html(view: ProponentView) -> str:
    """One proponent's view as one self-contained HTML page."""
    return (
        _environment()
        .get_template("proponent.html.j2")
        .render(v=view, running=f"Proposals of {view.party}: {view.text.version}")
    )


def running(text: Text) -> str:
    """The running header of the compilation's pages."""
    return f"Compilation of proposals: {text.version}"
