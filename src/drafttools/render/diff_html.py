"""A diff as self-contained HTML pages: the redline (map of changes, renumbering table, inline redline) and
the synoptic table (old | new | what changed).

This module turns the change tree into a small view model; the layout and styles live in the Jinja2 templates
``render/templates/diff-redline.html.j2`` and ``diff-synoptic.html.j2`` (strict: a missing variable is an error;
autoescaped: the text of the code is never markup).  No script, no external resource: one file to mail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from drafttools.model import conventions
from drafttools.diff.engine import STATUS_ORDER, Change, Diff, Side

SHOWN = ("inserted", "deleted", "modified", "moved", "split", "merged", "renumbered", "retitled")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("drafttools", "render/templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["anchor"] = _anchor
    env.filters["short"] = _short
    env.filters["lab"] = _lab
    env.filters["article"] = lambda number: conventions.article_heading(number, "")
    return env


def _short(label: str, kind: str) -> str:
    """The number shown beside an element: '8.3', '(c)' for an item; nothing for a lead-in or the preamble."""
    if kind == "item":
        return label[label.rfind("("):] if "(" in label else label
    if label == "preamble" or label.startswith("Article"):
        return ""
    return label


def _lab(side: Side) -> str:
    """The label of a synoptic cell: 'Article 8 –' before an article's title, else as ``_short``."""
    if side.kind == "article":
        return conventions.article_heading_prefix(side.label, side.text).rstrip()
    return _short(side.label, side.kind)


def _head(change: Change) -> Markup:
    """An article's heading before its word-diffed title: 'Article 8 – ', or with the number struck and inserted."""
    old, new = change.old, change.new
    number = Markup("<del>{}</del> <ins>{}</ins>").format(old.label, new.label) if old and new and old.label != new.label \
        else escape((new or old).label)  # type: ignore[union-attr]
    return Markup(conventions.article_heading_prefix(number, (new or old).text))  # type: ignore[union-attr]


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


def _sections(diff: Diff) -> list[_Section]:
    sections: list[_Section] = []
    if diff.preamble:
        sections.append(_section("preamble", "Preamble", "", "", None, list(diff.preamble)))
    for article in diff.articles:
        old = article.old.label if article.old else ""
        new = article.new.label if article.new else ""
        title = (article.new or article.old).text  # type: ignore[union-attr]
        sections.append(_section(_anchor(article), title, old, new, article, [c for c in article.walk() if c is not article]))
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


def _renumbering(diff: Diff) -> list[tuple[str, str, str]]:
    rows = []
    for change in diff.changes():
        if change.old and change.new and change.old.label != change.new.label and change.kind != "item":
            if change.kind == "article":
                rows.append((conventions.article_heading(change.old.label, ""), conventions.article_heading(change.new.label, ""), ", ".join(change.tags)))
            else:
                rows.append((change.old.label, change.new.label, ", ".join(change.tags)))
    return rows


def _context(diff: Diff, old_name: str, new_name: str) -> dict[str, Any]:
    """What the redline page shows."""
    totals = {k: v for k, v in diff.counts().items() if v and k != "unchanged"}
    return {
        "old": diff.old_meta, "new": diff.new_meta, "old_name": old_name or diff.old_meta.version,
        "new_name": new_name or diff.new_meta.version, "title": diff.title, "title_changed": any(s.op != "equal" for s in diff.title),
        "sections": _sections(diff), "renumbering": _renumbering(diff), "references": diff.references,
        "totals": totals, "statuses": SHOWN, "has_changes": diff.has_changes,
    }


def redline(diff: Diff, old_name: str = "", new_name: str = "") -> str:
    """The HTML redline page."""
    return _environment().get_template("diff-redline.html.j2").render(**_context(diff, old_name, new_name))


def synoptic(diff: Diff, old_name: str = "", new_name: str = "") -> str:
    """The synoptic table as an HTML page: one row per aligned pair, in the new version's order."""
    # Only what the table shows: the redline's map, renumbering and sections are not built for it.
    return _environment().get_template("diff-synoptic.html.j2").render(
        rows=list(diff.changes()), old=diff.old_meta, new=diff.new_meta,
        old_name=old_name or diff.old_meta.version, new_name=new_name or diff.new_meta.version,
    )
