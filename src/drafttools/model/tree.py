"""The document model: one instrument as a tree of elements whose kinds come from its numbering profile.

An ``Element`` is a division (Part, Chapter), an article, a paragraph, a point at any depth, an unnumbered block,
a table and its rows, an annex, a recital: one class, its ``kind`` named by the profile (``model.profile``) and
its ``role`` saying what the kind is.  Every element carries its stable ID, its own text (``inlines``: words,
references to stable IDs, footnotes), its children, where it was written (file and line) and, in a negotiating
text, its status as written (``model.negotiation``).  The printed number, the citation label and the heading are
computed from order (or from the number given in the source, for an adopted act) by ``model.numbering`` when the
model is built: they are never stored in the source.

Every later stage (checks, diff, renderers, import) reads this model and nothing else.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from drafttools.model.profile import Profile


@dataclass(frozen=True, slots=True)
class Loc:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference written as a link to a stable ID; its printed label is computed from the target."""

    target: str
    loc: Loc
    written: str | None = None  # a label typed by hand in the link, checked against the target's


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote, kept where it is referenced: its marker as written ("1", "note") and its own text."""

    label: str
    inlines: tuple[Inline, ...]
    loc: Loc


Inline = Text | Ref | Note


@dataclass(frozen=True, slots=True)
class Element:
    """One element of the instrument.  The fields from ``role`` to ``heading`` are computed by
    ``model.numbering``."""

    kind: str  # the profile's name for it: "article", "paragraph", "item", "part", "point", "row" ...
    id: str | None
    loc: Loc
    title: str = ""  # the heading text of a division, article, annex or table
    inlines: tuple[Inline, ...] = ()  # its own text ("" for a heading-only element)
    children: tuple[Element, ...] = ()
    numbered: bool = True  # False: a lead-in, closing words, an unnumbered recital
    given: str = ""  # the number written in the source (profiles with given numbering): "92a"
    deleted: bool = False  # kept only as its number: "Article 7 (deleted)"
    header: bool = False  # a table's header row
    cells: tuple[tuple[Inline, ...], ...] = ()  # a table row's cells
    text_line: int = 0  # where its text starts
    role: str = ""  # the kind's role in the profile: division, article, paragraph, point, text, table, row ...
    token: str = ""  # the bare number as references read it: "92a", "c", "iii"; "" when unnumbered
    number: str = ""  # the printed number: "8.3", "(c)", "1.", "Two"; "" when unnumbered
    label: str = ""  # the citation label: "8.2(c)", "92(1)(a)", "Article 1" for a lead-in, "preamble"
    near: str = ""  # what a link prints where it stands under the same parent: "(a)"; "" the label
    heading: str = ""  # the heading line of a headed element: "Article 8 – Information exchange"
    status: str = ""  # its negotiating status as written (``:status: agreed``); "" none (``model.negotiation``)

    def walk(self) -> Iterator[Element]:
        """This element and everything below it, in document order (a stack, not nested generators: every
        check and renderer walks the whole tree, and a nested generator costs each element one resumption per
        level above it)."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.children))

    def texts(self) -> Iterator[tuple[Inline, ...]]:
        """Its own runs of text: the text, or each cell of a row."""
        if self.inlines:
            yield self.inlines
        yield from self.cells

    @property
    def has_text(self) -> bool:
        return bool(self.inlines or self.cells)


def _reduce(self: object) -> tuple[type, tuple[object, ...]]:
    """Pickle an element (or a piece of its text) as its class and field values, so that unpickling runs the
    class's own ``__init__``.  The dataclass default for frozen slotted classes (a ``__setstate__`` that looks up
    the fields of every object) made reading 10,000 paragraphs back from the parse cache take four times as long,
    and the rebuild after one article edited missed its benchmark target (0.5x Sphinx's one-file rebuild)."""
    return type(self), tuple(map(self.__getattribute__, self.__slots__))  # type: ignore[attr-defined]


for _pickled in (Loc, Text, Ref, Note, Element):
    _pickled.__reduce__ = _reduce  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Meta:
    """The instrument's metadata, from the manifest."""

    title: str
    version: str
    date: str
    status: str
    language: str = "en"
    note: str = ""


REGIONS = ("preamble", "body", "final", "annexes")


