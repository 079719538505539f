"""One file's parse: MyST Markdown → docutils doctree (myst-parser's own parser) → model elements.

The code text's markup is one directive per kind of element and one role, registered with docutils here and
reused by the Sphinx extension::

    ::::{article} art-information-exchange
    :title: Information exchange

    :::{paragraph} designated-national-authority
    ... pursuant to paragraph {xref}`data-to-secretariat` above and Article {xref}`periodic-reporting`.
    :::
    ::::

Every kind a numbering profile declares (``{part}``, ``{chapter}``, ``{article}``, ``{paragraph}``, ``{item}``,
``{point}``, ``{table}``, ``{row}``, ``{annex}``, ``{recital}`` ...) is a directive taking the element's stable ID
and the options ``:title:``, ``:unnumbered:`` (a lead-in, closing words), ``:number:`` (a number given and kept),
``:deleted:`` (kept only as its number), ``:header:`` (a table's header row) and ``:status:`` (its negotiating
status: ``open``, ``agreed-ad-ref``, ``agreed``; ``checks.brackets`` checks the word).  An element's first paragraph is
its text; a row's text is its cells, separated by ``|``; footnotes (``[^1]``) are kept with the text that cites
them.  ``{xref}`ID``` prints the target's current number; ``{xref}`8.3 <ID>``` also records the label the author
typed, which ``check`` compares with the target's.  This module turns doctrees into model elements and the
structural diagnostics the profile's nesting rules give; it is the only module that touches docutils nodes of
the code text.  ``parse`` imports it only when a file is not served from the parse cache.  A code text file
of element directives holding text is read in one myst-parser pass (``skeleton_doctree``: the directives' fences
read here, their text by myst-parser at once); any other file directive by directive, as myst-parser reads it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.states import MarkupError
from docutils.utils import new_document
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils import base as _myst_base
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.docutils_ import Parser as MystParser
from myst_parser.parsers.mdit import create_md_parser

from drafttools.diagnostics import Diagnostic, a_or_an, diag
from drafttools.model.profile import Kind, Profile
from drafttools.model.tree import Element, Inline, Loc, Note, Ref, Text
from drafttools.source import files as sources
from drafttools.source.profiles import SHIPPED_KINDS

MYST_EXTENSIONS = frozenset({"colon_fence"})


# ---------------------------------------------------------------------------------------------- doctree nodes


class code_element(nodes.Element):
    """An element of the code text as a doctree node (kind, id, line, title, numbered, number, deleted, header,
    status)."""


class xref(nodes.Inline, nodes.TextElement):
    """A reference to a stable ID (target, written label, line)."""


class ElementDirective(Directive):
    """One directive per kind (``{article}``, ``{paragraph}``, ``{point}`` ...): an optional ID argument, options,
    nested content."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {
        "title": directives.unchanged,
        "unnumbered": directives.flag,
        "number": directives.unchanged,
        "deleted": directives.flag,
        "header": directives.flag,
        "status": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        node = _element_node(self.name, self.arguments, self.options, self.lineno)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _element_node(kind: str, arguments: list[str], options: dict[str, Any], line: int) -> code_element:
    """An element's node from its directive's name, argument and options (its contents not yet added)."""
    node = code_element()
    node["kind"] = kind
    node["eid"] = arguments[0].strip() if arguments else ""
    node["title"] = options.get("title", "").strip()
    node["numbered"] = "unnumbered" not in options
    node["number"] = (options.get("number") or "").strip()
    node["deleted"] = "deleted" in options
    node["header"] = "header" in options
    node["status"] = (options.get("status") or "").strip()
    node.line = line
    return node


