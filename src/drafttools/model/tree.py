"""The document model: one instrument, its articles, paragraphs, items and references.

Every later stage (checks, diff, renderers, import) reads this model and nothing else; it is built once by
``drafttools.parse`` (each file through ``drafttools.doctree``).  Nodes are frozen and located (file and line).
Printed numbers are computed from order by ``number_instrument`` when the model is built: they are never stored
in the source.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, replace
from typing import Any, Union

from drafttools.model import conventions


def _reduce(self: object) -> tuple[type, tuple[object, ...]]:
    """Pickle a node as its class and field values, so that unpickling runs the class's own ``__init__``: the
    dataclass default for frozen slotted classes (``__setstate__`` looking up the fields of every object) costs
    a third of reading 10,000 paragraphs back from the parse cache."""
    return type(self), tuple(map(self.__getattribute__, self.__slots__))  # type: ignore[attr-defined]


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


Inline = Union[Text, Ref]


@dataclass(frozen=True, slots=True)
class Item:
    """A lettered item: (a), (b), ... under a paragraph."""

    id: str | None
    inlines: tuple[Inline, ...]
    loc: Loc
    text_line: int = 0
    number: str = ""  # "(a)"
    label: str = ""  # "8.2(a)"; "1(a)" under an unnumbered lead-in

    kind = "item"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph ("8.2") or an unnumbered lead-in or preamble paragraph, with its items."""

    id: str | None
    inlines: tuple[Inline, ...]
    loc: Loc
    items: tuple[Item, ...] = ()
    numbered: bool = True
    text_line: int = 0
    number: str = ""  # "8.2"; "" when unnumbered
    label: str = ""  # "8.2"; "Article 1" for a lead-in; "preamble" for a preamble paragraph

    kind = "paragraph"


@dataclass(frozen=True, slots=True)
class Article:
    id: str | None
    title: str
    paragraphs: tuple[Paragraph, ...]
    loc: Loc
    number: str = ""  # "8"
    label: str = ""  # "8"

    kind = "article"

    @property
    def heading(self) -> str:
        return conventions.article_heading(self.number, self.title)


Node = Union[Article, Paragraph, Item]



def _quick_init(cls: type) -> None:
    """Give a frozen slotted dataclass an ``__init__`` that stores each field through its slot's own setter.

    The same parameters, defaults and stored values as the one ``dataclass`` writes, which stores each field
    through ``object.__setattr__`` (looked up by name, per field, per object): some 60,000 nodes are made when
    10,000 paragraphs are read back from the parse cache and numbered, and this makes each a third cheaper.
    Only for fields without a default factory (nodes have none); tests/test_rebuild_speed_paths.py compares."""
    names = cls.__slots__  # type: ignore[attr-defined]
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    assert tuple(fields) == tuple(names) and all(f.default_factory is MISSING and f.init for f in fields.values())
    scope: dict[str, object] = {}
    params = []
    for n, name in enumerate(names):
        scope[f"_set{n}"] = getattr(cls, name).__set__  # the slot's member descriptor
        if fields[name].default is MISSING:
            params.append(name)
        else:
            scope[f"_default{n}"] = fields[name].default
            params.append(f"{name}=_default{n}")
    body = "".join(f"        _set{n}(self, {name})\n" for n, name in enumerate(names))
    source = f"def _make({', '.join(scope)}):\n    def __init__(self, {', '.join(params)}):\n{body}    return __init__\n"
    made: dict[str, Any] = {}
    exec(source, {}, made)  # noqa: S102 - code made from the class's own field names, as dataclasses does
    init = made["_make"](**scope)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]


for _node_class in (Loc, Text, Ref, Item, Paragraph, Article):
    _node_class.__reduce__ = _reduce  # type: ignore[assignment,method-assign]
    _quick_init(_node_class)


@dataclass(frozen=True, slots=True)
class Meta:
    """The instrument's metadata, from the manifest."""

    title: str
    version: str
    date: str
    status: str
    language: str = "en"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Instrument:
    meta: Meta
    articles: tuple[Article, ...]
    preamble: tuple[Paragraph, ...] = ()
    root: str = ""  # the folder it was read from
    files: tuple[str, ...] = ()  # source files in manifest order
    _index: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)
    _order: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    _parent: dict[int, Node] = field(default_factory=dict, compare=False, repr=False)

    def walk(self) -> Iterator[Node]:
        """Every article, paragraph and item in document order (preamble first)."""
        for paragraph in self.preamble:
            yield paragraph
            yield from paragraph.items
        for article in self.articles:
            yield article
            for paragraph in article.paragraphs:
                yield paragraph
                yield from paragraph.items

    def get(self, node_id: str) -> Node | None:
        """The element carrying ``node_id`` (the first one, if the ID is duplicated)."""
        return self._index.get(node_id)

    def position(self, node: Node) -> int:
        """The element's place in document order, for 'above' and 'below' (the table is made on first use: a
        diff or a render never asks, and at 10,000 paragraphs it holds some 2 MB)."""
        if not self._order:
            self._order.update((id(n), k) for k, n in enumerate(self.walk()))
        return self._order[id(node)]

    def parent_of(self, node: Node) -> Node | None:
        return self._parent.get(id(node))

    def article_of(self, node: Node) -> Article | None:
        current: Node | None = node
        while current is not None and not isinstance(current, Article):
            current = self.parent_of(current)
        return current


