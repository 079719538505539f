"""A paper and its annexed code as one self-contained HTML page, through the document type's Jinja2 template.

The template (``annex_templates/<type>/paper.html.j2``, usually extending ``_base/page.html.j2``) lays out the
masthead and holds the styles; this module makes the body, the notes and the code as semantic HTML: sections with
headings, numbered paragraphs, an ``<aside>`` summary, footnotes as an ordered list, the annex as ``<article>``
elements (inside their divisions' ``<section>``s) whose paragraphs and points carry their stable ID as ``id`` with
a permalink, tables, footnotes per article, and cross-references as links to those IDs showing the target's current
number; each article's HTML may come from the render cache (``render.cache``).  Templates are strict (a missing
field is an error naming the field and the paper), autoescaped and sandboxed (``render.sandbox``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaError
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from drafttools.diagnostics import Diagnostic, diag
from drafttools.model.tree import Element, Inline, Instrument, Note, Ref, Text, ref_label, split_opening
from drafttools.papers.model import Box, Heading, Insert, NoteRef, Paper, Para, Styled
from drafttools.papers.templates import DocType, TemplateError, masthead
from drafttools.render import css, sandbox
from drafttools.render.cache import FragmentCache
from drafttools.source.files import Bounds, bounds, display, outside


class _ProjectLoader(FileSystemLoader):
    """Templates from one folder, each refused unread (TemplateError, source.outside) when it leads outside the
    project: a page template extends or includes others, and any of them may be a link."""

    def __init__(self, root: Path, within: Bounds) -> None:
        super().__init__(str(root))
        self.within = within

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = Path(self.searchpath[0], *split_template_path(template))
        if path.is_file() and (refused := outside(path, self.within)) is not None:
            raise TemplateError(refused)
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:  # a template saved in another encoding: said at its line, no crash
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            message = f"{display(path)} is not valid UTF-8 (byte {exc.object[exc.start]:#04x})"
            raise TemplateError(diag("source.encoding", display(path), line, message, "save it as UTF-8")) from None


# What a paper template is given; any other name is no field of the paper but a reach for something else.
VARIABLES = ("paper", "annex", "doctype", "masthead", "body", "notes", "code")


@lru_cache(maxsize=8)
def _environment(root: Path, within: Bounds) -> sandbox.Sandbox:
    """Sandboxed, with no globals and one filter, ``css`` (text in the print stylesheet's running header; see
    ``render.css`` and docs/building.md)."""
    return sandbox.environment(_ProjectLoader(root, within), {"css": css.string}, keep_trailing_newline=True)


def _permalink(target: str) -> str:
    return f'<a class="permalink" href="#{escape(target)}" aria-label="Permalink">¶</a>'


# ------------------------------------------------------------------------------------------------- inlines


def _inlines(
    pieces: tuple[object, ...],
    instrument: Instrument,
    context: Element | None = None,
    note: Callable[[Note], str] | None = None,
) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, Note) and note is not None:
            out.append(note(piece))
        elif isinstance(piece, Text):
            out.append(str(escape(piece.text)))
        elif isinstance(piece, Ref):
            label = escape(ref_label(piece, instrument, context))
            out.append(f'<a class="xref" href="#{escape(piece.target)}">{label}</a>')
        elif isinstance(piece, NoteRef):
            n = piece.number
            out.append(f'<sup class="noteref"><a href="#note-{n}" id="noteref-{n}" role="doc-noteref">{n}</a></sup>')
        elif isinstance(piece, Styled):
            tag = "strong" if piece.strong else "em"
            out.append(f"<{tag}>{escape(piece.text)}</{tag}>")
        else:
            raise TypeError(f"html renderer does not know the inline {type(piece).__name__}")
    return " ".join("".join(out).split("\n")).strip()


# -------------------------------------------------------------------------------------------------- blocks


def _para(block: Para, instrument: Instrument) -> str:
    anchor = escape(block.anchor)
    number = f'<span class="num">{escape(block.number)}. </span>' if block.number else ""
    return f'<p id="{anchor}">{number}{_inlines(block.inlines, instrument)}{_permalink(block.anchor)}</p>'


def _box(block: Box, instrument: Instrument) -> str:
    inner = "\n".join(_para(p, instrument) for p in block.paragraphs)
    return f'<aside class="summary" aria-label="Summary">\n{inner}\n</aside>'


def _heading(block: Heading, instrument: Instrument) -> str:
    level = min(block.level + 1, 6)
    return f"<h{level}>{escape(block.text)}</h{level}>"


_BLOCKS: dict[type, Callable[[object, Instrument], str]] = {Para: _para, Box: _box, Heading: _heading}  # type: ignore[dict-item]


def resolution(block: Insert, inserted: Instrument) -> str:
    """A draft resolution printed whole in the paper: its preamble (the participles in italics) and its operative
    paragraphs with their sub-paragraphs, each carrying its stable ID."""
    writer = _Code(inserted)
    inner = "\n".join(writer.element(node, 3) for _, nodes in inserted.tops() for node in nodes)
    name, lang = escape(block.name), escape(inserted.meta.language)
    return f'<section class="resolution" id="resolution-{name}" lang="{lang}">\n{inner}\n</section>'


def body(paper: Paper, instrument: Instrument, inserts: Mapping[str, Instrument] | None = None) -> str:
    """The paper's own text: top-level headings open <section>s; a ``{resolution}`` block prints that resolution."""
    out: list[str] = []
    open_section = False
    for block in paper.blocks:
        if isinstance(block, Insert):
            out.append(resolution(block, (inserts or {})[block.name]))
            continue
        render = _BLOCKS.get(type(block))
        if render is None:
            raise TypeError(f"html renderer does not know the block {type(block).__name__}")
        if isinstance(block, Heading) and block.level <= 1:
            out.append("</section>" if open_section else "")
            out.append("<section>")
            open_section = True
        out.append(render(block, instrument))
    if open_section:
        out.append("</section>")
    return "\n".join(o for o in out if o)