_XREF_WITH_LABEL = re.compile(r"^(?P<written>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


def xref_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    match = _XREF_WITH_LABEL.match(text)
    target, written = (match["target"].strip(), match["written"].strip() or None) if match else (text.strip(), None)
    node = xref(rawtext, written or target)
    node["target"], node["written"], node.line = target, written, lineno
    return [node], []


# What the parser leaves of a role it could not read: '{xref}``' (no target) or '{xref}`ID' (never closed) stay
# text, and would print literally; an unclosed one may also run on to the next backtick and swallow a later role.
_XREF_LEFT = re.compile(r"\{xref\}(?P<ticks>`+)")
_XREF_WHOLE = re.compile(r"\{xref\}`[^`]+`")
_UNCLOSED = "a {xref} role is never closed (no backtick after its ID): it would print literally or swallow text"
_CLOSE = "close the role after its ID: {xref}`ID`"


def broken_role(target: str) -> tuple[str, str] | None:
    """What is wrong with an {xref} role the parser read with ``target`` (message, fix), or None."""
    if not target:
        return "a {xref} role has no target: it names no element", "write the target's ID: {xref}`ID`"
    if "{xref}" in target or "`" in target:
        return _UNCLOSED, _CLOSE
    return None


def broken_text(text: str, raw_line: str) -> tuple[int, str, str] | None:
    """A broken {xref} left as text in ``text`` (its offset, message and fix), or None.  ``raw_line`` is the
    source line it stands on: text written as '{xref}\\`ID\\`' (escaped, as the importer writes what a draft
    says in so many words) is text, not a role."""
    found = _XREF_LEFT.search(text)
    if found is None:
        return None
    unescaped = [m for m in _XREF_LEFT.finditer(raw_line) if not _XREF_WHOLE.match(raw_line, m.start())]
    if not unescaped:
        return None
    if len(unescaped[0]["ticks"]) >= 2:
        return found.start(), "{xref}`` has no target: it would print literally", "write the target's ID: {xref}`ID`"
    return found.start(), _UNCLOSED, _CLOSE


class summary(nodes.container):
    """A paper's ``{summary}`` box (``paper_body`` reads it; in a code text it is a stray block)."""


class SummaryDirective(Directive):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = summary()
        node.line = self.lineno
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class resolution(nodes.Element):
    """A paper's ``{resolution} NAME`` block: where the draft resolution NAME (resolutions/NAME/) is printed whole
    (``paper_body`` reads it; in a code text it is a stray block)."""


class ResolutionDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = resolution()
        node["name"], node.line = self.arguments[0].strip(), self.lineno
        return [node]


_registered: set[str] = set()


def register(kinds: frozenset[str] | set[str] = frozenset()) -> None:
    """Register every directive and role drafttools' MyST knows with docutils (idempotent): a directive for each
    kind of the shipped profiles and of ``kinds`` (a profile's own), and a paper's ``{summary}``.  docutils keeps
    one registry per process; the parse cache keys each file's parse by the kinds registered."""
    for kind in SHIPPED_KINDS | set(kinds):  # every time: Sphinx registers directives of these names in the same
        directives.register_directive(kind, ElementDirective)  # process (docutils keeps one registry)
        _registered.add(kind)
    directives.register_directive("summary", SummaryDirective)
    directives.register_directive("resolution", ResolutionDirective)
    roles.register_local_role("xref", xref_role)  # type: ignore[arg-type]  # the stubs type a role's return narrower than docutils reads it


def registered() -> frozenset[str]:
    return frozenset(_registered | SHIPPED_KINDS)


# ------------------------------------------------------------------------------------------- MyST → doctree


class _Renderer(DocutilsRenderer):
    """myst-parser's renderer, plus the one check markdown-it cannot report: a ':::' fence never closed."""

    def setup_render(self, options: dict[str, Any], env: Any) -> None:
        # myst evaluates ``options.get("document", make_document())`` eagerly: a throw-away document with fresh
        # docutils settings, a fifth of a 10,000-paragraph check.  ``doctree`` always passes the document, so
        # the default is never used; stand a no-op in for its maker while myst sets up.
        if "document" not in options:
            super().setup_render(options, env)
            return
        maker = _myst_base.make_document
        _myst_base.make_document = _no_document  # type: ignore[assignment]  # never called: see above
        try:
            super().setup_render(options, env)
        finally:
            _myst_base.make_document = maker

    def render_colon_fence(self, token: Any) -> None:
        lines: list[str] = self.md_options.get("drafttools_lines", [])
        start, end = token.map or (0, 0)
        closing = lines[end - 2].strip() if 0 < end - 1 <= len(lines) else ""
        if not (closing and set(closing) == {":"} and len(closing) >= len(token.markup)):
            self.document.reporter.error(
                f"'{token.markup}{token.info.strip()}' opened here is never closed",
                line=start,
                dt_code="myst.unclosed",
            )
        super().render_colon_fence(token)


def _no_document(*args: Any, **kwargs: Any) -> None:
    return None


@lru_cache(maxsize=1)
def _settings() -> Any:
    settings = get_default_settings(MystParser)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = False
    settings.myst_enable_extensions = set(MYST_EXTENSIONS)
    return settings


@lru_cache(maxsize=1)
def _markdown_parser() -> Any:
    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), _Renderer)


