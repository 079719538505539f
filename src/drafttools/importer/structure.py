"""Recognising an instrument's structure in a flat list of blocks, as a numbering profile describes it.

The profile (``model.profile``) says which kinds there are and how each one is numbered; from it this module
reads, in any treaty-shaped text:

- headings of divisions, articles, annexes and tables: "PART I", "TITLE II", "CHAPTER 1", "Section 2",
  "Article 8 – Title" (any dash, a colon, a full stop, plain spaces, or the title on the next line), "ANNEX I";
- numbered paragraphs as the profile numbers them ("8.3" compound, or "1." restarting in each article);
- points at any depth: (a), (i), (A), (1), "a)", dash indents, each level told by its sequence ((i) after (h)
  is a letter, (i) after a lead-in or under (a) opens a roman level);
- unnumbered blocks: lead-ins, closing words after a list and further sub-paragraphs (a ``text`` kind where the
  profile has one), recitals and citations of the preamble, final clauses ("Done at ...");
- tables (Word tables, or lines of TAB-separated cells) row by row, and footnotes with their text.

Typed numbers are checked (a repeat is an error, a gap a warning where numbers are computed) and kept as each
element's ``given`` number: a profile that computes numbers drops them when the text is written, and they serve
to match IDs and to resolve plain-text references as the author typed them.  Every word that comes in ends in
the model or in a located diagnostic; ``Draft`` says how many came in and how many were dropped.  Standard
library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from drafttools.diagnostics import Diagnostic, diag
from drafttools.importer.blocks import LINK, NOTE, RawBlock, Read, unlinked, words
from drafttools.importer.text import HEADING
from drafttools.model import ids
from drafttools.model.numbering import number_instrument
from drafttools.model.profile import Counter, Kind, Profile
from drafttools.model.tree import Element, Inline, Instrument, Loc, Meta, Note, Ref, Text

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
MARKS = "\u2014\u2013\u2012\u2015\u2022\u25aa\u25cf-"  # dash or bullet indents
# A label above the title ("Annex", "ANNEX 2"): the paper's, not the instrument's.
FRONT_LABEL = re.compile(r"^(?:annex|appendix|attachment|enclosure)(?:\s+[\w.]+)?$", re.IGNORECASE)
# Word styles of a paper's front matter, never the instrument's title or preamble (our builder's "Annex Version").
FRONT_STYLE = re.compile(r"subtitle|version|^block|annex heading|header|footer|toc", re.IGNORECASE)
# Our builder's line under the title (api.build.annex_fields: "Draft text of 7 September 2009"; before issue 16
# "Text of version 2009-09-SEARO-RC62 (draft, 7 September 2009)"), which plain text carries without its "Annex
# Version" style: the paper's too.
VERSION_LINE = re.compile(r"^(?:Text of version \S+ \([^()]*\)|[A-Z][\w -]{0,40} text of \d{1,2} [A-Z][a-z]+ \d{4})$")
# Where the final clauses begin, after the last article.
FINAL_START = re.compile(
    r"^(?:Done at|DONE at|IN WITNESS WHEREOF|In witness whereof|This (?:Regulation|Directive|"
    r"Decision|Agreement|Convention) shall be binding)"
)
DELETED = re.compile(r"[(\[]?(?:deleted|repealed|omitted)[)\]]?", re.IGNORECASE)  # "Article 7 (deleted)"
MAX_HEADING = 200  # characters: a longer heading is kept, with a warning
MAX_PLAIN_TITLE_WORDS = 12  # "Article 5 Definitions" is a heading; twelve words after "Article 5" are prose
_TOKEN = r"\d{1,4}[a-z]{0,2}|[IVXLCDM]{1,8}|[A-Z](?![a-z])|[A-Za-z]+(?:-[a-z]+)?"
_POINT = re.compile(
    rf"^(?:\((?P<paren>[a-z]{{1,4}}|[A-Z]{{1,3}}|\d{{1,3}}[a-z]?)\)|(?P<half>[a-z]{{1,2}})\)|(?P<mark>[{MARKS}]))"
    r"(?:\s+|$)(?P<text>.*)$",
    re.S,
)


def _order(counter: Counter, token: str) -> tuple[int, str] | None:
    """A typed token's place for sequence checks: (count, suffix), so "92a" stands between 92 and 93."""
    value = counter.value(token)
    if value is None:
        return None
    suffix = re.sub(r"^\d+", "", token) if counter.style == "decimal" else ""
    return value, suffix


