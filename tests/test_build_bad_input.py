"""Bad input to `drafttools build`: each case its own small project, a coded diagnostic at file:line, exit 1
(2 for usage), and no output file at all."""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli import main
from tests.conftest import ROOT

PAPER = """---
document_type: executive-board
symbol: EB999/1
body: EXECUTIVE BOARD
session: 999th session
agenda_item: Provisional agenda item 1.1
date: 2008-12-04
title: A test paper
subtitle: Report by the Secretariat
language: en
annex: code_text
---

The first paragraph, citing Article {xref}`art-information-exchange`.

# ACTION BY THE EXECUTIVE BOARD

The Board is invited to note the report.
"""


@pytest.fixture
def project(tmp_path: Path, code_copy: Path) -> Path:
    """A project of its own: pyproject, a copy of the code text and of annex_templates/, one paper."""
    (tmp_path / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\n', encoding="utf-8")
    shutil.copytree(ROOT / "annex_templates", tmp_path / "annex_templates")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "p.md").write_text(PAPER, encoding="utf-8")
    return tmp_path


def build(project: Path, *args: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, ["build", *(args or ("papers/p.md",)), "-o", "out"])


def edit_paper(project: Path, old: str, new: str) -> int:
    path = project / "papers" / "p.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def assert_fails(result: Result, project: Path, where: str, code: str, *words: str, status: int = 1) -> None:
    assert result.exit_code == status, result.output
    assert f"{where}: error:" in result.stderr and f"[{code}]" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output
    out = project / "out"
    assert not out.exists() or not any(out.iterdir()), "no output file, not even a half-written one"


def test_the_fixture_builds(project: Path) -> None:
    result = build(project)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "out").iterdir()) == ["p.docx", "p.html"]


def test_missing_front_matter_field(project: Path) -> None:
    edit_paper(project, "symbol: EB999/1\n", "")
    line = 2  # document_type, where the type that requires the field is named
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'symbol'", "Executive Board document")


def test_missing_required_field(project: Path) -> None:
    edit_paper(project, "annex: code_text\n", "")
    assert_fails(build(project), project, "papers/p.md:1", "paper.front-matter", "lacks 'annex'")


def test_invalid_date(project: Path) -> None:
    line = edit_paper(project, "date: 2008-12-04", "date: 4 Dec 2008")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'4 Dec 2008' is not a date")


def test_invalid_field_type(project: Path) -> None:
    line = edit_paper(project, "title: A test paper", "title: [not, text]")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'title' must be a non-empty text")


def test_invalid_yaml(project: Path) -> None:
    line = edit_paper(project, "title: A test paper", "title: : :\n  - x")
    result = build(project)
    assert_fails(result, project, f"papers/p.md:{line}", "paper.front-matter", "not valid YAML")
    assert result.stderr.count("error:") == 1, "one diagnostic, not one from myst too"


def test_no_front_matter(project: Path) -> None:
    (project / "papers" / "p.md").write_text("Just text.\n", encoding="utf-8")
    assert_fails(build(project), project, "papers/p.md:1", "paper.front-matter", "no front matter")


def test_unknown_document_type(project: Path) -> None:
    line = edit_paper(project, "document_type: executive-board", "document_type: assembly-resolution")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.doctype", "'assembly-resolution'", "executive-board, regional-committee")


def test_missing_template(project: Path) -> None:
    (project / "annex_templates" / "executive-board" / "paper.html.j2").unlink()
    assert_fails(build(project), project, "annex_templates/executive-board", "template.missing", "paper.html.j2")


def test_new_document_type_is_a_folder(project: Path) -> None:
    """A new type needs no Python: copy a folder, and papers of that type build."""
    shutil.copytree(project / "annex_templates" / "executive-board", project / "annex_templates" / "board-note")
    edit_paper(project, "document_type: executive-board", "document_type: board-note")
    assert build(project).exit_code == 0


