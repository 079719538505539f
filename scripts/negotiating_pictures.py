"""Make the pictures of the negotiating text for docs/reviewing.md, into docs/reviewing/ (run on purpose, not by
tests; look at them, then commit them):

    PYTHONPATH=src .venv/bin/python scripts/negotiating_pictures.py

The project is the small negotiating project of tests/reviewing.py (the shipped code text, Article 2 marked agreed
and 4.1 agreed ad referendum, proposals as the Secretariat holds them after a round of returns: two accepted, one
rejected, open amendments from four delegations, a deletion, an insertion and a facilitator's note), with 9.5
deleted from the working text.  The HTML is shot in headless Chromium 1000 px wide at Article 8; the DOCX's page
holding Article 10 goes through headless LibreOffice to PDF and ``pdftoppm -r 60``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import reviewing  # noqa: E402
from tests.clients import Browser, libreoffice_convert, pdf_text  # noqa: E402

OUT = ROOT / "docs" / "reviewing"


def drafttools(root: Path, *argv: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "drafttools", *argv], cwd=root, check=True, env=env)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="negotiating-") as scratch:
        root = Path(scratch) / "project"
        root.mkdir()
        for folder in ("code_text", "versions", "annex_templates", "papers"):
            shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
        (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
        with contextlib.chdir(root):
            reviewing.make(root)
        nine = root / "code_text" / "article-09.md"
        text = nine.read_text(encoding="utf-8")
        nine.write_text(re.sub(r":::\{paragraph\} extent-possible-maintain-record\n.*?\n:::\n\n", "", text, flags=re.S))
        drafttools(root, "review", "negotiating")
        built = root / "build" / "review"
        with Browser() as browser:
            browser.open(built / "negotiating-text.html", 1000, 760)
            browser.evaluate("document.getElementById('shared-responsibilities').scrollIntoView(); true")
            browser.screenshot(OUT / "negotiating-text.png")
            browser.open(built / "negotiating-text.html", 1000, 560)
            browser.screenshot(OUT / "negotiating-text-legend.png")
        pdf = libreoffice_convert(built / "negotiating-text.docx", Path(scratch))
        pages = pdf_text(pdf).split("\f")
        page = next(n for n, words in enumerate(pages, start=1) if "10.2" in words and "Alt 1" in words)
        stem = OUT / "negotiating-text-docx"
        pages_asked = ["-f", str(page), "-l", str(page)]
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", *pages_asked, str(pdf), str(stem)], check=True)
    for picture in sorted(OUT.glob("negotiating-text*.png")):
        print(picture.relative_to(ROOT), f"{picture.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