def notes(paper: Paper, instrument: Instrument) -> str:
    if not paper.footnotes:
        return ""
    items = "\n".join(
        f'<li id="note-{n.number}" role="doc-footnote">{_inlines(n.inlines, instrument)} '
        f'<a href="#noteref-{n.number}" role="doc-backlink" aria-label="Back to the text">↩</a></li>'
        for n in paper.footnotes
    )
    return f'<section class="notes" role="doc-endnotes" aria-label="Notes">\n<ol>\n{items}\n</ol>\n</section>'


# --------------------------------------------------------------------------------------------------- annex

HEADED = ("division", "article", "annex")
LISTED = ("point", "definition")  # roles printed as list items ("(a)", "(1)") inside their parent


def _node_id(node: Element) -> str:
    return f' id="{escape(node.id)}"' if node.id else ""


class _Code:
    """The annexed code as HTML: one instrument, with the footnotes its articles cite collected per article."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.notes: list[tuple[str, Note, Element]] = []

    def inlines(self, node: Element, pieces: tuple[Inline, ...]) -> str:
        def note(piece: Note) -> str:
            self.notes.append((f"{node.id or 'note'}-{len(self.notes) + 1}", piece, node))
            anchor = escape(self.notes[-1][0])
            return (
                f'<sup class="noteref"><a href="#fn-{anchor}" id="fnref-{anchor}" '
                f'role="doc-noteref">{escape(piece.label)}</a></sup>'
            )

        return _inlines(pieces, self.instrument, node, note)

    def element(self, node: Element, level: int) -> str:
        if node.role in HEADED:
            return self.headed(node, level)
        if node.role == "table":
            return self.table(node)
        if node.role == "row":
            return self.row(node)
        return self.text(node)

    def children(self, node: Element, level: int) -> str:
        """Children in order, consecutive points gathered into one list."""
        out: list[str] = []
        run: list[str] = []
        for child in node.children:
            if child.role in LISTED:
                run.append(self.item(child))
                continue
            if run:
                out.append('<ol class="items">\n' + "\n".join(run) + "\n</ol>")
                run = []
            out.append(self.element(child, level))
        if run:
            out.append('<ol class="items">\n' + "\n".join(run) + "\n</ol>")
        return "\n".join(out)

    def headed(self, node: Element, level: int) -> str:
        link = _permalink(node.id) if node.id else ""
        tag = "article" if node.role == "article" else "section"
        css = "" if node.role == "article" else f' class="{escape(node.role)} {escape(node.kind)}"'
        h = min(level, 6)
        heading = "<br>".join(str(escape(part)) for part in node.heading.split("\n"))
        inner = self.children(node, level + 1)
        notes = self.footnotes() if node.role in ("article", "annex") else ""
        body = "\n".join(part for part in (inner, notes) if part)
        return f"<{tag}{_node_id(node)}{css}>\n<h{h}>{heading}{link}</h{h}>\n{body}\n</{tag}>"

    def own(self, node: Element) -> str:
        """The element's text, its opening words in italics where its kind prints them so (a preambular
        paragraph's participle: <em>Recalling</em>)."""
        words, rest = split_opening(node, self.instrument.profile)
        if not words:
            return self.inlines(node, rest)
        space = " " if rest and isinstance(rest[0], Text) and rest[0].text[:1].isspace() else ""
        return f"<em>{escape(' '.join(words.split()))}</em>{space}{self.inlines(node, rest)}"

    def text(self, node: Element) -> str:
        number = f'<span class="num">{escape(node.number)} </span>' if node.number else ""
        css = "para" if node.numbered else "para lead-in"
        link = _permalink(node.id) if node.id else ""
        html = f'<p class="{css}"{_node_id(node)}>{number}{self.own(node)}{link}</p>'
        inner = self.children(node, 0)
        return f"{html}\n{inner}" if inner else html

    def item(self, node: Element) -> str:
        text = self.own(node)
        link = _permalink(node.id) if node.id else ""
        inner = self.children(node, 0)
        return (
            f'<li{_node_id(node)}><span class="num">{escape(node.number)} </span>{text}{link}'
            + (f"\n{inner}" if inner else "")
            + "</li>"
        )

    def table(self, node: Element) -> str:
        caption = (
            f"<caption>{escape(node.heading or node.title)}{_permalink(node.id) if node.id else ''}</caption>\n"
            if node.heading or node.title
            else ""
        )
        rows = "\n".join(self.row(r) for r in node.children if r.role == "row")
        return f'<table class="code-table"{_node_id(node)}>\n{caption}{rows}\n</table>'

    def row(self, node: Element) -> str:
        cell = "th" if node.header else "td"
        cells = "".join(f"<{cell}>{self.inlines(node, c)}</{cell}>" for c in node.cells)
        return f"<tr{_node_id(node)}>{cells}</tr>"

    def footnotes(self) -> str:
        if not self.notes:
            return ""
        items = "\n".join(
            f'<li id="fn-{escape(anchor)}" role="doc-footnote"><span class="num">{escape(note.label)} </span>'
            f'{_inlines(note.inlines, self.instrument, node)} <a href="#fnref-{escape(anchor)}" role="doc-backlink" '
            'aria-label="Back to the text">↩</a></li>'
            for anchor, note, node in self.notes
        )
        self.notes = []
        return f'<aside class="notes" role="doc-footnote" aria-label="Notes">\n<ol>\n{items}\n</ol>\n</aside>'


