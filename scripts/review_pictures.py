"""Make the pictures of the compilation and the per-proponent view for docs/reviewing.md, into docs/reviewing/,
from a small realistic project (run on purpose, not by tests; look at the pictures, then commit them).

    PYTHONPATH=src .venv/bin/python scripts/review_pictures.py

The shipped code is sent out as DOCX (``drafttools build``) and returned by LibreOffice with tracked changes and
comments (tests/returns.py: Brazil, two delegates; South Africa, one), collected, decided in the room and given a
Secretariat note, as tests/test_review_compilation.py does.  Then ``drafttools review compilation --only-filed`` and
``review proponent BRA``: the HTML shot in headless Chromium (tests/clients.py, Browser) 1000 px wide and cropped
to a screen, the compilation's DOCX page 1 through headless LibreOffice to PDF and ``pdftoppm -r 60``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.clients import Browser, libreoffice_convert  # noqa: E402
from tests.returns import Review  # noqa: E402

OUT = ROOT / "docs" / "reviewing"
VERSION = "2009-09-SEARO-RC62"
WIDTH, HEIGHT = 1000, 760


def drafttools(project: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout's drafttools, run in the project
    subprocess.run([sys.executable, "-m", "drafttools", *args], check=True, cwd=project, capture_output=True, env=env)


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    for folder in ("code_text", "versions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    return root


def _proposal(project: Path, target: str, kind: str, author: str) -> str:
    for path in sorted((project / "proposals").glob("*.toml")):
        read = tomllib.loads(path.read_text(encoding="utf-8"))
        if (read["target"], read["kind"]) == (target, kind) and author in read["authors"]:
            return path.stem
    raise LookupError((target, kind, author))


def make(project: Path, work: Path) -> None:
    drafttools(project, "build", "papers/code.md", "--to", "docx")
    sent = project / "build" / "code.docx"
    bra = Review(sent, work / "bra")
    bra.replace(
        "João Souza", "2026-11-28T09:00:00", "promote the establishment or strengthening", "promote the strengthening"
    )
    bra.replace("Maria Silva", "2026-11-30T10:00:00", "on a biennial basis", "every three years")
    bra.comment(
        "João Souza",
        "2026-11-28T09:10:00",
        "8.3 and 8.4 could be one paragraph.",
        "For purposes of international communication",
        "and published by WHO",
    )
    bra.insert_paragraph(
        "Maria Silva", "2026-11-30T10:10:00", "and published by WHO", "8.5 The register shall be published online."
    )
    zaf = Review(sent, work / "zaf")
    zaf.replace("Ana Lima", "2026-11-29T08:00:00", "on a biennial basis", "annually")
    (project / "returns").mkdir()
    for review, name, party in ((bra, "brazil", "BRA"), (zaf, "south-africa", "ZAF")):
        shutil.copy(review.save(name), project / "returns" / f"{name}.docx")  # kept as the Secretariat files them
        drafttools(project, "collect", f"returns/{name}.docx", "--from", party, "--answers", VERSION)
    three = _proposal(project, "data-to-secretariat", "amend", "Maria Silva")
    drafttools(project, "proposal", "accept", three)
    rejected = _proposal(project, "information-exchange-promotion", "amend", "João Souza")
    drafttools(project, "proposal", "reject", rejected)
    drafttools(project, "proposal", "support", three, "--by", "IND")
    annually = _proposal(project, "data-to-secretariat", "amend", "Ana Lima")
    drafttools(project, "proposal", "object", annually, "--by", "USA")
    drafttools(project, "review", "note", "register-of-authorities", "The Secretariat proposes to merge 8.3 and 8.4.")
    drafttools(project, "review", "compilation", "--only-filed")
    drafttools(project, "review", "proponent", "BRA")


def shoot(page: Path, target: Path) -> None:
    with Browser() as browser:
        browser.open(page, WIDTH, HEIGHT)
        browser.screenshot(target)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="review-pictures-") as scratch:
        work = Path(scratch)
        project = _project(work / "project")
        make(project, work)
        out = project / "build" / "review"
        shoot(out / "compilation.html", OUT / "compilation.png")
        shoot(out / "proponent-bra.html", OUT / "proponent-bra.png")
        pdf = libreoffice_convert(out / "compilation.docx", work / "pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(OUT / "compilation-docx"),
            ],
            check=True,
        )
    for picture in sorted(OUT.glob("*.png")):
        print(picture.relative_to(ROOT), f"{picture.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
