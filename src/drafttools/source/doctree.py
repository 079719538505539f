"""One file's parse: MyST Markdown → docutils doctree (myst-parser's own parser) → model nodes.

The code text's markup is three directives and one role, registered with docutils here and reused by the
Sphinx extension::

    ::::{article} art-information-exchange
    :title: Information exchange

    :::{paragraph} designated-national-authority
    ... pursuant to paragraph {xref}`data-to-secretariat` above and Article {xref}`periodic-reporting`.
    :::
    ::::

``{paragraph}`` takes ``:unnumbered:`` for a lead-in; ``{item}`` sits inside a paragraph.  ``{xref}`ID``` prints
the target's current number; ``{xref}`8.3 <ID>``` also records the label the author typed, which ``check``
compares with the target's.  This module turns doctrees into model nodes and structural diagnostics; it is the
only module that touches docutils nodes of the code text.  ``parse`` imports it only when a file is not served
from the parse cache, so a run that parses nothing never loads docutils or myst-parser.
"""


from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, directives, roles
from docutils.utils import new_document
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils import base as _myst_base
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.docutils_ import Parser as MystParser
from myst_parser.parsers.mdit import create_md_parser

from drafttools.source import files as sources
from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.tree import Article, Inline, Item, Loc, Paragraph, Ref, Text

MYST_EXTENSIONS = frozenset({"colon_fence"})


# ---------------------------------------------------------------------------------------------- doctree nodes


class code_element(nodes.Element):
    """An article, paragraph or item of the code text, as a doctree node (kind, id, line, title, numbered)."""


class xref(nodes.Inline, nodes.TextElement):
    """A reference to a stable ID (target, written label, line)."""


class ElementDirective(Directive):
    """``{article}``, ``{paragraph}`` and ``{item}``: an optional ID argument and nested content."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"title": directives.unchanged, "unnumbered": directives.flag}

    def run(self) -> list[nodes.Node]:
        node = code_element()
        node["kind"] = self.name
        node["eid"] = self.arguments[0].strip() if self.arguments else ""
        node["title"] = self.options.get("title", "").strip()
        node["numbered"] = "unnumbered" not in self.options
        node.line = self.lineno
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


_XREF_WITH_LABEL = re.compile(r"^(?P<written>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


def xref_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    match = _XREF_WITH_LABEL.match(text)
    target, written = (match["target"].strip(), match["written"].strip() or None) if match else (text.strip(), None)
    node = xref(rawtext, written or target)
    node["target"], node["written"], node.line = target, written, lineno
    return [node], []


class summary(nodes.container):
    """A paper's ``{summary}`` box (``paper_body`` reads it; in a code text it is a stray block)."""


class SummaryDirective(Directive):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = summary()
        node.line = self.lineno
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def register() -> None:
    """Register every directive and role drafttools' MyST knows with docutils (idempotent): the code text's, and
    a paper's ``{summary}``.  docutils keeps one registry per process, so all are registered together: a file
    then parses the same (and its cached parse is the same) whatever was parsed before it in the process."""
    for kind in ("article", "paragraph", "item"):
        directives.register_directive(kind, ElementDirective)
    directives.register_directive("summary", SummaryDirective)
    roles.register_local_role("xref", xref_role)


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
        _myst_base.make_document = _no_document
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
                line=start, dt_code="myst.unclosed",
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


def doctree(source: sources.SourceFile, problems: list[Diagnostic]) -> nodes.document:
    """Parse one file with myst-parser, turning docutils' system messages into diagnostics."""
    register()
    document = new_document(source.path, _settings())

    def observe(message: nodes.system_message) -> None:
        if message["level"] >= 2:
            code = message.get("dt_code", "myst.syntax")
            text = message.children[0].astext() if message.children else message.astext()
            problems.append(diag(code, source.path, message.get("line") or 1, text))

    document.reporter.attach_observer(observe)
    md = _markdown_parser()
    md.options["document"] = document
    md.options["drafttools_lines"] = source.text.split("\n")
    md.render(source.text)
    return document


# ------------------------------------------------------------------------------------------ doctree → model


