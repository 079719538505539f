"""Recognising an instrument's structure in a flat list of blocks, WHO/UN style.

Title, preamble paragraphs, "Article N – Title" headings (any dash, a colon, a full stop or plain spaces; or a
heading style), paragraphs numbered "N.M", lettered items "(a)", roman items "(i)" and unnumbered lead-ins.
Typed numbers are read, checked (a repeat is an error, a gap a warning) and then dropped: the model computes
numbers from order.  What was typed is kept beside the model (``Draft.typed``) for matching IDs and for
resolving plain-text references as the author meant them.  Standard library only.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from drafttools.model import conventions
from drafttools.model import ids
from drafttools.diagnostics import Diagnostic, diag
from drafttools.importer.blocks import LINK, Block, Read, unlinked
from drafttools.model.tree import Article, Inline, Instrument, Item, Loc, Meta, Paragraph, Ref, Text, number_instrument

# ------------------------------------------------------------------------------------------ conventions (data)

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
ARTICLE = re.compile(
    rf"^(?:Article|ARTICLE|Art\.)\s*(?P<num>\d{{1,4}})(?!\d)(?!\.\d)\s*(?:(?P<sep>[{DASHES}:]|\.(?!\d))\s*)?(?P<title>.*)$"
)
PARAGRAPH = re.compile(r"^(?P<num>(?P<art>\d{1,4})\.(?P<par>\d{1,3}))(?P<deeper>(?:\.\d{1,3})+)?\.?(?:\s+|$)(?P<text>.*)$", re.S)
ITEM = re.compile(r"^(?:\((?P<paren>[a-z]{1,4})\)|(?P<half>[a-z]{1,2})\))(?:\s+|$)(?P<text>.*)$", re.S)
ROMAN = re.compile(r"^(?=[ivxl])m{0,3}(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3})$")
# A label above the title ("Annex", "ANNEX 2"): the paper's, not the instrument's.
FRONT_LABEL = re.compile(r"^(?:annex|appendix|attachment|enclosure)(?:\s+[\w.]+)?$", re.IGNORECASE)
# Word styles of a paper's front matter, never the instrument's title or preamble (our builder's "Annex Version").
FRONT_STYLE = re.compile(r"subtitle|version|^block|annex heading|header|footer|toc", re.IGNORECASE)
MAX_HEADING = 200  # characters: a longer block is prose that happens to start with "Article"


def heading_match(text: str, styled: bool = False) -> tuple[str, str] | None:
    """(number, title) when ``text`` reads as "Article N – Title" (any dash, a colon, a full stop, or plain
    spaces before a capital or in a heading style); None for prose such as "Article 75 of the Constitution"."""
    match = ARTICLE.match(text)
    if match is None or len(text) > MAX_HEADING or text.endswith((";", ",")):
        return None
    title = match["title"].strip()
    if match["sep"] is None and title and not styled and not title[:1].isupper():
        return None
    return match["num"], title


def roman_value(token: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for here, after in zip(token, token[1:] + " "):
        value = values[here]
        total += -value if after != " " and values[after] > value else value
    return total


def letter_index(token: str) -> int:
    """'a' → 0 ... 'z' → 25, 'aa' → 26, 'bb' → 27 (UN style, as conventions.item_number prints)."""
    return (len(token) - 1) * 26 + string.ascii_lowercase.index(token[0])


# ------------------------------------------------------------------------------------------------ builders


@dataclass
class _Para:
    text: str
    block: Block
    numbered: bool
    typed: str = ""
    items: list[tuple[str, Block, str]] = field(default_factory=list)  # text, block, typed letter
    roman: bool = False  # items numbered (i), (ii) ...
    last_index: int = -1


@dataclass
class _Art:
    title: str
    block: Block
    typed: str
    bookmark: str | None
    paragraphs: list[_Para] = field(default_factory=list)
    last_par: int = 0


@dataclass(frozen=True)
class Draft:
    """The recognised instrument (IDs only from bookmarks), the typed label of each node in walk order."""

    instrument: Instrument
    typed: tuple[str, ...]
    problems: tuple[Diagnostic, ...]
    unit: str


@dataclass
class _Recogniser:
    path: str
    unit: str
    blocks: list[Block]
    problems: list[Diagnostic] = field(default_factory=list)
    title: str = ""
    preamble: list[_Para] = field(default_factory=list)
    articles: list[_Art] = field(default_factory=list)
    style_articles: bool = False

    def report(self, code: str, block: Block, message: str, fix: str | None = None) -> None:
        where = "" if self.unit == "line" else f"{self.unit} {block.where}: "  # the line is in path:line already
        self.problems.append(diag(code, self.path, block.where, f"{where}{message}", fix))

    # -- blocks ------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.style_articles = not any(self.article_heading(b) for b in self.blocks)
        index = 0
        while index < len(self.blocks):
            index = self.block(index)

    def block(self, index: int) -> int:
        block = self.blocks[index]
        text = block.text.strip()
        heading = self.article_heading(block)
        if heading is not None:
            self.footnotes(block)
            return self.start_article(index, *heading)
        if not self.articles:
            if self.front(block, text):
                self.footnotes(block)
        else:
            self.footnotes(block)
            self.body(block, text)
        return index + 1

    def footnotes(self, block: Block) -> None:
        """Footnote references dropped from a block the instrument keeps (not from the paper around it)."""
        for number in block.notes:
            self.report("import.footnote", block, f"footnote {number} dropped; footnotes are not part of the code text")

    def article_heading(self, block: Block) -> tuple[str, str] | None:
        """(typed number, title) when the block is an article heading, by pattern or (failing any) by style."""
        found = heading_match(unlinked(block.text).strip(), block.heading > 0)
        if found is not None:
            return found
        if self.style_articles and block.heading and (self.title or self.articles):
            return "", unlinked(block.text).strip()
        return None

    def start_article(self, index: int, typed: str, title: str) -> int:
        block = self.blocks[index]
        bookmarks = block.bookmarks
        index += 1
        if not title and index < len(self.blocks) and self.could_be_title(self.blocks[index]):
            title, bookmarks = unlinked(self.blocks[index].text).strip(), bookmarks + self.blocks[index].bookmarks
            index += 1
        if typed:
            self.check_sequence("article", block, int(typed), int(self.articles[-1].typed) if self.articles and self.articles[-1].typed else 0, conventions.article_heading(typed, ""))
        self.articles.append(_Art(title, block, typed, _bookmark(bookmarks)))
        return index

    def could_be_title(self, block: Block) -> bool:
        text = block.text.strip()
        return (0 < len(text) <= MAX_HEADING and not PARAGRAPH.match(text) and not ITEM.match(text)
                and not ARTICLE.match(text) and (block.heading > 0 or not text.endswith((".", ";", ":", ","))))

    def front(self, block: Block, text: str) -> bool:
        """Title and preamble; False for what is not the instrument's (a first-page block, an "Annex" label)."""
        if block.in_table or FRONT_STYLE.search(block.style) or (not self.title and FRONT_LABEL.match(text)):
            return False
        if block.title_style:  # what came before a title-styled block is the paper around the instrument
            self.title, self.preamble = unlinked(text), []
            self.problems = [p for p in self.problems if p.code != "import.footnote" or p.line > block.where]
        elif not self.title:
            self.title = unlinked(text)
        else:
            self.preamble.append(_Para(text, block, numbered=True))
        return True

    # -- inside an article --------------------------------------------------------------------------------

    def body(self, block: Block, text: str) -> None:
        article = self.articles[-1]
        if (match := PARAGRAPH.match(text)) is not None:
            self.numbered_paragraph(article, block, match)
        elif (match := ITEM.match(text)) is not None and self.item(article, block, match):
            return
        else:
            article.paragraphs.append(_Para(text, block, numbered=False))

    def numbered_paragraph(self, article: _Art, block: Block, match: re.Match[str]) -> None:
        if match["deeper"]:
            self.report("import.too-deep", block, f"paragraph numbered {match['num']}{match['deeper']}: the code text has articles, paragraphs N.M and items (a) only", "make it an item (a) of its paragraph, or a paragraph of its own")
        if article.typed and match["art"] != article.typed:
            self.report("import.numbering-mismatch", block, f"paragraph {match['num']} stands under {conventions.article_heading(article.typed, '')}", "it is imported where it stands; check its number")
        else:
            self.check_sequence("paragraph", block, int(match["par"]), article.last_par, f"paragraph {match['num']}")
        article.last_par = int(match["par"])
        article.paragraphs.append(_Para(match["text"].strip(), block, numbered=True, typed=match["num"]))

    def item(self, article: _Art, block: Block, match: re.Match[str]) -> bool:
        token = match["paren"] or match["half"]
        is_roman = self.is_roman(token, article.paragraphs[-1] if article.paragraphs else None)
        if is_roman is None:
            return False  # "(ab)": not an item label, so prose
        if not article.paragraphs:
            article.paragraphs.append(_Para("", block, numbered=False))
        paragraph = article.paragraphs[-1]
        if is_roman and paragraph.items and not paragraph.roman:
            self.report("import.nested-item", block, f"item ({token}) under item {paragraph.items[-1][2]} is kept as part of that item's text", "the code text has one level of items; make it a paragraph or an item of its own")
            text, where, letter = paragraph.items[-1]
            paragraph.items[-1] = (f"{text} ({token}) {match['text'].strip()}", where, letter)
            return True
        if is_roman and not paragraph.items:
            self.report("import.roman-items", block, f"items numbered ({token}), ... are imported as items, which the code text prints (a), (b), ...")
        if is_roman != paragraph.roman and paragraph.items:
            paragraph.last_index = -1  # a lettered run after a roman one: start counting again
        paragraph.roman = is_roman
        index = roman_value(token) - 1 if is_roman else letter_index(token)
        self.check_sequence("item", block, index + 1, paragraph.last_index + 1, f"item ({token})")
        paragraph.last_index = index
        paragraph.items.append((match["text"].strip(), block, f"({token})"))
        return True

    @staticmethod
    def is_roman(token: str, paragraph: _Para | None) -> bool | None:
        """Whether "(i)" is roman: True, False (a letter), None (neither)."""
        letter = re.fullmatch(r"([a-z])\1*", token) is not None
        roman = ROMAN.match(token) is not None
        if not (letter and roman):
            return roman if roman or letter else None
        if paragraph is None or not paragraph.items:
            return token == "i"
        if paragraph.roman:
            return True
        return letter_index(token) != paragraph.last_index + 1

    def check_sequence(self, kind: str, block: Block, number: int, previous: int, shown: str) -> None:
        if number <= previous:
            self.report("import.numbering-repeat", block, f"{shown} comes after {kind} number {previous}: the numbering repeats or goes backwards", "correct the number, so that the order of the text is certain")
        elif number > previous + 1:
            self.report("import.numbering-gap", block, f"{shown} follows {kind} number {previous}: {number - previous - 1} number(s) skipped", "an element deleted without renumbering?  Numbers are recomputed from order")

    # -- the model --------------------------------------------------------------------------------------

    def draft(self) -> Draft:
        typed: list[str] = []
        preamble = tuple(self.paragraph(p, "", typed) for p in self.preamble)
        articles: list[Article] = []
        for article in self.articles:
            typed.append(article.typed)
            paragraphs = tuple(self.paragraph(p, article.typed, typed) for p in article.paragraphs)
            articles.append(Article(article.bookmark, article.title, paragraphs, self.loc(article.block)))
        meta = Meta(title=self.title, version="", date="", status="draft")
        instrument = number_instrument(Instrument(meta, tuple(articles), preamble))
        return Draft(instrument, tuple(typed), tuple(self.problems), self.unit)

    def paragraph(self, para: _Para, article_typed: str, typed: list[str]) -> Paragraph:
        typed.append(para.typed)
        prefix = para.typed if para.numbered else article_typed
        items = []
        for text, block, letter in para.items:
            typed.append(f"{prefix}{letter}" if prefix else "")
            items.append(Item(_bookmark(block.bookmarks), _inlines(text, self.loc(block)), self.loc(block), block.where))
        return Paragraph(_bookmark(para.block.bookmarks), _inlines(para.text, self.loc(para.block)), self.loc(para.block),
                         tuple(items), para.numbered, para.block.where)

    def loc(self, block: Block) -> Loc:
        return Loc(self.path, block.where)