# Directive levels a file may open beyond its profile's max_depth (divisions, notes, admonitions): far below
# what exhausts Python's recursion limit in docutils' nested parse (some 200 levels), far above a real text.
NESTING_ALLOWANCE = 20
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>:{3,}|`{3,}|~{3,})(?P<rest>.*)$")
_QUOTES = re.compile(r"^[ \t]{0,3}(?:>[ \t]?){2,}")


def too_deep(text: str, limit: int) -> int | None:
    """The line where directive fences (``:::{name}``, a fenced ``{name}``) or block quotes first nest deeper
    than ``limit``, else None: found in one pass over the lines, before the parse descends into them (a parse
    of 300 nested notes exhausts the recursion limit; 3,000 took 89 s and 6.4 GB before failing).  A fence
    closes the innermost open fence of its character that is not longer; a code fence's body is skipped."""
    stack: list[tuple[str, int]] = []
    code: tuple[str, int] | None = None  # an open code fence (no directive): its lines are not markup
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if code is not None:
            if match and match["fence"][0] == code[0] and len(match["fence"]) >= code[1] and not match["rest"].strip():
                code = None
            continue
        if match is None:
            quotes = _QUOTES.match(line)
            if quotes is not None and len(stack) + quotes.group(0).count(">") > limit:
                return number
            continue
        fence, rest = match["fence"], match["rest"].strip()
        if rest.startswith("{"):
            stack.append((fence[0], len(fence)))
            if len(stack) > limit:
                return number
        elif rest:
            if fence[0] != ":":
                code = (fence[0], len(fence))
        elif stack and stack[-1][0] == fence[0] and len(fence) >= stack[-1][1]:
            stack.pop()
        elif fence[0] != ":":
            code = (fence[0], len(fence))
    return None


# Roles ({xref}`...`) one block of text may hold: myst-parser's role rule copies the rest of the block at each
# role, so a block of 200,000 took minutes; 5,000 take a fraction of a second, and no real paragraph has 100.
ROLES_PER_BLOCK = 5000
_ROLE = re.compile(r"\{[A-Za-z0-9_:+.-]+\}`")


def crowded(text: str, limit: int) -> int | None:
    """The first line of a block of text (lines between blank lines) holding more than ``limit`` roles, else
    None."""
    first, count = 1, 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            first, count = number + 1, 0
            continue
        count += len(_ROLE.findall(line))
        if count > limit:
            return first
    return None


def _document(source: sources.SourceFile, problems: list[Diagnostic]) -> nodes.document:
    """An empty document for ``source`` whose system messages become diagnostics in ``problems``."""
    document = new_document(source.path, _settings())

    def observe(message: nodes.system_message) -> None:
        if message["level"] >= 2:
            code = message.get("dt_code", "myst.syntax")
            text = message.children[0].astext() if message.children else message.astext()
            problems.append(diag(code, source.path, message.get("line") or 1, text))

    document.reporter.attach_observer(observe)
    return document


