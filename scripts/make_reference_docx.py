"""Make annex_templates/<type>/reference.docx for every document type, from its template.toml.

    .venv/bin/python scripts/make_reference_docx.py [TYPE ...]

The reference .docx holds what Word needs and the paper does not say: the styles the DOCX renderer uses (listed
in drafttools.render.docx), A4 page setup, the first-page block (a borderless table whose cells hold
{{ paper.field }} placeholders, from template.toml's [docx] first_page), the running header of page 2 onwards
(template.toml's [docx] header, usually the symbol) and the page number in the footer.  The output is
reproducible: run it again and commit the result whenever a template.toml or the styles below change.
"""

from __future__ import annotations

import datetime
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from drafttools.papers import templates
from drafttools.render import _oxml
from drafttools.render.docx import CHARACTER_STYLES, PARAGRAPH_STYLES

ROOT = Path(__file__).resolve().parents[1] / templates.TEMPLATES
FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
FIXED = datetime.datetime(2009, 1, 1, tzinfo=datetime.timezone.utc)  # core properties: same bytes every run


def _paragraph_style(document: docx.document.Document, name: str, base: str = "Normal"):
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
    if name != "Normal":
        _oxml.reset_style(style.element)
    style.quick_style = True
    font = style.font
    font.name, font.color.rgb, font.size = FONT, BLACK, Pt(11)
    font.bold = font.italic = False
    font.all_caps = False
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    fmt.left_indent = fmt.first_line_indent = Cm(0)
    return style