def _depth(instrument: Instrument, node: Element) -> int:
    return sum(1 for a in instrument.ancestors(node) if a.role == "division")


def _pieces(instrument: Instrument, cache: FragmentCache | None, top: int = 3) -> list[bytes]:
    """The body, divisions and final clauses as HTML in UTF-8, each article (and annex) served from the render
    cache (as stored: never decoded) when it and its references' labels are unchanged (see ``render.cache``);
    ``top`` is the heading level of a top division or article."""
    code = _Code(instrument)
    out: list[bytes] = []

    def render(node: Element, level: int) -> None:
        if node.role == "division":
            link = _permalink(node.id) if node.id else ""
            heading = "<br>".join(str(escape(part)) for part in node.heading.split("\n"))
            h = min(level, 6)
            opening = f'<section{_node_id(node)} class="division {escape(node.kind)}">\n<h{h}>{heading}{link}</h{h}>'
            out.append(opening.encode("utf-8"))
            for child in node.children:
                render(child, level + 1)
            out.append(b"</section>")
            return
        if cache is None or node.role not in ("article", "annex") or _has_notes(node):
            out.append(code.element(node, level).encode("utf-8"))
            return
        key = cache.key(node, instrument, str(level))
        found = cache.get(key)
        if found is None:
            found = code.element(node, level).encode("utf-8")
            cache.put(key, found)
        out.append(found)

    for region in ("body", "final", "annexes"):
        for node in getattr(instrument, region):
            render(node, top)
    if cache is not None:
        cache.save()
    return out