def doctree(source: sources.SourceFile, problems: list[Diagnostic]) -> nodes.document:
    """Parse one file with myst-parser, turning docutils' system messages into diagnostics."""
    register()
    document = _document(source, problems)
    md = _markdown_parser()
    md.options["document"] = document
    md.options["drafttools_lines"] = source.text.split("\n")
    md.render(source.text)
    return document


# ------------------------------------------------------------------------- the same doctree, in one myst pass

# myst-parser reads a directive's body by tokenising it afresh (its own markdown-it parse, syntax tree and
# mocked docutils state for each directive): 0.2 ms a directive, most of a parse.  ``skeleton_doctree`` makes
# the same doctree with one markdown-it parse per file: it reads the element directives' fences itself (the
# colon-fence rule markdown-it applies: a fence closes at the first later line of as many colons or more and
# nothing else), reads each directive's argument and options with myst-parser's own ``parse_directive_text``,
# blanks those lines out, and hands myst-parser the rest of the file in one piece, every text line where it
# stood; each block myst-parser makes goes into the directive whose body holds its line.  A file where that
# could read differently from a directive-by-directive parse (any other directive or fence, a list, a quote, a
# code block, a heading, a link definition, a footnote defined inside an element, an option myst-parser warns
# about, a line break ``str.splitlines`` sees and markdown-it does not) gets ``doctree`` instead.
_COLONS = re.compile(r":{3,}")
_INDENTED_COLONS = re.compile(r"^[ \t]+:{3}", re.MULTILINE)
_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LEAF_TOKENS = frozenset(
    {"paragraph_open", "paragraph_close", "inline", "footnote_reference_open", "footnote_reference_close"}
)


class _NotSimple(Exception):
    """The file needs myst-parser's directive-by-directive parse."""


@dataclass
class _Skeleton:
    """The element directives of a file: their nodes, and which directive each line's text belongs to."""

    lines: list[str]
    kinds: frozenset[str]
    owner: list[int]  # per line: the index in ``nodes`` of the directive whose body holds it; -1 the file's top
    nodes: list[tuple[int, int, code_element]] = field(default_factory=list)  # (opening line, parent, node)

    def read(self, start: int, end: int, parent: int, depth: int = 0) -> None:
        """Read lines ``start``..``end`` (0-based, end excluded) of ``parent``'s body."""
        if depth > 200:
            raise _NotSimple
        lines, at = self.lines, start
        while at < end:
            fence = _COLONS.match(lines[at])
            if fence is None:
                self.owner[at] = parent
                at += 1
                continue
            length = fence.end()
            close = next((n for n in range(at + 1, end) if _closes(lines[n], length)), None)
            parts = lines[at][length:].strip().split(maxsplit=1)
            name = parts[0] if parts else ""
            content = "".join(f"{line}\n" for line in lines[at + 1 : close])
            if close is None or name[1:-1] not in self.kinds or f"{{{name[1:-1]}}}" != name:
                raise _NotSimple  # never closed, another directive, a plain ':::' div or a stray closing fence
            if content.startswith((":::", "---")):
                raise _NotSimple  # myst-parser counts such a body's lines from one further down, or reads YAML
            try:
                parsed = parse_directive_text(
                    ElementDirective, parts[1] if len(parts) > 1 else "", content, line=at + 1
                )
            except MarkupError:
                raise _NotSimple from None
            body = at + 1 + parsed.body_offset
            if parsed.warnings or parsed.body != lines[body : body + len(parsed.body)]:
                raise _NotSimple
            self.owner[at:body] = [-2] * (body - at)  # the fence and option lines: blanked out
            self.owner[close] = -2
            self.nodes.append((at, parent, _element_node(name[1:-1], parsed.arguments, parsed.options, at + 1)))
            self.read(body, close, len(self.nodes) - 1, depth + 1)
            at = close + 1


def _closes(line: str, length: int) -> bool:
    """Whether ``line`` closes a colon fence opened with ``length`` colons."""
    bare = line.rstrip(" \t")
    return len(bare) >= length and not bare.lstrip(":")