def number_instrument(instrument: Instrument) -> Instrument:
    """Compute every printed number from order and index the nodes by ID.  The only place numbers are made."""
    index: dict[str, Node] = {}  # filled in ``walk`` order, so that a duplicated ID names its first element
    parent: dict[int, Node] = {}
    preamble = tuple(_number_paragraph(p, "", "preamble") for p in instrument.preamble)
    for paragraph in preamble:
        _register(paragraph, index, parent)
    articles = tuple(_number_article(a, str(n)) for n, a in enumerate(instrument.articles, start=1))
    for article in articles:
        if article.id and article.id not in index:
            index[article.id] = article
        for paragraph in article.paragraphs:
            parent[id(paragraph)] = article
            _register(paragraph, index, parent)
    return replace(instrument, articles=articles, preamble=preamble, _index=index, _order={}, _parent=parent)


def _register(paragraph: Paragraph, index: dict[str, Node], parent: dict[int, Node]) -> None:
    """Index a paragraph and its items by ID (the first element to carry an ID keeps it), and record the
    paragraph as its items' parent."""
    if paragraph.id and paragraph.id not in index:
        index[paragraph.id] = paragraph
    for item in paragraph.items:
        if item.id and item.id not in index:
            index[item.id] = item
        parent[id(item)] = paragraph


def _number_article(article: Article, number: str) -> Article:
    paragraphs = []
    count = 0
    for paragraph in article.paragraphs:
        if paragraph.numbered:
            count += 1
            label = f"{number}.{count}"
            paragraphs.append(_number_paragraph(paragraph, label, label))
        else:
            paragraphs.append(_number_paragraph(paragraph, "", conventions.article_heading(number, ""), item_prefix=number))
    # The constructors, not dataclasses.replace: some 18,000 nodes at 10,000 paragraphs, and replace looks up
    # every field of each (a third of numbering).  A field added to a node must be passed on here too
    # (tests/test_parse_cache.py holds the field lists, and fails until it is).  Positional: keywords cost more.
    return Article(article.id, article.title, tuple(paragraphs), article.loc, number, number)


def _number_paragraph(paragraph: Paragraph, number: str, label: str, item_prefix: str | None = None) -> Paragraph:
    items: tuple[Item, ...] = ()
    if paragraph.items:  # most paragraphs have none
        prefix = number if item_prefix is None else item_prefix
        letters = [conventions.item_number(i) for i in range(len(paragraph.items))]
        items = tuple(Item(item.id, item.inlines, item.loc, item.text_line, letter, f"{prefix}{letter}")
                      for item, letter in zip(paragraph.items, letters))
    return Paragraph(paragraph.id, paragraph.inlines, paragraph.loc, items, paragraph.numbered, paragraph.text_line,
                     number, label)


def plain_text(inlines: tuple[Inline, ...], instrument: Instrument, context: Node | None = None) -> str:
    """The text a reader sees: references rendered as their target's current label."""
    return "".join(
        piece.text if isinstance(piece, Text) else ref_label(piece, instrument, context) for piece in inlines
    )


def ref_label(ref: Ref, instrument: Instrument, context: Node | None = None) -> str:
    """The printed label of a reference: the target's number, shortened to '(a)' between sibling items."""
    target = instrument.get(ref.target)
    if target is None:
        return ref.written or f"??{ref.target}??"  # like LaTeX: visibly wrong, and no bracket to miscount
    if isinstance(target, Item) and context is not None:
        siblings = _siblings(instrument, context)
        if any(s is target for s in siblings):
            return target.number
    return target.label


def _siblings(instrument: Instrument, context: Node) -> tuple[Item, ...]:
    if isinstance(context, Paragraph):
        return context.items
    if isinstance(context, Item):
        parent = instrument.parent_of(context)
        if isinstance(parent, Paragraph):
            return parent.items
    return ()
