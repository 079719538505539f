"""Cross-references: finding them (linked by ID or typed as plain text) and resolving them, by the profile's grammar.

One grammar reads both kinds.  Each run of text becomes a *probe*: its text with every ID reference replaced by a
placeholder.  The profile's phrases (``model.profile.Grammar``) then match what drafters write:

- a keyword and one or more numbers in one of its forms: "paragraphs 7.2 and 7.3 above", "Article 92(1)(a)",
  "Articles 12 to 15", "paragraphs (a) and (b)", with placeholders standing where a linked reference stands;
- chained designators, inner "of" outer or outer "," inner: "point (a) of Article 92(1)", "subparagraph (a) of
  paragraph 1 of this Article", "Article 8, paragraph 3", "Chapter 3 of Title II of Part Three";
- an ordinal before the keyword: "the second subparagraph of Article 5(2)".

A number form is a template of kind slots ("{article}.{paragraph}({item})"); its numbers make a *path* of
(kind, token) steps, completed from the chain and then from where the reference stands ("paragraph 1" inside
Article 92 is Article 92's paragraph 1), and resolved down the tree.  What another instrument's numbering names
("Article 4 of Directive 2013/36/EU", "Article 114 TFEU", "Article 3 of the Constitution of WHO") is left alone.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from drafttools.model.profile import ORDINALS, TEMPLATE_FIELD, Phrase, Profile
from drafttools.model.tree import Element, Inline, Instrument, Loc, Note, Ref, Text, plain_text

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: cannot occur in the text
_HOLE = f"{_OPEN}\\d+{_CLOSE}"
HOLE = re.compile(_HOLE)
_HOLE_NUMBER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_SPACES = re.compile(r"\s+")
_END_OF_NUMBER = r"(?![\w\u00c0-\u200f\u2016-\uffff])(?!\.\d)"  # "8.2" is not the start of "8.2.3" or of "8.2b"


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a reference phrase: "8.2(c)" or a linked ID."""

    text: str  # as written in the probe ("8.2(c)", or the placeholder)
    ref: Ref | None  # the ID reference, when linked
    target: Element | None  # what it resolves to (None: unresolved)
    line: int
    in_range: bool = False  # produced by expanding "7.2 to 7.4"
    span: tuple[int, int] = (0, 0)  # where ``text`` stands in the reference's ``raw`` phrase
    chained: bool = False  # placed by words around it ("of Article 92(1)", ", paragraph 3"): its text alone
    # does not name the target, so it is checked but never rewritten as a link


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference phrase in one run of text: keyword, members, direction word, and where it stands."""

    source: Element  # the element whose text holds it
    keyword: str  # the keyword as written, lower-case ("" for a linked reference outside any phrase)
    members: tuple[Member, ...]
    direction: str | None
    loc: Loc
    phrase: str  # the phrase as a reader sees it
    raw: str = ""  # the phrase in the probe (ID references as placeholders), for rewriting the source
    names: tuple[str, ...] = ()  # the kinds its keyword may name without a warning

    @property
    def tagged(self) -> bool:
        return all(m.ref is not None for m in self.members)


# ---------------------------------------------------------------------------------------------- the grammar


@dataclass(frozen=True, slots=True)
class _Form:
    regex: re.Pattern[str]
    slots: tuple[str, ...]  # the kind of each numbered group, in order


@dataclass(frozen=True, slots=True)
class _Keyword:
    phrase: Phrase
    forms: tuple[_Form, ...]


_ORDINAL_REACH = 60  # characters before a keyword that "the twentieth " and its spaces may take


class _Compiled:
    """A profile's grammar as regular expressions, made once per profile."""

    def __init__(self, profile: Profile) -> None:
        grammar = profile.grammar
        self.profile = profile
        self.keywords: dict[str, _Keyword] = {}
        for phrase in grammar.phrases:
            compiled = _Keyword(phrase, tuple(self._form(f) for f in phrase.forms))
            for word in phrase.words:
                self.keywords.setdefault(word.lower(), compiled)
        words = sorted(self.keywords, key=len, reverse=True)
        ordinals = "|".join(ORDINALS)
        self.start = (
            re.compile(
                rf"(?:\b(?:the\s+)?(?P<ord>{ordinals})\s+)?\b(?P<kw>{'|'.join(re.escape(w) for w in words)})\b",
                re.IGNORECASE,
            )
            if words
            else None
        )
        self.keyword = (
            re.compile(rf"\b(?P<kw>{'|'.join(re.escape(w) for w in words)})\b", re.IGNORECASE) if words else None
        )
        self.ordinal_before = re.compile(rf"\b(?:the\s+)?(?:{ordinals})\s+\Z", re.IGNORECASE)
        self.words = tuple(words)
        joiners = [re.escape(j) for j in grammar.joiners if j not in (",",)]
        self.join = re.compile(
            rf"\s*,\s*(?:(?:{'|'.join(joiners)})\s+)?|\s+(?:{'|'.join(joiners)})\s+" if joiners else r"\s*,\s*"
        )
        ranges = sorted(grammar.ranges, key=len, reverse=True)
        word_ranges = [re.escape(r) for r in ranges if r[:1].isalpha()]
        mark_ranges = [re.escape(r) for r in ranges if not r[:1].isalpha()]
        parts = ([rf"\s+(?:{'|'.join(word_ranges)})\s+"] if word_ranges else []) + (
            [rf"\s*(?:{'|'.join(mark_ranges)})\s*"] if mark_ranges else []
        )
        self.range = re.compile("|".join(parts)) if parts else None
        self.hole = re.compile(_HOLE)
        self.direction = (
            re.compile(rf"\s+(?P<dir>{'|'.join(re.escape(d) for d in grammar.directions)})\b", re.IGNORECASE)
            if grammar.directions
            else None
        )
        selves = "|".join(re.escape(s) for s in grammar.self_names)
        self.of = re.compile(r"\s+of\s+|\s*,\s*")
        self.this = (
            re.compile(rf"(?:this|the\s+present)\s+(?P<kw>{'|'.join(re.escape(w) for w in words)})\b", re.IGNORECASE)
            if words
            else None
        )
        self.ours = re.compile(rf"\s+of\s+(?:this|the\s+present|the)\s+(?:{selves})\b" if selves else r"(?!x)x")
        own_name = rf"|(?:the\s+)?(?:{selves})\b" if selves else ""
        self.foreign = re.compile(rf"\s+of\s+(?!this\b|the\s+present\b{own_name})(?:the\s+)?(?:[A-Z]|resolution\b)")
        externals = [re.escape(e) for e in grammar.external]
        self.external = re.compile(rf"\s*,?\s*(?:{'|'.join(externals)})\b") if externals else None
        self.stems = tuple(sorted({w.lower() for w in words}))

    def search(self, text: str, position: int) -> re.Match[str] | None:
        """``self.start.search(text, position)``, three times faster: the keyword is searched alone, then an
        ordinal just before it ("the second paragraph") is looked for in the few characters it can take.  A
        search that opens on the optional ordinal tries it at every position of the text, and references are
        looked for in every paragraph at every check and rebuild (it was a third of a 10,000-paragraph
        rebuild, which then missed its benchmark target).  tests/test_rebuild_speed_paths.py compares."""
        if self.keyword is None or self.start is None:
            return None
        found = self.keyword.search(text, position)
        if found is None:
            return None
        begin = found.start()
        lead = self.ordinal_before.search(text, max(position, begin - _ORDINAL_REACH), begin)
        if lead is not None and (whole := self.start.match(text, lead.start())) is not None:
            if whole.start("kw") == begin:
                return whole
        return self.start.match(text, begin)

    def _form(self, template: str) -> _Form:
        """A form such as "{article}.{paragraph}({item})" as a regex: each slot a group with its kind's tokens;
        a space may stand before a bracket ("8.2 (c)")."""
        slots: list[str] = []
        parts: list[str] = []
        cursor = 0
        seen: dict[str, int] = {}
        for match in TEMPLATE_FIELD.finditer(template):
            literal = template[cursor : match.start()]
            parts.append(self._literal(literal))
            kind_name = match.group(1)
            depth = seen.get(kind_name, 0)
            seen[kind_name] = depth + 1
            parts.append(f"({self._tokens(kind_name, depth)})")
            slots.append(kind_name)
            cursor = match.end()
        parts.append(self._literal(template[cursor:]))
        return _Form(re.compile("".join(parts) + _END_OF_NUMBER), tuple(slots))

    @staticmethod
    def _literal(text: str) -> str:
        out = []
        for char in text:
            out.append(r"\s?\(" if char == "(" else re.escape(char))
        return "".join(out)

    def _tokens(self, kind_name: str, depth: int) -> str:
        kind = self.profile.kind(kind_name)
        if kind is None or not kind.formats:
            return r"[A-Za-z0-9]+"
        counter = kind.counter(depth)
        if self.profile.numbering == "given" and counter.style == "decimal":
            return r"\d{1,4}[a-z]{0,6}"
        return counter.pattern()