def skeleton_doctree(
    source: sources.SourceFile, problems: list[Diagnostic], kinds: frozenset[str]
) -> nodes.document | None:
    """``doctree(source)`` for a file of element directives (``kinds``) holding text, read in one myst-parser
    pass; None when the file holds anything else (see above), ``problems`` then untouched."""
    text = source.text
    if _INDENTED_COLONS.search(text) or _LINE_BREAKS.search(text):
        return None
    lines = text.split("\n")
    skeleton = _Skeleton(lines, kinds, [-1] * len(lines))
    try:
        skeleton.read(0, len(lines), -1)
    except _NotSimple:
        return None
    owner = skeleton.owner
    masked = "\n".join("" if who == -2 else line for line, who in zip(lines, owner, strict=True))
    md = _markdown_parser()
    env: dict[str, Any] = {}
    tokens = md.parse(masked, env)
    if env.get("references"):
        return None  # a link definition: myst-parser knows one inside an element only from there on
    for token in tokens:
        if token.type not in _LEAF_TOKENS:
            return None
        if token.level == 0 and token.map and any(owner[n] != owner[token.map[0]] for n in range(*token.map)):
            return None  # a block running over a fence line (a footnote's indented continuation)
        if token.type == "footnote_reference_open" and token.map and owner[token.map[0]] != -1:
            return None  # a footnote defined inside an element: myst-parser knows it only from there on
    found: list[Diagnostic] = []
    document = _document(source, found)
    md.options["document"] = document
    md.options["drafttools_lines"] = lines
    md.renderer.render(tokens, md.options, env)
    blocks = list(document.children)
    for block in blocks:
        if not isinstance(block, (nodes.paragraph, nodes.footnote, nodes.system_message)):
            return None
    document.clear()
    parents: list[nodes.Element] = []
    placed: list[tuple[int, nodes.Element, nodes.Node]] = []  # (line, parent, node)
    for opening, parent, node in skeleton.nodes:
        parents.append(node)
        placed.append((opening, document if parent == -1 else parents[parent], node))
    for block in blocks:
        line = block.line if isinstance(block, nodes.Element) and block.line else 1
        who = owner[line - 1] if isinstance(block, nodes.paragraph) else -1
        placed.append((line - 1, document if who < 0 else parents[who], block))
    for _, parent_node, child in sorted(placed, key=lambda p: p[0]):
        parent_node.append(child)
    problems += found
    return document


# ------------------------------------------------------------------------------------------ doctree → model


