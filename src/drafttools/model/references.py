"""Cross-references: finding them (linked by ID or typed as plain text), resolving and checking them.

One grammar reads both kinds.  Each block of text (a paragraph's text, an item's text) becomes a *probe*: its
text with every ID reference replaced by a placeholder.  The grammar then matches phrases such as
"paragraphs 7.2 and 7.3 above", "paragraph 8.2(c) above and Article 10.1", "paragraphs (a) and (b) above",
"7.2 to 7.4" after a keyword, with placeholders standing where a linked reference stands.  Every member of a
phrase resolves to a node of the model, and the phrase's "above"/"below" is checked against document order.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from drafttools.model import conventions
from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.tree import Article, Inline, Instrument, Item, Loc, Node, Paragraph, Ref, Text, plain_text

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: cannot occur in the text
_NUM = r"\d+(?:\.\d+)*"
_LET = r"\([a-z]{1,3}\)"
_HOLE = rf"{_OPEN}\d+{_CLOSE}"
_ATOM = rf"(?:{_HOLE}|{_NUM}(?:\s?{_LET})?|{_LET})"
_JOIN = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|\s*[\u2013-]\s*)"
_KEYWORDS = "|".join(sorted(conventions.REFERENCE_KEYWORDS, key=len, reverse=True))
PHRASE = re.compile(
    rf"\b(?P<kw>{_KEYWORDS})\s+(?P<list>{_ATOM}(?:{_JOIN}{_ATOM})*)(?:\s+(?P<dir>above|below)\b)?",
    re.IGNORECASE,
)
# The keywords in lower case, and those that hold no other ("article", "paragraph"): what a text must hold for
# PHRASE to match (see _phrases).  None when a keyword is not ASCII: then no shortcut.
_WORDS = {word.lower() for word in conventions.REFERENCE_KEYWORDS}
_STEMS = tuple(sorted(k for k in _WORDS if not any(o != k and o in k for o in _WORDS))) if all(w.isascii() for w in _WORDS) else ()
# Letters outside ASCII that case-insensitive matching takes for an ASCII one, or whose lower case is longer:
# dotted and dotless I, long s, the Kelvin sign (tests/test_xref_shortcut.py checks the list against Unicode).
_FOLDING = re.compile("[\u0130\u0131\u017f\u212a]")
_ATOMS = re.compile(rf"(?P<atom>{_ATOM})|(?P<join>{_JOIN})")
HOLE = re.compile(_HOLE)
_HOLE_NUMBER = re.compile(rf"{_OPEN}(\d+){_CLOSE}")  # a placeholder, its reference's index as the group
_SPACES = re.compile(r"\s+")
_RANGE_WORDS = conventions.RANGE_JOINERS | {"\u2013", "-"}
# "Article 5 of the Constitution", "paragraph 3 of resolution WHA57.19": another instrument's numbering.
_SELF = "|".join(conventions.SELF_NAMES)
_EXTERNAL = re.compile(
    rf"\s+of\s+(?!this\b|the\s+present\b|(?:the\s+)?(?:{_SELF})\b)(?:the\s+)?(?:[A-Z]|resolution\b)"
)


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a reference phrase: "8.2(c)" or a linked ID."""

    text: str  # as written in the probe ("8.2(c)", or the placeholder)
    ref: Ref | None  # the ID reference, when linked
    target: Node | None  # what it resolves to (None: unresolved)
    line: int
    in_range: bool = False  # produced by expanding "7.2 to 7.4"
    span: tuple[int, int] = (0, 0)  # where ``text`` stands in the reference's ``raw`` phrase


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference phrase in one block of text: keyword, members, direction word, and where it stands."""

    source: Node  # the paragraph or item whose text holds it
    keyword: str
    members: tuple[Member, ...]
    direction: str | None
    loc: Loc
    phrase: str  # the phrase as a reader sees it
    raw: str = ""  # the phrase in the probe (ID references as placeholders), for rewriting the source

    @property
    def tagged(self) -> bool:
        return all(m.ref is not None for m in self.members)


# ----------------------------------------------------------------------------------------------- resolution


class Resolver:
    """Printed labels ("8", "8.2", "8.2(c)", "1(a)") to nodes, for the current numbering of one instrument."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._by_label: dict[str, Node] | None = None

    @property
    def by_label(self) -> dict[str, Node]:
        """Every label to its node; made on first use (most texts cite only by ID, which needs none of it)."""
        if self._by_label is None:
            self._by_label = {}
            for node in self.instrument.walk():
                if node.label and not (isinstance(node, Paragraph) and not node.numbered):
                    self._by_label.setdefault(node.label, node)
        return self._by_label

    @by_label.setter
    def by_label(self, labels: dict[str, Node]) -> None:
        self._by_label = labels

    def resolve(self, text: str, context: Node) -> Node | None:
        compact = _SPACES.sub("", text)
        if compact.startswith("("):
            return self._sibling(compact, context)
        return self.by_label.get(compact)

    def _sibling(self, letter: str, context: Node) -> Node | None:
        paragraph = context if isinstance(context, Paragraph) else self.instrument.parent_of(context)
        if isinstance(paragraph, Paragraph):
            return next((i for i in paragraph.items if i.number == letter), None)
        return None

    def expand(self, first: Node, last: Node) -> list[Node]:
        """The nodes from ``first`` to ``last`` inclusive, of the same kind and parent ("7.2 to 7.4")."""
        parent = self.instrument.parent_of(first)
        if type(first) is not type(last) or parent is not self.instrument.parent_of(last):
            return []
        siblings: tuple[Node, ...]
        if isinstance(parent, Article):
            siblings = tuple(p for p in parent.paragraphs if p.numbered)
        elif isinstance(parent, Paragraph):
            siblings = parent.items
        else:
            siblings = self.instrument.articles
        start = next((i for i, s in enumerate(siblings) if s is first), None)
        end = next((i for i, s in enumerate(siblings) if s is last), None)
        if start is None or end is None or end < start:
            return []
        return list(siblings[start : end + 1])


