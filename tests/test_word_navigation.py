"""Word files a Word user expects (issue 16, item 1): headings with outline levels (the Navigation Pane, a TOC
field, a PDF's bookmarks), Word 2013+ compatibility mode, and core properties that name the paper and its body,
not the program.  Read back as readers do: LibreOffice's PDF bookmarks (pypdf), and the package's own XML."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf

from .clients import libreoffice_convert


def build(project: Path, out: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "drafttools", "build", "--no-cache", "-o", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def part(docx: Path | bytes, name: str) -> str:
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def bookmarks(pdf: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(getattr(item, "title", ""))))

    walk(pypdf.PdfReader(str(pdf)).outline, 0)
    return found


def test_every_paper_opens_in_word_2013_mode_with_its_own_properties(shipped_project: Path, tmp_path: Path) -> None:
    build(shipped_project, tmp_path)
    papers = sorted(tmp_path.glob("*.docx"))
    assert len(papers) == len(list((shipped_project / "papers").glob("*.md"))) > 3  # every body's papers
    for paper in papers:
        settings = part(paper, "word/settings.xml")
        assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings), paper.name
        core = part(paper, "docProps/core.xml")
        assert "python-docx" not in core and ">drafttools<" not in core
        assert "<dc:creator>World Health Organization" in core and "<dc:language>en</dc:language>" in core
    eb = part(tmp_path / "eb124-13.docx", "docProps/core.xml")
    assert "<dc:creator>World Health Organization, Executive Board</dc:creator>" in eb
    assert "<dc:subject>EB124/13</dc:subject>" in eb
    assert "2008-" in eb.split("<dcterms:created")[1][:80]  # the paper's own date, not the build's


def test_the_pdf_of_a_paper_has_a_bookmark_per_article(shipped_project: Path, tmp_path: Path) -> None:
    build(shipped_project, tmp_path)
    pdf = libreoffice_convert(tmp_path / "code.docx", tmp_path)
    marks = bookmarks(pdf)
    articles = [title for depth, title in marks if title.startswith("Article ")]
    assert len(articles) == 11 and articles[0] == "Article 1 – Objectives"
    assert all(depth == 1 for depth, title in marks if title.startswith("Article "))  # under the code's title
    assert marks[0] == (0, "Draft WHO Code of Practice on the International Recruitment of Health Personnel")


def test_divisions_nest_their_articles_in_the_outline(tmp_path: Path) -> None:
    from drafttools.cli.main import main  # noqa: F401 - the package is importable

    root = Path(__file__).resolve().parents[1]
    fixture = root / "tests" / "data" / "instruments" / "treaty" / "v1.txt"
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("annex_templates",):
        subprocess.run(["cp", "-r", str(root / folder), str(project / folder)], check=True)
    (project / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\nversions = "versions"\n')
    (project / "papers").mkdir()
    (project / "papers" / "code.md").write_text("---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n")
    imported = subprocess.run(
        [sys.executable, "-m", "drafttools", "import", str(fixture), "--as", "code_text"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    build(project, tmp_path / "out")
    document = part(tmp_path / "out" / "code.docx", "word/document.xml")
    levels = [int(v) for v in re.findall(r'<w:outlineLvl w:val="(\d)"/>', document)]
    assert levels[0] == 0 and 1 in levels and 2 in levels  # the title, a division, an article within it
    pdf = libreoffice_convert(tmp_path / "out" / "code.docx", tmp_path / "out")
    depths = {depth for depth, _ in bookmarks(pdf)}
    assert {0, 1, 2} <= depths


def test_the_redline_and_the_synoptic_table_name_the_comparison(shipped_project: Path, tmp_path: Path) -> None:
    for kind, name in (("docx", "redline.docx"), ("synoptic", "synoptic.docx")):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "drafttools",
                "diff",
                "2009-09-SEARO-RC62",
                "2010-illustrative-revision",
                "--format",
                kind,
                "-o",
                str(tmp_path / name),
            ],
            cwd=shipped_project,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        core = part(tmp_path / name, "docProps/core.xml")
        assert "python-docx" not in core
        assert "<dc:subject>2009-09-SEARO-RC62 \u2192 2010-illustrative-revision</dc:subject>" in core
        assert re.search(r'compatibilityMode"[^>]*w:val="15"', part(tmp_path / name, "word/settings.xml"))
