"""Bad input to `drafttools build`: each case its own small project, a coded diagnostic at file:line, exit 1
(2 for usage), and no output file at all."""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
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
    assert_fails(
        build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'symbol'", "Executive Board document"
    )


def test_missing_required_field(project: Path) -> None:
    edit_paper(project, "annex: code_text\n", "")
    assert_fails(build(project), project, "papers/p.md:1", "paper.front-matter", "lacks 'annex'")


def test_invalid_date(project: Path) -> None:
    line = edit_paper(project, "date: 2008-12-04", "date: 4 Dec 2008")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'4 Dec 2008' is not a date")


def test_invalid_field_type(project: Path) -> None:
    line = edit_paper(project, "title: A test paper", "title: [not, text]")
    assert_fails(
        build(project), project, f"papers/p.md:{line}", "paper.front-matter", "'title' must be a non-empty text"
    )


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
    assert_fails(
        build(project),
        project,
        f"papers/p.md:{line}",
        "paper.doctype",
        "'assembly-resolution'",
        "executive-board, health-assembly",
    )


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
    line = next(n for n, line in enumerate(text.splitlines(), 1) if "{{ paper.session }<" in line)
    assert_fails(
        build(project),
        project,
        f"annex_templates/executive-board/paper.html.j2:{line}",
        "template.syntax",
        "paper.session",
    )


def test_template_field_the_paper_lacks(project: Path) -> None:
    template = project / "annex_templates" / "executive-board" / "paper.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{{ paper.session }}", "{{ paper.committee }}"), encoding="utf-8"
    )
    assert_fails(build(project), project, "papers/p.md:1", "template.field", "'committee'", "papers/p.md")


def test_docx_placeholder_the_paper_lacks(project: Path) -> None:
    spec = project / "annex_templates" / "executive-board" / "template.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace('"symbol", ', ""), encoding="utf-8")
    edit_paper(project, "symbol: EB999/1\n", "")
    result = build(project, "papers/p.md", "--to", "docx")
    assert_fails(result, project, "papers/p.md:1", "template.field", "paper.symbol", "reference.docx")


def test_template_toml_syntax_error(project: Path) -> None:
    spec = project / "annex_templates" / "executive-board" / "template.toml"
    spec.write_text("label = \n", encoding="utf-8")
    assert_fails(
        build(project), project, "annex_templates/executive-board/template.toml:1", "template.syntax", "not valid TOML"
    )


def test_unknown_version(project: Path) -> None:
    line = edit_paper(project, "annex: code_text", "annex: 1999-nope")
    assert_fails(
        build(project),
        project,
        f"papers/p.md:{line}",
        "build.version",
        "'1999-nope'",
        "code_text",
        "2009-09-SEARO-RC62",
    )


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
    result = build(project)  # a file named where the folder was meant: a usage error (exit 2), said before any work
    assert result.exit_code == 2 and "-o out: that is a file, not a folder" in result.stderr
    assert "Traceback" not in result.output
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
    result = build(project, "papers/p.md", "--to", "odt")
    assert result.exit_code == 2 and "Error: unknown output format odt; choose from docx, html, pdf" in result.stderr


def test_stale_written_label_in_paper(project: Path) -> None:
    line = edit_paper(project, "{xref}`art-information-exchange`", "{xref}`9 <art-information-exchange>`")
    assert_fails(build(project), project, f"papers/p.md:{line}", "xref.label-stale", "written '9'", "now 8")


def test_warnings_fail_only_a_strict_build(project: Path) -> None:
    article = project / "code_text" / "article-02.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace(":::::\n", ":::{paragraph} a-brand-new-paragraph\nNew text.\n:::\n:::::\n", 1), encoding="utf-8"
    )
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
    assert '<p id="first-paragraph-of-report"><span class="num">1. </span>' in (project / "out" / "p.html").read_text(
        encoding="utf-8"
    )
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


# ------------------------------------------------------------------------------ outputs: checked, then all or none


def test_a_folder_where_an_output_file_goes_builds_nothing(project: Path) -> None:
    (project / "out" / "p.html").mkdir(parents=True)
    result = build(project)
    assert result.exit_code == 1, result.output
    assert "out/p.html: error: cannot write out/p.html: a folder" in result.stderr and "[build.output]" in result.stderr
    assert "built 0 files; 1 error" in result.stderr
    assert [p.name for p in (project / "out").iterdir()] == ["p.html"], "not even the DOCX"


