"""Sphinx glue: the code text as a Sphinx site, built from the one model.

In ``conf.py``::

    extensions = ["myst_parser", "drafttools.sphinx_ext"]
    myst_enable_extensions = ["colon_fence"]
    drafttools_source = "code_text"          # default: [tool.drafttools] source

The extension registers ``drafttools.doctree``'s own ``{article}``, ``{paragraph}``, ``{item}`` directives and
``{xref}`` role, then, once per build, runs ``drafttools.api.check`` on the code text: its model supplies every
printed number and label (nothing is numbered here), and its findings become Sphinx warnings typed
``drafttools.<code>`` at their file and line, so ``sphinx-build -W`` fails on a broken reference.  Articles
become sections headed "Article 8 – Title"; paragraphs and items carry their number, an HTML id equal to their
stable ID, and a permalink; references become links to ``page#ID`` showing the target's current number.  The
root document's ``{drafttools-contents}`` block is filled in from the manifest.  Only this module imports
Sphinx.
"""

from __future__ import annotations

import glob
import html
import re
import weakref
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from drafttools import __version__
from drafttools.api import check as api
from drafttools.config import settings
from drafttools.diagnostics import DraftError, Severity
from drafttools.model.tree import Element, Instrument, Loc, Ref, plain_text, ref_label
from drafttools.source import doctree
from drafttools.source.profiles import SHIPPED_KINDS

logger = logging.getLogger(__name__)

PREAMBLE_HEADING = "Preamble"
CSS_FILE = "drafttools.css"
CSS = """\
div.dt-paragraph, div.dt-item { position: relative; margin: 0 0 0.8em 0; }
div.dt-item { margin-left: 2.5em; }
span.dt-number { display: inline-block; min-width: 2.5em; font-weight: bold; }
a.dt-permalink { position: absolute; left: -1.2em; top: 0; text-decoration: none; visibility: hidden; }
div.dt-paragraph:hover > a.dt-permalink, div.dt-item:hover > a.dt-permalink { visibility: visible; }
span.dt-xref-broken { color: #b00; }
"""
_CONTENTS = re.compile(r"^(?P<fence>:{3,}|`{3,})\{drafttools-contents\}[ \t]*\n(?P=fence)[ \t]*$", re.MULTILINE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$%])")


# ------------------------------------------------------------------------------------------- the model


@dataclass
class Site:
    """One build's view of the code text: the model, and where each of its elements stands in Sphinx."""

    source: Path  # the code text folder, absolute
    instrument: Instrument | None
    docnames: list[str] = field(default_factory=list)  # the code text's documents, in manifest order
    preamble_path: str | None = None  # the preamble's file, absolute, when the code has one
    by_place: dict[tuple[str, int], Element] = field(default_factory=dict)  # (absolute path, line) -> element

    def node_for(self, element: doctree.code_element, path: str) -> Element | None:
        """The model's element for a doctree element: the one parsed at the same file and line (both parses are
        myst-parser's, so they agree; this also tells apart a duplicated ID), else the one with its stable ID."""
        if self.instrument is None:
            return None
        placed = self.by_place.get((path, element.line or 0))
        if placed is not None and placed.kind == element["kind"]:
            return placed
        found = self.instrument.get(element["eid"]) if element["eid"] else None
        return found if found is not None and found.kind == element["kind"] else None

    def docname_of(self, node: Element, env: BuildEnvironment) -> str | None:
        return env.path2doc(str(Path(node.loc.path).resolve()))


# One Site per build environment (not stored on it: the environment is pickled between builds).
_SITES: weakref.WeakKeyDictionary[BuildEnvironment, Site] = weakref.WeakKeyDictionary()


def _source_folder(app: Sphinx) -> Path:
    configured = app.config.drafttools_source or str(settings(Path(app.confdir)).source.resolve())
    return (Path(app.confdir) / configured).resolve()


def _load(app: Sphinx) -> None:
    """builder-inited: check the code text once, keep its model, and report its findings as warnings."""
    source = _source_folder(app)
    try:
        result = api.check(source)
    except DraftError as exc:
        raise ConfigError(f"drafttools_source: {exc.format()}") from exc
    site = Site(source, result.instrument)
    if site.instrument is not None:
        for node in site.instrument.walk():
            site.by_place.setdefault((str(Path(node.loc.path).resolve()), node.loc.line), node)
        site.docnames = [d for f in site.instrument.files if (d := app.env.path2doc(str(Path(f).resolve())))]
        if site.instrument.preamble:
            site.preamble_path = str(Path(site.instrument.preamble[0].loc.path).resolve())
    _SITES[app.env] = site
    left_out = _leave_out_unreadable(app, [f.path for f in result.diagnostics if f.code == "source.encoding"])
    for finding in result.diagnostics:
        if finding.severity >= Severity.WARNING:
            message = f"{finding.severity}: {finding.message}" + (f" (fix: {finding.fix})" if finding.fix else "")
            location = _location(app.env, finding.path, finding.line, left_out)
            if location is None:  # a folder, or a file as a whole: Sphinx would read a bare path as a docname
                message = f"{Path(finding.path).resolve()}: {message}"
            logger.warning(message, location=location, type="drafttools", subtype=finding.code)