@dataclass
class _Builder:
    path: str
    profile: Profile
    problems: list[Diagnostic] = field(default_factory=list)
    notes: dict[str, nodes.footnote] = field(default_factory=dict)  # footnote definitions by name
    lines: list[str] = field(default_factory=list)  # the source's lines, to tell an escaped role from a broken one

    def error(self, code: str, line: int | None, message: str, fix: str | None = None) -> None:
        self.problems.append(diag(code, self.path, line or 1, message, fix))

    def top_level(self, document: nodes.document) -> Iterator[code_element]:
        for child in document.children:
            if isinstance(child, code_element):
                yield child
            elif isinstance(child, nodes.footnote):
                continue
            else:
                self.stray(child, "at the top level of the file")

    def stray(self, node: nodes.Node, where: str) -> None:
        if isinstance(node, (nodes.system_message, nodes.comment, nodes.footnote)):
            return
        if isinstance(node, nodes.target):
            self.error(
                "id.orphan",
                node.line,
                f"MyST target '({node.get('refid') or ''.join(node.get('names', []))})=' labels no element",
                "give the ID as the directive's argument: ':::{paragraph} ID'",
            )
            return
        line = node.line if isinstance(node, nodes.Element) else None
        text = node.astext().strip().replace("\n", " ")
        self.error(
            "structure.stray",
            line,
            f"{_describe(node)} {where}: {text[:60]!r}",
            "put it inside an element's directive ({paragraph}, {item} ...), or delete it",
        )

    def kind(self, node: code_element) -> Kind | None:
        return self.profile.kind(node["kind"])

    def allowed(self, parent: Kind | None, child: code_element, where: str) -> bool:
        """Whether ``child`` may stand in ``parent`` (None: the top of the file, checked by the caller)."""
        if parent is None or child["kind"] in parent.children:
            return True
        if self.profile.kind(child["kind"]) is None:
            self.error(
                "structure.unknown-kind",
                child.line,
                f"{{{child['kind']}}} is not a kind of element in the profile '{self.profile.name}'",
                f"use one of {', '.join('{' + k + '}' for k in self.profile.kinds)}, or add the kind to the profile",
            )
            return False
        can = " or ".join(f"{{{k}}}" for k in parent.children) or "nothing"
        self.error("structure.misplaced", child.line, f"{{{child['kind']}}} cannot stand {where}; only {can} can")
        return False

    def element(self, node: code_element, depth: int = 1) -> Element:
        kind = self.kind(node)
        name = node["kind"]
        if kind is None:
            self.error(
                "structure.unknown-kind",
                node.line,
                f"{{{name}}} is not a kind of element in the profile '{self.profile.name}'",
                f"use one of {', '.join('{' + k + '}' for k in self.profile.kinds)}, or add the kind to the profile",
            )
        if depth > self.profile.max_depth:
            self.error(
                "structure.too-deep",
                node.line,
                f"{{{name}}} stands {depth} elements deep; the profile '{self.profile.name}' allows "
                f"{self.profile.max_depth}",
                "flatten the structure: no real instrument nests this deep",
            )
            return Element(name, node["eid"] or None, Loc(self.path, node.line or 0))
        headed = kind is not None and kind.headed
        word = kind.describe() if kind is not None else name
        inlines: tuple[Inline, ...] = ()
        text_line = node.line
        children: list[Element] = []
        had_text = False
        for child in node.children:
            if isinstance(child, nodes.paragraph) and not headed and not had_text and not children:
                inlines, text_line, had_text = self.inlines(child), child.line or node.line, True
            elif isinstance(child, code_element):
                if self.allowed(kind, child, f"inside {a_or_an(word)}"):
                    children.append(self.element(child, depth + 1))
            elif headed:
                self.stray(child, f"inside {a_or_an(word)}")
            else:
                self.stray(
                    child,
                    f"inside {a_or_an(word)} after its text"
                    + (" or its parts" if kind is not None and kind.children else ""),
                )
        element = Element(
            name,
            node["eid"] or None,
            Loc(self.path, node.line or 0),
            node["title"],
            inlines,
            tuple(children),
            node["numbered"],
            node["number"],
            node["deleted"],
            node["header"],
            text_line=text_line or 0,
            status=node["status"],
        )
        if kind is not None and kind.role == "row":
            element = Element(
                name,
                element.id,
                element.loc,
                element.title,
                (),
                (),
                element.numbered,
                element.given,
                element.deleted,
                element.header,
                _cells(inlines),
                text_line or 0,
                status=element.status,
            )
        self.complete(element, kind, node)
        return element

    def complete(self, element: Element, kind: Kind | None, node: code_element) -> None:
        """What an element of its role must have: an article its title and contents, a text its words."""
        if kind is None or element.deleted:
            return
        shown = element.id or element.title or "(no ID)"
        if kind.role == "article" and not element.title:
            self.error(
                "structure.no-title",
                node.line,
                f"{kind.describe()} '{element.id or '(no ID)'}' has no title",
                f"add ':title: ...' under the {{{kind.name}}} line",
            )
        if kind.role in ("article", "annex", "table") and not element.children:
            parts = " or ".join(f"{{{k}}}" for k in kind.children) or "element"
            self.error(
                "structure.empty",
                node.line,
                f"{kind.describe()} '{shown}' has no contents",
                f"add a {parts} directive or remove it from the manifest",
            )
        if kind.role not in ("division", "article", "annex", "table") and not element.has_text and not element.children:
            self.error(
                "id.orphan",
                node.line,
                f"{kind.describe()} '{element.id or '(no ID)'}' has no text",
                "write its text or delete the directive",
            )

    def inlines(self, paragraph: nodes.paragraph) -> tuple[Inline, ...]:
        """Text, references and footnotes, found at any depth: a reference inside *emphasis* is still one."""
        pieces: list[Inline] = []
        markup: list[nodes.Element] = []
        self._flatten(paragraph, pieces, markup, [paragraph.line or 1])
        if markup:
            kinds = sorted({type(m).__name__ for m in markup})
            self.problems.append(
                diag(
                    "structure.inline-markup",
                    self.path,
                    paragraph.line or 1,
                    f"{', '.join(kinds)} markup is not kept in the code text; it prints as plain text",
                    "remove the markup (the code text carries words, references, footnotes and brackets only)",
                )
            )
        return tuple(_merge_text(pieces))

    def _flatten(
        self, element: nodes.Element, pieces: list[Inline], markup: list[nodes.Element], line: list[int]
    ) -> None:
        # myst gives roles the paragraph's line; counting soft breaks gives each reference its own
        for child in element.children:
            if isinstance(child, xref):
                if broken := broken_role(child["target"]):
                    self.error("xref.malformed", line[0], *broken)  # and no reference to check
                else:
                    pieces.append(Ref(child["target"], Loc(self.path, line[0]), child["written"]))
            elif isinstance(child, nodes.footnote_reference):
                pieces.append(self.note(child, line[0]))
                continue
            elif isinstance(child, nodes.system_message):
                continue
            elif isinstance(child, nodes.Text):
                if not isinstance(element, nodes.literal) and "{xref}" in child:
                    self.broken_text(child.astext(), line[0])
                pieces.append(Text(child.astext()))
            elif isinstance(child, nodes.Element):
                markup.append(child)
                self._flatten(child, pieces, markup, line)
                continue
            line[0] += child.astext().count("\n")

    def broken_text(self, text: str, line: int) -> None:
        at = line + text[: text.index("{xref}")].count("\n")
        raw = self.lines[at - 1] if 0 < at <= len(self.lines) else ""
        if broken := broken_text(text, raw):
            self.error("xref.malformed", at, broken[1], broken[2])

    def note(self, reference: nodes.footnote_reference, line: int) -> Note:
        name = str(reference.get("refname") or "")
        definition = self.notes.get(name)
        if definition is None:
            self.error(
                "structure.footnote",
                line,
                f"footnote [^{name}] is cited but never defined",
                f"add '[^{name}]: text' at the end of the file",
            )
            return Note(name, (), Loc(self.path, line))
        texts = [c for c in definition.children if isinstance(c, nodes.paragraph)]
        inlines: list[Inline] = []
        for index, paragraph in enumerate(texts):
            if index:
                inlines.append(Text(" "))
            inlines += self.inlines(paragraph)
        return Note(name, tuple(_merge_text(inlines)), Loc(self.path, definition.line or line))


