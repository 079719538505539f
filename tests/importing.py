"""Helpers for the import tests: a scratch project (pyproject, code text, git) and the seed's Annex as text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from drafttools.importer.usecase import Places

from .conftest import CODE_TEXT, SEED

PYPROJECT = '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\n'


def git(root: Path, *argv: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *argv],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def make_project(root: Path) -> Places:
    """A project with a copy of the shipped code text, committed to its own git repository."""
    shutil.copytree(CODE_TEXT, root / "code_text")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "code text")
    return Places(root / "code_text", root / "versions")


def same_as_code_text(places: Places, name: str) -> None:
    """Every article file of versions/NAME says, word for word, what the project's code text says."""
    for source in sorted(places.source.glob("article-*.md")):
        imported = (places.versions / name / source.name).read_text(encoding="utf-8")
        assert imported.split() == source.read_text(encoding="utf-8").split(), source.name


def annex_text() -> str:
    """The seed working paper from the line ' Annex ' on: the draft code as typed in 2009."""
    seed = SEED.read_text(encoding="utf-8")
    return seed[seed.index("\n Annex \n") + 1 :]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


# ----------------------------------------------------------------------------------- DOCX made in the test

NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="7"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Article %1 \u2013"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def p(
    *runs: str, style: str | None = None, num: tuple[int, int] | None = None, before: str = "", mark: str = ""
) -> str:
    """A w:p: each run a string of text (a plain run) or raw XML (starting with '<')."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if mark:
        props += f"<w:rPr>{mark}</w:rPr>"
    body = "".join(r if r.startswith("<") else f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs)
    return f"{before}<w:p><w:pPr>{props}</w:pPr>{body}</w:p>"


def bookmark(name: str, number: int) -> str:
    return f'<w:bookmarkStart w:id="{number}" w:name="{name}"/><w:bookmarkEnd w:id="{number}"/>'


def make_docx(path: Path, body: str, numbering: str | None = None) -> Path:
    """A .docx from python-docx's default template with ``body`` (raw w:p/w:tbl XML) as its content."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    root = document.element.body
    section = root.find(qn("w:sectPr"))
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    for element in list(parse_xml(f"<w:body {ns}>{body}</w:body>")):
        section.addprevious(element)
    if numbering is not None:
        part = document.part.numbering_part.element
        for child in list(part):
            part.remove(child)
        for child in parse_xml(numbering):
            part.append(child)
    document.save(str(path))
    return path