@dataclass(frozen=True)
class Instrument:
    """A whole instrument: its metadata and profile, and its elements in four regions, in document order:
    the preamble, the body (divisions and articles), the final clauses and the annexes."""

    meta: Meta
    profile: Profile
    preamble: tuple[Element, ...] = ()
    body: tuple[Element, ...] = ()
    final: tuple[Element, ...] = ()
    annexes: tuple[Element, ...] = ()
    root: str = ""  # the folder it was read from
    files: tuple[str, ...] = ()  # source files in manifest order
    _index: dict[str, Element] = field(default_factory=dict, compare=False, repr=False)
    _parent: dict[int, Element] = field(default_factory=dict, compare=False, repr=False)
    _region: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    _order: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    def tops(self) -> Iterator[tuple[str, tuple[Element, ...]]]:
        """Each region's top-level elements, in document order."""
        for region in REGIONS:
            yield region, getattr(self, region)

    def walk(self) -> Iterator[Element]:
        """Every element in document order: preamble, body, final clauses, annexes; each parent before its
        children."""
        for _, elements in self.tops():
            stack = list(reversed(elements))
            while stack:
                element = stack.pop()
                yield element
                stack.extend(reversed(element.children))

    @property
    def articles(self) -> tuple[Element, ...]:
        """The articles, at whatever depth their divisions put them."""
        return tuple(e for e in self.walk() if e.role == "article")

    def get(self, element_id: str) -> Element | None:
        """The element carrying ``element_id`` (the first one, if the ID is duplicated)."""
        return self._index.get(element_id)

    def parent_of(self, element: Element) -> Element | None:
        return self._parent.get(id(element))

    def region_of(self, element: Element) -> str:
        return self._region.get(id(element), "body")

    def ancestors(self, element: Element) -> Iterator[Element]:
        """Its parent, its parent's parent, ... up to the top of its region."""
        current = self.parent_of(element)
        while current is not None:
            yield current
            current = self.parent_of(current)

    def enclosing(self, element: Element, role: str) -> Element | None:
        """The element itself or its nearest ancestor with ``role``."""
        if element.role == role:
            return element
        return next((a for a in self.ancestors(element) if a.role == role), None)

    def article_of(self, element: Element) -> Element | None:
        return self.enclosing(element, "article")

    def siblings(self, element: Element) -> tuple[Element, ...]:
        parent = self.parent_of(element)
        if parent is not None:
            return parent.children
        return getattr(self, self.region_of(element))  # type: ignore[no-any-return]

    def with_regions(
        self, regions: dict[str, tuple[Element, ...]], profile: Profile | None = None, meta: Meta | None = None
    ) -> Instrument:
        """The same instrument with its four regions (and, if given, its profile or metadata) replaced; its
        indexes empty until ``model.numbering`` fills them again."""
        return Instrument(
            meta or self.meta,
            profile or self.profile,
            regions["preamble"],
            regions["body"],
            regions["final"],
            regions["annexes"],
            self.root,
            self.files,
        )

    def position(self, element: Element) -> int:
        """The element's place in document order, for 'above' and 'below' (the table is made on first use)."""
        if not self._order:
            self._order.update((id(e), k) for k, e in enumerate(self.walk()))
        return self._order[id(element)]


def plain_text(inlines: tuple[Inline, ...], instrument: Instrument, context: Element | None = None) -> str:
    """The text a reader sees: references rendered as their target's current label, footnotes left out."""
    return "".join(
        piece.text
        if isinstance(piece, Text)
        else ref_label(piece, instrument, context)
        if isinstance(piece, Ref)
        else ""
        for piece in inlines
    )


def ref_label(ref: Ref, instrument: Instrument, context: Element | None = None) -> str:
    """The printed label of a reference: the target's label, or its ``near`` form ("(a)") where the reference
    stands under the target's own parent."""
    target = instrument.get(ref.target)
    if target is None:
        return ref.written or f"??{ref.target}??"  # like LaTeX: visibly wrong, and no bracket to miscount
    if target.near and context is not None:
        parent = instrument.parent_of(target)
        if parent is not None and (
            context is parent
            or instrument.parent_of(context) is parent
            or any(a is parent for a in instrument.ancestors(context))
        ):
            return target.near
    return target.label


def opening(element: Element, profile: Profile) -> str:
    """The words the element's text opens with, as its kind's ``opening`` reads them ("Recalling", "Noting with
    concern", "ADOPTS"); "" when the kind declares none or the text does not open so."""
    kind = profile.kind(element.kind)
    if kind is None or kind.opening is None or not element.inlines or not isinstance(element.inlines[0], Text):
        return ""
    found = kind.opening.match(element.inlines[0].text)
    return found.group(0) if found else ""


def split_opening(element: Element, profile: Profile) -> tuple[str, tuple[Inline, ...]]:
    """The opening words to print in their style (italic) and the rest of the text; ("", the text) when its kind
    prints its opening as written."""
    kind = profile.kind(element.kind)
    words = opening(element, profile) if kind is not None and kind.opening_style else ""
    if not words:
        return "", element.inlines
    first = element.inlines[0]
    assert isinstance(first, Text)
    rest = first.text[len(words) :]
    return words, ((Text(rest),) if rest else ()) + element.inlines[1:]
