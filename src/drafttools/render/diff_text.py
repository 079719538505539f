"""A diff for the terminal: a summary per article (and division), then the changes, word by word.

Without colour, deletions print as ``[-…-]`` and insertions as ``{+…+}`` (git's word-diff notation); with
colour, red and green.  Long unchanged stretches inside a paragraph are cut to a few words of context.
Standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from drafttools.diff.engine import STATUS_ORDER, Change, Diff, Segment, Side

HEADED = ("division", "article", "annex", "table")

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
                pieces = [" ".join(words[:head]), "\u2026", " ".join(words[len(words) - tail :]) if tail else ""]
                text = (" " if text[:1].isspace() else "") + " ".join(p for p in pieces if p)
            out.append(text)
        else:
            lead = " " if text[:1].isspace() else ""
            open_, close = ("[-", "-]") if segment.op == "delete" else ("{+", "+}")
            out.append(lead + (_paint(text.strip(), segment.op, True) if colour else f"{open_}{text.strip()}{close}"))
    return "".join(out).strip()


def _role(change: Change) -> str:
    side = change.new or change.old
    return side.role if side is not None else ""


def _inside(change: Change) -> Iterator[Change]:
    """What an article (or division) holds, down to the next heading: a division's articles, not their paragraphs."""
    for child in change.children:
        yield child
        if _role(child) not in HEADED:
            yield from _inside(child)


def _counts(change: Change) -> str:
    own = [t for t in change.tags if t in ("retitled", "merged", "split", "inserted", "deleted", "moved")]
    tally = Counter(c.status for c in _inside(change) if c.status != "unchanged")
    parts = [", ".join(own)] if own else []
    if change.note and change.status in ("merged", "split", "moved"):
        parts = [change.note]
    parts += [f"{n} {status}" for status, n in sorted(tally.items(), key=lambda kv: STATUS_ORDER.index(kv[0]))]
    if "renumbered" in change.tags and set(tally) <= {"renumbered"} and not own:
        return "renumbered only"
    return "; ".join(parts) or "unchanged"


def _headed(diff: Diff) -> list[Change]:
    """The divisions, articles and annexes, in document order."""
    return [c for c in diff.changes() if _role(c) in ("division", "article", "annex")]


def summary(diff: Diff) -> Iterator[str]:
    rows = _headed(diff)
    titles = [_title(c) for c in rows]
    width = min(max((len(t) for t in titles), default=8), TITLE_WIDTH)
    column = max([4, *(len(_column(s)) for c in rows for s in (c.old, c.new) if s is not None)])
    yield f"{'old':>{column}}  {'new':>{column}}  {'article':<{width}}  changes"
    for region, changes in (("Preamble", diff.preamble), ("Final clauses", diff.final)):
        if changes and region == "Preamble":
            tally = Counter(c.status for c in changes)
            yield f"{'':>{column}}  {'':>{column}}  {region:<{width}}  " + ", ".join(
                f"{n} {s}" for s, n in tally.items()
            )
    loose = [c for top in _loose(diff) for c in top.walk()]
    if loose:
        tally = Counter(c.status for c in loose)
        yield f"{'':>{column}}  {'':>{column}}  {LOOSE:<{width}}  " + ", ".join(f"{n} {s}" for s, n in tally.items())
    for change, title in zip(rows, titles, strict=False):
        old = _column(change.old) if change.old else "\u2014"
        new = _column(change.new) if change.new else "\u2014"
        shown = title if len(title) <= width else title[: width - 1] + "\u2026"
        yield f"{old:>{column}}  {new:>{column}}  {shown:<{width}}  {_counts(change)}"
    if diff.final:
        tally = Counter(c.status for c in diff.final)
        yield f"{'':>{column}}  {'':>{column}}  {'Final clauses':<{width}}  " + ", ".join(
            f"{n} {s}" for s, n in tally.items()
        )


# The heading of a body's paragraphs that stand in no article: a resolution's operative paragraphs.
LOOSE = "Operative part"


def _loose(diff: Diff) -> list[Change]:
    """The body's top-level changes that are no division, article or annex (a resolution's operative paragraphs)."""
    return [c for c in diff.body if _role(c) not in HEADED]


