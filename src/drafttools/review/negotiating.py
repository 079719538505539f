"""The negotiating text (``drafttools review negotiating``): the working text with the accepted proposals applied
(``review.apply``) and every open proposal woven in as bracketed alternatives naming their proponents, each text's
status, the facilitators' notes, and the words deleted since the last negotiating text struck through.  Fills the
data of ``render.negotiating`` and writes ``negotiating-text.docx|html``.  Never prints.

How the alternatives are made, per element:

- each open ``amend`` is compared token by token (the diff engine's tokens) with the element's words as they
  stand (the proposal's own change rebased onto them when the text has moved on since, as ``apply`` does; failing
  that, its words stand as an alternative to the whole text); each changed span is a hunk, and a pure insertion
  takes the word before it (or after, at the start), so that no bracket is empty;
- an open ``delete`` is a hunk over the whole element whose alternative is the word *delete* (in italics);
- overlapping hunks, of any proposals, form one group: the words as they stand over the group's span go in a
  plain bracket, and each proposal's words over the span follow as ``[Alt n (BRA, IND): words]``; identical words
  from several proponents are one alternative naming them all; alternatives are numbered through the element,
  after any written in the source (``[Alt 1 (...): ...]`` already there stays as it is);
- an open ``insert-after`` is a new element after its target (or, of a kind its target holds, its first child)
  whose words are its alternatives, marked as proposed;
- proponents written as a group's or organization's full name ("European Union") print as its code ("EU").

The status shown is the element's own or inherited (``:status:``); an element with none that holds brackets or
open proposals reads "under negotiation".  Deletions since ``--since VERSION`` (by default the version the open
proposals answer, when they all answer one; ``none`` turns it off) are the diff engine's word diff of each element
against that version, and the elements of that version no longer in the text, shown at their old place.
Footnotes of the code are not shown in the negotiating text.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from drafttools import fsutil
from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, DraftError, UsageError, exit_code
from drafttools.diff.engine import tokens, word_diff
from drafttools.importer.match import CONTAINER_ROLES
from drafttools.model import negotiation
from drafttools.model.tree import Element, Instrument, Ref
from drafttools.render.negotiating import Block, NegotiatingText, Run
from drafttools.review import apply as applying
from drafttools.review import proposals as store
from drafttools.review import working as work
from drafttools.source import parse
from drafttools.source import versions as versioning

NAME = "negotiating-text"
HEADED = frozenset({"division", "article", "annex"})
_WRITTEN_ALT = re.compile(r"\[\s*(?:Alt|Alternative|Option)\s+(\d+)")
_NAMES = {full.casefold(): code for code, full in {**negotiation.GROUPS, **negotiation.ORGANIZATIONS}.items()}


@dataclass(frozen=True)
class NegotiatingResult:
    text: NegotiatingText
    files: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...]

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def proponent(name: str) -> str:
    """How a negotiating text prints a proponent: a known group's or organization's code for its full name."""
    return _NAMES.get(" ".join(name.split()).casefold(), name)


def negotiating(
    out: Path, formats: tuple[str, ...], since: str | None = None, state: work.Working | None = None
) -> NegotiatingResult:
    """Build the negotiating text into ``out`` (see the module's docstring); ``since`` a version name, "none", or
    None for the default."""
    state = state if state is not None else work.load()
    opened = tuple(p for p in state.proposals if p.status == "open")
    old, since_name = _since(since, opened)
    text = weave(state.applied.instrument, opened, old, since_name)
    if work.blocked(state.diagnostics):
        return NegotiatingResult(text, (), state.diagnostics)
    files: list[tuple[Path, bytes]] = []
    if "docx" in formats:
        from drafttools.render.negotiating import docx_bytes

        files.append((out / f"{NAME}.docx", docx_bytes(text)))
    if "html" in formats:
        from drafttools.render.negotiating import html_page

        files.append((out / f"{NAME}.html", html_page(text).encode("utf-8")))
    fsutil.write_all(files)
    return NegotiatingResult(text, tuple(p for p, _ in files), state.diagnostics)


def _since(spec: str | None, opened: tuple[store.Proposal, ...]) -> tuple[Instrument | None, str]:
    config = settings()
    if spec == "none":
        return None, ""
    if spec is None:
        answered = {p.answers for p in opened if p.answers}
        if len(answered) != 1:
            return None, ""
        spec = answered.pop()
        folder = versioning.locate(spec, config.versions, config.source)
        if folder is None:
            return None, ""
    else:
        folder = versioning.locate(spec, config.versions, config.source)
        if folder is None:
            known = ", ".join(versioning.known(config.versions, config.source))
            raise UsageError(f"--since {spec}: no such version (known: {known}; or none)")
    if folder.resolve().parent == (config.root / versioning.RESOLUTIONS).resolve():
        raise UsageError(f"--since {spec}: that is a resolution, not a version of the working text (or none)")
    loaded = parse.load(folder)
    if loaded.instrument is None:
        first = loaded.diagnostics[0].format() if loaded.diagnostics else "it cannot be read"
        raise DraftError(f"--since {spec}: {first}", str(folder))
    return loaded.instrument, spec


# ------------------------------------------------------------------------------------------------- weaving


def weave(
    instrument: Instrument, opened: tuple[store.Proposal, ...], old: Instrument | None, since: str
) -> NegotiatingText:
    """The negotiating text's blocks: ``instrument`` with the ``opened`` proposals woven in, and what ``old``
    held that is gone struck through."""
    by_target: dict[str, list[store.Proposal]] = {}
    for p in opened:
        by_target.setdefault(p.target, []).append(p)
    gone = _gone(instrument, old, since) if old is not None and since else {}
    blocks: list[Block] = list(gone.get("", []))
    counts: dict[str, int] = {}

    def visit(element: Element, level: int) -> None:
        own = by_target.get(element.id or "", [])
        block = _block(instrument, element, level, own, old, since)
        blocks.append(block)
        counts[block.status or "unmarked"] = counts.get(block.status or "unmarked", 0) + 1
        blocks.extend(gone.get(element.id or "", []))
        inserts = [p for p in own if p.kind == "insert-after"]
        first = [p for p in inserts if _as_child(instrument, element, p)]
        if first:
            blocks.append(_inserted(instrument, first, level + 1))
        child_level = level + 1 if element.role not in ("division",) else level
        for child in element.children:
            visit(child, child_level)
        after = [p for p in inserts if p not in first]
        if after:
            blocks.append(_inserted(instrument, after, level))

    for _, tops in instrument.tops():
        for top in tops:
            visit(top, 0 if top.role in HEADED else 1)
    counts["alternatives"] = sum(1 for b in blocks for r in b.runs if r.kind == "label")
    counts["notes"] = sum(len(b.notes) for b in blocks)
    counts["deleted"] = sum(1 for b in blocks if b.deleted_since)
    meta = instrument.meta
    return NegotiatingText(
        meta.title,
        meta.version,
        _dt.datetime.now(_dt.UTC).date().isoformat(),
        since,
        meta.language,
        tuple(blocks),
        counts,
    )


def _as_child(instrument: Instrument, target: Element, p: store.Proposal) -> bool:
    kind = p.inserts or target.kind
    if kind == target.kind:
        return False
    holds = instrument.profile.kinds.get(target.kind)
    return target.role in CONTAINER_ROLES or (holds is not None and kind in holds.children)


def _effective(instrument: Instrument, element: Element) -> str:
    if element.status:
        return element.status
    return next((a.status for a in instrument.ancestors(element) if a.status), "")


def _block(
    instrument: Instrument,
    element: Element,
    level: int,
    own: list[store.Proposal],
    old: Instrument | None,
    since: str,
) -> Block:
    heading = element.role in HEADED
    pieces = _pieces(instrument, element)
    struck = _struck(instrument, element, old, [t for t, _ in pieces]) if old is not None and since else {}
    amends = [p for p in own if p.kind in ("amend", "delete")]
    runs = _runs(pieces, struck, _groups(pieces, amends), _first_alt(pieces))
    status = _effective(instrument, element)
    if not status and (any(r.kind == "label" for r in runs) or "[" in "".join(t for t, _ in pieces)):
        status = "open"
    notes = tuple((", ".join(p.proponents), p.note) for p in own if p.kind == "note" and p.note)
    if heading:
        # the heading's words before the title ("Article 8 –", "Part One"); the title itself is the runs
        number = " ".join(element.heading.replace(element.title, "", 1).split()) if element.title else element.heading
        return Block(element.id or "", 0, True, number, tuple(runs), status, notes)
    return Block(
        element.id or "",
        max(level, 1),
        False,
        element.number,
        tuple(runs),
        status,
        notes,
        lead_in=not element.numbered,
    )


def _pieces(instrument: Instrument, element: Element) -> list[tuple[str, str]]:
    """The element's words as tokens (each with its leading space), each with the reference it prints, if any."""
    if element.role in CONTAINER_ROLES:
        return [(t, "") for t in tokens(element.title)]
    if element.cells:
        return [(t, "") for t in tokens(applying.words(element, instrument))]
    chars, _ = applying.flatten(element.inlines, instrument, element)
    text = "".join(c.ch for c in chars)
    out: list[tuple[str, str]] = []
    at = 0
    for token in tokens(text):
        owners = {c.owner for c in chars[at : at + len(token)] if not c.ch.isspace()}
        at += len(token)
        owner = owners.pop() if len(owners) == 1 else -1
        piece = element.inlines[owner] if owner >= 0 else None
        out.append((token, piece.target if isinstance(piece, Ref) else ""))
    return out


def _struck(instrument: Instrument, element: Element, old: Instrument, now: list[str]) -> dict[int, list[str]]:
    """Words of ``old``'s element with the same ID that are gone, by the index of the token they stood before."""
    was = old.get(element.id or "") if element.id else None
    if was is None:
        return {}
    found: dict[int, list[str]] = {}
    at = 0
    for segment in word_diff(applying.words(was, old), "".join(now)):
        if segment.op == "delete":
            found.setdefault(min(at, len(now)), []).append(segment.text)
        else:
            at += len(tokens(segment.text))
    return found


@dataclass
class _Hunk:
    start: int
    end: int
    words: list[str]  # the tokens that replace start..end
    proposal: store.Proposal
    delete: bool = False


def _hunks(keys: list[str], current: list[str], p: store.Proposal) -> list[_Hunk]:
    n = len(keys)
    if p.kind == "delete":
        return [_Hunk(0, n, [], p, delete=True)]
    now = " ".join("".join(current).split())
    wanted = " ".join(p.after.split())
    if wanted == now:
        return []
    if now != " ".join(p.before.split()):
        wanted = applying.rebase(p.before, p.after, now) or ""
        if not wanted:
            return [_Hunk(0, n, tokens(p.after), p)]
    new = tokens(wanted)
    found: list[_Hunk] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys, [t.strip() for t in new], autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        words = list(new[j1:j2])
        if i1 == i2:  # a pure insertion takes a word of what stands, so that the bracket is not empty
            if i1 > 0:
                i1, words = i1 - 1, [current[i1 - 1], *words]
            elif i2 < n:
                i2, words = i2 + 1, [*words, current[i2]]
        found.append(_Hunk(i1, i2, words, p))
    return found


@dataclass
class _Group:
    start: int
    end: int
    members: list[_Hunk]
    own: bool = False  # its span is a bracket written in the source, which then holds the words as they stand
    brackets: frozenset[int] = frozenset()  # the indices of written "[" and "]" tokens in its span


def written_brackets(keys: list[str]) -> list[tuple[int, int]]:
    """The token spans of the brackets written in the words ("[" to its "]", inclusive start, exclusive end)."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for k, key in enumerate(keys):
        if key == "[" and opened is None:
            opened = k
        elif key == "]" and opened is not None:
            spans.append((opened, k + 1))
            opened = None
    return spans


def _groups(pieces: list[tuple[str, str]], amends: list[store.Proposal]) -> list[_Group]:
    """Overlapping hunks grouped; a group that touches a bracket written in the source takes all of it, so that
    brackets never nest: a group that is exactly one written bracket uses it for the words as they stand, and in
    a wider one the written brackets' marks are left out of the words (the whole span is bracketed anyway)."""
    current = [t for t, _ in pieces]
    keys = [t.strip() for t in current]
    hunks = sorted((h for p in amends for h in _hunks(keys, current, p)), key=lambda h: (h.start, h.end))
    written = written_brackets(keys)
    groups: list[_Group] = []
    for h in hunks:
        start, end = h.start, h.end
        for a, b in written:
            if a < end and start < b:
                start, end = min(start, a), max(end, b)
        if groups and start < groups[-1].end:
            last = groups[-1]
            last.start, last.end, last.members = min(last.start, start), max(last.end, end), [*last.members, h]
        else:
            groups.append(_Group(start, end, [h]))
    for g in groups:
        inside = [(a, b) for a, b in written if g.start <= a and b <= g.end]
        g.own = inside == [(g.start, g.end)]
        g.brackets = frozenset(k for a, b in inside for k in (a, b - 1))
    return groups


def _first_alt(pieces: list[tuple[str, str]]) -> int:
    written = [int(n) for n in _WRITTEN_ALT.findall("".join(t for t, _ in pieces))]
    return max(written, default=0) + 1


def _alternatives(current: list[str], group: _Group) -> list[tuple[str, list[str], bool]]:
    """(words, proponents, is a deletion) of each distinct alternative over the group's span."""
    by_proposal: dict[str, list[_Hunk]] = {}
    for h in group.members:
        by_proposal.setdefault(h.proposal.id, []).append(h)
    found: list[tuple[str, list[str], bool]] = []
    for hunks in by_proposal.values():
        p = hunks[0].proposal
        if hunks[0].delete:
            words, delete = "delete", True
        else:
            made: list[tuple[int | None, str]] = [(k, current[k]) for k in range(group.start, group.end)]
            for h in sorted(hunks, key=lambda h: h.start, reverse=True):
                made[h.start - group.start : h.end - group.start] = [(None, w) for w in h.words]
            kept = [token for _, token in _without(made, group.brackets)]
            words = " ".join("".join(applying.spaced(kept)).split())
            words, delete = (words, False) if words else ("delete", True)  # words struck out: *delete*
        who = [proponent(x) for x in p.proponents]
        same = next((f for f in found if f[0] == words and f[2] == delete), None)
        if same is not None:
            same[1].extend(x for x in who if x not in same[1])
        else:
            found.append((words, who, delete))
    return found


def _without(tokens_at: list[tuple[int | None, str]], dropped: frozenset[int]) -> list[tuple[int | None, str]]:
    """The tokens but those at ``dropped`` (a written bracket's marks), a mark's space kept before what follows;
    a word that now follows a proposal's punctuation (",", ";", ":") is spaced from it."""
    kept: list[tuple[int | None, str]] = []
    space = ""
    for k, token in tokens_at:
        if k is not None and k in dropped:
            space = space or token[: len(token) - len(token.lstrip())]
            continue
        joined = not token[:1].isspace()
        if joined and space:
            token = space + token
        elif joined and kept and kept[-1][0] is None and kept[-1][1][-1:] in ",;:" and token[:1].isalnum():
            token = " " + token
        kept.append((k, token))
        space = ""
    return kept


def _runs(
    pieces: list[tuple[str, str]],
    struck: dict[int, list[str]],
    groups: list[_Group],
    number: int,
) -> list[Run]:
    current = [t for t, _ in pieces]
    runs: list[Run] = []

    def add(text: str, kind: str = "", link: str = "") -> None:
        if runs and runs[-1].kind == kind and kind in ("", "bracket", "struck") and not link and not runs[-1].link:
            runs[-1] = Run(runs[-1].text + text, kind)
        else:
            runs.append(Run(text, kind, link))

    def strike(k: int) -> None:
        for words in struck.get(k, []):
            add(words if runs else words.lstrip(), "struck")

    starts = {g.start: g for g in groups}
    k = 0
    while k < len(pieces):
        strike(k)
        if k in starts:
            g = starts[k]
            add(" " if current[g.start][:1].isspace() and runs else "")
            shown = _without([(j, current[j]) for j in range(g.start, g.end)], frozenset() if g.own else g.brackets)
            add(("" if g.own else "[") + (shown[0][1].strip() if shown else ""), "bracket")
            for j, token in shown[1:]:
                strike(j or 0)
                add(token, "bracket")
            if not g.own:
                add("]")
            for words, who, delete in _alternatives(current, g):
                add(" ")
                add(f"[Alt {number} ({', '.join(who)}):", "label")
                add(" ")
                add(words, "delete" if delete else "alt")
                add("]")
                number += 1
            k = g.end
            continue
        token, link = pieces[k]
        if link:
            if token[:1].isspace():
                add(token[: len(token) - len(token.lstrip())])
            add(token.strip(), "ref", link)
        else:
            add(token if runs else token.lstrip())
        k += 1
    strike(len(pieces))
    return [r for r in runs if r.text]


def _inserted(instrument: Instrument, inserts: list[store.Proposal], level: int) -> Block:
    found: list[tuple[str, list[str]]] = []
    for p in inserts:
        words = " ".join(p.after.split())
        who = [proponent(x) for x in p.proponents]
        same = next((f for f in found if f[0] == words), None)
        if same is not None:
            same[1].extend(x for x in who if x not in same[1])
        else:
            found.append((words, who))
    runs: list[Run] = []
    for number, (words, who) in enumerate(found, start=1):
        if runs:
            runs.append(Run(" "))
        runs += [Run(f"[Alt {number} ({', '.join(who)}):", "label"), Run(" "), Run(words, "alt"), Run("]")]
    proposers = ", ".join(dict.fromkeys(x for _, who in found for x in who))
    return Block("", max(level, 1), False, "", tuple(runs), "open", proposed=proposers)


def _gone(instrument: Instrument, old: Instrument, since: str) -> dict[str, list[Block]]:
    """The elements of ``old`` no longer in ``instrument``, as struck blocks under the ID of the element that now
    stands before their old place ("" for the start)."""
    placed: dict[str, list[Block]] = {}
    last = ""
    for element in old.walk():
        if element.id and instrument.get(element.id) is not None:
            last = element.id
            continue
        if element.id is None and not element.has_text and not element.title:
            continue
        heading = element.role in HEADED
        words = element.heading if heading else applying.words(element, old)
        placed.setdefault(last, []).append(
            Block(
                element.id or "",
                0 if heading else 1,
                heading,
                "" if heading else element.number,
                (Run(words, "struck"),),
                deleted_since=since,
            )
        )
    return placed
