"""Every governing body's paper, and resolutions (issue 15, items 1 and 2).

The shipped papers of the Health Assembly, the Board (with the draft resolution under ACTION BY THE EXECUTIVE
BOARD), an information document, a resolution alone and the six regional committees are built to DOCX, HTML and
PDF; pandoc reads each DOCX back with its masthead lines and symbol, pdftotext each PDF, Chromium the EB paper's
page; the preambular participles are italic runs in Word and <em> in HTML; the Board's draft and the Health
Assembly's text compare by ID; and bad input (an operative paragraph with no verb in capitals, an unknown body, a
symbol the body does not use, a resolution that does not exist) is a located diagnostic with a fix line.  A
seventh body is a folder of annex_templates/ and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.papers import templates
from drafttools.papers.load import load_paper

from .clients import chromium_dom, pandoc_text, pdf_text
from .conftest import ROOT

# paper -> its document type (a folder of annex_templates/)
PAPERS = {
    "eb126-8": "executive-board",
    "eb126-draft-resolution": "resolution",
    "wha63-16": "resolution",
    "a63-8": "health-assembly",
    "a63-inf-comments": "information",
    "afr-rc59-code": "afr-rc",
    "paho-cd49-code": "paho-cd",
    "sea-rc62-working-paper": "regional-committee",
    "eur-rc59-code": "eur-rc",
    "em-rc56-code": "em-rc",
    "wpr-rc60-code": "wpr-rc",
}
REGIONAL = ("afr-rc", "paho-cd", "regional-committee", "eur-rc", "em-rc", "wpr-rc")
VERBS = ("1. ADOPTS", "2. URGES Member States:", "3. REQUESTS the Director-General:")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bodies")
    with contextlib.chdir(ROOT):
        result = CliRunner().invoke(
            main, ["build", *(f"papers/{p}.md" for p in PAPERS), "--to", "docx,html,pdf", "-o", str(out)]
        )
    assert result.exit_code == 0, result.output
    assert sorted(Path(line).name for line in result.stdout.split()) == sorted(
        f"{p}.{f}" for p in PAPERS for f in ("docx", "html", "pdf")
    )
    assert " 0 errors" in result.stderr and "Traceback" not in result.output
    return out


def _masthead(name: str) -> list[str]:
    """The first-page lines the paper's document type lays out, filled from its front matter and defaults."""
    from drafttools.api.build import with_defaults

    paper = load_paper(ROOT / "papers" / f"{name}.md").paper
    assert paper is not None
    doctype = templates.read_spec(ROOT / templates.TEMPLATES / paper.front.document_type)
    paper = with_defaults(paper, doctype)
    lines = templates.masthead(doctype, {"paper": paper.front.fields(), "annex": {"date": ""}}, paper.path)
    return [line for line in lines["left"] + lines["right"] if line]


def test_a_paper_for_every_body_and_each_regional_committee() -> None:
    assert set(REGIONAL) <= set(PAPERS.values())
    for name, doctype in PAPERS.items():
        paper = load_paper(ROOT / "papers" / f"{name}.md").paper
        assert paper is not None and paper.front.document_type == doctype, name


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_pandoc_reads_the_masthead_and_symbol(built: Path, name: str) -> None:
    text = " ".join(pandoc_text(built / f"{name}.docx").split())
    masthead = _masthead(name)
    assert len(masthead) >= 4
    for line in masthead:
        assert " ".join(line.split()) in text, (name, line)
    fields = load_paper(ROOT / "papers" / f"{name}.md").paper.front.fields()  # type: ignore[union-attr]
    assert fields["symbol"] in text
    assert fields["symbol"] in " ".join(pdf_text(built / f"{name}.pdf").split("\f")[0].split())
    html = (built / f"{name}.html").read_text(encoding="utf-8")
    assert f'<p class="symbol">{fields["symbol"].replace("&", "&amp;")}</p>' in html


def test_the_eb_paper_prints_the_draft_resolution_under_action_by_the_board(built: Path) -> None:
    text = " ".join(pandoc_text(built / "eb126-8.docx").split())
    action = text.index("ACTION BY THE EXECUTIVE BOARD")
    invited = text.index("The Board is invited to consider the following draft resolution:", action)
    opening = text.index("The Sixty-third World Health Assembly,", invited)
    where = [text.index(verb, opening) for verb in VERBS]
    assert where == sorted(where) and where[-1] < text.index("ANNEX", opening)
    assert text.index("(2) to designate a national authority", where[1]) < where[2]
    pdf = " ".join(pdf_text(built / "eb126-8.pdf").split())
    assert "ACTION BY THE EXECUTIVE BOARD" in pdf and "2. URGES Member States:" in pdf
    dom = chromium_dom(built / "eb126-8.html")
    assert '<section class="resolution" id="resolution-eb126-draft"' in dom and "ADOPTS" in dom


