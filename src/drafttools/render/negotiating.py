"""The negotiating text as DOCX and HTML: the data it is drawn from (filled by ``review.negotiating``, so that this
layer never reads proposals) and the two renderers.

Each block is a heading or a text of the code with its printed number, its negotiating status (shown in colour and
in words: a shaded run in Word, a badge in HTML), its words as runs (plain, a reference, the bracketed words as
they stand, an alternative's label and words, the word *delete* of a proposed deletion in italics, words deleted
since the last negotiating text struck through), the facilitators' notes under it, and whether it is a proposed
new element or a whole element deleted since.  The DOCX's own styles (``model.negotiation.WORD_STYLES``) are what
``import`` reads back: the status words into ``:status:``, the struck words, notes, the legend and the deleted
elements left out, so that the imported text is the negotiating text in the source's syntax.  Struck words are
real ``w:strike`` formatting, not tracked changes (they are a record, not a change to accept).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from jinja2 import PackageLoader

from drafttools.model import negotiation
from drafttools.render import _oxml, css, sandbox

# status → (shading in Word, badge background, badge text); every badge is at least 4.5:1 (WCAG AA)
COLOURS: dict[str, tuple[str, str, str]] = {
    "agreed": ("C9EBD0", "#d3efd9", "#14532d"),
    "agreed-ad-ref": ("E3F1C4", "#e6f2c9", "#3b4a0c"),
    "open": ("FBE3C4", "#fde6c8", "#7a3300"),
}


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    kind: str = ""  # "" words; "ref" a reference; "bracket" the words as they stand; "label" "[Alt 1 (BRA):";
    # "alt" an alternative's words; "delete" the proposed deletion's word; "struck" deleted since; "close" "]"
    link: str = ""  # a reference's target ID


@dataclass(frozen=True, slots=True)
class Block:
    id: str  # the stable ID (a bookmark, an anchor); "" for none
    level: int  # 0 a heading; 1 a paragraph; 2 an item; 3 deeper
    heading: bool  # an article's, division's or annex's heading
    number: str  # "8.2", "(c)", "Article 8 – Information exchange" for a heading
    runs: tuple[Run, ...]
    status: str = ""  # "agreed", "agreed-ad-ref", "open"; "" not marked
    notes: tuple[tuple[str, str], ...] = ()  # (who, words): facilitators' and the Secretariat's notes
    proposed: str = ""  # a proposed new element: who proposed it
    deleted_since: str = ""  # a whole element deleted since this version, shown at its old place
    lead_in: bool = False  # an unnumbered text (a lead-in)


@dataclass(frozen=True)
class NegotiatingText:
    title: str
    version: str  # the working text's version
    date: str  # today
    since: str  # the version deletions are shown since; "" none
    language: str
    blocks: tuple[Block, ...]
    counts: dict[str, int]  # status key → blocks; "alternatives", "notes", "deleted"


def status_words(status: str) -> str:
    return negotiation.STATUSES.get(status, "")


# ------------------------------------------------------------------------------------------------------ DOCX


def docx_bytes(text: NegotiatingText) -> bytes:
    document = docx.Document()
    styles = _styles(document)
    _oxml.set_default_language(document.styles.element, text.language)
    document.add_paragraph(text.title, style="Title")
    line = f"Negotiating text of {text.date}, from the working text {text.version}"
    _paragraph(document, styles["legend"]).add_run(
        line + (f"; deletions since {text.since} struck through" if text.since else "")
    )
    for key in ("agreed", "agreed-ad-ref", "open"):
        p = _paragraph(document, styles["legend"])
        _status_run(p, key, styles)
        p.add_run(f" {_LEGEND[key]}")
    p = _paragraph(document, styles["legend"])
    p.add_run("[words] the words as they stand; [Alt 1 (BRA, IND): words] an alternative and its proponents; ")
    italic = p.add_run("delete")
    italic.italic = True
    p.add_run(" a proposed deletion; ")
    struck = p.add_run("struck words")
    struck.font.strike = True
    p.add_run(" deleted since the last negotiating text.")
    bookmark = 0
    for block in text.blocks:
        bookmark += 1
        _block(document, block, styles, bookmark)
    _oxml.set_properties(
        document,
        title=f"Negotiating text: {text.title}",
        author="World Health Organization",
        subject=text.version,
        language=text.language,
        category="Negotiating text",
        when=text.date,
    )
    out = io.BytesIO()
    document.save(out)
    return _oxml.fixed_zip_times(out.getvalue())


_LEGEND = {
    "agreed": "settled: no brackets remain",
    "agreed-ad-ref": "agreed by the delegations in the room, subject to confirmation by their capitals",
    "open": "brackets or open proposals remain",
}


def _styles(document: Any) -> dict[str, str]:
    """The styles the negotiating text uses, made in the document: names ``import`` knows."""
    names = negotiation.WORD_STYLES
    made: dict[str, str] = {}
    paragraph = [
        ("heading", names["heading"], 13, True, 0.0),
        ("para", names["para"], 11, False, 0.0),
        ("lead-in", names["lead-in"], 11, False, 0.0),
        ("item", names["item"], 11, False, 1.0),
        ("item2", names["item2"], 11, False, 2.0),
        ("legend", names["legend"], 9, False, 0.0),
        ("note", names["note"], 10, False, 1.0),
        ("deleted", names["deleted"], 10, False, 0.0),
    ]
    for role, name, size, bold, indent in paragraph:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.left_indent = Cm(indent)
        style.paragraph_format.space_after = Pt(6)
        if role == "heading":
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(12)
        if role in ("note", "legend"):
            style.font.italic = role == "note"
            style.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        made[role] = style.style_id
    for role in ("status", "struck", "label"):
        style = document.styles.add_style(names[role], WD_STYLE_TYPE.CHARACTER)
        if role == "struck":
            style.font.strike = True
        if role == "label":
            style.font.bold = True
        if role == "status":
            style.font.small_caps = True
            style.font.size = Pt(9)
        made[role] = style.style_id
    return made


def _paragraph(document: Any, style_id: str) -> Any:
    """A new paragraph of the style ``style_id``, set by ID (python-docx's lookup by name scans every style for
    the default on each call, which made this text take a second for the shipped code)."""
    p = document.add_paragraph()
    _oxml.set_paragraph_style(p._p, style_id)
    return p


def _add_run(paragraph: Any, text: str, style_id: str | None = None) -> Any:
    run = paragraph.add_run(text)
    if style_id:
        run._r.style = style_id
    return run


def _shade(run: Any, fill: str) -> None:
    rpr = run._r.get_or_add_rPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    rpr.append(shading)


def _status_run(paragraph: Any, status: str, styles: dict[str, str], proposed: bool = False) -> None:
    words = ("proposed, " if proposed else "") + status_words(status)
    run = _add_run(paragraph, f"({words})", styles["status"])
    _shade(run, COLOURS[status][0])


def _block(document: Any, block: Block, styles: dict[str, str], bookmark: int) -> None:
    if block.deleted_since:
        p = _paragraph(document, styles["deleted"])
        if block.number:
            _add_run(p, block.number + " ", styles["struck"])
        _add_run(p, " ".join(r.text for r in block.runs).strip(), styles["struck"])
        p.add_run(f" (deleted since {block.deleted_since})").italic = True
        return
    role = "heading" if block.heading else "lead-in" if block.lead_in else "para" if block.level <= 1 else "item"
    if role == "item" and block.level > 2:
        role = "item2"
    p = _paragraph(document, styles[role])
    if block.heading:
        _oxml.set_outline_level(p._p, 1)
    if block.number:
        p.add_run(block.number)
        if not block.heading:
            _oxml.add_tab(p._p)
        else:
            p.add_run(" ")
    if block.status and not block.heading:
        _status_run(p, block.status, styles, bool(block.proposed))
        p.add_run(" ")
    for run in block.runs:
        _docx_run(p, run, styles)
    if block.status and block.heading:
        p.add_run(" ")
        _status_run(p, block.status, styles)
    if block.id:
        _oxml.add_bookmark(p._p, block.id, bookmark)
    for who, words in block.notes:
        note = _paragraph(document, styles["note"])
        note.add_run(f"Note ({who}): ").bold = True
        note.add_run(words)


def _docx_run(paragraph: Any, run: Run, styles: dict[str, str]) -> None:
    if run.kind == "ref" and run.link:
        _oxml.add_internal_link(paragraph._p, run.link, run.text, None)
        return
    style = {"struck": styles["struck"], "label": styles["label"]}.get(run.kind)
    made = _add_run(paragraph, run.text, style)
    if run.kind == "struck":
        made.font.strike = True  # real formatting too, whatever the style says
    elif run.kind == "delete":
        made.italic = True


# ------------------------------------------------------------------------------------------------------ HTML


@lru_cache(maxsize=1)
def _environment() -> sandbox.Sandbox:
    filters: dict[str, Callable[..., str]] = {"css": css.string, "words": status_words}
    loader = PackageLoader("drafttools", "render/templates")
    return sandbox.environment(
        loader, filters, records=(NegotiatingText, Block, Run), trim_blocks=True, lstrip_blocks=True
    )


def html_page(text: NegotiatingText) -> str:
    return _environment().get_template("negotiating.html.j2").render(text=text, colours=COLOURS, legend=_LEGEND)
