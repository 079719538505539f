"""Small holes of issue 18 (item 7), each a located diagnostic now, on a fresh copy of the shipped project:
empty and unclosed {xref} roles, a self-reference with a direction, reserved version names, a versions/ that is a
file.  (A refused Jinja include at its own line: tests/test_template_sandbox.py.)"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.render import html
from drafttools.source.versions import WORKING

ARTICLE = "code_text/article-08.md"
PAPER = "papers/eb124-13.md"


def run(project: Path, *args: str) -> Result:
    settings.cache_clear()  # type: ignore[attr-defined]
    html._environment.cache_clear()
    with contextlib.chdir(project):
        return CliRunner().invoke(main, [*args])


def edit(project: Path, file: str, old: str, new: str) -> int:
    """Replace the first ``old`` in ``file``; returns the line it stands on."""
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------- {xref} empty or unclosed

# Paragraph 8.1 holds no backtick; the broken role stands on its third line (line counting within a paragraph).
LEAD = "of information exchange on international health personnel migration"
BROKEN = {
    "empty": "{xref}`` of information exchange",
    "empty, a space": "{xref}` ` of information exchange",
    "unclosed": "{xref}`designated-national-authority of information exchange",
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_xref_in_the_code_is_a_located_error(shipped_project: Path, broken: str) -> None:
    line = edit(shipped_project, ARTICLE, LEAD, broken + LEAD.removeprefix("of information exchange"))
    assert line == 6
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1, result.output
    assert f"{ARTICLE}:{line}: error:" in result.stderr and "[xref.malformed]" in result.stderr, result.stderr
    assert "[xref.unknown-id]" not in result.stderr  # one problem, said once
    assert_no_traceback(result)
    built = run(shipped_project, "build", PAPER, "-o", "out")
    assert built.exit_code == 1 and "[xref.malformed]" in built.stderr, built.output
    assert not (shipped_project / "out").exists(), "nothing built"


def test_an_unclosed_xref_that_swallows_a_later_one(shipped_project: Path) -> None:
    """The parser closes it at the next role's backtick: a target holding '{xref}' is the tell."""
    line = edit(
        shipped_project,
        ARTICLE,
        "A register of designated",
        "See {xref}`register-of-authorities. A register of designated",
    )
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 1
    assert f"{ARTICLE}:{line}: error: a {{xref}} role is never closed" in result.stderr, result.stderr
    assert "[xref.unknown-id]" not in result.stderr


@pytest.mark.parametrize("broken", ["{xref}``", "{xref}`art-objectives", "{xref}` `"])
def test_a_broken_xref_in_a_paper_is_a_located_error(shipped_project: Path, broken: str) -> None:
    line = edit(
        shipped_project, PAPER, "At various international forums", f"See {broken} at various international forums"
    )
    result = run(shipped_project, "build", PAPER, "-o", "out")
    assert result.exit_code == 1, result.output
    assert f"{PAPER}:{line}: error:" in result.stderr and "[xref.malformed]" in result.stderr, result.stderr
    assert_no_traceback(result)
    assert not (shipped_project / "out").exists()


def test_an_escaped_xref_is_text(shipped_project: Path) -> None:
    """'{xref}\\`ID\\`' is how the importer writes a draft that says '{xref}`ID`' in so many words."""
    edit(shipped_project, ARTICLE, LEAD, "{xref}\\`not-a-role\\` and {xref}\\`\\` " + LEAD)
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 0 and "xref." not in result.stderr, result.output


def test_a_literal_xref_in_a_paper_is_kept(shipped_project: Path) -> None:
    """Inline code showing the syntax is no broken role."""
    edit(
        shipped_project,
        PAPER,
        "At various international forums",
        "Write `{xref}` then an ID. At various international forums",
    )
    result = run(shipped_project, "build", PAPER, "--to", "html", "-o", "out")
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------- a self-reference with a direction

SELF = {
    "linked, above": ("paragraph {xref}`register-of-authorities` above", "cites itself"),
    "linked, below": ("paragraph {xref}`register-of-authorities` below", "cites itself"),
    "labelled, above": ("paragraph {xref}`8.4 <register-of-authorities>` above", "cites itself"),
    "its article, above": ("Article {xref}`art-information-exchange` above", "cites its own article"),
}


