"""A diff for the terminal: a summary per article, then the changes, word by word.

Without colour, deletions print as ``[-…-]`` and insertions as ``{+…+}`` (git's word-diff notation); with
colour, red and green.  Long unchanged stretches inside a paragraph are cut to a few words of context.
Standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from drafttools.model import conventions
from drafttools.diff.engine import STATUS_ORDER, Change, Diff, Segment

CONTEXT_WORDS = 6
TITLE_WIDTH = 64
_ANSI = {"delete": "\x1b[31;9m", "insert": "\x1b[32m", "bold": "\x1b[1m", "dim": "\x1b[2m", "reset": "\x1b[0m"}


def _paint(text: str, what: str, colour: bool) -> str:
    return f"{_ANSI[what]}{text}{_ANSI['reset']}" if colour else text


def inline(segments: tuple[Segment, ...], colour: bool, context: int | None = CONTEXT_WORDS) -> str:
    """The word diff on one line, unchanged runs cut to ``context`` words either side of an edit."""
    out: list[str] = []
    for index, segment in enumerate(segments):
        text = segment.text
        if segment.op == "equal":
            words = text.split()
            head = 0 if index == 0 else (context or 0)
            tail = 0 if index == len(segments) - 1 else (context or 0)
            if context is not None and len(words) > head + tail + 1:
                pieces = [" ".join(words[:head]), "\u2026", " ".join(words[len(words) - tail:]) if tail else ""]
                text = (" " if text[:1].isspace() else "") + " ".join(p for p in pieces if p)
            out.append(text)
        else:
            lead = " " if text[:1].isspace() else ""
            open_, close = ("[-", "-]") if segment.op == "delete" else ("{+", "+}")
            out.append(lead + (_paint(text.strip(), segment.op, True) if colour else f"{open_}{text.strip()}{close}"))
    return "".join(out).strip()


def _counts(change: Change) -> str:
    own = [t for t in change.tags if t in ("retitled", "merged", "split", "inserted", "deleted", "moved")]
    tally = Counter(c.status for c in change.walk() if c is not change and c.status != "unchanged")
    parts = [", ".join(own)] if own else []
    if change.note and change.status in ("merged", "split", "moved"):
        parts = [change.note]
    parts += [f"{n} {status}" for status, n in sorted(tally.items(), key=lambda kv: STATUS_ORDER.index(kv[0]))]
    if "renumbered" in change.tags and set(tally) <= {"renumbered"} and not own:
        return "renumbered only"
    return "; ".join(parts) or "unchanged"


def summary(diff: Diff) -> Iterator[str]:
    titles = [(c.new or c.old).text for c in diff.articles]  # type: ignore[union-attr]
    width = min(max((len(t) for t in titles), default=8), TITLE_WIDTH)
    yield f"{'old':>4}  {'new':>4}  {'article':<{width}}  changes"
    if diff.preamble:
        tally = Counter(c.status for c in diff.preamble)
        yield f"{'':>4}  {'':>4}  {'Preamble':<{width}}  " + ", ".join(f"{n} {s}" for s, n in tally.items())
    for change, title in zip(diff.articles, titles):
        old = change.old.label if change.old else "\u2014"
        new = change.new.label if change.new else "\u2014"
        shown = title if len(title) <= width else title[: width - 1] + "\u2026"
        yield f"{old:>4}  {new:>4}  {shown:<{width}}  {_counts(change)}"


def _heading(change: Change, colour: bool) -> str:
    side = change.new or change.old
    assert side is not None
    head = conventions.article_heading(side.label, side.text) if change.kind == "article" else side.label
    if change.kind == "article" and change.old and change.new and change.old.label != change.new.label:
        head = conventions.article_heading(f"{change.new.label} (was {change.old.label})", change.new.text)
    if change.new is None and change.old is not None:
        head = conventions.article_heading(f"{change.old.label} (old)", change.old.text)
    return _paint(head, "bold", colour)


def _line(change: Change, colour: bool) -> str | None:
    old, new = change.old, change.new
    label = f"{old.label} \u2192 {new.label}" if old and new and old.label != new.label else (new or old).label  # type: ignore[union-attr]
    status = ", ".join(change.tags)
    note = f" ({change.note})" if change.note and change.status != "renumbered" else ""
    if change.status in ("inserted", "deleted"):
        text = (new or old).text  # type: ignore[union-attr]
        body = _paint(text, "insert" if change.status == "inserted" else "delete", colour) if colour else (("{+" if new else "[-") + text + ("+}" if new else "-]"))
        return f"  {label:<14} {status}{note}\n      {body}"
    if "modified" in change.tags or change.status in ("split", "merged"):
        return f"  {label:<14} {status}{note}\n      {inline(change.segments, colour)}"
    if change.status == "moved":
        return f"  {label:<14} {status}{note}"
    return None


def render(diff: Diff, colour: bool = False, old_name: str = "", new_name: str = "") -> str:
    out: list[str] = []
    o, n = diff.old_meta, diff.new_meta
    out.append(_paint(f"{old_name or o.version} ({o.date}, {o.status}) \u2192 {new_name or n.version} ({n.date}, {n.status})", "bold", colour))
    if any(s.op != "equal" for s in diff.title):
        out.append(f"title: {inline(diff.title, colour, None)}")
    if not diff.has_changes:
        out.append("no changes")
        return "\n".join(out) + "\n"
    counts = diff.counts()
    totals = ", ".join(f"{v} {k}" for k, v in counts.items() if v and k != "unchanged")
    out += ["", f"{totals} (of {sum(counts.values())} articles, paragraphs and items)", ""]
    out += list(summary(diff))
    out += ["", _paint("Changes", "bold", colour)]
    preamble = [line for line in (_line(c, colour) for c in diff.preamble) if line]
    if preamble:
        out += ["", _paint("Preamble", "bold", colour), *preamble]
    for top in diff.articles:
        lines = _article_lines(top, colour)
        if lines:
            out += [""] + lines
    if diff.references:
        out += ["", _paint("References whose printed number changed", "bold", colour)]
        out += [f"  {r.describe()}" for r in diff.references]
    return "\n".join(out) + "\n"


def _article_lines(change: Change, colour: bool) -> list[str]:
    lines: list[str] = []
    renumbered: list[str] = []
    if "retitled" in change.tags:
        lines.append(f"  title          retitled\n      {inline(change.segments, colour, None)}")
    if change.status in ("merged", "split", "inserted", "deleted") and change.note:
        lines.append(f"  {change.note}")
    for child in (c for c in change.walk() if c is not change):
        if child.status == "renumbered" and child.old and child.new:
            renumbered.append(f"{child.old.label}\u2192{child.new.label}")
            continue
        line = _line(child, colour)
        if line:
            lines.append(line)
    if renumbered:
        lines.append("  renumbered     " + ", ".join(renumbered))
    if not lines:
        return []
    return [_heading(change, colour), *lines]
