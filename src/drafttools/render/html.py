"""A paper and its annexed code as one self-contained HTML page, through the document type's Jinja2 template.

The template (``annex_templates/<type>/paper.html.j2``, usually extending ``_base/page.html.j2``) lays out the
masthead and holds the styles; this module makes the body, the notes and the code as semantic HTML: sections with
headings, numbered paragraphs, an ``<aside>`` summary, footnotes as an ordered list, the annex as ``<article>``
elements whose paragraphs and items carry their stable ID as ``id`` with a permalink, and cross-references as
links to those IDs showing the target's current number; each article's HTML may come from the render cache
(``render.cache``).  Templates are strict (a missing field is an error
naming the field and the paper) and autoescaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError as JinjaError, \
    TemplateSyntaxError, UndefinedError, select_autoescape
from markupsafe import Markup, escape

from drafttools.diagnostics import diag
from drafttools.model.tree import Article, Instrument, Item, Node, Paragraph, Ref, Text, ref_label
from drafttools.papers.model import Box, Heading, NoteRef, Para, Paper, Styled
from drafttools.render.cache import FragmentCache
from drafttools.source.files import display
from drafttools.papers.templates import DocType, TemplateError


@lru_cache(maxsize=8)
def _environment(root: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(root)), undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True,
    )


def _permalink(target: str) -> str:
    return f'<a class="permalink" href="#{escape(target)}" aria-label="Permalink">¶</a>'


# ------------------------------------------------------------------------------------------------- inlines


def _inlines(pieces: tuple[object, ...], instrument: Instrument, context: Node | None = None) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, Text):
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


def body(paper: Paper, instrument: Instrument) -> str:
    """The paper's own text: top-level headings open <section>s."""
    out: list[str] = []
    open_section = False
    for block in paper.blocks:
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


def _node_id(node: Node) -> str:
    return f' id="{escape(node.id)}"' if node.id else ""


def _item(node: Item, instrument: Instrument) -> str:
    text = _inlines(node.inlines, instrument, node)
    link = _permalink(node.id) if node.id else ""
    return f'<li{_node_id(node)}><span class="num">{escape(node.number)} </span>{text}{link}</li>'


def _code_paragraph(node: Paragraph, instrument: Instrument) -> str:
    number = f'<span class="num">{escape(node.number)} </span>' if node.numbered and node.number else ""
    css = "para" if node.numbered else "para lead-in"
    link = _permalink(node.id) if node.id else ""
    html = f'<p class="{css}"{_node_id(node)}>{number}{_inlines(node.inlines, instrument, node)}{link}</p>'
    if node.items:
        html += '\n<ol class="items">\n' + "\n".join(_item(i, instrument) for i in node.items) + "\n</ol>"
    return html


def _article(node: Article, instrument: Instrument) -> str:
    link = _permalink(node.id) if node.id else ""
    paragraphs = "\n".join(_code_paragraph(p, instrument) for p in node.paragraphs)
    return f'<article{_node_id(node)}>\n<h3>{escape(node.heading)}{link}</h3>\n{paragraphs}\n</article>'


def _articles(instrument: Instrument, cache: FragmentCache | None) -> list[bytes]:
    """Every article's <article> in UTF-8, served from the render cache (as stored: never decoded) when the
    article and its references' labels are unchanged (see ``render.cache``)."""
    if cache is None:
        return [_article(a, instrument).encode("utf-8") for a in instrument.articles]
    out: list[bytes] = []
    for article in instrument.articles:
        key = cache.key(article, instrument)
        found = cache.get(key)
        if found is None:
            found = _article(article, instrument).encode("utf-8")
            cache.put(key, found)
        out.append(found)
    cache.save()
    return out


def code(instrument: Instrument, doctype: DocType, annex: dict[str, str], cache: FragmentCache | None = None) -> str:
    """The annexed code at its version: <section class="annex" id="annex">."""
    return code_bytes(instrument, doctype, annex, cache).decode("utf-8")