@pytest.mark.parametrize(("written", "says"), SELF.values(), ids=SELF.keys())
def test_a_self_reference_with_a_direction_is_a_located_warning(shipped_project: Path, written: str, says: str) -> None:
    line = edit(shipped_project, ARTICLE, "A register of designated", f"See {written}. A register of designated")
    result = run(shipped_project, "check", "--no-cache")
    assert result.exit_code == 0, result.output
    assert f"{ARTICLE}:{line}: warning:" in result.stderr and says in result.stderr and "[xref.self]" in result.stderr
    assert "[xref.direction]" not in result.stderr
    assert run(shipped_project, "check", "--strict").exit_code == 1


def test_a_plain_self_reference_with_a_direction_warns_too(shipped_project: Path) -> None:
    line = edit(
        shipped_project, ARTICLE, "A register of designated", "See paragraph 8.4 above. A register of designated"
    )
    result = run(shipped_project, "check", "--no-cache")
    assert f'{ARTICLE}:{line}: warning: "paragraph 8.4 above" in paragraph 8.4 cites itself' in result.stderr


# ------------------------------------------------------------------------------------ reserved version names

DRAFT = "Article 1 – One\n\n1. The text of a draft.\n"


def _draft(project: Path) -> Path:
    path = project / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", [n for n in WORKING if n != "code_text"])
def test_import_refuses_a_name_of_the_working_text(shipped_project: Path, name: str) -> None:
    before = sorted(p.name for p in (shipped_project / "versions").iterdir())
    result = run(shipped_project, "import", str(_draft(shipped_project)), "--as", name)
    assert result.exit_code == 2, result.output
    assert f"--as '{name}'" in result.stderr and "working text" in result.stderr
    assert sorted(p.name for p in (shipped_project / "versions").iterdir()) == before
    assert_no_traceback(result)


@pytest.mark.parametrize("name", WORKING)
def test_snapshot_refuses_a_name_of_the_working_text(shipped_project: Path, name: str) -> None:
    result = run(shipped_project, "snapshot", name)
    assert result.exit_code == 2 and "working text" in result.stderr, result.output
    assert not (shipped_project / "versions" / name).exists()


def test_import_as_code_text_is_still_the_working_text(shipped_project: Path) -> None:
    result = run(shipped_project, "import", str(_draft(shipped_project)), "--as", "code_text", "--dry-run")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------------------------ versions/ is a file


@pytest.fixture
def versions_a_file(shipped_project: Path) -> Path:
    versions = shipped_project / "versions"
    for folder in versions.iterdir():
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    versions.rmdir()
    versions.write_text("not a folder\n", encoding="utf-8")
    return shipped_project


@pytest.mark.parametrize("dry_run", [False, True])
def test_import_when_versions_is_a_file(versions_a_file: Path, dry_run: bool) -> None:
    project = versions_a_file
    result = run(project, "import", str(_draft(project)), "--as", "2010-05-new", *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1, result.output
    assert "versions: error: cannot import into versions/2010-05-new: versions is a file, not a folder" in result.stderr
    assert "[import.target]" in result.stderr and "FileExistsError" not in result.stderr
    assert_no_traceback(result)
    assert (project / "versions").read_text(encoding="utf-8") == "not a folder\n"


def test_import_when_versions_is_a_file_in_json(versions_a_file: Path) -> None:
    result = run(versions_a_file, "import", str(_draft(versions_a_file)), "--as", "v2", "--format", "json")
    assert result.exit_code == 1
    assert '"code": "import.target"' in result.stdout and '"path": "versions"' in result.stdout


def test_snapshot_when_versions_is_a_file(versions_a_file: Path) -> None:
    result = run(versions_a_file, "snapshot", "2010-05-new")
    assert result.exit_code == 1, result.output
    assert "versions is a file, not a folder" in result.stderr and "File exists" not in result.stderr
    assert (versions_a_file / "versions").read_text(encoding="utf-8") == "not a folder\n"


def test_an_import_dry_run_writes_nothing_in_the_project(
    shipped_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run links the references of the text it would write in a private folder: no lock file, no cache
    folder, nothing in versions/ (it once took the project's commit lock, making build/.cache/ to do so)."""
    from click.testing import CliRunner

    from drafttools.cli.main import main
    from drafttools.config import settings

    from .conftest import SEED

    monkeypatch.chdir(shipped_project)
    settings.cache_clear()
    before = sorted(p.relative_to(shipped_project) for p in shipped_project.rglob("*"))
    result = CliRunner().invoke(main, ["import", str(SEED), "--as", "2011-x", "--dry-run"])
    settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "reference(s) linked" in result.output and "would import" in result.output
    assert sorted(p.relative_to(shipped_project) for p in shipped_project.rglob("*")) == before