def _leave_out_unreadable(app: Sphinx, paths: list[str]) -> set[Path]:
    """Files check found not UTF-8 are excluded from the documents Sphinx reads: Sphinx itself would stop with
    "Encoding error!" and a traceback, where the drafttools warning already names the file and line."""
    left_out: set[Path] = set()
    for path in paths:
        absolute = Path(path).resolve()
        if app.env.path2doc(str(absolute)) is not None:
            relative = absolute.relative_to(Path(app.srcdir).resolve()).as_posix()
            app.config.exclude_patterns = [*app.config.exclude_patterns, glob.escape(relative)]
            left_out.add(absolute)
    return left_out


def _location(
    env: BuildEnvironment, path: str, line: int, left_out: Container[Path] = ()
) -> tuple[str, int | None] | str | None:
    """A Sphinx location: (docname, line) for a document, 'path:line' for another file (the manifest, or a
    document left out, which Sphinx would name by a guessed suffix)."""
    absolute = Path(path).resolve()
    docname = env.path2doc(str(absolute)) if absolute not in left_out else None
    if docname is not None:
        return (docname, line or None)
    return f"{absolute}:{line}" if line else None


def _reread_all(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """env-get-outdated: numbers depend on every file and the manifest, so every document is read again."""
    return sorted(env.found_docs - added - changed)


# -------------------------------------------------------------------------------------------- the front page


def _front_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: replace the root document's ``{drafttools-contents}`` block with the manifest's contents."""
    if docname != app.config.root_doc or not _CONTENTS.search(source[0]):
        return
    source[0] = _CONTENTS.sub(lambda _: _contents_markdown(_SITES[app.env]), source[0], count=1)


def _contents_markdown(site: Site) -> str:
    if site.instrument is None:
        return f"# Code text\n\nThe code text in `{site.source.name}` could not be read; see the build's warnings.\n"
    meta = site.instrument.meta
    lines = [f"# {_escape(meta.title)}", ""]
    for name, value in (("Version", meta.version), ("Date", meta.date), ("Status", meta.status)):
        lines.append(f"- **{name}:** {_escape(value)}")
    lines.append("")
    if meta.note:
        lines += [_escape(meta.note), ""]
    lines += ["```{toctree}", ":maxdepth: 1", ""] + [f"/{d}" for d in site.docnames] + ["```", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


# ------------------------------------------------------------------------------- doctree: numbers and labels


class NumberElements(SphinxTransform):
    """Give each element the model's number: articles become titled sections, paragraphs and items get ids."""

    default_priority = 200

    def apply(self, **kwargs: Any) -> None:
        site = _SITES.get(self.env)
        if site is None:
            return
        path = str(Path(self.env.doc2path(self.env.docname)).resolve())
        for ref in list(self.document.findall(doctree.xref)):
            owner = _owner(ref)
            self.label_xref(site, ref, site.node_for(owner, path) if owner is not None else None, path)
        for element in list(self.document.findall(doctree.code_element)):
            node = site.node_for(element, path)
            element["ids"] = [element["eid"]] if element["eid"] else []
            if node is not None and node.role == "row":
                continue  # written by its table
            if node is not None and node.role == "table" and site.instrument is not None:
                element.replace_self(_table(node, site.instrument, element))
            elif _headed(element, node, site):
                self.article(element, node)
            else:
                self.number(element, node)
        if path == site.preamble_path:
            self.preamble()

    def article(self, element: doctree.code_element, node: Element | None) -> None:
        heading = (
            node.heading.replace("\n", " \u2013 ")
            if node is not None and node.heading
            else element["title"] or element["kind"].capitalize()
        )
        section = nodes.section("", nodes.title(heading, heading), classes=[f"dt-{element['kind']}"])
        section["ids"] = list(element["ids"])
        section.extend(element.children)
        section.line, section.source = element.line, element.source
        element.replace_self(section)
        if not section["ids"]:
            self.document.set_id(section)

    def preamble(self) -> None:
        """The preamble's paragraphs stand in no article: give them a titled section of their own."""
        title = nodes.title(PREAMBLE_HEADING, PREAMBLE_HEADING)
        section = nodes.section("", title, classes=["dt-preamble"], ids=["preamble"])
        children = list(self.document.children)
        self.document.clear()
        section.extend(children)
        self.document.append(section)

    def number(self, element: doctree.code_element, node: Element | None) -> None:
        """Put the printed number ("8.2", "(c)") before the element's text; unnumbered lead-ins get none."""
        number = node.number if node is not None else ""
        element["number"] = number
        if not number:
            return
        first = element.children[0] if element.children and isinstance(element.children[0], nodes.paragraph) else None
        if first is None:  # a paragraph made only of items
            first = nodes.paragraph()
            element.insert(0, first)
        first.insert(0, nodes.inline(number, number, classes=["dt-number"]))
        first.insert(1, nodes.Text(" "))

    def label_xref(self, site: Site, ref: doctree.xref, context: Element | None, path: str) -> None:
        """Note the target's document and current label (the model's) for the link made at write time."""
        if site.instrument is None:
            ref["dt_label"], ref["dt_doc"] = ref["written"] or ref["target"], None
            return
        written = Ref(ref["target"], Loc(path, ref.line or 0), ref["written"])
        ref["dt_label"] = ref_label(written, site.instrument, context)  # "??id??" when the ID is unknown
        target = site.instrument.get(ref["target"])
        ref["dt_doc"] = site.docname_of(target, self.env) if target is not None else None


def _table(node: Element, instrument: Instrument, element: doctree.code_element) -> nodes.table:
    """A table element as a docutils table: its title, header rows in ``thead``, each row anchored by its ID."""
    rows = [r for r in node.children if r.role == "row"]
    width = max((len(r.cells) for r in rows), default=1)
    table = nodes.table(classes=["dt-table"], ids=list(element["ids"]))
    if node.heading or node.title:
        caption = node.heading or node.title
        table += nodes.title(caption, caption)
    group = nodes.tgroup(cols=width)
    table += group
    for _ in range(width):
        group += nodes.colspec(colwidth=1)

    def row(source: Element) -> nodes.row:
        made = nodes.row(ids=[source.id] if source.id else [])
        for index in range(width):
            text = plain_text(source.cells[index], instrument, source) if index < len(source.cells) else ""
            entry = nodes.entry()
            entry += nodes.paragraph(text, text)
            made += entry
        return made

    header = [r for r in rows if r.header]
    if header:
        head = nodes.thead()
        group += head
        for source in header:
            head += row(source)
    body = nodes.tbody()
    group += body
    for source in rows:
        if not source.header:
            body += row(source)
    table.line, table.source = element.line, element.source
    return table


def _headed(element: doctree.code_element, node: Element | None, site: Site) -> bool:
    """Whether an element becomes a titled section: a division, an article, an annex."""
    if node is not None:
        return node.role in ("division", "article", "annex")
    kind = site.instrument.profile.kind(element["kind"]) if site.instrument is not None else None
    return kind.role in ("division", "article", "annex") if kind is not None else element["kind"] == "article"


def _owner(node: nodes.Node) -> doctree.code_element | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, doctree.code_element):
        parent = parent.parent
    return parent


