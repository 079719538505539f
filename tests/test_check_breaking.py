"""Breaking the shipped text makes `drafttools check` exit 1 with the right code and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from drafttools.cli.main import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def findings(path: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    result = run("check", str(path), "--format", "json", *extra)
    payload = json.loads(result.stdout)
    return result.exit_code, [d for d in payload["diagnostics"] if d["severity"] != "info"]


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the 1-based line where it stood."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def test_shipped_text_checks_clean(code_copy: Path) -> None:
    code, found = findings(code_copy, "--strict")
    assert (code, found) == (0, [])


def test_renaming_an_id_breaks_the_references_to_it(code_copy: Path) -> None:
    article = code_copy / "article-08.md"
    edit(article, ":::{paragraph} designated-national-authority", ":::{paragraph} national-authority")
    code, found = findings(code_copy)
    assert code == 1
    unknown = [(d["path"], d["line"]) for d in found if d["code"] == "xref.unknown-id"]
    assert (
        str(code_copy / "article-08.md"),
        line_of(article, "paragraph {xref}`designated-national-authority` above"),
    ) in [(str(Path(p).resolve()), n) for p, n in unknown]
    assert any(Path(p).name == "article-10.md" for p, _ in unknown)


def test_deleting_item_c_breaks_the_reference_in_8_3(code_copy: Path) -> None:
    article = code_copy / "article-08.md"
    text = article.read_text(encoding="utf-8")
    text = re.sub(r":::\{item\} data-to-secretariat\n.*?\n:::\n", "", text, flags=re.DOTALL)
    article.write_text(text, encoding="utf-8")
    code, found = findings(code_copy)
    assert code == 1
    assert [(d["code"], d["line"]) for d in found] == [
        ("xref.unknown-id", line_of(article, "{xref}`data-to-secretariat`"))
    ]
    assert "data-to-secretariat" in found[0]["message"]


def test_above_changed_to_below_in_8_4(code_copy: Path) -> None:
    article = code_copy / "article-08.md"
    line = edit(
        article,
        "{xref}`designated-national-authority` above shall",
        "{xref}`designated-national-authority` below shall",
    )
    code, found = findings(code_copy)
    assert code == 1
    assert [(d["code"], d["line"]) for d in found] == [("xref.direction", line)]
    assert "8.3 stands above, not below" in found[0]["message"]
    assert found[0]["fix"] == "write 'above'"


def test_typing_article_10_4_in_8_3(code_copy: Path) -> None:
    article = code_copy / "article-08.md"
    line = edit(article, "Article {xref}`periodic-reporting`.", "Article 10.4.")
    code, found = findings(code_copy)
    assert code == 1
    # 10.4 exists in the 2009 draft: the typed reference resolves, but it is not linked, so it would not follow
    # a renumbering: an error that `check --fix` mends...
    assert [(d["code"], d["line"]) for d in found] == [("xref.untagged", line)]
    assert (
        "'periodic-reporting'" not in found[0]["message"]
        and "10.4 is 'observations-by-nongovernmental-bodies'" in found[0]["message"]
    )
    edit(article, "Article 10.4.", "Article 10.9.")
    code, found = findings(code_copy)
    # ...while one naming nothing cannot be mended
    assert code == 1 and [(d["code"], d["line"]) for d in found] == [("xref.unresolved", line)]
    assert '"Article 10.9" in paragraph 8.3' in found[0]["message"]


def test_strict_makes_a_warning_a_finding(code_copy: Path) -> None:
    edit(code_copy / "article-08.md", "{paragraph} register-of-authorities", "{paragraph} para-8-4")
    code, found = findings(code_copy)
    assert code == 0 and sorted(d["code"] for d in found) == ["id.number-like", "id.unrecorded"]
    assert run("check", str(code_copy)).exit_code == 0
    assert run("check", str(code_copy), "--strict").exit_code == 1


def test_an_unclosed_bracket(code_copy: Path) -> None:
    article = code_copy / "article-10.md"
    edit(article, "decided by that body]", "decided by that body")
    code, found = findings(code_copy)
    assert code == 1
    assert [(d["code"], d["line"]) for d in found] == [("bracket.unbalanced", line_of(article, "[at a frequency"))]
    assert "'[' never closed in paragraph 10.2" in found[0]["message"]


def test_human_output_names_file_line_and_code_on_stderr(code_copy: Path) -> None:
    article = code_copy / "article-08.md"
    line = edit(
        article,
        "{xref}`designated-national-authority` above shall",
        "{xref}`designated-national-authority` below shall",
    )
    result = CliRunner().invoke(main, ["check", str(code_copy)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"article-08.md:{line}: error: " in result.stderr and "[xref.direction]" in result.stderr
    assert "fix: write 'above'" in result.stderr
