"""A diff as self-contained HTML pages: the redline (map of changes, renumbering table, inline redline) and
the synoptic table (old | new | what changed).

The redline shows renumbering ``tracked`` (a changed number struck and inserted, each renumbered element marked)
or ``quiet`` (``diff.renumbering``: the new numbers as plain text, the renumbering listed once in its table, a
cover naming both versions); the map of changes is the same in both.

This module turns the change tree into a small view model; the layout and styles live in the Jinja2 templates
``render/templates/diff-redline.html.j2`` and ``diff-synoptic.html.j2``, rendered in the same sandbox as the
papers' templates (``render.sandbox``) with four filters of their own, ``anchor``, ``short``, ``lab`` and ``css``
(strict: a missing variable is an error; autoescaped: the text of the code is never markup).  No script, no
external resource: one file to mail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import PackageLoader
from markupsafe import Markup, escape

from drafttools.diff import renumbering as renumbering_view
from drafttools.diff.engine import STATUS_ORDER, Change, Diff, RefChange, Segment, Side
from drafttools.render import css, sandbox
from drafttools.render import synoptic as synoptic_table

SHOWN = ("inserted", "deleted", "modified", "moved", "split", "merged", "renumbered", "retitled")


@lru_cache(maxsize=1)
def _environment() -> sandbox.Sandbox:
    """Sandboxed like the papers' templates, with the filters these templates use (``css`` as the papers')."""
    filters: dict[str, Callable[..., str]] = {"anchor": _anchor, "short": _short, "lab": _lab, "css": css.string}
    loader = PackageLoader("drafttools", "render/templates")
    records = (Change, Segment, Side, RefChange, _Section, *synoptic_table.RECORDS)
    return sandbox.environment(loader, filters, records=records, trim_blocks=True, lstrip_blocks=True)


HEADED = ("division", "article", "annex", "table")


def _short(side: Side) -> str:
    """The number shown beside an element: '8.3', '(c)' for an item; nothing for a lead-in or the preamble."""
    return "" if side.role in HEADED else side.prefix


def _lab(side: Side) -> str:
    """The label of a synoptic cell: 'Article 8 –' before an article's title, else as ``_short``."""
    if side.role in HEADED:
        return side.prefix.rstrip()
    return _short(side)


def _head(change: Change) -> Markup:
    """A heading before its word-diffed title: 'Article 8 – ', or with the number struck and inserted."""
    old, new = change.old, change.new
    side = new or old
    assert side is not None
    if old and new and old.label != new.label and old.prefix != new.prefix:  # the quiet redline: one prefix
        number = Markup("<del>{}</del> <ins>{}</ins>").format(old.label, new.label)
        if new.label in new.prefix:
            before, _, after = new.prefix.partition(new.label)
            return escape(before) + number + escape(after)
        return Markup("<del>{}</del> <ins>{}</ins>").format(old.prefix, new.prefix)
    return escape(side.prefix)


@dataclass
class _Section:
    """One article (or the preamble) as the page shows it."""

    anchor: str
    heading: str
    old_number: str
    new_number: str
    change: Change | None
    entries: list[Change]
    counts: dict[str, int]
    cells: list[str]  # one status per paragraph and item, for the map
    moved_away: list[Change] = field(default_factory=list)
    head: Markup = Markup()  # an article's "Article 8 – " (number struck and inserted when renumbered)


def _anchor(change: Change) -> str:
    side = change.new or change.old
    assert side is not None
    prefix = "new" if change.new else "old"
    return f"{prefix}-{side.id or side.kind + '-' + side.label}"


def _role(change: Change) -> str:
    side = change.new or change.old
    return side.role if side is not None else ""


def _inside(change: Change) -> list[Change]:
    """What a heading holds, down to the next heading (an article's paragraphs and points; a division's nothing:
    its articles have sections of their own)."""
    found: list[Change] = []
    for child in change.children:
        if _role(child) in HEADED:
            continue
        found.append(child)
        found += _inside(child)
    return found