def _styles(document: docx.document.Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.widow_control = True
    s = PARAGRAPH_STYLES

    title = _paragraph_style(document, s["title"])
    title.font.bold, title.font.size = True, Pt(12)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(24), Pt(12)

    subtitle = _paragraph_style(document, s["subtitle"])
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(18)

    for role, size in (("heading1", 11), ("heading2", 11)):
        heading = _paragraph_style(document, s[role])
        heading.font.bold, heading.font.size = role == "heading1", Pt(size)
        heading.font.italic = role == "heading2"
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)
        heading.paragraph_format.keep_with_next = True

    para = _paragraph_style(document, s["para"])
    para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para.paragraph_format.tab_stops.add_tab_stop(Cm(1), WD_TAB_ALIGNMENT.LEFT)

    summary = _paragraph_style(document, s["summary"])
    summary.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    summary.paragraph_format.left_indent = summary.paragraph_format.right_indent = Cm(0.5)
    summary.paragraph_format.space_after = Pt(6)
    _oxml.set_paragraph_border(summary.element.get_or_add_pPr())

    annex_heading = _paragraph_style(document, s["annex-heading"])
    annex_heading.font.bold = True
    annex_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    annex_heading.paragraph_format.page_break_before = True
    annex_heading.paragraph_format.space_after = Pt(18)
    annex_heading.paragraph_format.keep_with_next = True

    annex_title = _paragraph_style(document, s["annex-title"])
    annex_title.font.bold = True
    annex_title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    annex_title.paragraph_format.keep_with_next = True

    version = _paragraph_style(document, s["annex-version"])
    version.font.italic, version.font.size = True, Pt(9)
    version.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    version.paragraph_format.space_after = Pt(18)

    article = _paragraph_style(document, s["article"])
    article.font.bold = True
    article.paragraph_format.space_before, article.paragraph_format.keep_with_next = Pt(12), True

    for role, indent in (("code-para", 0.0), ("lead-in", 0.0)):
        code = _paragraph_style(document, s[role])
        code.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        code.paragraph_format.tab_stops.add_tab_stop(Cm(1.25), WD_TAB_ALIGNMENT.LEFT)

    item = _paragraph_style(document, s["item"])
    item.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    item.paragraph_format.left_indent, item.paragraph_format.first_line_indent = Cm(2.25), Cm(-1)
    item.paragraph_format.tab_stops.add_tab_stop(Cm(2.25), WD_TAB_ALIGNMENT.LEFT)

    note = _paragraph_style(document, s["note"])
    note.font.size = Pt(9)
    note.paragraph_format.space_after = Pt(0)

    for name in ("Header", "Footer", "Block Body", "Block Left", "Block Right", "Block Symbol"):
        block = _paragraph_style(document, name)
        block.paragraph_format.space_after = Pt(0)
    document.styles["Block Right"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    symbol = document.styles["Block Symbol"]
    symbol.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    symbol.font.bold, symbol.font.size = True, Pt(14)
    document.styles["Block Body"].font.bold = True

    c = CHARACTER_STYLES
    for role in ("noteref", "xref", "emphasis", "strong"):
        try:
            char = document.styles[c[role]]
        except KeyError:
            char = document.styles.add_style(c[role], WD_STYLE_TYPE.CHARACTER)
        _oxml.reset_style(char.element)
        char.font.color.rgb = BLACK
    document.styles[c["noteref"]].font.superscript = True
    document.styles[c["emphasis"]].font.italic = True
    document.styles[c["strong"]].font.bold = True


def _page(document: docx.document.Document, doctype: templates.DocType) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    section.different_first_page_header_footer = True

    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run(doctype.header)
    section.first_page_header.paragraphs[0].style = document.styles["Header"]

    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _oxml.add_simple_field(footer._p, "PAGE")
    section.first_page_footer.paragraphs[0].style = document.styles["Footer"]


def _cell_style(rows: tuple[tuple[str, ...], ...], number: int, column: int) -> str:
    """The symbol's cell is Block Symbol and the body's Block Body (bold), wherever they stand; a type with no
    symbol or body has its first row's cells so styled."""
    width = max(len(row) for row in rows)
    right = column == width - 1 and width > 1
    text = rows[number][column]
    for field, style in (("{{ paper.symbol }}", "Block Symbol"), ("{{ paper.body }}", "Block Body")):
        if field in text:
            return style
        if number == 0 and right == (style == "Block Symbol") and not any(field in c for r in rows for c in r):
            return style
    return "Block Right" if right else "Block Left"


def _first_page(document: docx.document.Document, doctype: templates.DocType) -> None:
    """The block at the head of page 1: World Health Organization (and the issuing office), body, session, place on
    the left; symbol, date, agenda item on the right."""
    for paragraph in list(document.paragraphs):  # the default template's empty paragraph
        paragraph._p.getparent().remove(paragraph._p)
    if not doctype.first_page:
        return
    width = max(len(row) for row in doctype.first_page)
    table = document.add_table(rows=0, cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for number, row in enumerate(doctype.first_page):
        cells = table.add_row().cells
        for column, text in enumerate(row):
            cell = cells[column]
            cell.width = Cm(8)
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles[_cell_style(doctype.first_page, number, column)]
            if text:
                paragraph.add_run(text)
    rule = document.add_paragraph(style=document.styles["Normal"])
    rule.paragraph_format.space_after = Pt(12)
    _oxml.set_paragraph_border(rule._p.get_or_add_pPr(), size_eighths=6, space=1, sides=("bottom",))


def make(doctype: templates.DocType) -> Path:
    document = docx.Document()
    _styles(document)
    _page(document, doctype)
    _first_page(document, doctype)
    props = document.core_properties
    props.author, props.title, props.created, props.modified = "drafttools", doctype.label, FIXED, FIXED
    props.last_modified_by, props.revision = "drafttools", 1
    buffer = io.BytesIO()
    document.save(buffer)
    target = doctype.reference
    target.write_bytes(_reproducible(buffer.getvalue()))
    return target


def _reproducible(package: bytes) -> bytes:
    """The same package with every member dated FIXED, so a rerun gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def main(names: list[str]) -> int:
    for name in names or templates.known(ROOT):
        spec = templates.SPEC
        folder = ROOT / name
        if not (folder / spec).is_file():
            print(f"{folder}: no {spec}", file=sys.stderr)
            return 1
        doctype = templates.read_spec(folder)
        print(make(doctype))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