def _has_notes(node: Element) -> bool:
    return any(isinstance(p, Note) for e in node.walk() for run in e.texts() for p in run)


def code_bytes(
    instrument: Instrument, doctype: DocType, annex: dict[str, str], cache: FragmentCache | None = None
) -> bytes:
    """The annexed code at its version, in UTF-8: <section class="annex" id="annex">.  Annexed to a paper, its
    title is an ``h2`` under the paper's ``h1``; when the code is the whole document (no annex heading), its title
    is the page's ``h1`` and each level below moves up one, so that every page has one ``h1`` and no level
    is skipped."""
    heading = f'<p class="annex-heading">{escape(doctype.annex_heading)}</p>\n' if doctype.annex_heading else ""
    title = 2 if doctype.annex_heading else 1
    lang = escape(instrument.meta.language)
    writer = _Code(instrument)
    parts = [
        f'<section class="annex" id="annex" lang="{lang}">\n{heading}<h{title}>{escape(annex["title"])}</h{title}>',
        f'<p class="version">{escape(annex["line"])}</p>',
        *(writer.element(p, title + 1) for p in instrument.preamble),
    ]
    pieces = _pieces(instrument, cache, title + 1)
    return b"\n".join([*(part.encode("utf-8") for part in parts), *pieces, b"</section>"])


# ------------------------------------------------------------------------------------------------ the page


_UNDEFINED = re.compile(r"has no attribute\W*'?(?P<field>[\w.]+)'?|'(?P<name>[\w.]+)' is undefined")


def render(
    paper: Paper,
    instrument: Instrument,
    doctype: DocType,
    context: dict[str, dict[str, str]],
    cache_dir: Path | None = None,
    inserts: Mapping[str, Instrument] | None = None,
) -> str:
    """The page; template problems raise TemplateError (template.syntax with file and line, template.field).

    With ``cache_dir``, unchanged articles come from the render cache (``render.cache``)."""
    annexed = Markup(code_bytes(instrument, doctype, context["annex"], _fragments(paper, cache_dir)).decode("utf-8"))
    return _page(paper, instrument, doctype, context, annexed, inserts)


# Stand for the annexed code in the pages that ``render_bytes`` renders: private-use characters, which no template
# or text of the code holds; two of different lengths, so that a template that does anything with the code but
# print it as it is (its length, say) renders two pages that differ by more than the mark.
_CODE_MARKS = ("\ue002annexed code\ue003", "\ue002the annexed code\ue003")


def render_bytes(
    paper: Paper,
    instrument: Instrument,
    doctype: DocType,
    context: dict[str, dict[str, str]],
    cache_dir: Path | None = None,
    inserts: Mapping[str, Instrument] | None = None,
) -> bytes:
    """``render(...)`` in UTF-8, made lean: the template renders the page around a mark (twice, with two marks,
    to be sure it prints the code once and as it is), and the annexed code's UTF-8 (``code_bytes``: the cached
    fragments as stored) is put where the mark stands.  The code, most of the page, is then one bytes object,
    never decoded, copied into a Markup, into the page's text and encoded again: at 10,000 paragraphs those copies
    took some 75 MB, and the build's peak memory passed Sphinx's (a benchmark target).  The same bytes as
    ``render(...).encode()``; tests/test_build.py compares."""
    mark, other = _CODE_MARKS
    try:
        page = _page(paper, instrument, doctype, context, sandbox.Sealed(mark), inserts)
        again = _page(paper, instrument, doctype, context, sandbox.Sealed(other), inserts)
    except sandbox.Opened:  # the template calls a method of the code, or reads a piece of it
        return render(paper, instrument, doctype, context, cache_dir, inserts).encode("utf-8")
    if page.count(mark) != 1 or page.replace(mark, other) != again:
        return render(paper, instrument, doctype, context, cache_dir, inserts).encode(
            "utf-8"
        )  # not printed once, as it is
    head, tail = page.split(mark)
    annexed = code_bytes(instrument, doctype, context["annex"], _fragments(paper, cache_dir))
    return b"".join((head.encode("utf-8"), annexed, tail.encode("utf-8")))