# ---------------------------------------------------------------------------------------------- the patterns


class Patterns:
    """What one profile's numbers look like when typed: headings, paragraphs, points."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.headed: dict[str, Kind] = {}
        for kind in profile.kinds.values():
            if kind.headed and kind.word:
                self.headed.setdefault(kind.word.lower(), kind)
                if kind.role == "article":
                    self.headed.setdefault("art.", kind)
        words = sorted(self.headed, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words) or r"(?!x)x"
        self.heading = re.compile(
            rf"^(?P<word>{alternatives})(?![\w])(?:\s*(?P<tok>{_TOKEN})(?![\w.]\d))?\s*"
            rf"(?:(?P<sep>[{DASHES}:]|\.(?!\d))\s*)?(?P<title>.*)$",
            re.I | re.S,
        )
        paragraphs = profile.of_role("paragraph")
        self.paragraph = paragraphs[0] if paragraphs else None
        self.compound = self.paragraph is not None and "{article}." in self.paragraph.number
        if self.compound:
            self.paragraph_re = re.compile(
                r"^(?P<art>\d{1,4}[a-z]?)\.(?P<t>\d{1,3})(?P<deeper>(?:\.\d{1,3})+)?\.?(?:\s+|$)(?P<text>.*)$", re.S
            )
        else:
            counter = self.paragraph.counter(0) if self.paragraph is not None else Counter("none")
            if counter.counts and counter.suffix.strip():
                self.paragraph_re = re.compile(
                    rf"^{re.escape(counter.prefix)}(?P<t>{counter.pattern()}){re.escape(counter.suffix)}"
                    r"(?P<deeper>)(?:\s+|$)(?P<text>.*)$",
                    re.S,
                )
            else:
                self.paragraph_re = re.compile(r"(?!x)x")
        points = profile.of_role("point")
        self.point = points[0] if points else None
        self.families: tuple[Counter, ...] = self.point.formats if self.point is not None else ()
        texts = profile.of_role("text")
        self.text = texts[0] if texts else None
        tables = profile.of_role("table")
        self.table = tables[0] if tables else None
        rows = profile.of_role("row")
        self.row = rows[0] if rows else None

    def heading_of(self, text: str, styled: bool) -> tuple[Kind, str, str, bool] | None:
        """(kind, typed token, title, separated) when ``text`` reads as a heading of a headed kind."""
        match = self.heading.match(text)
        if match is None:
            return None
        kind = self.headed[match["word"].lower()]
        token = match["tok"] or ""
        title = match["title"].strip()
        if token and not any(c.value(token) is not None for c in kind.formats) and not kind.role == "annex":
            return None  # "Part of the Code": a word, not a number
        if not token and kind.role not in ("annex", "table"):
            return None
        if token and kind.role == "annex" and not (re.fullmatch(r"\d{1,3}[a-z]?|[IVXLCDM]{1,8}|[A-Z]", token)):
            if match["tok"] and match["tok"][:1].islower():
                return None
            title, token = f"{token} {title}".strip(), ""
        separated = match["sep"] is not None
        if not separated and title and not styled:
            if not title[:1].isupper() or len(title.split()) > MAX_PLAIN_TITLE_WORDS or title.endswith((";", ",")):
                return None
            if kind.role != "article" and not text.split()[0].isupper() and not styled:
                return None  # "Chapter 3 applies": a division heading is in capitals ("CHAPTER 3") or styled
        if separated and title.endswith((";", ",")) and not styled:
            return None
        return kind, token, title, separated

    def point_of(self, text: str) -> tuple[list[tuple[Counter, tuple[int, str]]], str, str] | None:
        """The readings of a point label (each family it may belong to, with its place), the token, the text."""
        if self.point is None:
            return None
        match = _POINT.match(text)
        if match is None:
            return None
        if match["mark"]:
            marks = [f for f in self.families if f.style == "mark"]
            return ([(f, (0, "")) for f in marks], "", match["text"]) if marks else None
        token = match["paren"] or match["half"]
        readings = []
        for family in self.families:
            if (
                family.style == "mark"
                or (match["paren"] and family.prefix != "(")
                or (match["half"] and family.prefix not in ("(", ""))
            ):
                continue
            place = _order(family, token)
            if place is None:
                continue
            if family.style == "decimal" or family.token(place[0]) == token:
                readings.append((family, place))
        return (readings, token, match["text"]) if readings else None


# -------------------------------------------------------------------------------------------------- the tree


@dataclass(eq=False)
class _Node:
    kind: str
    role: str
    block: RawBlock
    title: str = ""
    text: str = ""  # its own words, with link and note markers
    given: str = ""
    numbered: bool = True
    header: bool = False
    deleted: bool = False
    cells: tuple[str, ...] = ()
    bookmarks: tuple[str, ...] = ()
    children: list[_Node] = field(default_factory=list)
    last: dict[str, tuple[int, str]] = field(default_factory=dict)  # per child kind: the typed place before


@dataclass
class _Level:
    """An open level of points: the family its labels are typed in, the last place, the last point."""

    family: Counter
    place: tuple[int, str]
    node: _Node


@dataclass(frozen=True)
class Draft:
    """The recognised instrument (IDs only from bookmarks; typed numbers as ``given``), the profile it was read
    with, the typed label of each element in walk order, and the account of words."""

    instrument: Instrument
    typed: tuple[str, ...]
    problems: tuple[Diagnostic, ...]
    unit: str
    profile: Profile
    words_in: int = 0
    words_dropped: int = 0
    unplaced: int = 0  # blocks that became unnumbered text for want of a recognised number (profile choice)
    why: str = ""  # why the profile was chosen


@dataclass
class _Recogniser:
    path: str
    unit: str
    blocks: list[RawBlock]
    patterns: Patterns
    notes: dict[str, str]
    problems: list[Diagnostic] = field(default_factory=list)
    title: str = ""
    preamble: list[_Node] = field(default_factory=list)
    body: list[_Node] = field(default_factory=list)
    final: list[_Node] = field(default_factory=list)
    annexes: list[_Node] = field(default_factory=list)
    stack: list[_Node] = field(default_factory=list)  # open divisions, the article or annex, the holder
    levels: list[_Level] = field(default_factory=list)  # open point levels under the holder
    region: str = "front"
    last_top: dict[str, tuple[int, str]] = field(default_factory=dict)  # instrument-wide places (articles)
    dropped: int = 0
    front_blocks: list[RawBlock] = field(default_factory=list)  # the paper's blocks before the title, left out
    unplaced: int = 0
    headings: int = 0
    table: _Node | None = None
    title_block: RawBlock | None = None

    @property
    def profile(self) -> Profile:
        return self.patterns.profile

    def report(self, code: str, block: RawBlock, message: str, fix: str | None = None, dropped: str = "") -> None:
        where = "" if self.unit == "line" else f"{self.unit} {block.where}: "  # the line is in path:line already
        self.problems.append(diag(code, self.path, block.where, f"{where}{message}", fix))
        self.dropped += words(dropped)

    # -- blocks ------------------------------------------------------------------------------------------

    def run(self) -> None:
        styled_only = not any(self.patterns.heading_of(unlinked(b.text).strip(), b.heading > 0) for b in self.blocks)
        index = 0
        while index < len(self.blocks):
            index = self.block(index, styled_only)

    def block(self, index: int, styled_only: bool) -> int:
        block = self.blocks[index]
        text = block.text.strip()
        plain = unlinked(text).strip()
        if not (block.cells and block.in_table):
            heading = self.patterns.heading_of(plain, block.heading > 0)
            if heading is None and styled_only and block.heading and (self.title or self.body):
                article = self.profile.of_role("article")
                heading = (article[0], "", plain, True) if article else None
            if heading is not None and self.accept_heading(block, heading):
                return self.start_headed(index, *heading)
        if block.cells and (self.region != "front" or not block.in_table):
            self.row(block)
            return index + 1
        self.table = None
        if self.region in ("front", "preamble"):
            self.front(block, text)
        elif self.region == "final" or (
            FINAL_START.match(plain) and self.profile.final_kinds and self.body and self.region == "body"
        ):
            self.region = "final"
            self.final.append(self.leaf(self.profile.final_kinds[0], block, text, numbered=False))
        else:
            self.inside(block, text)
        return index + 1

    def accept_heading(self, block: RawBlock, heading: tuple[Kind, str, str, bool]) -> bool:
        kind, token, title, separated = heading
        if (
            self.region in ("front", "preamble")
            and kind.role == "annex"
            and (not token or FRONT_STYLE.search(block.style))
        ):
            return False  # "ANNEX" above the title: the paper's label
        if kind.role == "table" and self.region in ("front", "preamble"):
            return False
        if kind.role == "article" and token and title and not separated and not block.heading:
            place = _order(kind.counter(0), token)
            before = self.last_top.get(kind.name)
            if place is not None and before is not None and place <= before:
                return False  # "Article 5 Member States ..." after Article 7: prose quoting a number
        return True

    # -- headings -----------------------------------------------------------------------------------------

    def start_headed(self, index: int, kind: Kind, token: str, title: str, separated: bool) -> int:
        block = self.blocks[index]
        bookmarks = block.bookmarks
        index += 1
        if not title and index < len(self.blocks) and self.could_be_title(self.blocks[index]):
            title = unlinked(self.blocks[index].text).strip()
            bookmarks += self.blocks[index].bookmarks
            index += 1
        if len(title) > MAX_HEADING:
            self.report(
                "import.long-heading",
                block,
                f"{kind.word} {token}: a heading of {len(title)} characters",
                "kept as the heading; shorten it, or start its text on a line of its own",
            )
        self.headings += 1
        deleted = DELETED.fullmatch(title) is not None
        node = _Node(
            kind.name,
            kind.role,
            block,
            title="" if deleted else title,
            given=token,
            bookmarks=bookmarks,
            deleted=deleted,
        )
        self.carry_notes(block, node)
        if kind.role == "table":
            holder = self.article()
            if holder is None or kind.name not in self.profile.kinds[holder.kind].children:
                self.report(
                    "import.stray-text",
                    block,
                    f"table heading {title!r} outside an article or annex",
                    dropped=block.text,
                )
                return index
            holder.children.append(node)
            self.table = node
            return index
        self.table = None
        if kind.role == "annex":
            self.region = "annexes"
            self.stack, self.levels = [node], []
            self.sequence(kind, token, block, self.last_top, f"{kind.word} {token}".strip())
            self.annexes.append(node)
            return index
        if self.region in ("front", "preamble", "final"):
            self.region = "body"
        if kind.role == "division":
            while self.stack and not (
                self.stack[-1].role == "division"
                and self.profile.rank(self.stack[-1].kind) < self.profile.rank(kind.name)
            ):
                self.stack.pop()
        else:
            while self.stack and self.stack[-1].role != "division":
                self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        places = self.last_top if kind.scope == "instrument" else (parent.last if parent is not None else self.last_top)
        if token:
            self.sequence(kind, token, block, places, f"{kind.word} {token}")
        (parent.children if parent is not None else self.body).append(node)
        self.stack.append(node)
        self.levels = []
        return index

    def could_be_title(self, block: RawBlock) -> bool:
        text = unlinked(block.text).strip()
        return (
            0 < len(text) <= MAX_HEADING
            and not block.cells
            and not self.patterns.paragraph_re.match(text)
            and self.patterns.point_of(text) is None
            and self.patterns.heading_of(text, False) is None
            and (block.heading > 0 or not text.endswith((".", ";", ":", ",")))
            and not FINAL_START.match(text)
        )

    def sequence(
        self,
        kind: Kind,
        token: str,
        block: RawBlock,
        places: dict[str, tuple[int, str]],
        shown: str,
        counter: Counter | None = None,
    ) -> None:
        """Check a typed number against the one before of its kind under the same parent."""
        counter = counter or kind.counter(0)
        place = _order(counter, token)
        if place is None:
            return
        before = places.get(kind.name, (0, ""))
        if place <= before:
            self.report(
                "import.numbering-repeat",
                block,
                f"{shown} comes after {kind.describe()} {self.shown(counter, before)}: the numbering repeats or goes "
                "backwards",
                "correct the number, so that the order of the text is certain",
            )
        elif place[0] > before[0] + 1 and not place[1] and self.profile.numbering == "computed":
            self.report(
                "import.numbering-gap",
                block,
                f"{shown} follows {kind.describe()} {self.shown(counter, before)}: {place[0] - before[0] - 1} "
                "number(s) skipped",
                "an element deleted without renumbering?  Numbers are recomputed from order",
            )
        places[kind.name] = place

    @staticmethod
    def shown(counter: Counter, place: tuple[int, str]) -> str:
        return "number 0" if place[0] == 0 else f"number {counter.token(place[0]) or place[0]}{place[1]}"

    # -- front matter and preamble -------------------------------------------------------------------------

    def front(self, block: RawBlock, text: str) -> None:
        """The title, then the preamble; what is the paper's (a first-page table, an "Annex" label) is skipped."""
        plain = unlinked(text).strip()
        if (
            block.in_table
            or FRONT_STYLE.search(block.style)
            or (not self.title and FRONT_LABEL.match(plain))
            or (self.title and not self.preamble and VERSION_LINE.match(plain))
        ):
            self.front_blocks.append(block)
            return
        if block.title_style and self.title:  # what came before a title-styled block is the paper around it
            self.front_blocks += [self.title_block] if self.title_block is not None else []
            self.front_blocks += [n.block for n in self.preamble]
            self.title, self.preamble, self.region = "", [], "front"
        if not self.title:
            self.title, self.title_block = plain, block
            for label in NOTE.findall(text):
                self.report(
                    "import.footnote",
                    block,
                    f"footnote {label} on the title dropped; put it in the text",
                    dropped=self.notes.get(label, ""),
                )
            return
        self.region = "preamble"
        self.in_preamble(block, text)

    def in_preamble(self, block: RawBlock, text: str) -> None:
        kinds = [self.profile.kinds[k] for k in self.profile.preamble_kinds if k in self.profile.kinds]
        for kind in kinds:
            counter = kind.counter(0)
            if (
                counter.counts
                and kind.role in ("recital", "citation")
                and (
                    match := re.match(
                        rf"^{re.escape(counter.prefix)}(?P<t>{counter.pattern()})"
                        rf"{re.escape(counter.suffix)}\s+(?P<text>.*)$",
                        text,
                        re.S,
                    )
                )
            ):
                self.preamble.append(self.leaf(kind.name, block, match["text"], given=match["t"]))
                return
        plain_kind = next((k for k in kinds if not k.counter(0).counts), kinds[0] if kinds else None)
        if plain_kind is None:
            self.report(
                "import.stray-text",
                block,
                "text before the first article, and the profile has no preamble",
                dropped=block.text,
            )
            return
        self.preamble.append(self.leaf(plain_kind.name, block, text, numbered=False))

    def leaf(self, kind: str, block: RawBlock, text: str, numbered: bool = True, given: str = "") -> _Node:
        node = _Node(
            kind,
            self.profile.role(kind),
            block,
            text=text.strip(),
            numbered=numbered,
            given=given,
            bookmarks=block.bookmarks,
        )
        return node

    # -- inside an article or annex --------------------------------------------------------------------------

    def container(self, child_kind: str) -> _Node | None:
        """The innermost open element that may hold ``child_kind`` (an article, an annex, a paragraph)."""
        for node in reversed(self.stack):
            kind = self.profile.kinds.get(node.kind)
            if kind is not None and child_kind in kind.children:
                return node
        return None

    def article(self) -> _Node | None:
        return next((n for n in reversed(self.stack) if n.role in ("article", "annex")), None)

    def inside(self, block: RawBlock, text: str) -> None:
        article = self.article()
        plain = unlinked(text).strip()
        if article is None:
            self.unplaced += 1
            self.report(
                "import.stray-text",
                block,
                f"text under a division heading, before its first article: {plain[:60]!r}",
                "make it the division's title, or put it in an article",
                dropped=block.text,
            )
            return
        match = self.patterns.paragraph_re.match(text)
        if match is not None and self.patterns.paragraph is not None:
            self.numbered_paragraph(article, block, match)
            return
        if self.point(block, text):
            return
        self.unnumbered(article, block, text)

    def numbered_paragraph(self, article: _Node, block: RawBlock, match: re.Match[str]) -> None:
        kind = self.patterns.paragraph
        assert kind is not None
        typed = f"{match['art']}.{match['t']}" if self.patterns.compound else match["t"]
        if match["deeper"]:
            self.report(
                "import.too-deep",
                block,
                f"paragraph numbered {typed}{match['deeper']}: this profile numbers paragraphs "
                f"{kind.number.replace('{article}', 'N').replace('{t}', 'M')} and their points (a), (i)",
                "make it a point (a) of its paragraph, or a paragraph of its own",
            )
        if self.patterns.compound and article.given and match["art"] != article.given:
            self.report(
                "import.numbering-mismatch",
                block,
                f"paragraph {typed} stands under {self.heading_word(article)} {article.given}",
                "it is imported where it stands; check its number",
            )
            article.last[kind.name] = (int(match["t"]), "")
        else:
            self.sequence(kind, match["t"], block, article.last, f"paragraph {typed}")
        while self.stack and self.stack[-1] is not article:
            self.stack.pop()
        node = self.leaf(kind.name, block, match["text"], given=match["t"])
        self.carry_notes(block, node)
        article.children.append(node)
        self.stack.append(node)
        self.levels = []

    def heading_word(self, node: _Node) -> str:
        kind = self.profile.kinds.get(node.kind)
        return kind.word if kind is not None and kind.word else node.kind

    def unnumbered(self, article: _Node, block: RawBlock, text: str) -> None:
        holder = self.stack[-1] if self.stack else article
        text_kind = self.patterns.text
        numbered_paragraph = next((n for n in reversed(self.stack) if n.role == "paragraph" and n.numbered), None)
        if (
            text_kind is not None
            and numbered_paragraph is not None
            and text_kind.name in self.profile.kinds[numbered_paragraph.kind].children
        ):
            while self.stack and self.stack[-1] is not numbered_paragraph:
                self.stack.pop()
            node = self.leaf(text_kind.name, block, text, numbered=False)
            numbered_paragraph.children.append(node)
        else:
            paragraph = self.patterns.paragraph
            if paragraph is None or paragraph.name not in self.profile.kinds[article.kind].children:
                node = self.leaf(text_kind.name if text_kind else holder.kind, block, text, numbered=False)
            else:
                node = self.leaf(paragraph.name, block, text, numbered=False)
            while self.stack and self.stack[-1] is not article:
                self.stack.pop()
            article.children.append(node)
        plain = unlinked(text)
        self.unplaced += 1 if re.match(r"^(?:\(?[a-z0-9]{1,4}[.)]|\d+\.\d+)\s", plain) or HEADING.match(plain) else 0
        self.carry_notes(block, node)
        self.stack.append(node)
        self.levels = []

    def point(self, block: RawBlock, text: str) -> bool:
        found = self.patterns.point_of(text)
        if found is None or self.patterns.point is None:
            return False
        readings, token, rest = found
        choice = self.choose_level(readings)
        if choice is None:
            return False
        depth, family, place, gap = choice
        kind = self.patterns.point
        if depth == len(self.levels):  # a new level, under the point above or the holder
            holder = self.levels[-1].node if self.levels else self.holder(block)
            if depth >= self.profile.max_depth:
                self.report(
                    "import.too-deep",
                    block,
                    f"point ({token}) nests {depth + 1} deep (this profile allows {self.profile.max_depth})",
                    "make it a point of the level above",
                )
            if place[0] > 1 and family.style != "mark":
                self.report(
                    "import.numbering-gap",
                    block,
                    f"point ({token}) opens a list",
                    "a list that starts after its first point?  Numbers are recomputed from order",
                ) if self.profile.numbering == "computed" else None
            expected = kind.counter(depth)
            if (
                (family.style, family.prefix.strip(), family.suffix)
                != (expected.style, expected.prefix.strip(), expected.suffix)
                and self.profile.numbering == "computed"
                and family.style != "mark"
            ):
                self.report(
                    "import.number-format",
                    block,
                    f"points numbered {family.decorate(token)}, ... stand at depth {depth + 1}, which this profile "
                    f"prints {expected.decorate(expected.token(1))}, {expected.decorate(expected.token(2))}, ...",
                )
        else:
            del self.levels[depth + 1 :]
            holder = self.levels[depth - 1].node if depth else self.holder(block)
            before = self.levels[depth].place
            if family.style != "mark":
                if place <= before:
                    self.report(
                        "import.numbering-repeat",
                        block,
                        f"point ({token}) comes after point {family.decorate(family.token(before[0]))}: the numbering "
                        "repeats or goes backwards",
                        "correct the number, so that the order of the text is certain",
                    )
                elif gap and self.profile.numbering == "computed":
                    self.report(
                        "import.numbering-gap",
                        block,
                        f"point ({token}) follows point {family.decorate(family.token(before[0]))}: "
                        f"{place[0] - before[0] - 1} number(s) skipped",
                        "an element deleted without renumbering?  Numbers are recomputed from order",
                    )
        given = token if family.style != "mark" else family.prefix  # a dash indent keeps its mark
        node = self.leaf(kind.name, block, rest, given=given)
        self.carry_notes(block, node)
        holder.children.append(node)
        level = _Level(family, place if family.style != "mark" else (place[0] + 1, ""), node)
        if depth == len(self.levels):
            self.levels.append(level)
        else:
            self.levels[depth] = level
        return True

    def holder(self, block: RawBlock) -> _Node:
        """What a first-level point stands under: the open paragraph (or text), or a new empty lead-in."""
        top = self.stack[-1]
        if top.role not in ("article", "annex", "division"):
            return top
        article = self.article()
        assert article is not None
        paragraph = self.patterns.paragraph
        kind = (
            paragraph.name
            if paragraph is not None
            else (self.patterns.text.name if self.patterns.text else article.kind)
        )
        node = _Node(kind, self.profile.role(kind), block, numbered=False)
        article.children.append(node)
        self.stack.append(node)
        return node

    def choose_level(
        self, readings: list[tuple[Counter, tuple[int, str]]]
    ) -> tuple[int, Counter, tuple[int, str], bool] | None:
        """Which open level a point continues (innermost first), or whether it opens one: (depth, family, place,
        gap).  A level is known by the family its labels are typed in; (i) after (h) continues the letters."""

        def same(a: Counter, b: Counter) -> bool:
            return (a.style, a.suffix) == (b.style, b.suffix)

        for depth in range(len(self.levels) - 1, -1, -1):  # 1. the next number of an open level
            level = self.levels[depth]
            for family, place in readings:
                if same(family, level.family) and (
                    family.style == "mark"
                    or place == (level.place[0] + 1, "")
                    or (place[0] == level.place[0] and place[1] > level.place[1])
                ):
                    return depth, level.family, place, False
        open_families = [level.family for level in self.levels]
        for family, place in readings:  # 2. the first number of a new level
            if (place[0] == 1 or family.style == "mark") and not any(same(family, f) for f in open_families):
                return len(self.levels), family, place, False
        for depth in range(len(self.levels) - 1, -1, -1):  # 3. an open level, with a gap or a repeat
            level = self.levels[depth]
            for family, place in readings:
                if same(family, level.family):
                    return depth, level.family, place, place[0] > level.place[0] + 1
        for family, place in readings:  # 4. a list that starts after its first number
            if not any(same(family, f) for f in open_families) and family.style in ("lower-letter", "decimal"):
                return len(self.levels), family, place, True
        return None

    def row(self, block: RawBlock) -> None:
        table_kind, row_kind = self.patterns.table, self.patterns.row
        if table_kind is None or row_kind is None:
            self.report("import.stray-text", block, "a table row, and this profile has no tables", dropped=block.text)
            return
        if self.table is None:
            holder = self.article()
            if holder is None or table_kind.name not in self.profile.kinds[holder.kind].children:
                self.report(
                    "import.stray-text", block, "a table outside an article or annex: left out", dropped=block.text
                )
                return
            self.table = _Node(table_kind.name, "table", block, numbered=False)
            holder.children.append(self.table)
        header = block.header or (self.unit == "line" and not self.table.children)
        node = _Node(row_kind.name, "row", block, cells=block.cells, header=header, bookmarks=block.bookmarks)
        self.carry_notes(block, node)
        self.table.children.append(node)

    def carry_notes(self, block: RawBlock, node: _Node) -> None:
        for label in NOTE.findall(block.text):
            if label not in self.notes:
                self.report(
                    "import.footnote", block, f"footnote {label} has no text in the file: its marker is left out"
                )

    # -- the model ------------------------------------------------------------------------------------------

    def draft(self) -> Draft:
        if self.front_blocks:
            first = min(self.front_blocks, key=lambda b: b.where)
            count = sum(words(b.text) for b in self.front_blocks)
            self.report(
                "import.front-matter",
                first,
                f"{len(self.front_blocks)} block(s) around the instrument's title are the paper's (its first page, an "
                f"'Annex' label, a version line), not the instrument's: left out ({count} words), the first "
                f"{unlinked(first.text).strip()[:50]!r}",
            )
            self.dropped += count
        meta = Meta(title=unlinked(self.title), version="", date="", status="draft")
        instrument = Instrument(
            meta,
            self.profile,
            preamble=tuple(self.element(n) for n in self.preamble),
            body=tuple(self.element(n) for n in self.body),
            final=tuple(self.element(n) for n in self.final),
            annexes=tuple(self.element(n) for n in self.annexes),
        )
        typed_profile = replace(self.profile, numbering="given")
        typed = number_instrument(replace(instrument, profile=typed_profile))
        labels = tuple(e.label if e.given else "" for e in typed.walk())
        words_in = sum(words(b.text) for b in self.blocks) + sum(words(t) for t in self.notes.values())
        return Draft(
            number_instrument(instrument),
            labels,
            tuple(self.problems),
            self.unit,
            self.profile,
            words_in,
            self.dropped,
            self.unplaced,
        )

    def element(self, node: _Node) -> Element:
        loc = Loc(self.path, node.block.where)
        return Element(
            node.kind,
            _bookmark(node.bookmarks),
            loc,
            title=unlinked(node.title),
            inlines=self.inlines(node.text, loc) if node.text else (),
            children=tuple(self.element(c) for c in node.children),
            numbered=node.numbered,
            given=node.given,
            header=node.header,
            deleted=node.deleted,
            cells=tuple(self.inlines(c, loc) for c in node.cells),
            text_line=node.block.where,
            status=node.block.status,
        )

    def inlines(self, text: str, loc: Loc, depth: int = 0) -> tuple[Inline, ...]:
        """Text, with each link to a bookmark as a reference to that bookmark's name (the shown text rides along
        as ``written`` until the import resolves the name to an ID) and each footnote with its text."""
        pieces: list[Inline] = []
        cursor = 0
        pattern = re.compile(f"{LINK.pattern}|{NOTE.pattern}")
        for found in pattern.finditer(text):
            if found.start() > cursor:
                pieces.append(Text(text[cursor : found.start()]))
            if found.group(3) is not None:
                label = found.group(3)
                if label in self.notes and depth == 0:
                    pieces.append(Note(label, self.inlines(self.notes[label], loc, 1), loc))
            else:
                pieces.append(Ref(found.group(1).replace("_", "-").lower(), loc, found.group(2)))
            cursor = found.end()
        if cursor < len(text):
            pieces.append(Text(text[cursor:]))
        merged: list[Inline] = []
        for piece in pieces:  # a dropped marker leaves two runs of text side by side
            if merged and isinstance(piece, Text) and isinstance(merged[-1], Text):
                merged[-1] = Text(merged[-1].text + piece.text)
            else:
                merged.append(piece)
        return tuple(merged)