def test_the_resolution_alone(built: Path) -> None:
    text = " ".join(pandoc_text(built / "wha63-16.docx").split())
    assert text.index("WHA63.16") < text.index("The Sixty-third World Health Assembly,") < text.index(VERBS[0])
    assert "3. REQUESTS the Director-General: (1) to cooperate" in text
    assert "(a) supporting Member States" in text and "designated under paragraph 2(2);" in text
    draft = " ".join(pandoc_text(built / "eb126-draft-resolution.docx").split())
    assert "Draft resolution" in draft and all(verb in draft for verb in VERBS)


PARTICIPLES = ("Having considered", "Recalling", "Noting with concern")


@pytest.mark.parametrize("name", ["eb126-8", "wha63-16"])
def test_participles_are_italic_in_word_and_em_in_html(built: Path, name: str) -> None:
    document = docx.Document(str(built / f"{name}.docx"))
    found = {}
    for paragraph in document.paragraphs:
        for participle in PARTICIPLES:
            if paragraph.text.startswith(participle + " "):
                runs = paragraph.runs
                found[participle] = (runs[0].text, runs[0].italic, any(r.italic for r in runs[1:]))
    assert found == {p: (p, True, False) for p in PARTICIPLES}
    operative = next(p for p in document.paragraphs if "URGES Member States:" in p.text)
    assert not any(r.italic for r in operative.runs)
    html = (built / f"{name}.html").read_text(encoding="utf-8")
    for participle in PARTICIPLES:
        assert f"<em>{participle}</em> " in html
    assert "<em>The Sixty-third" not in html and "<em>URGES" not in html


# ------------------------------------------------------------------------------------------ the two versions


def test_the_boards_draft_and_the_adopted_text_compare_by_id() -> None:
    with contextlib.chdir(ROOT):
        text = CliRunner().invoke(main, ["diff", "eb126-draft", "wha63-16"])
        data = CliRunner().invoke(main, ["diff", "eb126-draft", "wha63-16", "--format", "json"])
    assert text.exit_code == 0 and data.exit_code == 0, text.output + data.output
    out = text.stdout
    assert "Operative part" in out and "Preamble" in out
    assert re.search(r"^  2\(3\)\s+inserted\n\s+\{\+to bring the Code", out, re.M)
    assert re.search(r"^  3\(2\) → 3\(3\)\s+modified, renumbered", out, re.M)
    assert re.search(r"^  2\(1\)\s+modified\n.*\[-in developing-\] \{\+as a reference in strengthening\+\}", out, re.M)
    changes = {c["new"]["id"] if c["new"] else c["old"]["id"]: c["status"] for c in json.loads(data.stdout)["changes"]}
    assert changes["bring-code-to-stakeholders"] == "inserted"
    assert changes["recognizing-also-voluntary-framework"] == "inserted"
    assert changes["adopts-global-code"] == "unchanged"
    assert changes["use-code-national-policy"] == "modified"


# --------------------------------------------------------------------------------------------- bad input


def run(root: Path, *args: str) -> Result:
    with contextlib.chdir(root):
        return CliRunner().invoke(main, list(args))


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_operative_paragraph_without_its_verb(shipped_project: Path) -> None:
    operative = shipped_project / "resolutions" / "wha63-16" / "operative-02.md"
    edit(operative, "URGES Member States:", "Member States are urged:")
    where = f"resolutions/wha63-16/operative-02.md:{line_of(operative, 'Member States are urged')}"
    checked = run(shipped_project, "check", "resolutions/wha63-16")
    assert checked.exit_code == 1, checked.output
    assert (
        f"{where}: error: paragraph 2 (urges-member-states) does not open as a paragraph must: "
        "it opens 'Member States are urged: ...' [structure.opening]" in checked.stderr
    )
    assert (
        "fix: open the paragraph with its operative verb in capitals: ADOPTS ..., URGES Member States:"
        in checked.stderr
    )
    settings.cache_clear()
    project = run(shipped_project, "check")  # the project's check reads the resolutions too
    assert project.exit_code == 1 and f"{where}: error:" in project.stderr
    assert "code_text: 2009-09-SEARO-RC62, 11 articles, 50 paragraphs, 10 items; 0 errors" in project.stderr
    assert "resolutions/wha63-16: wha63-16, 1 authority, 5 preambulars, 3 operatives" in project.stderr
    assert "resolutions/eb126-draft: eb126-draft, 1 authority" in project.stderr
    built = run(shipped_project, "build", "papers/wha63-16.md", "-o", "out")
    assert built.exit_code == 1 and f"{where}: error:" in built.stderr and "[structure.opening]" in built.stderr
    assert "Traceback" not in built.output and not (shipped_project / "out" / "wha63-16.docx").exists()