def test_template_syntax_error(project: Path) -> None:
    template = project / "annex_templates" / "executive-board" / "paper.html.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if paper.symbol %}never closed")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = f"annex_templates/executive-board/paper.html.j2:{len(lines)}"  # Jinja finds it at the end
    assert_fails(build(project), project, where, "template.syntax", "template syntax error", "'if'")


def test_template_syntax_error_names_the_line(project: Path) -> None:
    template = project / "annex_templates" / "executive-board" / "paper.html.j2"
    text = template.read_text(encoding="utf-8").replace("{{ paper.session }}", "{{ paper.session }", 1)
    template.write_text(text, encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "{{ paper.session }<" in l)
    assert_fails(build(project), project, f"annex_templates/executive-board/paper.html.j2:{line}", "template.syntax", "paper.session")


def test_template_field_the_paper_lacks(project: Path) -> None:
    template = project / "annex_templates" / "executive-board" / "paper.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ paper.session }}", "{{ paper.committee }}"), encoding="utf-8")
    assert_fails(build(project), project, "papers/p.md:1", "template.field", "'committee'", "papers/p.md")


def test_docx_placeholder_the_paper_lacks(project: Path) -> None:
    spec = project / "annex_templates" / "executive-board" / "template.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("\"symbol\", ", ""), encoding="utf-8")
    edit_paper(project, "symbol: EB999/1\n", "")
    result = build(project, "papers/p.md", "--to", "docx")
    assert_fails(result, project, "papers/p.md:1", "template.field", "paper.symbol", "reference.docx")


def test_template_toml_syntax_error(project: Path) -> None:
    spec = project / "annex_templates" / "executive-board" / "template.toml"
    spec.write_text("label = \n", encoding="utf-8")
    assert_fails(build(project), project, "annex_templates/executive-board/template.toml:1", "template.syntax", "not valid TOML")


def test_unknown_version(project: Path) -> None:
    line = edit_paper(project, "annex: code_text", "annex: 1999-nope")
    assert_fails(build(project), project, f"papers/p.md:{line}", "build.version", "'1999-nope'", "code_text", "2009-09-SEARO-RC62")


def test_version_by_name(project: Path) -> None:
    edit_paper(project, "annex: code_text", "annex: 2009-09-SEARO-RC62")
    assert build(project).exit_code == 0


def test_frozen_version_folder(project: Path) -> None:
    shutil.copytree(project / "code_text", project / "versions" / "2009-01-EB124")
    edit_paper(project, "annex: code_text", "annex: 2009-01-EB124")
    shutil.rmtree(project / "code_text")
    assert build(project).exit_code == 0


def test_unwritable_output_folder(project: Path) -> None:
    (project / "out").write_text("a file, not a folder", encoding="utf-8")
    result = build(project)
    assert result.exit_code == 1 and "[build.output]" in result.stderr and "Traceback" not in result.output
    assert (project / "out").read_text(encoding="utf-8") == "a file, not a folder"


def test_character_xml_cannot_hold_in_paper(project: Path) -> None:
    line = edit_paper(project, "The first paragraph", "The first\x0b paragraph")
    assert_fails(build(project), project, f"papers/p.md:{line}", "source.control-char", "U+000B")


def test_character_xml_cannot_hold_in_code(project: Path) -> None:
    article = project / "code_text" / "article-02.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("voluntary", "volun\x01tary", 1), encoding="utf-8")
    line = text[: text.index("voluntary")].count("\n") + 1
    assert_fails(build(project), project, f"code_text/article-02.md:{line}", "source.control-char", "U+0001")


def test_broken_reference_in_code_fails_the_build(project: Path) -> None:
    article = project / "code_text" / "article-08.md"
    text = article.read_text(encoding="utf-8")
    line = text[: text.index("{xref}`data-to-secretariat`")].count("\n") + 1
    article.write_text(text.replace("{xref}`data-to-secretariat`", "{xref}`data-to-nowhere`", 1), encoding="utf-8")
    assert_fails(build(project), project, f"code_text/article-08.md:{line}", "xref.unknown-id", "'data-to-nowhere'")