@dataclass
class _Builder:
    path: str
    problems: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, line: int | None, message: str, fix: str | None = None) -> None:
        self.problems.append(diag(code, self.path, line or 1, message, fix))

    def top_level(self, document: nodes.document) -> Iterator[code_element]:
        for child in document.children:
            if isinstance(child, code_element):
                yield child
            else:
                self.stray(child, "at the top level of the file")

    def stray(self, node: nodes.Node, where: str) -> None:
        if isinstance(node, (nodes.system_message, nodes.comment)):
            return
        if isinstance(node, nodes.target):
            self.error("id.orphan", node.line, f"MyST target '({node.get('refid') or ''.join(node.get('names', []))})=' labels no article, paragraph or item", "give the ID as the directive's argument: ':::{paragraph} ID'")
            return
        line = node.line if isinstance(node, nodes.Element) else None
        text = node.astext().strip().replace("\n", " ")
        self.error("structure.stray", line, f"{_describe(node)} {where}: {text[:60]!r}", "put it inside a {paragraph} or {item} directive, or delete it")

    def article(self, node: code_element) -> Article:
        if not node["title"]:
            self.error("structure.no-title", node.line, f"article '{node['eid'] or '(no ID)'}' has no title", "add ':title: ...' under the {article} line")
        paragraphs = tuple(self.paragraphs(node, "inside an article"))
        if not paragraphs:
            self.error("structure.empty", node.line, f"article '{node['eid'] or node['title'] or '(no ID)'}' has no paragraphs", "add a {paragraph} directive or remove the article from the manifest")
        return Article(node["eid"] or None, node["title"], paragraphs, Loc(self.path, node.line))

    def paragraphs(self, container: nodes.Element, where: str) -> Iterator[Paragraph]:
        for child in container.children:
            if isinstance(child, code_element) and child["kind"] == "paragraph":
                yield self.paragraph(child)
            elif isinstance(child, code_element):
                self.error("structure.misplaced", child.line, f"{{{child['kind']}}} cannot stand {where}; only {{paragraph}} can")
            else:
                self.stray(child, where)

    def paragraph(self, node: code_element) -> Paragraph:
        inlines: tuple[Inline, ...] = ()
        text_line = node.line
        items: list[Item] = []
        for child in node.children:
            if isinstance(child, nodes.paragraph) and not inlines and not items:
                inlines, text_line = self.inlines(child), child.line or node.line
            elif isinstance(child, code_element) and child["kind"] == "item":
                items.append(self.item(child))
            elif isinstance(child, code_element):
                self.error("structure.misplaced", child.line, f"{{{child['kind']}}} cannot stand inside a paragraph; only {{item}} can")
            else:
                self.stray(child, "inside a paragraph after its text or items")
        self.orphan_check(node, bool(inlines or items))
        return Paragraph(node["eid"] or None, inlines, Loc(self.path, node.line), tuple(items), node["numbered"], text_line)

    def item(self, node: code_element) -> Item:
        inlines: tuple[Inline, ...] = ()
        text_line = node.line
        for child in node.children:
            if isinstance(child, nodes.paragraph) and not inlines:
                inlines, text_line = self.inlines(child), child.line or node.line
            elif isinstance(child, code_element):
                self.error("structure.misplaced", child.line, f"{{{child['kind']}}} cannot stand inside an item")
            else:
                self.stray(child, "inside an item after its text")
        self.orphan_check(node, bool(inlines))
        return Item(node["eid"] or None, inlines, Loc(self.path, node.line), text_line)

    def orphan_check(self, node: code_element, has_content: bool) -> None:
        if not has_content:
            self.error("id.orphan", node.line, f"{node['kind']} '{node['eid'] or '(no ID)'}' has no text", "write its text or delete the directive")

    def inlines(self, paragraph: nodes.paragraph) -> tuple[Inline, ...]:
        """Text and references, found at any depth: a reference inside *emphasis* is still a reference."""
        pieces: list[Inline] = []
        markup: list[nodes.Element] = []
        self._flatten(paragraph, pieces, markup, [paragraph.line or 1])
        if markup:
            kinds = sorted({type(m).__name__ for m in markup})
            self.problems.append(diag("structure.inline-markup", self.path, paragraph.line or 1, f"{', '.join(kinds)} markup is not kept in the code text; it prints as plain text", "remove the markup (the code text carries words, references and brackets only)"))
        return tuple(_merge_text(pieces))

    def _flatten(self, element: nodes.Element, pieces: list[Inline], markup: list[nodes.Element], line: list[int]) -> None:
        # myst gives roles the paragraph's line; counting soft breaks gives each reference its own
        for child in element.children:
            if isinstance(child, xref):
                pieces.append(Ref(child["target"], Loc(self.path, line[0]), child["written"]))
            elif isinstance(child, nodes.system_message):
                continue
            elif isinstance(child, nodes.Text):
                pieces.append(Text(child.astext()))
            elif isinstance(child, nodes.Element):
                markup.append(child)
                self._flatten(child, pieces, markup, line)
                continue
            line[0] += child.astext().count("\n")


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
        type(node).__name__, f"a {type(node).__name__.replace('_', ' ')}"
    )


def parse_article_file(source: sources.SourceFile, problems: list[Diagnostic]) -> Article | None:
    builder = _Builder(source.path, problems)
    found = list(builder.top_level(doctree(source, problems)))
    articles = [n for n in found if n["kind"] == "article"]
    for node in found:
        if node["kind"] != "article":
            builder.error("structure.misplaced", node.line, f"{{{node['kind']}}} must stand inside an {{article}}")
    if not articles:
        if not any(p.code in ("myst.syntax", "myst.unclosed") for p in problems if p.path == source.path):
            builder.error("structure.no-article", 1, f"{source.path} holds no {{article}} directive", "wrap the text in ':::::{article} ID' ... ':::::'")
        return None
    for extra in articles[1:]:
        builder.error("structure.extra-article", extra.line, "a second {article} in one file; each article has its own file")
    return builder.article(articles[0])


def parse_preamble_file(source: sources.SourceFile, problems: list[Diagnostic]) -> tuple[Paragraph, ...]:
    builder = _Builder(source.path, problems)
    document = doctree(source, problems)
    return tuple(builder.paragraphs(document, "in the preamble"))