def test_an_unknown_document_type_lists_the_bodies(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "afr-rc59-code.md"
    edit(paper, "document_type: afr-rc", "document_type: afro-rc")
    result = run(shipped_project, "build", "papers/afr-rc59-code.md", "-o", "out")
    assert result.exit_code == 1
    line = line_of(paper, "document_type:")
    assert (
        f"papers/afr-rc59-code.md:{line}: error: unknown document type 'afro-rc'; annex_templates/ has "
        in result.stderr
    )
    assert "afr-rc, code, em-rc, eur-rc, executive-board" in result.stderr and "fix: use one of those" in result.stderr


def test_an_unknown_body(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "wpr-rc60-code.md"
    edit(paper, "session:", "body: Regional Committee for the Moon\nsession:")
    result = run(shipped_project, "build", "papers/wpr-rc60-code.md", "-o", "out")
    assert result.exit_code == 1, result.output
    line = line_of(paper, "body:")
    assert (
        f"papers/wpr-rc60-code.md:{line}: error: body 'Regional Committee for the Moon' is not the body of "
        "document type 'wpr-rc' (REGIONAL COMMITTEE FOR THE WESTERN PACIFIC); "
        "annex_templates/ knows no body of that name, only: "
    ) in result.stderr
    assert "Regional Committee for Europe (eur-rc)" in result.stderr and "[paper.body]" in result.stderr
    assert "fix: leave 'body' out (wpr-rc gives it), or add a folder to annex_templates/ for that body" in result.stderr


def test_another_bodys_paper_names_its_document_type(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "eur-rc59-code.md"
    edit(paper, "session:", "body: Regional Committee for Africa\nsession:")
    result = run(shipped_project, "build", "papers/eur-rc59-code.md", "-o", "out")
    assert result.exit_code == 1
    assert (
        f"papers/eur-rc59-code.md:{line_of(paper, 'body:')}: error: body 'Regional Committee for Africa'"
        in result.stderr
    )
    assert "fix: write document_type: afr-rc" in result.stderr


@pytest.mark.parametrize(
    ("name", "symbol", "example"),
    [
        ("eb126-8", "EB126-8", "EB126/8"),
        ("a63-8", "WHA63/8", "A63/8"),
        ("paho-cd49-code", "CD49-9", "CD50/9 (Eng.)"),
        ("wha63-16", "WHA 63.16", "WHA63.16"),
        ("afr-rc59-code", "EUR/RC59/7", "AFR/RC60/7"),
    ],
)
def test_a_symbol_the_body_does_not_use(shipped_project: Path, name: str, symbol: str, example: str) -> None:
    paper = shipped_project / "papers" / f"{name}.md"
    text = paper.read_text(encoding="utf-8")
    paper.write_text(re.sub(r"^symbol: .*$", f"symbol: {symbol}", text, count=1, flags=re.M), encoding="utf-8")
    result = run(shipped_project, "build", f"papers/{name}.md", "-o", "out")
    assert result.exit_code == 1, result.output
    assert (
        f"papers/{name}.md:{line_of(paper, 'symbol:')}: error: symbol '{symbol}' does not fit the symbols of "
        in result.stderr
    )
    assert f"fix: write the symbol as the body numbers its documents, e.g. {example}" in result.stderr
    assert "[paper.symbol]" in result.stderr and "Traceback" not in result.output


def test_a_resolution_that_does_not_exist(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "eb126-8.md"
    edit(paper, ":::{resolution} eb126-draft", ":::{resolution} eb126-drfat")
    result = run(shipped_project, "build", "papers/eb126-8.md", "-o", "out")
    assert result.exit_code == 1
    line = line_of(paper, "{resolution}")
    assert (
        f"papers/eb126-8.md:{line}: error: {{resolution}} eb126-drfat names no resolution; known: "
        "eb126-draft, wha63-16 [paper.resolution]" in result.stderr
    )
    assert "eb126-draft" in result.stderr and "fix: name a folder of resolutions/" in result.stderr


def test_the_code_is_no_resolution(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "eb126-8.md"
    edit(paper, ":::{resolution} eb126-draft", ":::{resolution} code_text")
    result = run(shipped_project, "build", "papers/eb126-8.md", "-o", "out")
    assert result.exit_code == 1
    line = line_of(paper, "{resolution}")
    assert f"papers/eb126-8.md:{line}: error: {{resolution}} code_text names a text of articles (" in result.stderr
    assert "[paper.resolution]" in result.stderr and "fix: name a folder of resolutions/" in result.stderr


def test_a_symbol_pattern_that_is_no_regular_expression(shipped_project: Path) -> None:
    spec = shipped_project / "annex_templates" / "em-rc" / "template.toml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        re.sub(r"^symbol_pattern = .*$", lambda _: "symbol_pattern = '^EM/RC(\\d+'", text, count=1, flags=re.M)
    )
    result = run(shipped_project, "build", "papers/em-rc56-code.md", "-o", "out")
    assert result.exit_code == 1
    assert (
        f"annex_templates/em-rc/template.toml:{line_of(spec, 'symbol_pattern')}: error: "
        "symbol_pattern is not a regular expression" in result.stderr
    )


# ---------------------------------------------------------------------------------------- a seventh body


def test_a_seventh_body_is_a_folder(shipped_project: Path) -> None:
    """A body drafttools never heard of: a copy of a folder with its template.toml rewritten, its reference.docx
    made by the script, and a paper; no Python changes."""
    folder = shipped_project / "annex_templates" / "xyz-rc"
    shutil.copytree(shipped_project / "annex_templates" / "wpr-rc", folder)
    (folder / "template.toml").write_text(
        """label = "Regional Committee for Xyz document"
required = ["symbol", "session", "date", "agenda_item", "title"]
symbol_pattern = '^XYZ/RC\\d+/\\d+$'
symbol_example = "XYZ/RC1/4"

[defaults]
body = "Regional Committee for Xyz"
office = "Regional Office for Xyz"
language = "fr"

[docx]
header = "{{ paper.symbol }}"
first_page = [
    ["Organisation mondiale de la Santé", "{{ paper.symbol }}"],
    ["{{ paper.office }}", "{{ paper.date }}"],
    ["{{ paper.body }} — {{ paper.session }}", "{{ paper.agenda_item }}"],
]
""",
        encoding="utf-8",
    )
    (shipped_project / "scripts").mkdir()
    script = shutil.copy(
        ROOT / "scripts" / "make_reference_docx.py", shipped_project / "scripts"
    )  # its ROOT: the copy's
    made = subprocess.run(
        [sys.executable, script, "xyz-rc"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert made.returncode == 0, made.stderr
    paper = shipped_project / "papers" / "xyz-rc1-code.md"
    paper.write_text(
        "---\ndocument_type: xyz-rc\nsymbol: XYZ/RC1/4\nsession: Première session\ndate: 2010-09-01\n"
        "agenda_item: Point 4 de l'ordre du jour provisoire\ntitle: Le code\nannex: code_text\n---\n\nUn paragraphe.\n",
        encoding="utf-8",
    )
    result = run(shipped_project, "build", "papers/xyz-rc1-code.md", "-o", "out")
    assert result.exit_code == 0, result.output
    text = " ".join(pandoc_text(shipped_project / "out" / "xyz-rc1-code.docx").split())
    for line in (
        "Organisation mondiale de la Santé",
        "XYZ/RC1/4",
        "Regional Office for Xyz",
        "1 September 2010",
        "Regional Committee for Xyz — Première session",
        "Point 4 de l'ordre du jour provisoire",
    ):
        assert line in text, line
    html = (shipped_project / "out" / "xyz-rc1-code.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and '<p class="symbol">XYZ/RC1/4</p>' in html
    assert "<p>Regional Office for Xyz</p>" in html


def test_every_papers_first_page_is_pictured_small_and_linked() -> None:
    """docs/papers/ holds a picture of each shipped paper's first page (scripts/paper_previews), each under 100 KB
    and linked from docs/building.md."""
    guide = (ROOT / "docs" / "building.md").read_text(encoding="utf-8")
    for paper in sorted((ROOT / "papers").glob("*.md")):
        picture = ROOT / "docs" / "papers" / f"{paper.stem}-page1.png"
        assert picture.is_file(), picture
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size < 100_000, picture
        assert f"(papers/{picture.name})" in guide, picture.name


def test_unknown_in_a_title_is_no_placeholder(shipped_project: Path) -> None:
    paper = shipped_project / "papers" / "a63-8.md"
    edit(paper, 'title: "International recruitment', 'title: "Diseases of unknown origin and international recruitment')
    result = run(shipped_project, "build", "papers/a63-8.md", "--to", "html", "-o", "out", "--strict")
    assert result.exit_code == 0, result.output
    assert "Diseases of unknown origin" in (shipped_project / "out" / "a63-8.html").read_text(encoding="utf-8")