def test_broken_reference_in_paper_fails_the_build(project: Path) -> None:
    line = edit_paper(project, "{xref}`art-information-exchange`", "{xref}`art-information-swap`")
    assert_fails(build(project), project, f"papers/p.md:{line}", "xref.unknown-id", "'art-information-swap'")


def test_failed_build_leaves_earlier_outputs_alone(project: Path) -> None:
    assert build(project).exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    edit_paper(project, "{xref}`art-information-exchange`", "{xref}`art-gone`")
    assert build(project).exit_code == 1
    assert {p.name: p.read_bytes() for p in (project / "out").iterdir()} == before


def test_unsupported_markup(project: Path) -> None:
    line = edit_paper(project, "The Board is invited", "- a list item\n\nThe Board is invited")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.structure", "bullet list")


def test_footnote_never_defined(project: Path) -> None:
    line = edit_paper(project, "note the report.", "note the report.[^9]")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.footnote", "[^9]")


def test_missing_paper(project: Path) -> None:
    result = build(project, "papers/nope.md")
    assert result.exit_code == 1 and "[paper.missing]" in result.stderr


def test_unknown_format_is_a_usage_error(project: Path) -> None:
    result = build(project, "papers/p.md", "--to", "pdf")
    assert result.exit_code == 2 and "Error: unknown output format pdf" in result.stderr


def test_stale_written_label_in_paper(project: Path) -> None:
    line = edit_paper(project, "{xref}`art-information-exchange`", "{xref}`9 <art-information-exchange>`")
    assert_fails(build(project), project, f"papers/p.md:{line}", "xref.label-stale", "written '9'", "now 8")


def test_warnings_fail_only_a_strict_build(project: Path) -> None:
    article = project / "code_text" / "article-02.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(":::::\n", ":::{paragraph} a-brand-new-paragraph\nNew text.\n:::\n:::::\n", 1), encoding="utf-8")
    relaxed = build(project)
    assert relaxed.exit_code == 0 and "[id.unrecorded]" in relaxed.stderr, relaxed.output
    shutil.rmtree(project / "out")
    strict = build(project, "papers/p.md", "--strict")
    assert strict.exit_code == 1 and "[id.unrecorded]" in strict.stderr
    assert not (project / "out").exists() or not any((project / "out").iterdir())


def test_paper_paragraph_ids(project: Path) -> None:
    """A MyST target gives a paper paragraph a stable ID: its HTML id and its DOCX bookmark."""
    edit_paper(project, "The first paragraph", "(first-paragraph-of-report)=\nThe first paragraph")
    assert build(project).exit_code == 0
    assert '<p id="first-paragraph-of-report"><span class="num">1. </span>' in (project / "out" / "p.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(project / "out" / "p.docx") as package:
        assert 'w:name="first-paragraph-of-report"' in package.read("word/document.xml").decode()


def test_paper_paragraph_id_malformed(project: Path) -> None:
    line = edit_paper(project, "The first paragraph", "(1st)=\nThe first paragraph")
    assert_fails(build(project), project, f"papers/p.md:{line}", "id.malformed", "'1st'")


def test_paper_paragraph_id_taken_by_the_code(project: Path) -> None:
    line = edit_paper(project, "The first paragraph", "(register-of-authorities)=\nThe first paragraph")
    assert_fails(build(project), project, f"papers/p.md:{line + 1}", "id.duplicate", "'register-of-authorities'")


def test_paper_target_labelling_nothing(project: Path) -> None:
    line = edit_paper(project, "# ACTION BY", "(lost-label)=\n\n# ACTION BY")
    assert_fails(build(project), project, f"papers/p.md:{line}", "id.orphan", "(lost-label)=")