@lru_cache(maxsize=16)
def _compiled(profile: Profile) -> _Compiled:
    return _Compiled(profile)


# ----------------------------------------------------------------------------------------------- resolution


class Resolver:
    """Paths of (kind, token) steps to elements, for the current numbering of one instrument."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._by_kind: dict[tuple[str, str], list[Element]] | None = None
        self._numbered: dict[str, list[Element]] = {}  # per kind counted over the instrument: its numbered elements

    def by_kind(self, kind: str, token: str) -> list[Element]:
        """Every element of ``kind`` numbered ``token`` (case-insensitive), in document order."""
        if self._by_kind is None:
            self._by_kind = {}
            for element in self.instrument.walk():
                if element.token:
                    self._by_kind.setdefault((element.kind, element.token.lower()), []).append(element)
        return self._by_kind.get((kind, token.lower()), [])

    @staticmethod
    def child(parent: Element, kind: str, token: str) -> Element | None:
        """The element of ``kind`` numbered ``token`` directly under ``parent``, or under an unnumbered element
        there (the items of a lead-in belong to its article)."""
        low = token.lower()
        for child in parent.children:
            if child.kind == kind and child.token.lower() == low:
                return child
        for child in parent.children:
            if not child.token and child.children:
                found = Resolver.child(child, kind, token)
                if found is not None:
                    return found
        return None

    def resolve(self, path: list[tuple[str, str]], context: Element) -> Element | None:
        """The element at ``path``; its first step is looked for under the context's nearest ancestor that has
        such an element (or the context itself), then among the tops, then anywhere when only one matches."""
        if not path:
            return None
        (kind, token), rest = path[0], path[1:]
        first = self._anchor(kind, token, context)
        for step_kind, step_token in rest:
            if first is None:
                return None
            first = self.child(first, step_kind, step_token)
        return first

    def _anchor(self, kind: str, token: str, context: Element) -> Element | None:
        known = self.instrument.profile.kind(kind)
        if known is not None and known.scope == "instrument":
            found = self.by_kind(kind, token)
            return found[0] if found else None
        for holder in (context, *self.instrument.ancestors(context)):
            found_child = self.child(holder, kind, token)
            if found_child is not None:
                return found_child
        for _, tops in self.instrument.tops():
            for top in tops:
                if top.kind == kind and top.token.lower() == token.lower():
                    return top
        matches = self.by_kind(kind, token)
        return matches[0] if len(matches) == 1 and self.instrument.parent_of(matches[0]) is None else None

    def expand(self, first: Element, last: Element) -> list[Element]:
        """The elements from ``first`` to ``last`` inclusive, of the same kind and numbering scope ("7.2 to
        7.4", "Articles 12 to 15" across chapters)."""
        if first.kind != last.kind:
            return []
        kind = self.instrument.profile.kind(first.kind)
        if kind is not None and kind.scope == "instrument":
            if first.kind not in self._numbered:
                self._numbered[first.kind] = [e for e in self.instrument.walk() if e.kind == first.kind and e.token]
            siblings = self._numbered[first.kind]
        else:
            parent = self.instrument.parent_of(first)
            if parent is not self.instrument.parent_of(last):
                return []
            siblings = [e for e in self.instrument.siblings(first) if e.kind == first.kind and e.token]
        start = next((i for i, s in enumerate(siblings) if s is first), None)
        end = next((i for i, s in enumerate(siblings) if s is last), None)
        if start is None or end is None or end < start:
            return []
        return siblings[start : end + 1]


# ----------------------------------------------------------------------------------------------- extraction


def blocks(
    instrument: Instrument, elements: Iterable[Element] | None = None
) -> Iterator[tuple[Element, tuple[Inline, ...], int]]:
    """Every run of text (an element's text, each cell of a row, each footnote) with its element and the line it
    starts on; with ``elements``, those of these elements only (not their children), in the order given."""
    for element in instrument.walk() if elements is None else elements:
        for inlines in element.texts():
            yield element, inlines, element.text_line or element.loc.line
            for piece in inlines:
                if isinstance(piece, Note):
                    yield element, piece.inlines, piece.loc.line


def probe(inlines: tuple[Inline, ...]) -> tuple[str, list[Ref]]:
    if len(inlines) == 1 and isinstance(inlines[0], Text):  # the usual shape: one run of text, no reference
        return inlines[0].text, []
    refs: list[Ref] = []
    parts: list[str] = []
    for piece in inlines:
        if isinstance(piece, Text):
            parts.append(piece.text)
        elif isinstance(piece, Ref):
            parts.append(f"{_OPEN}{len(refs)}{_CLOSE}")
            refs.append(piece)
    return "".join(parts), refs


def may_cite(inlines: tuple[Inline, ...], profile: Profile) -> bool:
    """False only when a run of text holds no reference, linked or typed: one run of text without a keyword."""
    if len(inlines) == 1 and isinstance(inlines[0], Text):
        text = inlines[0].text.lower()
        return any(stem in text for stem in _compiled(profile).stems)
    return bool(inlines)


def citing(elements: Iterable[Element], profile: Profile) -> Iterator[Element]:
    """The elements among ``elements`` whose text may cite (``may_cite``), in order."""
    return (e for e in elements if any(may_cite(t, profile) or any(isinstance(p, Note) for p in t) for t in e.texts()))


def find_references(
    instrument: Instrument,
    resolver: Resolver | None = None,
    elements: Iterable[Element] | None = None,
    runs: Iterable[tuple[Element, tuple[Inline, ...], int]] | None = None,
) -> list[Reference]:
    """Every reference phrase in the instrument, resolved against its current numbering; with ``elements``,
    only those in the text of these elements (not their footnotes), in the order given; with ``runs``, those in
    these runs of text (``blocks``)."""
    resolver = resolver or Resolver(instrument)
    grammar = _compiled(instrument.profile)
    found: list[Reference] = []
    chosen = (
        runs
        if runs is not None
        else blocks(instrument)
        if elements is None
        else ((e, t, e.text_line or e.loc.line) for e in elements for t in e.texts())
    )
    for element, inlines, first_line in chosen:
        if len(inlines) == 1 and isinstance(inlines[0], Text) and not may_cite(inlines, instrument.profile):
            continue  # no linked reference, and no keyword: most runs of text
        text, refs = probe(inlines)
        found += _Scanner(grammar, resolver, element, text, refs, first_line).scan()
    return found


class _Scanner:
    """The references in one run of text."""

    def __init__(
        self, grammar: _Compiled, resolver: Resolver, element: Element, text: str, refs: list[Ref], first_line: int
    ) -> None:
        self.grammar, self.resolver, self.element = grammar, resolver, element
        self.text, self.refs, self.first_line = text, refs, first_line
        self._counted = (0, first_line)  # (offset, its line): lines are counted on from the last one asked for
        self.instrument = resolver.instrument

    def line_at(self, offset: int) -> int:
        """The source line of ``offset``: counted on from the offset asked for last (they mostly go forward), so
        that a paragraph holding 200,000 references is not read from its start for each one."""
        start, line = self._counted if offset >= self._counted[0] else (0, self.first_line)
        line += self.text.count("\n", start, offset)
        self._counted = (offset, line)
        return line

    def scan(self) -> list[Reference]:
        found: list[Reference] = []
        covered: set[int] = set()
        position = 0
        while True:
            match = self.grammar.search(self.text, position)
            if match is None:
                break
            parsed = self.phrase(match)
            if parsed is None:
                position = match.end()
                continue
            reference, end, holes = parsed
            covered |= holes
            if reference is not None:
                found.append(reference)
            position = max(end, match.end())
        for index, ref in enumerate(self.refs):
            if index not in covered:  # a linked reference outside any phrase ("as set out in {xref}`x`")
                target = self.instrument.get(ref.target)
                found.append(
                    Reference(
                        self.element,
                        "",
                        (Member(f"{_OPEN}{index}{_CLOSE}", ref, target, ref.loc.line),),
                        None,
                        ref.loc,
                        ref.written or ref.target,
                    )
                )
        return found

    # -- one phrase ------------------------------------------------------------------------------------

    def phrase(self, match: re.Match[str]) -> tuple[Reference | None, int, set[int]] | None:
        """The reference starting at a keyword: (the reference, or None when it is another instrument's; where it
        ends; the placeholders it covers).  None when no number follows the keyword."""
        keyword = self.grammar.keywords[match["kw"].lower()]
        if match["ord"]:
            if not keyword.phrase.ordinal:
                return None
            step = (self._kind_of(keyword), str(ORDINALS.index(match["ord"].lower()) + 1))
            members: list[_Parsed] = [_Parsed(match.group(0), [step], None, (match.start(), match.end()), False)]
            position = match.end()
        else:
            parsed = self.members(keyword, match.end())
            if parsed is None:
                return None
            members, position = parsed
        holes = {int(n) for n in _HOLE_NUMBER.findall(self.text, match.start(), position)}
        outer, this, position = self.chain(members, position)
        foreign = self.grammar.foreign.match(self.text, position)
        external = self.grammar.external.match(self.text, position) if self.grammar.external else None
        if (foreign or external) and not holes:
            return None, position, holes
        direction: str | None = None
        if self.grammar.direction is not None and (said := self.grammar.direction.match(self.text, position)):
            direction = said["dir"].lower()
            position = said.end()
        raw = self.text[match.start() : position]
        reference = Reference(
            self.element,
            match["kw"].lower(),
            tuple(self.resolve(members, outer, this, match.start())),
            direction,
            Loc(self.element.loc.path, self.line_at(match.start())),
            self.readable(raw),
            raw,
            keyword.phrase.names,
        )
        return reference, position, holes

    def chain(self, members: list[_Parsed], position: int) -> tuple[list[tuple[str, str]], Element | None, int]:
        """What follows the numbers and places them: inner "of" outer ("of Article 92(1)", "of this Article", "of
        the Code") or outer "," inner (", paragraph 3", whose steps go to the end of every member's path).
        Returns the outer steps, the element "this ..." names, and where the chain ends."""
        outer: list[tuple[str, str]] = []
        this: Element | None = None
        profile = self.instrument.profile
        start = self.grammar.start
        while True:
            ours = self.grammar.ours.match(self.text, position)
            if ours is not None:
                position = ours.end()
                continue
            link = self.grammar.of.match(self.text, position)
            if link is None or start is None:
                break
            of = "," not in link.group(0)
            if (
                of
                and this is None
                and self.grammar.this is not None
                and (own := self.grammar.this.match(self.text, link.end())) is not None
            ):
                this = self._this(self._kind_of(self.grammar.keywords[own["kw"].lower()]))
                position = own.end()
                continue
            found = start.match(self.text, link.end())
            if found is None or found["ord"]:
                break
            parsed = self.members(self.grammar.keywords[found["kw"].lower()], found.end())
            if parsed is None or len(parsed[0]) != 1 or parsed[0][0].ref is not None or not parsed[0][0].path:
                break
            steps = parsed[0][0].path
            innermost = (outer or members[0].path or [("", "")])[0][0]
            if of and profile.rank(steps[-1][0]) < profile.rank(innermost):
                outer = steps + outer  # inner "of" outer: the outer comes first in the path
            elif (
                not of
                and not outer
                and all(m.path and profile.rank(steps[0][0]) > profile.rank(m.path[-1][0]) for m in members)
            ):
                for member in members:
                    member.path = member.path + steps  # outer "," inner: "Article 8, paragraph 3"
                    member.chained = True
            else:
                break
            position = parsed[1]
        return outer, this, position

    def _kind_of(self, keyword: _Keyword) -> str:
        """The kind a keyword names first: its first name ("Article" names articles)."""
        return keyword.phrase.names[0] if keyword.phrase.names else ""

    def _this(self, kind: str) -> Element | None:
        holder = self.element
        if holder.kind == kind:
            return holder
        return next((a for a in self.instrument.ancestors(holder) if a.kind == kind), None)

    def members(self, keyword: _Keyword, position: int) -> tuple[list[_Parsed], int] | None:
        """The numbers after a keyword, and where they end; None when no number follows it."""
        space = _SPACE.match(self.text, position)
        if space is None:
            return None
        found: list[_Parsed] = []
        cursor = space.end()
        in_range = False
        while True:
            member = self.member(keyword, cursor, in_range)
            if member is None:
                break
            found.append(member)
            cursor = member.span[1]
            joined = self.grammar.range.match(self.text, cursor) if self.grammar.range else None
            in_range = joined is not None
            if joined is None:
                joined = self.grammar.join.match(self.text, cursor)
            if joined is None or self.member(keyword, joined.end(), in_range) is None:
                break
            cursor = joined.end()
        return (found, cursor) if found else None

    def member(self, keyword: _Keyword, position: int, in_range: bool) -> _Parsed | None:
        """One number (the longest form that matches) or a linked reference at ``position``."""
        hole = self.grammar.hole.match(self.text, position)
        if hole is not None:
            ref = self.refs[int(hole.group(0)[1:-1])]
            return _Parsed(hole.group(0), [], ref, (position, hole.end()), in_range)
        best: re.Match[str] | None = None
        slots: tuple[str, ...] = ()
        for form in keyword.forms:
            found = form.regex.match(self.text, position)
            if found is not None and (best is None or found.end() > best.end()):
                best, slots = found, form.slots
        if best is None:
            return None
        return _Parsed(
            best.group(0), list(zip(slots, best.groups(), strict=False)), None, (position, best.end()), in_range
        )

    def resolve(
        self, members: list[_Parsed], outer: list[tuple[str, str]], this: Element | None, origin: int
    ) -> list[Member]:
        """Each member's target; a range ("7.2 to 7.4") adds the elements between its ends."""
        out: list[Member] = []
        previous: list[tuple[str, str]] = []
        for parsed in members:
            if parsed.ref is not None:
                target = self.instrument.get(parsed.ref.target)
                line = parsed.ref.loc.line
            else:
                full = self.complete(parsed.path, previous, outer)
                target = self.resolver.resolve(full, this if this is not None else self.element) if full else None
                line = self.line_at(parsed.span[0])
                previous = full
            if parsed.in_range and out and out[-1].target is not None and target is not None:
                inner = self.resolver.expand(out[-1].target, target)[1:-1]
                out += [Member("", None, e, line, in_range=True) for e in inner]
            span = (parsed.span[0] - origin, parsed.span[1] - origin)
            out.append(
                Member(
                    parsed.text,
                    parsed.ref,
                    target,
                    line,
                    span=span,
                    chained=parsed.chained or (bool(outer) and parsed.ref is None),
                )
            )
        return out

    def complete(
        self, path: list[tuple[str, str]], previous: list[tuple[str, str]], outer: list[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """A member's path with the steps above it: from the chain ("point (a) of Article 92(1)"), else from the
        member before it in the list ("Article 4(1) and (2)")."""
        if not path:
            return path
        profile = self.instrument.profile
        first = profile.rank(path[0][0])
        for source in (outer, previous):
            head = [step for step in source if profile.rank(step[0]) < first]
            if head:
                return head + path
        return path

    def readable(self, phrase: str) -> str:
        def label(match: re.Match[str]) -> str:
            return plain_text((self.refs[int(match.group(1))],), self.instrument, self.element)

        return _HOLE_NUMBER.sub(label, _SPACES.sub(" ", phrase))


@dataclass(slots=True)
class _Parsed:
    """A member as read, before it is resolved."""

    text: str
    path: list[tuple[str, str]]
    ref: Ref | None
    span: tuple[int, int]  # in the probe
    in_range: bool  # a range joiner ("to") stands before it
    chained: bool = False  # steps after it (", paragraph 3") complete its path


_SPACE = re.compile(r"\s+")


# ----------------------------------------------------------------------------------------------- describing


def describe(element: Element, instrument: Instrument | None = None) -> str:
    """How a reader names an element: 'Article 8', 'paragraph 8.2', 'item 8.2(c)', 'the lead-in of Article 1'."""
    role = element.role
    if role in ("division", "article", "annex", "table"):
        return element.heading.split(" \u2013 ")[0].split("\n")[0] if element.heading else element.label
    if not element.number:
        if element.label in ("preamble",):
            return "the preamble"
        if instrument is not None and instrument.profile.final_label == element.label:
            return f"the {element.label}"
        return (
            f"the lead-in of {element.label}" if element.role == "paragraph" else f"{element.kind} of {element.label}"
        )
    return f"{element.kind} {element.label}"