def _title(change: Change) -> str:
    side = change.new or change.old
    assert side is not None
    if _role(change) == "division":
        return f"{side.name} \u2013 {side.text}" if side.text else side.name
    return side.text


def _head(side: Side, text: str, note: str = "") -> str:
    """'Article 8 – Title', 'Article 7 (was 8) – Title'."""
    name = f"{side.name} ({note})" if note else side.name
    return f"{name} \u2013 {text}" if text else name


def _heading(change: Change, colour: bool) -> str:
    side = change.new or change.old
    assert side is not None
    head = _head(side, side.text) if side.role in HEADED else side.label
    if side.role in HEADED and change.old and change.new and change.old.label != change.new.label:
        head = _head(change.new, change.new.text, f"was {change.old.label}")
    if change.new is None and change.old is not None:
        head = _head(change.old, change.old.text, "old")
    return _paint(head, "bold", colour)


def _line(change: Change, colour: bool) -> str | None:
    old, new = change.old, change.new
    label = f"{old.label} \u2192 {new.label}" if old and new and old.label != new.label else (new or old).label  # type: ignore[union-attr]
    status = ", ".join(change.tags)
    note = f" ({change.note})" if change.note and change.status != "renumbered" else ""
    if change.status in ("inserted", "deleted"):
        text = (new or old).text  # type: ignore[union-attr]
        body = (
            _paint(text, "insert" if change.status == "inserted" else "delete", colour)
            if colour
            else (("{+" if new else "[-") + text + ("+}" if new else "-]"))
        )
        return f"  {label:<14} {status}{note}\n      {body}"
    if "modified" in change.tags or change.status in ("split", "merged"):
        return f"  {label:<14} {status}{note}\n      {inline(change.segments, colour)}"
    if change.status == "moved":
        return f"  {label:<14} {status}{note}"
    return None


def render(diff: Diff, colour: bool = False, old_name: str = "", new_name: str = "") -> str:
    out: list[str] = []
    o, n = diff.old_meta, diff.new_meta
    out.append(
        _paint(
            f"{old_name or o.version} ({o.date}, {o.status}) \u2192 {new_name or n.version} ({n.date}, {n.status})",
            "bold",
            colour,
        )
    )
    if any(s.op != "equal" for s in diff.title):
        out.append(f"title: {inline(diff.title, colour, None)}")
    if not diff.has_changes:
        out.append("no changes")
        return "\n".join(out) + "\n"
    counts = diff.counts()
    totals = ", ".join(f"{v} {k}" for k, v in counts.items() if v and k != "unchanged")
    out += ["", f"{totals} (of {sum(counts.values())} {_kinds(diff)})", ""]
    out += list(summary(diff))
    out += ["", _paint("Changes", "bold", colour)]
    preamble = [line for line in (_line(c, colour) for c in diff.preamble) if line]
    if preamble:
        out += ["", _paint("Preamble", "bold", colour), *preamble]
    loose = [line for top in _loose(diff) for c in top.walk() if (line := _line(c, colour))]
    if loose:
        out += ["", _paint(LOOSE, "bold", colour), *loose]
    for top in _headed(diff):
        lines = _article_lines(top, colour)
        if lines:
            out += [""] + lines
    final = [line for line in (_line(c, colour) for c in diff.final) if line]
    if final:
        out += ["", _paint("Final clauses", "bold", colour), *final]
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
    for child in (c for c in _inside(change) if _role(c) not in HEADED):
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


def _column(side: Side) -> str:
    """An article by its number ("8"), a division or annex by its name ("Part II", "Annex 1")."""
    return side.label if side.role == "article" else side.name or side.label


def _kinds(diff: Diff) -> str:
    """The kinds compared, as a reader names them: "articles, paragraphs and items"."""
    body = [s.kind for top in diff.body for c in top.walk() for s in (c.old, c.new) if s is not None]
    seen = list(dict.fromkeys(body + [s.kind for c in diff.changes() for s in (c.old, c.new) if s is not None]))
    words = [
        k[:-1] + "ies"
        if k.endswith("y") and k[-2:-1] not in "aeiou"
        else k + ("es" if k.endswith(("x", "s", "ch", "sh")) else "s")
        for k in seen
    ] or ["elements"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
