"""Make the pictures of every output drafttools writes from the shipped project, into docs/gallery/, and
docs/gallery.md, which shows each one with what it shows and the command that wrote it (run on purpose, not by
tests; look at the pictures, then commit them).

    PYTHONPATH=src .venv/bin/python scripts/gallery.py

Word files (the papers, the redline) go through headless LibreOffice to PDF, then ``pdftoppm -r 60`` renders
page 1, as scripts/paper_previews and scripts/diff_samples.py do.  HTML pages are shot in headless Chromium over
the DevTools protocol (tests/clients.py, Browser): the top of the page at a desktop's 1280 px, and as a phone 390
px wide (mobile emulation, so the page's viewport meta holds; one device pixel per CSS pixel to keep the file
small).  A page that scrolls sideways at 390 px stops the script: a cut-off picture would hide it.  The
pictures are kept as Chromium and pdftoppm write them (no PNG optimiser is installed), cropped to a screen's
height.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from diff_samples import NEW, OLD, OLD_ORDER_ANCHOR, drafttools, pdf_page_png  # noqa: E402
from tests.clients import Browser, libreoffice_convert, pdf_pages  # noqa: E402

OUT = ROOT / "docs" / "gallery"
DOC = ROOT / "docs" / "gallery.md"
DESKTOP = (1280, 900)  # the viewport: a laptop's width, the first screen's height
PHONE = (390, 1100)  # a phone's width, about two screens' height
PDF_PAPER = "sea-rc62-working-paper"  # the paper whose whole PDF is shown, page by page
DIFF = f"drafttools diff {OLD} {NEW}"


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper built by ``drafttools build``: page 1 of its DOCX as LibreOffice prints it."""

    name: str
    shows: str


@dataclass(frozen=True, slots=True)
class Diff:
    """A diff of the shipped pair: ``args`` after ``drafttools diff OLD NEW``, written with ``-o stem.suffix``;
    an HTML page is shot at its top, or scrolled to the element whose id is ``anchor``."""

    stem: str
    args: tuple[str, ...]
    suffix: str
    shows: str
    anchor: str = ""

    @property
    def command(self) -> str:
        return f"{DIFF} {' '.join(self.args)} -o {self.stem}.{self.suffix}"


PAPERS = (
    Paper("sea-rc62-working-paper", "the Regional Committee working paper: the first-page block (World Health "
          "Organization, the Regional Office for South-East Asia, the symbol SEA/RC62/unknown beside them), the title, "
          "the summary box and the first numbered paragraphs"),
    Paper("eb124-13", "the Executive Board report in the style of EB124/13: World Health Organization above "
          "the body's name, session and agenda item, the symbol and date beside them, the title, \"Report by "
          "the Secretariat\" and paragraphs 1 onwards"),
    Paper("code", "the code alone: a short head (World Health Organization, \"Code text\", the date), the "
          "code's title and status line (\"Draft text of 7 September 2009\"), then Article 1 onwards: its items "
          "(a)-(d) hanging, its paragraphs numbered 2.1, 2.2 and on"),
)
DIFF_DOCX = (
    Diff("redline-quiet", ("--format", "docx", "--renumbering", "quiet"), "docx",
         "the quiet Word redline (the default): the cover block naming both versions (title, version, date, "
         "status, note), the changes counted by kind and how to read the file, then the text with its tracked "
         "changes"),
    Diff("redline-tracked", ("--format", "docx", "--renumbering", "tracked"), "docx",
         "the tracked Word redline: the changed title, the inserted preamble and the first articles, every "
         "insertion and deletion a tracked change with a change bar"),
)
DIFF_HTML = (
    Diff("redline-quiet", ("--format", "html", "--renumbering", "quiet"), "html",
         "the quiet HTML redline: the changed title, a line and a table naming both versions, the note and the "
         "totals by kind; the navigation, the map of where the changes are (one row per article, old and new "
         "number, a square per paragraph and item marked by its change), then the references whose printed "
         "number changed (the renumbering is listed at the end of the page); on the phone the same in one "
         "column, the navigation in two"),
    Diff("redline-tracked", ("--format", "html", "--renumbering", "tracked"), "html",
         "the tracked HTML redline: the changed title, a line naming both versions, the note and the totals "
         "by kind; the navigation, the map, then the renumbering listed near the top (3.10 → 3.9 ...), each "
         "changed number struck and inserted further down"),
    Diff("synoptic", ("--format", "synoptic",), "html",
         "the synoptic table, rows in the new text's order: the sentence saying whose order the rows follow; at "
         "1280 px column heads naming each version by title and date, then old | new | what changed, one row "
         "per aligned pair (the inserted preamble first); at 390 px each row's cells stacked, each labelled with "
         "its version's name"),
    Diff("synoptic-old", ("--format", "synoptic", "--order", "old"), "html",
         "the synoptic table with `--order old` (its top reads as the one above but for the sentence naming the "
         "old text's order), scrolled to the end of Article 3, where the orders differ: the old column in the "
         "old text's order, and new 4.3 beside old 3.9, marked \"(moved from 3.9)\"", OLD_ORDER_ANCHOR),
)
CODE_HTML = ("code", "`code.html`, the code alone as one HTML page from `drafttools build`: the short head, "
             "its title as the page's one h1, the status line, then Article 1 onwards with a permalink (¶) "
             "after each heading and paragraph")