def _link_xrefs(app: Sphinx, document: nodes.document, docname: str) -> None:
    """doctree-resolved: each ``{xref}`` becomes a link to ``page#ID`` (plain text when its target is unknown)."""
    for ref in list(document.findall(doctree.xref)):
        label = ref.get("dt_label") or ref.astext()
        todoc = ref.get("dt_doc")
        if todoc is None:
            ref.replace_self(nodes.inline(label, label, classes=["dt-xref-broken"]))
            continue
        link = nodes.reference(label, label, internal=True, classes=["dt-xref"], reftitle=ref["target"])
        uri = "" if todoc == docname else app.builder.get_relative_uri(docname, todoc)
        link["refuri"] = f"{uri}#{ref['target']}"
        ref.replace_self(link)


# ------------------------------------------------------------------------------------------------ HTML


def visit_element_html(self: HTML5Translator, node: doctree.code_element) -> None:
    kind = node["kind"]
    self.body.append(self.starttag(node, "div", CLASS=f"dt-{kind}"))
    if node["ids"]:
        anchor = html.escape(node["ids"][0])
        self.body.append(f'<a class="dt-permalink" href="#{anchor}" title="Link to this {kind}">\u00b6</a>')


def depart_element_html(self: HTML5Translator, node: doctree.code_element) -> None:
    self.body.append("</div>\n")


def _visit_plain(self: Any, node: nodes.Node) -> None:
    """Other builders (text, LaTeX, ...) render an element's children as they stand."""


def _depart_plain(self: Any, node: nodes.Node) -> None:
    pass


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / CSS_FILE).write_text(CSS, encoding="utf-8")


def _name_site(app: Sphinx, config: Config) -> None:
    """config-inited: a conf.py that names no project gets the instrument's title from the manifest."""
    if config.project != config.config_values["project"].default:
        return
    from drafttools.source import files as sources

    manifest = sources.read_manifest(_source_folder(app), [])
    if manifest is not None:
        config.project = manifest.meta.title
        config.html_title = manifest.meta.title
        config.version = config.release = manifest.meta.version


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("drafttools_source", "", "env", types=frozenset({str}))
    for kind in sorted(SHIPPED_KINDS):
        app.add_directive(kind, doctree.ElementDirective, override=True)
    app.add_role("xref", doctree.xref_role, override=True)
    plain = (_visit_plain, _depart_plain)
    app.add_node(
        doctree.code_element,
        override=True,
        html=(visit_element_html, depart_element_html),
        text=plain,
        latex=plain,
        man=plain,
        texinfo=plain,
    )
    app.add_node(doctree.xref, override=True)
    app.add_transform(NumberElements)
    app.add_css_file(CSS_FILE)
    app.connect("config-inited", _name_site)
    app.connect("builder-inited", _load)
    app.connect("env-get-outdated", _reread_all)
    app.connect("source-read", _front_page)
    app.connect("doctree-resolved", _link_xrefs)
    app.connect("build-finished", _write_css)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