def _bookmark(names: tuple[str, ...]) -> str | None:
    """The first bookmark that can be an ID ('_' read as '-', as tools that forbid hyphens write them);
    Word's own bookmarks ('_Toc…', '_GoBack') cannot."""
    candidates = (name.replace("_", "-").lower() for name in names if name and not name.startswith("_"))
    return next((name for name in candidates if ids.is_valid(name)), None)


def recognise(read: Read, path: str, profile: Profile) -> Draft:
    """The instrument in ``read`` as ``profile`` reads it; ``import.no-article`` when no article heading was
    found."""
    recogniser = _Recogniser(
        path, read.unit, list(read.blocks), Patterns(profile), dict(read.notes), list(read.problems)
    )
    recogniser.run()
    if not any(n.role == "article" for top in recogniser.body for n in _walk(top)) and not recogniser.annexes:
        first = next((b for b in read.blocks if b.text.strip()), None)
        seen = f"; it begins {unlinked(first.text).strip()[:60]!r}" if first else "; it holds no text"
        article = profile.of_role("article")
        word = article[0].word if article else "Article"
        recogniser.problems.append(
            diag(
                "import.no-article",
                path,
                first.where if first else 0,
                f"no article heading ('{word} 1 – Title') found in {len(read.blocks)} {read.unit}s{seen}",
                f"give each article a heading '{word} N – Title' (or a Heading style) and number its paragraphs",
            )
        )
    return recogniser.draft()


def _walk(node: _Node) -> list[_Node]:
    found = [node]
    for child in node.children:
        found += _walk(child)
    return found
