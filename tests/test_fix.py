"""`drafttools check --fix`: plain-text references linked to IDs, atomically, touching no other byte."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.render import plain
from drafttools.source.parse import load

from .conftest import CODE_TEXT


def unlink_all(root: Path) -> None:
    """Turn every {xref} in a code text back into the plain text a legacy draft would carry."""
    instrument = load(root).instrument
    assert instrument is not None
    for path in sorted(root.glob("article-*.md")):
        text = path.read_text(encoding="utf-8")

        def label(match: re.Match[str]) -> str:
            return instrument.get(match.group(1)).label  # type: ignore[union-attr]

        path.write_text(re.sub(r"\{xref\}`([^`]+)`", label, text), encoding="utf-8")


def test_fix_turns_the_legacy_text_back_into_the_shipped_source(code_copy: Path) -> None:
    unlink_all(code_copy)
    # item (a) and (b) in 8.2(c) are written "(a)" and "(b)" in the legacy text, not "8.2(a)"
    text = (code_copy / "article-08.md").read_text(encoding="utf-8")
    (code_copy / "article-08.md").write_text(
        text.replace("paragraphs 8.2(a) and 8.2(b) above", "paragraphs (a) and (b) above"), encoding="utf-8"
    )
    before = CliRunner().invoke(main, ["check", str(code_copy)])
    assert before.exit_code == 1 and before.stderr.count("[xref.untagged]") == 10
    fixed = CliRunner().invoke(main, ["check", str(code_copy), "--fix"])
    assert fixed.exit_code == 0, fixed.stderr
    assert fixed.stderr.count("[xref.fixed]") == 8
    assert "linked: 'paragraph 8.2(c) above' -> 'paragraph {xref}`data-to-secretariat` above'" in fixed.stderr
    for path in sorted(CODE_TEXT.glob("*.md")):
        assert (code_copy / path.name).read_bytes() == path.read_bytes(), path.name


def test_fix_leaves_unresolvable_references_and_other_bytes_alone(tmp_path: Path, code_copy: Path) -> None:
    path = code_copy / "article-08.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Article {xref}`periodic-reporting`.", "Article 10.1 and\nparagraph 10.9.")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(code_copy), "--fix"])
    assert result.exit_code == 1
    assert "[xref.unresolved]" in result.stderr and "paragraph 10.9" in result.stderr
    after = path.read_text(encoding="utf-8")
    assert after == text.replace("Article 10.1 and", "Article {xref}`periodic-reporting` and")


def test_fix_handles_a_phrase_across_a_line_break_and_ranges(code_copy: Path) -> None:
    path = code_copy / "article-09.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "to give effect to the code.", "to give effect to the code and to paragraphs\n9.4 to 9.6 below."
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(code_copy), "--fix"])
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert "to paragraphs\n{xref}`shared-responsibilities` to {xref}`extent-possible-monitor-regulate` below." in after
    instrument = load(code_copy).instrument
    assert "paragraphs 9.4 to 9.6 below" in plain.render(instrument)


def test_check_without_fix_never_writes(code_copy: Path) -> None:
    unlink_all(code_copy)
    before = {p.name: p.read_bytes() for p in code_copy.iterdir()}
    CliRunner().invoke(main, ["check", str(code_copy)])
    assert {p.name: p.read_bytes() for p in code_copy.iterdir()} == before


def test_fix_after_a_multi_line_phrase_still_finds_later_references_and_stays_in_its_block(code_copy: Path) -> None:
    unlink_all(code_copy)
    path = code_copy / "article-08.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("paragraphs 8.2(a) and 8.2(b) above", "paragraphs 8.2\n(a) and 8.2\n(b) above")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(code_copy), "--fix"])
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert "paragraphs {xref}`database-of-laws` and {xref}`updated-national-data` above" in after.replace("\n", " ")
    assert "paragraph {xref}`data-to-secretariat` above and Article {xref}`periodic-reporting`" in after
    assert "paragraph {xref}`designated-national-authority` above shall" in after
    assert CliRunner().invoke(main, ["check", str(code_copy), "--strict"]).exit_code == 0