def _sections(diff: Diff) -> list[_Section]:
    sections: list[_Section] = []
    if diff.preamble:
        sections.append(_section("preamble", "Preamble", "", "", None, list(diff.preamble)))
    loose = [c for top in diff.body if _role(top) not in HEADED for c in top.walk()]  # a resolution's operative part
    if loose:
        sections.append(_section("operative", "Operative part", "", "", None, loose))
    for article in (c for c in diff.changes() if _role(c) in ("division", "article", "annex")):
        old = article.old.label if article.old else ""
        new = article.new.label if article.new else ""
        title = (article.new or article.old).text  # type: ignore[union-attr]
        sections.append(_section(_anchor(article), title, old, new, article, _inside(article)))
    if diff.final:
        sections.append(_section("final", "Final clauses", "", "", None, [c for top in diff.final for c in top.walk()]))
    by_old = {s.old_number: s for s in sections if s.old_number}
    for section in sections:
        for change in section.entries:
            if change.status == "moved" and change.old and change.new and change.old.article != change.new.article:
                home = by_old.get(change.old.article)
                if home is not None and home is not section:
                    home.moved_away.append(change)
    return sections


def _section(anchor: str, heading: str, old: str, new: str, change: Change | None, entries: list[Change]) -> _Section:
    counts = Counter(c.status for c in entries)
    if change is not None:
        for tag in change.tags:
            if tag in ("retitled", "merged", "split", "inserted", "deleted"):
                counts[tag] += 1
    ordered = {status: counts[status] for status in STATUS_ORDER if counts[status] and status != "unchanged"}
    head = _head(change) if change is not None else Markup()
    return _Section(anchor, heading, old, new, change, entries, ordered, [c.status for c in entries], head=head)


def _renumbering(diff: Diff, quiet: bool) -> list[tuple[str, str, str]]:
    """Old label, new label, and the change's tags (tracked: every tag; quiet: what else changed)."""
    return [(row.old, row.new, ", ".join(row.also if quiet else row.tags)) for row in renumbering_view.table(diff)]


def _quieted(sections: list[_Section]) -> list[_Section]:
    """The sections as the quiet redline shows them: each heading and entry without its renumbering (the map's
    cells and counts, made before, keep it)."""
    for section in sections:
        if section.change is not None:
            section.change = renumbering_view.quiet_change(section.change)
            section.head = _head(section.change)
        section.entries = [renumbering_view.quiet_change(c) for c in section.entries]
    return sections


def _context(diff: Diff, old_name: str, new_name: str, renumbering: str = "tracked") -> dict[str, Any]:
    """What the redline page shows."""
    if renumbering not in renumbering_view.MODES:
        raise ValueError(f"unknown renumbering mode {renumbering!r}")
    totals = {k: v for k, v in diff.counts().items() if v and k != "unchanged"}
    sections = _sections(diff)
    return {
        "old": diff.old_meta,
        "new": diff.new_meta,
        "old_name": old_name or diff.old_meta.version,
        "new_name": new_name or diff.new_meta.version,
        "title": diff.title,
        "title_changed": any(s.op != "equal" for s in diff.title),
        "sections": _quieted(sections) if renumbering == "quiet" else sections,
        "quiet": renumbering == "quiet",
        "renumbering": _renumbering(diff, renumbering == "quiet"),
        "references": diff.references,
        "names": {
            c.new.label: c.new.name for c in diff.changes() if c.new is not None and c.new.role in ("article", "annex")
        },
        "totals": totals,
        "statuses": SHOWN,
        "has_changes": diff.has_changes,
    }


def redline(diff: Diff, old_name: str = "", new_name: str = "", renumbering: str = "tracked") -> str:
    """The HTML redline page, its renumbering ``tracked`` or ``quiet``."""
    context = _context(diff, old_name, new_name, renumbering)
    return _environment().get_template("diff-redline.html.j2").render(**context)


def synoptic(diff: Diff, old_name: str = "", new_name: str = "", order: str = "new") -> str:
    """The synoptic table as an HTML page: one row per aligned pair, in the ``order`` ("new" or "old") version's
    order (``render.synoptic`` says how)."""
    # Only what the table shows: the redline's map, renumbering and sections are not built for it.
    shown = synoptic_table.table(diff, order, old_name, new_name)
    return (
        _environment()
        .get_template("diff-synoptic.html.j2")
        .render(table=shown, new=diff.new_meta, old_name=shown.old.name, new_name=shown.new.name)
    )