def _cells(inlines: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], ...]:
    """A row's text split into cells at each '|' (outer bars optional, '\\|' an escaped bar stays text)."""
    cells: list[list[Inline]] = [[]]
    for piece in inlines:
        if not isinstance(piece, Text):
            cells[-1].append(piece)
            continue
        parts = re.split(r"(?<!\\)\|", piece.text)
        for index, part in enumerate(parts):
            if index:
                cells.append([])
            if part:
                cells[-1].append(Text(part.replace("\\|", "|")))
    trimmed = [tuple(_strip(c)) for c in cells]
    if trimmed and not trimmed[0]:
        trimmed = trimmed[1:]
    if trimmed and not trimmed[-1]:
        trimmed = trimmed[:-1]
    return tuple(trimmed)


def _strip(pieces: list[Inline]) -> list[Inline]:
    out = list(_merge_text(pieces))
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return [p for p in out if not (isinstance(p, Text) and not p.text)]


def _merge_text(pieces: list[Inline]) -> Iterator[Inline]:
    buffer: list[str] = []
    for piece in pieces:
        if isinstance(piece, Text):
            buffer.append(piece.text)
            continue
        if buffer:
            yield Text("".join(buffer))
            buffer = []
        yield piece
    if buffer:
        yield Text("".join(buffer))