def _inlines(text: str, loc: Loc) -> tuple[Inline, ...]:
    """Text, with each link to a bookmark as a reference to that bookmark's name; the shown text rides along
    as ``written`` until the import resolves the name to an ID (or falls back to the text)."""
    pieces: list[Inline] = []
    cursor = 0
    for link in LINK.finditer(text):
        if link.start() > cursor:
            pieces.append(Text(text[cursor : link.start()]))
        pieces.append(Ref(link.group(1).replace("_", "-").lower(), loc, link.group(2)))
        cursor = link.end()
    if cursor < len(text):
        pieces.append(Text(text[cursor:]))
    return tuple(pieces)


def _bookmark(names: tuple[str, ...]) -> str | None:
    """The first bookmark that can be an ID ('_' read as '-', as tools that forbid hyphens write them);
    Word's own bookmarks ('_Toc…', '_GoBack') cannot."""
    candidates = (name.replace("_", "-").lower() for name in names if name and not name.startswith("_"))
    return next((name for name in candidates if ids.is_valid(name)), None)


def recognise(read: Read, path: str) -> Draft:
    """The instrument in ``read``; ``import.no-article`` when no article heading was found."""
    recogniser = _Recogniser(path, read.unit, list(read.blocks), list(read.problems))
    recogniser.run()
    if not recogniser.articles:
        first = next((b for b in read.blocks if b.text.strip()), None)
        seen = f"; it begins {unlinked(first.text).strip()[:60]!r}" if first else "; it holds no text"
        recogniser.problems.append(diag("import.no-article", path, first.where if first else 0, f"no article heading ('Article 1 – Title') found in {len(read.blocks)} {read.unit}s{seen}", "give each article a heading 'Article N – Title' (or a Heading style) and number its paragraphs N.M"))
    return recogniser.draft()