# ----------------------------------------------------------------------------------------------- extraction


def blocks(instrument: Instrument) -> Iterator[tuple[Node, tuple[Inline, ...], int]]:
    """Every block of text with the node it belongs to and the line its text starts on."""
    for node in instrument.walk():
        if isinstance(node, (Paragraph, Item)) and node.inlines:
            yield node, node.inlines, node.text_line or node.loc.line


def probe(inlines: tuple[Inline, ...]) -> tuple[str, list[Ref]]:
    if len(inlines) == 1 and isinstance(inlines[0], Text):  # the usual shape: one run of text, no reference
        return inlines[0].text, []
    refs: list[Ref] = []
    parts: list[str] = []
    for piece in inlines:
        if isinstance(piece, Text):
            parts.append(piece.text)
        else:
            parts.append(f"{_OPEN}{len(refs)}{_CLOSE}")
            refs.append(piece)
    return "".join(parts), refs


def may_cite(inlines: tuple[Inline, ...]) -> bool:
    """False only when a block of text holds no reference, linked or typed: one run of text that cannot hold a
    reference phrase.  Cheap: for whoever needs the references of a few blocks of a large text."""
    if len(inlines) == 1 and isinstance(inlines[0], Text):
        return _may_hold_phrase(inlines[0].text)
    return bool(inlines)


def citing(nodes: Iterable[Node]) -> Iterator[Node]:
    """The paragraphs and items among ``nodes`` whose text may cite (``may_cite``), in order."""
    return (node for node in nodes if not isinstance(node, Article) and may_cite(node.inlines))


def find_references(instrument: Instrument, resolver: Resolver | None = None, nodes: Iterable[Node] | None = None) -> list[Reference]:
    """Every reference phrase in the instrument, resolved against its current numbering; with ``nodes``, only
    those in these paragraphs and items, in the order given."""
    resolver = resolver or Resolver(instrument)
    found: list[Reference] = []
    chosen = blocks(instrument) if nodes is None else (
        (node, node.inlines, node.text_line or node.loc.line) for node in nodes if isinstance(node, (Paragraph, Item)) and node.inlines)
    for node, inlines, first_line in chosen:
        if len(inlines) == 1 and isinstance(inlines[0], Text) and not _may_hold_phrase(inlines[0].text):
            continue  # no linked reference, and no phrase can match: most blocks
        text, refs = probe(inlines)
        covered: set[int] = set()
        for match in _phrases(text):
            if _EXTERNAL.match(text, match.end()) and _OPEN not in match["list"]:
                continue
            line = first_line + text.count("\n", 0, match.start())
            members = _members(match["list"], refs, node, resolver, text.count("\n", 0, match.start("list")) + first_line, match.start("list") - match.start())
            covered.update(int(n) for n in _HOLE_NUMBER.findall(match["list"]))
            phrase = _readable(match.group(0), refs, instrument, node)
            found.append(Reference(node, match["kw"].lower(), tuple(members), (match["dir"] or "").lower() or None, Loc(node.loc.path, line), phrase, match.group(0)))
        for index, ref in enumerate(refs):
            if index not in covered:  # a linked reference outside any phrase ("as set out in {xref}`x`")
                target = instrument.get(ref.target)
                found.append(Reference(node, "", (Member(f"{_OPEN}{index}{_CLOSE}", ref, target, ref.loc.line),), None, ref.loc, ref.written or ref.target))
    return found


def _may_hold_phrase(text: str) -> bool:
    """False only when ``PHRASE`` cannot match ``text``: it holds no keyword in any case ("article" and
    "paragraph" stand for all of them).  A literal search is some twenty times faster than the phrase's
    case-insensitive scan, and most blocks cite nothing."""
    if not _STEMS or _folds(text):
        return True
    lowered = text.lower()
    for stem in _STEMS:  # a loop, not any() over a generator: this runs for every block of a large text
        if stem in lowered:
            return True
    return False


def _folds(text: str) -> bool:
    """Whether ``text`` holds a letter that case-insensitive matching takes for another ASCII letter than its
    ``str.lower()`` (or whose lower case is longer): then only the phrase's own scan is exact."""
    return not text.isascii() and _FOLDING.search(text) is not None


