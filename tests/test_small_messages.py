"""Small messages that read wrongly (issue 17, item 7): "a Executive Board document needs 'symbol'", a template's
undefined name quoted as "''no_such_field' is undefined'", and the plain text of our own code.docx read with the
masthead table's rule ("-----") as the instrument's title."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.diagnostics import a_or_an
from drafttools.importer import import_draft
from drafttools.importer.usecase import Places

from .clients import pandoc_text


def run(project: Path, *argv: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(argv))


def drop_front_matter_field(paper: Path, name: str) -> int:
    """Remove ``name: ...`` from the paper's front matter; the line of its document_type."""
    text = paper.read_text(encoding="utf-8")
    text = re.sub(rf"^{name}:.*\n", "", text, count=1, flags=re.MULTILINE)
    paper.write_text(text, encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("document_type:"))


# ----------------------------------------------------------------------------------------------------- a/an


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Executive Board document", "an Executive Board document"),
        ("Regional Committee document", "a Regional Committee document"),
        ("Code text", "a Code text"),
        ("item", "an item"),
        ("article", "an article"),
        ("paragraph", "a paragraph"),
        ("Article", "an Article"),
        ("unit", "a unit"),
        ("European act", "a European act"),
        ("hour", "an hour"),
        ("EU regulation", "an EU regulation"),
        ("RC paper", "an RC paper"),
        ("WHO paper", "a WHO paper"),
        ("enumerated list", "an enumerated list"),
    ],
)
def test_a_or_an(phrase: str, expected: str) -> None:
    assert a_or_an(phrase) == expected


def test_an_executive_board_document_needs_its_symbol(shipped_project: Path) -> None:
    paper = next(
        p
        for p in (shipped_project / "papers").glob("*.md")
        if "document_type: executive-board" in p.read_text(encoding="utf-8")
    )
    line = drop_front_matter_field(paper, "symbol")
    result = run(shipped_project, "build", f"papers/{paper.name}", "-o", "out")
    assert result.exit_code == 1, result.output
    assert (
        f"papers/{paper.name}:{line}: error: an Executive Board document needs 'symbol' in its front matter"
        in result.stderr
    )
    assert "a Executive" not in result.output


def test_a_regional_committee_document_needs_its_symbol(shipped_project: Path) -> None:
    paper = next(
        p
        for p in (shipped_project / "papers").glob("*.md")
        if "document_type: regional-committee" in p.read_text(encoding="utf-8")
    )
    drop_front_matter_field(paper, "symbol")
    result = run(shipped_project, "build", f"papers/{paper.name}", "-o", "out")
    assert result.exit_code == 1 and "a Regional Committee document needs 'symbol'" in result.stderr, result.output


# ------------------------------------------------------------------------------------------ undefined field


def test_a_name_the_template_is_not_given(shipped_project: Path) -> None:
    template = shipped_project / "annex_templates" / "code" / "paper.html.j2"
    text = template.read_text(encoding="utf-8")
    assert "{{ annex.date }}" in text
    text = text.replace("{{ annex.date }}", "{{ no_such_field }}", 1)
    template.write_text(text, encoding="utf-8")
    line = next(n for n, line in enumerate(text.splitlines(), 1) if "no_such_field" in line)
    result = run(shipped_project, "build", "papers/code.md", "--to", "html", "-o", "out")
    assert result.exit_code == 1, result.output
    where = "annex_templates/code/paper.html.j2"
    assert (
        f"{where}:{line}: error: template {where} uses the field 'no_such_field', which is not defined" in result.stderr
    )
    assert "''" not in result.stderr and "is undefined'" not in result.stderr
    assert "write paper.no_such_field for a front-matter field" in result.stderr
    assert not (shipped_project / "out").exists() or not any((shipped_project / "out").iterdir())


def test_a_front_matter_field_the_paper_lacks_still_names_the_paper(shipped_project: Path) -> None:
    template = shipped_project / "annex_templates" / "code" / "paper.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{{ annex.date }}", "{{ paper.committee }}", 1), encoding="utf-8"
    )
    result = run(shipped_project, "build", "papers/code.md", "--to", "html", "-o", "out")
    assert result.exit_code == 1, result.output
    assert (
        "papers/code.md:1: error: template annex_templates/code/paper.html.j2 uses the field 'committee', which "
        "papers/code.md does not give" in result.stderr
    )
    assert "fix: add 'committee: ...' to the front matter of papers/code.md" in result.stderr


# ---------------------------------------------------------------------------------------- code.docx as text


def test_the_plain_text_of_our_code_docx_keeps_its_title(shipped_project: Path, tmp_path: Path) -> None:
    built = run(shipped_project, "build", "papers/code.md", "--to", "docx", "-o", "out")
    assert built.exit_code == 0, built.output
    text = pandoc_text(shipped_project / "out" / "code.docx")
    assert re.search(r"^\s*-{10,}\s*$", text, re.MULTILINE), "pandoc draws the masthead table with rules"
    source = tmp_path / "code.txt"
    source.write_text(text, encoding="utf-8")
    places = Places(shipped_project / "code_text", shipped_project / "versions")
    with contextlib.chdir(shipped_project):
        result = import_draft(source, "from-text", dry_run=True, places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    instrument = result.instrument
    assert instrument is not None
    assert instrument.meta.title == "Draft WHO Code of Practice on the International Recruitment of Health Personnel"
    assert instrument.preamble == ()  # neither the rule nor the version line under the title
    front = [d for d in result.diagnostics if d.code == "import.front-matter"]
    assert len(front) == 1 and "'World Health Organization" in front[0].message
    assert not any("---" in d.message for d in result.diagnostics)
