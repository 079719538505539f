"""Render the PNG samples of the diff outputs for the shipped pair into docs/diff/ (run on purpose, not by tests).

    .venv/bin/python scripts/diff_samples.py

The redline is shot in both renumbering modes: ``redline-*`` tracked, ``redline-quiet-*`` quiet (the default).

HTML pages are shot with headless Chromium (1240x1754); a second shot of each page is the same page scrolled to
Article 5 (loaded in a full-window frame at its anchor).  DOCX files go through LibreOffice to PDF, then
``pdftoppm -r 60`` renders the chosen pages.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.clients import chromium_screenshot, libreoffice_convert, pdf_text  # noqa: E402

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"
OUT = ROOT / "docs" / "diff"
ANCHOR = "new-art-mutuality-benefits"  # Article 5 of the new version
TRACKED, QUIET = ("--renumbering", "tracked"), ("--renumbering", "quiet")  # the redline in both modes
HTML = (("html", "redline", *TRACKED), ("html", "redline-quiet", *QUIET), ("synoptic", "synoptic"))
DOCX = (("docx", "redline", *TRACKED), ("docx", "redline-quiet", *QUIET), ("synoptic", "synoptic"))
OLD_ORDER_ANCHOR = "new-effective-gathering-national-data"  # 3.8, followed by the moved 3.9 in the old order


def drafttools(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "drafttools", *args], check=True, cwd=ROOT)


def page_with(pdf: Path, needle: str) -> int:
    pages = pdf_text(pdf).split("\f")
    return next(n for n, text in enumerate(pages, start=1) if needle in " ".join(text.split()))


def pdf_page_png(pdf: Path, page: int, target: Path, dpi: int = 60) -> None:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)], check=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="diff-samples-") as scratch:
        work = Path(scratch)
        for fmt, name, *mode in HTML:
            page = work / f"{name}.html"
            drafttools("diff", OLD, NEW, "--format", fmt, "-o", str(page), *mode)
            chromium_screenshot(page, OUT / f"{name}-html.png")
            frame = work / f"{name}-article5.html"
            frame.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{name}.html#{ANCHOR}" '
                             'style="border:0;width:100%;height:100vh"></iframe></body></html>', encoding="utf-8")
            chromium_screenshot(frame, OUT / f"{name}-html-article5.png")
        page = work / "synoptic-old.html"  # the rows in the old text's order, at old 3.8 and the moved 3.9
        drafttools("diff", OLD, NEW, "--format", "synoptic", "--order", "old", "-o", str(page))
        frame = work / "synoptic-old-frame.html"
        frame.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe src="synoptic-old.html#{OLD_ORDER_ANCHOR}" '
                         'style="border:0;width:100%;height:100vh"></iframe></body></html>', encoding="utf-8")
        chromium_screenshot(frame, OUT / "synoptic-html-old-order.png")
        for fmt, name, *mode in DOCX:
            document = work / f"{name}.docx"
            drafttools("diff", OLD, NEW, "--format", fmt, "-o", str(document), *mode)
            pdf = libreoffice_convert(document, work)
            pdf_page_png(pdf, 1, OUT / f"{name}-docx-page1.png")
            pdf_page_png(pdf, page_with(pdf, "Mutuality of benefits"), OUT / f"{name}-docx-article5.png")
    for png in sorted(OUT.glob("*.png")):
        print(png.relative_to(ROOT))


if __name__ == "__main__":
    main()