def code_bytes(instrument: Instrument, doctype: DocType, annex: dict[str, str], cache: FragmentCache | None = None) -> bytes:
    """``code`` in UTF-8, joined from the articles' UTF-8 fragments."""
    heading = f'<p class="annex-heading">{escape(doctype.annex_heading)}</p>\n' if doctype.annex_heading else ""
    lang = escape(instrument.meta.language)
    parts = [f'<section class="annex" id="annex" lang="{lang}">\n{heading}<h2>{escape(annex["title"])}</h2>',
             f'<p class="version">{escape(annex["line"])}</p>', *(_code_paragraph(p, instrument) for p in instrument.preamble)]
    return b"\n".join([*(part.encode("utf-8") for part in parts), *_articles(instrument, cache), b"</section>"])


# ------------------------------------------------------------------------------------------------ the page


_UNDEFINED = re.compile(r"(?:has no attribute|is undefined)\W*'?(?P<name>[\w.]+)'?")


def render(paper: Paper, instrument: Instrument, doctype: DocType, context: dict[str, dict[str, str]],
           cache_dir: Path | None = None) -> str:
    """The page; template problems raise TemplateError (template.syntax with file and line, template.field).

    With ``cache_dir``, unchanged articles come from the render cache (``render.cache``)."""
    annexed = Markup(code(instrument, doctype, context["annex"], _fragments(paper, cache_dir)))
    return _page(paper, instrument, doctype, context, annexed)


# Stand for the annexed code in the pages that ``render_bytes`` renders: private-use characters, which no template
# or text of the code holds; two of different lengths, so that a template that does anything with the code but
# print it as it is (its length, say) renders two pages that differ by more than the mark.
_CODE_MARKS = ("\ue002annexed code\ue003", "\ue002the annexed code\ue003")


def render_bytes(paper: Paper, instrument: Instrument, doctype: DocType, context: dict[str, dict[str, str]],
                 cache_dir: Path | None = None) -> bytes:
    """``render(...)`` in UTF-8, made lean: the template renders the page around a mark (twice, with two marks, to
    be sure it prints the code once and as it is), and the annexed code's UTF-8 (``code_bytes``: the cached
    fragments as stored) is put where the mark stands.  The code, most of the
    page, is then one bytes object: never decoded, copied into a Markup, into the page's text and encoded again
    (at 10,000 paragraphs those copies took some 50 MB).  The same bytes as ``render(...).encode()``."""
    mark, other = _CODE_MARKS
    page = _page(paper, instrument, doctype, context, Markup(mark))
    if page.count(mark) != 1 or page.replace(mark, other) != _page(paper, instrument, doctype, context, Markup(other)):
        return render(paper, instrument, doctype, context, cache_dir).encode("utf-8")  # not printed once, as it is
    head, tail = page.split(mark)
    annexed = code_bytes(instrument, doctype, context["annex"], _fragments(paper, cache_dir))
    return b"".join((head.encode("utf-8"), annexed, tail.encode("utf-8")))


def _fragments(paper: Paper, cache_dir: Path | None) -> FragmentCache | None:
    return FragmentCache(cache_dir, paper.path, "html") if cache_dir else None


def _page(paper: Paper, instrument: Instrument, doctype: DocType, context: dict[str, dict[str, str]], annexed: Markup) -> str:
    """The template rendered with ``annexed`` as the code."""
    env = _environment(doctype.folder.parent.resolve())
    name = f"{doctype.name}/{doctype.html.name}"
    try:
        template = env.get_template(name)
        return template.render(
            paper=context["paper"], annex=context["annex"], doctype={"name": doctype.name, "label": doctype.label},
            body=Markup(body(paper, instrument)), notes=Markup(notes(paper, instrument)), code=annexed,
        )
    except TemplateSyntaxError as exc:
        where = display(Path(exc.filename)) if exc.filename else display(doctype.html)
        source = f": {exc.source.splitlines()[exc.lineno - 1].strip()!r}" if exc.source and exc.lineno else ""
        raise TemplateError(diag("template.syntax", where, exc.lineno or 1, f"template syntax error: {exc.message}{source}")) from None
    except UndefinedError as exc:
        found = _UNDEFINED.search(str(exc))
        field = found["name"] if found else str(exc)
        raise TemplateError(diag("template.field", paper.path, 1, f"template {display(doctype.html)} uses the field '{field}', which {paper.path} does not give", f"add '{field}: ...' to the front matter of {paper.path}")) from None
    except JinjaError as exc:
        raise TemplateError(diag("template.syntax", display(doctype.html), 1, f"template error: {exc}")) from None