def shoot(browser: Browser, page: Path, stem: str, anchor: str = "") -> list[str]:
    """``page`` at the desktop's width and as a phone, at its top or at ``anchor``: ``stem-1280.png`` and
    ``stem-390.png``."""
    browser.open(page, *DESKTOP)
    scroll_to(browser, anchor)
    browser.screenshot(OUT / f"{stem}-{DESKTOP[0]}.png")
    browser.open(page, *PHONE, mobile=True, scale=1)
    client, scroll = browser.evaluate("[document.scrollingElement.clientWidth, document.scrollingElement.scrollWidth]")
    if scroll > client:
        raise SystemExit(f"gallery: {page.name} scrolls sideways on a phone ({scroll} px wide in {client})")
    scroll_to(browser, anchor)
    browser.screenshot(OUT / f"{stem}-{PHONE[0]}.png")
    return [f"{stem}-{DESKTOP[0]}.png", f"{stem}-{PHONE[0]}.png"]


def scroll_to(browser: Browser, anchor: str) -> None:
    script = f"(e => e ? (e.scrollIntoView({{block: 'center'}}), true) : false)(document.getElementById({anchor!r}))"
    if anchor and not browser.evaluate(script):
        raise SystemExit(f"gallery: no element with id {anchor!r} to scroll to")