def _phrases(text: str) -> Iterator[re.Match[str]]:
    """``PHRASE.finditer(text)``: the same matches, found faster.  A match starts where a keyword does, so the
    phrase is tried only where ``str.find`` finds one in the lower-cased text (the same length, and the same
    letters as case-insensitive matching sees, unless ``_folds``), from the end of the match before."""
    if not _STEMS or _folds(text):
        yield from PHRASE.finditer(text)
        return
    lowered = text.lower()
    starts: set[int] = set()
    for word in _WORDS:
        at = lowered.find(word)
        while at >= 0:
            starts.add(at)
            at = lowered.find(word, at + 1)
    end = 0
    for start in sorted(starts):
        if start >= end:
            match = PHRASE.match(text, start)  # \b still sees the character before ``start``
            if match is not None:
                yield match
                end = match.end()


def _members(listing: str, refs: list[Ref], context: Node, resolver: Resolver, list_line: int, offset: int) -> list[Member]:
    members: list[Member] = []
    pending_range = False
    for token in _ATOMS.finditer(listing):
        if token["join"] is not None:
            pending_range = token["join"].strip().lower() in _RANGE_WORDS
            continue
        text = token["atom"]
        hole = _HOLE_NUMBER.fullmatch(text)
        ref = refs[int(hole.group(1))] if hole else None
        target = resolver.instrument.get(ref.target) if ref else resolver.resolve(text, context)
        at = ref.loc.line if ref else list_line + listing.count("\n", 0, token.start())
        if pending_range and members and members[-1].target is not None and target is not None:
            inner = resolver.expand(members[-1].target, target)[1:-1]
            members += [Member("", None, n, at, in_range=True) for n in inner]
        members.append(Member(text, ref, target, at, span=(offset + token.start(), offset + token.end())))
        pending_range = False
    return members


def _readable(phrase: str, refs: list[Ref], instrument: Instrument, context: Node) -> str:
    def label(match: re.Match[str]) -> str:
        return plain_text((refs[int(match.group(1))],), instrument, context)

    return _HOLE_NUMBER.sub(label, _SPACES.sub(" ", phrase))


# --------------------------------------------------------------------------------------------------- checks


def check(instrument: Instrument, references: list[Reference] | None = None) -> list[Diagnostic]:
    """Diagnostics for every reference: unknown IDs, unresolved text, false 'above'/'below', stale labels."""
    problems: list[Diagnostic] = []
    for reference in references if references is not None else find_references(instrument):
        for member in reference.members:
            if not member.in_range:
                problems += _check_member(instrument, reference, member)
    return problems


def _check_member(instrument: Instrument, reference: Reference, member: Member) -> Iterator[Diagnostic]:
    path, line = reference.loc.path, member.line
    if member.ref is not None and member.target is None:
        yield diag("xref.unknown-id", path, line, f"reference in {describe(reference.source)} links to ID '{member.ref.target}', which no article, paragraph or item carries", "correct the ID, or restore the element it named")
        return
    if member.target is None:
        yield diag("xref.unresolved", path, line, f"\"{reference.phrase}\" in {describe(reference.source)}: {reference.keyword} {member.text.strip()} does not exist", "correct the number, or link the reference to an ID")
        return
    target = member.target
    if member.ref is not None and member.ref.written and member.ref.written != (now := plain_text((member.ref,), instrument, reference.source)):
        yield diag("xref.label-stale", path, line, f"reference in {describe(reference.source)} is written '{member.ref.written}' but its target '{target.id}' is now {now}", f"write {{xref}}`{target.id}` and let the number print itself")
    if reference.direction:
        above = instrument.position(target) < instrument.position(reference.source)
        if above != (reference.direction == "above") and target is not reference.source:
            truth = "above" if above else "below"
            yield diag("xref.direction", path, line, f"\"{reference.phrase}\" in {describe(reference.source)}: {describe(target)} stands {truth}, not {reference.direction}", f"write '{truth}'")
    allowed = conventions.REFERENCE_KEYWORDS.get(reference.keyword)
    if allowed is not None and target.kind not in allowed:
        yield diag("xref.kind", path, line, f"\"{reference.phrase}\" in {describe(reference.source)} calls {describe(target)} a {reference.keyword.rstrip('s')}", None)
    if member.ref is None:
        yield diag("xref.untagged", path, line, f"\"{reference.phrase}\" in {describe(reference.source)} is plain text; {member.text.strip()} is '{target.id or '(no ID)'}'", f"write {{xref}}`{target.id}` (or run `drafttools check --fix`)" if target.id else "give the target an ID (`drafttools ids`), then link it")


def describe(node: Node) -> str:
    """How a reader names a node: 'Article 8', 'paragraph 8.2', 'item 8.2(c)'."""
    if isinstance(node, Article):
        return conventions.article_heading(node.label, "")
    if isinstance(node, Paragraph) and not node.numbered:
        return f"the lead-in of {node.label}" if node.label != "preamble" else "the preamble"
    return f"paragraph {node.label}" if isinstance(node, Paragraph) else f"item {node.label}"