def _describe(node: nodes.Node) -> str:
    return {"paragraph": "text", "section": "a heading", "bullet_list": "a list", "enumerated_list": "a list"}.get(
        type(node).__name__, a_or_an(type(node).__name__.replace("_", " "))
    )


ROLES = ("preamble", "body", "final", "annex")


def parse_file(
    source: sources.SourceFile, role: str, profile: Profile, problems: list[Diagnostic]
) -> tuple[Element, ...]:
    """The elements of one file: one top-level element in a body or annex file, any number in the preamble or
    the final clauses; what the profile does not allow there is reported.

    Python's cycle collector is off meanwhile: a doctree (and markdown-it's syntax tree) is a web of parent
    links, every node a cycle, so the collector would walk the whole growing tree again and again while it is
    built (half the parse of a large file); the finished elements hold no cycles, and the tree is collected once,
    at the collector's next run after the parse."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_file(source, role, profile, problems)
    finally:
        if collecting:
            gc.enable()


def _parse_file(
    source: sources.SourceFile, role: str, profile: Profile, problems: list[Diagnostic]
) -> tuple[Element, ...]:
    register(frozenset(profile.kinds))
    builder = _Builder(source.path, profile, problems, lines=source.text.split("\n"))
    limit = profile.max_depth + NESTING_ALLOWANCE
    if (deep := too_deep(source.text, limit)) is not None:
        builder.error(
            "structure.too-deep",
            deep,
            f"directives or block quotes nest more than {limit} deep here (the profile '{profile.name}' allows "
            f"{profile.max_depth} levels of elements, and {NESTING_ALLOWANCE} more for divisions and notes); the "
            "file was not parsed",
            "flatten the structure: no real instrument nests this deep",
        )
        return ()
    if (crowded_at := crowded(source.text, ROLES_PER_BLOCK)) is not None:
        builder.error(
            "xref.too-many",
            crowded_at,
            f"one block of text here holds more than {ROLES_PER_BLOCK:,} references or roles; the file was not parsed",
            "split it: no real paragraph cites this much",
        )
        return ()
    document = skeleton_doctree(source, problems, registered())
    if document is None:
        document = doctree(source, problems)
    builder.notes = {str(n["names"][0]): n for n in document.findall(nodes.footnote) if n.get("names")}
    found = list(builder.top_level(document))
    annexes = tuple(k.name for k in profile.of_role("annex"))
    allowed = {"preamble": profile.preamble_kinds, "final": profile.final_kinds, "annex": annexes}.get(
        role, profile.tops
    )
    place = {"preamble": "in the preamble", "final": "in the final clauses"}.get(role, "at the top of a file")
    elements: list[Element] = []
    for node in found:
        if allowed and node["kind"] not in allowed and node["kind"] in profile.kinds:
            can = " or ".join(f"{{{k}}}" for k in allowed)
            builder.error("structure.misplaced", node.line, f"{{{node['kind']}}} cannot stand {place}; only {can} can")
            continue
        elements.append(builder.element(node))
    if role in ("body", "annex"):
        if not elements and not found:
            if not any(p.code in ("myst.syntax", "myst.unclosed") for p in problems if p.path == source.path):
                kinds = " or ".join(f"{{{k}}}" for k in allowed)
                builder.error(
                    "structure.no-article",
                    1,
                    f"{source.path} holds no {kinds} directive",
                    "wrap the text in ':::::{article} ID' ... ':::::'",
                )
            return ()
        for extra in found[1:]:
            builder.error(
                "structure.extra-article",
                extra.line,
                f"a second top-level {{{extra['kind']}}} in one file; each file holds one (an article, or a division "
                "with its articles)",
            )
        return tuple(elements[:1])
    return tuple(elements)