def test_a_write_that_fails_is_an_error_and_leaves_no_output(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from drafttools import fsutil

    real = fsutil.tempfile.mkstemp

    def full_disk(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(
            ".p.html."
        ):  # the second output: the first is already staged in full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", full_disk)
    result = build(project)
    assert result.exit_code == 1, result.output
    assert (
        "out/p.html: error: cannot write" in result.stderr and "No space left on device [build.output]" in result.stderr
    )
    assert "built 0 files; 1 error" in result.stderr
    assert not any((project / "out").iterdir()), "all or none: no output, no temporary file"


def test_a_paper_named_twice_is_built_once(project: Path) -> None:
    result = build(project, "papers/p.md", "papers/../papers/p.md")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["out/p.docx", "out/p.html"] and "built 2 files; 0 errors" in result.stderr


def test_two_papers_with_one_file_name_build_nothing(project: Path) -> None:
    (project / "drafts").mkdir()
    shutil.copy(project / "papers" / "p.md", project / "drafts" / "p.md")
    result = build(project, "papers/p.md", "drafts/p.md")
    assert_fails(
        result, project, "drafts/p.md", "build.output", "drafts/p.md and papers/p.md would both be built as p.*"
    )


def test_a_folder_of_papers_builds_every_paper_in_it(project: Path) -> None:
    shutil.copy(project / "papers" / "p.md", project / "papers" / "q.md")
    result = build(project, "papers")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "out").iterdir()) == ["p.docx", "p.html", "q.docx", "q.html"]


def test_a_folder_holding_no_papers(project: Path) -> None:
    (project / "drafts").mkdir()
    assert_fails(build(project, "drafts"), project, "drafts", "paper.missing", "a folder holding no papers")


# ------------------------------------------------------------------------ input that used to stop with a traceback


@pytest.mark.parametrize("date", ["2008-13-45", "2008-02-30"])
def test_a_date_no_calendar_has(project: Path, date: str) -> None:
    line = edit_paper(project, "date: 2008-12-04", f"date: {date}")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", f"'{date}' is not a date")


def test_a_value_its_yaml_tag_cannot_hold(project: Path) -> None:
    line = edit_paper(project, "session: 999th session", "session: !!int x")
    assert_fails(build(project), project, f"papers/p.md:{line}", "paper.front-matter", "not valid YAML")


def test_unknown_version_with_a_manifest_whose_instrument_is_not_a_table(project: Path) -> None:
    manifest = project / "code_text" / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("[instrument]", 'instrument = "x"\n[other]'), encoding="utf-8"
    )
    line = edit_paper(project, "annex: code_text", "annex: zzz")
    assert_fails(build(project), project, f"papers/p.md:{line}", "build.version", "'zzz'")


def test_a_reference_docx_that_is_no_word_package(project: Path) -> None:
    (project / "annex_templates" / "executive-board" / "reference.docx").write_bytes(b"junk")
    assert_fails(
        build(project),
        project,
        "annex_templates/executive-board/reference.docx",
        "template.syntax",
        "not a Word package",
    )


# ------------------------------------------------------------------------------------- version names, one meaning


def test_annex_is_a_version_name_never_a_path(project: Path) -> None:
    line = edit_paper(project, "annex: code_text", f"annex: {project / 'code_text'}")
    assert_fails(build(project), project, f"papers/p.md:{line}", "build.version", "names no version")


def test_annex_current_is_the_working_text_even_beside_a_folder_of_that_name(project: Path) -> None:
    shutil.copytree(project / "code_text", project / "versions" / "current")
    article = project / "versions" / "current" / "article-08.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("{xref}`data-to-secretariat`", "{xref}`data-to-nowhere`", 1),
        encoding="utf-8",
    )
    edit_paper(project, "annex: code_text", "annex: current")
    assert build(project).exit_code == 0, "versions/current is never read: 'current' is the working text"


def test_known_versions_are_listed_once_each(project: Path) -> None:
    shutil.copytree(
        project / "code_text", project / "versions" / "2009-09-SEARO-RC62"
    )  # also the working text's version
    line = edit_paper(project, "annex: code_text", "annex: zzz")
    result = build(project)
    assert_fails(
        result, project, f"papers/p.md:{line}", "build.version", "known: code_text, current, 2009-09-SEARO-RC62 ["
    )
    assert result.stderr.count("2009-09-SEARO-RC62") == 1


def test_pdf_without_libreoffice(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No soffice on PATH: a located error naming what to install, not a traceback; the DOCX and HTML asked for
    alongside are not written either."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = build(project, "papers/p.md", "--to", "docx,html,pdf")
    assert_fails(
        result, project, "papers/p.md", "build.libreoffice", "not installed or not on PATH", "fix: install LibreOffice"
    )


def test_pdf_without_libreoffice_is_no_matter_without_pdf(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert build(project).exit_code == 0


FAILING_SOFFICE = """#!/bin/sh
# LibreOffice failing half-way: a truncated PDF in its output folder, its message on stderr, exit 1.
while [ $# -gt 0 ]; do [ "$1" = --outdir ] && out=$2; shift; done
mkdir -p "$out" && printf '%%PDF-1.6\\n1 0 obj' > "$out/p.pdf"
echo "Error: source file could not be loaded" >&2
exit 1
"""


def test_a_failed_pdf_conversion(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice's own message, exit 1, and no file: not the half-written PDF, nor the DOCX and HTML.  (A real
    LibreOffice refusing a document: tests/test_build_pdf.py.)"""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "soffice").write_text(FAILING_SOFFICE, encoding="utf-8")
    (bin_ / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}:/usr/bin:/bin")
    result = build(project, "papers/p.md", "--to", "pdf,docx,html")
    assert_fails(result, project, "papers/p.md", "build.pdf", "Error: source file could not be loaded")