def contact_sheet(browser: Browser, pdf: Path, work: Path, target: Path) -> int:
    """Every page of ``pdf`` at 24 dpi side by side, laid out and shot by Chromium; returns the page count."""
    count = pdf_pages(pdf)
    cells = []
    for number in range(1, count + 1):
        png = work / f"sheet-{number}.png"
        pdf_page_png(pdf, number, png, dpi=24)
        cells.append(f'<figure><img src="{png.name}" alt=""><figcaption>{number}</figcaption></figure>')
    columns = min(count, 6)
    sheet = work / "sheet.html"
    sheet.write_text(
        "<!DOCTYPE html><html><body style=\"margin:8px;background:#ddd;font:12px sans-serif\">"
        f"<div style=\"display:grid;grid-template-columns:repeat({columns},max-content);gap:8px\">"
        + "".join(cells).replace("<figure>", '<figure style="margin:0;text-align:center">')
        .replace('alt="">', 'alt="" style="display:block;background:#fff;box-shadow:0 0 2px #888">')
        + "</div></body></html>", encoding="utf-8")
    rows = -(-count // columns)
    browser.open(sheet, 16 + columns * (199 + 8), 16 + rows * (281 + 24))
    browser.screenshot(target)
    return count


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)  # the gallery is what this run makes, nothing left over from an older one
    OUT.mkdir(parents=True)
    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gallery-") as scratch, Browser() as browser:
        work = Path(scratch)
        built = work / "build"
        drafttools("build", "--to", "docx,html", "-o", str(built))
        lines = ["## The papers (Word)", "",
                 "`drafttools build --to docx,html -o build/`, each DOCX converted to PDF by headless LibreOffice "
                 "(`soffice --headless --convert-to pdf`), page 1 rendered by `pdftoppm -r 60`.", ""]
        pdfs = {}
        for paper in PAPERS:
            pdfs[paper.name] = libreoffice_convert(built / f"{paper.name}.docx", work / "pdf")
            pdf_page_png(pdfs[paper.name], 1, OUT / f"paper-{paper.name}-page1.png")
            lines += [f"### `{paper.name}.docx`, page 1", "", f"Shows {paper.shows}.", "",
                      f"![{paper.name}.docx, page 1](gallery/paper-{paper.name}-page1.png)", ""]
        sections.append("\n".join(lines))

        pdf = pdfs[PDF_PAPER]
        shutil.copyfile(pdf, OUT / f"{PDF_PAPER}.pdf")
        count = contact_sheet(browser, pdf, work / "pdf", OUT / f"paper-{PDF_PAPER}-pages.png")
        sections.append("\n".join([
            "## A paper as PDF", "",
            f"[`{PDF_PAPER}.pdf`](gallery/{PDF_PAPER}.pdf): the working paper's DOCX converted by headless "
            f"LibreOffice (as above), all {count} pages; below, every page at 24 dpi (`pdftoppm -r 24`, laid out "
            "side by side in Chromium) to show the paper's shape: the paper with its notes as footnotes, then "
            "the code as the Annex on a new page, each article under its heading.", "",
            f"![every page of {PDF_PAPER}.pdf](gallery/paper-{PDF_PAPER}-pages.png)", ""]))

        lines = ["## The redline (Word)", "",
                 "Each DOCX converted to PDF by headless LibreOffice, page 1 rendered by `pdftoppm -r 60`.", ""]
        for diff in DIFF_DOCX:
            document = work / f"{diff.stem}.docx"
            drafttools("diff", OLD, NEW, *diff.args, "-o", str(document))
            pdf_page_png(libreoffice_convert(document, work / "pdf"), 1, OUT / f"{diff.stem}-docx-page1.png")
            lines += [f"### `{diff.stem}.docx`, page 1", "", f"`{diff.command}`", "", f"Shows {diff.shows}.", "",
                      f"![{diff.stem}.docx, page 1](gallery/{diff.stem}-docx-page1.png)", ""]
        sections.append("\n".join(lines))

        lines = ["## The HTML pages", "",
                 f"Each page shot in headless Chromium (`Browser` in tests/clients.py): the top {DESKTOP[1]} px at "
                 f"a desktop's {DESKTOP[0]} px, then as a phone (mobile emulation, the page's viewport meta "
                 f"honoured) {PHONE[0]} px wide, the top {PHONE[1]} px; none scrolls sideways at {PHONE[0]} px "
                 "(the script stops if one does).", ""]
        for diff in DIFF_HTML:
            page = work / f"{diff.stem}.html"
            drafttools("diff", OLD, NEW, *diff.args, "-o", str(page))
            pictures = shoot(browser, page, f"{diff.stem}-html", diff.anchor)
            lines += html_entry(f"`{diff.stem}.html`", diff.command, diff.shows, pictures)
        stem, shows = CODE_HTML
        lines += html_entry("`code.html`", "drafttools build --to docx,html -o build/", shows,
                            shoot(browser, built / f"{stem}.html", f"{stem}-html"))
        sections.append("\n".join(lines))
    write_doc(sections)
    for made in sorted(OUT.iterdir()):
        print(f"{made.relative_to(ROOT)}  {made.stat().st_size // 1024} KB")


def html_entry(title: str, command: str, shows: str, pictures: list[str]) -> list[str]:
    desktop, phone = pictures
    return [f"### {title}", "", f"`{command}`", "", f"Shows {shows}.", "",
            f"{DESKTOP[0]} px: ![{title} at {DESKTOP[0]} px](gallery/{desktop})", "",
            f"{PHONE[0]} px: ![{title} at {PHONE[0]} px](gallery/{phone})", ""]


def write_doc(sections: list[str]) -> None:
    head = ("# Gallery: every output, as a reader sees it\n\n"
            "Pictures of what drafttools writes from the shipped project: the papers in `papers/` annexing "
            "`code_text`, and the diffs of the shipped versions `2009-09-SEARO-RC62` → "
            "`2010-illustrative-revision`.  All of them, and this page, are made by one script; never edit them "
            "by hand, run it again after a change to the templates or the renderers, look, and commit:\n\n"
            "```sh\nPYTHONPATH=src .venv/bin/python scripts/gallery.py\n```\n\n"
            "The commands below are what the script runs (with its own output paths).  More views of the "
            "diffs, at Article 5, are in [diff/](diff/README.md).\n")
    DOC.write_text(head + "\n" + "\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