def _fragments(paper: Paper, cache_dir: Path | None) -> FragmentCache | None:
    return FragmentCache(cache_dir, paper.path, "html") if cache_dir else None


def _page(
    paper: Paper,
    instrument: Instrument,
    doctype: DocType,
    context: dict[str, dict[str, str]],
    annexed: Markup,
    inserts: Mapping[str, Instrument] | None = None,
) -> str:
    """The template rendered with ``annexed`` as the code."""
    folder = doctype.folder.parent
    env = _environment(folder.resolve(), doctype.within or bounds(folder))
    name = f"{doctype.name}/{doctype.html.name}"
    try:
        template = env.get_template(name)
        return template.render(
            paper=context["paper"],
            annex=context["annex"],
            doctype={"name": doctype.name, "label": doctype.label},
            masthead=masthead(doctype, context, paper.path),
            body=Markup(body(paper, instrument, inserts)),
            notes=Markup(notes(paper, instrument)),
            code=annexed,
        )
    except TemplateSyntaxError as exc:
        where = display(Path(exc.filename)) if exc.filename else display(doctype.html)
        source = f": {exc.source.splitlines()[exc.lineno - 1].strip()!r}" if exc.source and exc.lineno else ""
        unknown = (exc.message or "").startswith(("No filter named", "No test named"))
        message = f"template syntax error: {exc.message}{source}"
        raise TemplateError(
            diag("template.syntax", where, exc.lineno or 1, message, _ALLOWED if unknown else None)
        ) from None
    except SecurityError as exc:
        message = f"the template reaches beyond what it is given: {exc}"
        raise TemplateError(_located(exc, doctype, "template.unsafe", message)) from None
    except UndefinedError as exc:
        raise TemplateError(_undefined(exc, paper, doctype)) from None
    except TemplateNotFound as exc:
        message = f"the template includes '{exc.name}', which is no template in {display(doctype.folder.parent)}"
        raise TemplateError(_located(exc, doctype, "template.missing", message, _INCLUDES)) from None
    except JinjaError as exc:
        raise TemplateError(_located(exc, doctype, "template.syntax", f"template error: {exc}")) from None


def _undefined(exc: UndefinedError, paper: Paper, doctype: DocType) -> Diagnostic:
    """A field the paper does not give (``paper.NAME``: at the paper, whose front matter is the fix), one of
    Jinja's own functions, which the sandbox does not give (``template.unsafe``), or another name the template
    is not given (at the template's line, where the fix is)."""
    found = _UNDEFINED.search(str(exc))
    if found is not None and found["field"]:
        field = found["field"]
        return diag(
            "template.field",
            paper.path,
            1,
            f"template {display(doctype.html)} uses the field '{field}', which {paper.path} does not give",
            f"add '{field}: ...' to the front matter of {paper.path}",
        )
    name = found["name"] if found is not None else str(exc)
    if name in DEFAULT_NAMESPACE:
        message = f"the template uses Jinja's '{name}', which is none of the variables a template is given"
        return _located(exc, doctype, "template.unsafe", message)
    where, line = sandbox.where(exc) or (doctype.html, 1)
    return diag(
        "template.field",
        display(where),
        line,
        f"template {display(where)} uses the field '{name}', which is not defined: a template is given "
        f"{', '.join(VARIABLES)}",
        f"write paper.{name} for a front-matter field, or correct the name in the template",
    )


_ALLOWED = (
    f"a template is given {', '.join(VARIABLES)}, may test 'is defined', and has one filter (css) and no functions "
    "(docs/building.md, 'What a template may use')"
)
_INCLUDES = "name a template by its path inside annex_templates/, with no '..' (such as \"_base/page.html.j2\")"


def _located(exc: Exception, doctype: DocType, code: str, message: str, fix: str = _ALLOWED) -> Diagnostic:
    """A diagnostic at the template line that raised ``exc`` (the paper's template, line 1, when none did)."""
    found = sandbox.where(exc)
    path, line = found if found else (doctype.html, 1)
    return diag(code, display(path), line, message, fix)
