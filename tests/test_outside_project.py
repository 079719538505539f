"""Stay inside the project (issue 17, item 4): a source, ledger, profile, paper or template that leads outside the
project, through a symbolic link or '..', is refused at a located error (source.outside) and never read: its text
is in no diagnostic and no output.  ``[tool.drafttools] allow_outside = true`` allows it; a link that stays inside
the project is fine."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.config import settings
from tests.builders import article, code_text

SECRET = "Zanzibar-kept-secret"  # the text of the file outside: it must never show
OUTSIDE_ARTICLE = article("art-secret", "Secret", "secret-paragraph", f"The {SECRET} paragraph.")
FIX = "allow_outside = true"


def run(project: Path, *argv: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(argv))


def assert_refused(result: Result, where: str, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"{where}: error:" in result.stderr and "[source.outside]" in result.stderr, result.stderr
    assert "outside the project" in result.stderr and FIX in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert SECRET not in result.output and "root:x:0:0" not in result.output
    assert "Traceback" not in result.output


def no_outputs(project: Path) -> None:
    out = project / "out"
    assert not out.exists() or not any(out.iterdir())


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the project (which is tmp_path/project), holding a valid article."""
    path = tmp_path / "elsewhere" / "article-99.md"
    path.parent.mkdir()
    path.write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    return path


def list_article(project: Path, name: str) -> int:
    """Add ``name`` to the manifest's articles; the line it is named at."""
    manifest = project / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    assert '"article-11.md"' in text
    text = text.replace('"article-11.md"', f'"article-11.md", "{name}"', 1)
    manifest.write_text(text, encoding="utf-8")
    return text[: text.index(f'"{name}"')].count("\n") + 1


def allow_outside(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "allow_outside = true\n", encoding="utf-8")
    settings.cache_clear()  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ code text


def test_an_article_linked_to_etc_passwd_is_refused_unread(shipped_project: Path) -> None:
    os.symlink("/etc/passwd", shipped_project / "code_text" / "article-99.md")
    line = list_article(shipped_project, "article-99.md")
    result = run(shipped_project, "check")
    assert_refused(result, f"code_text/manifest.toml:{line}", "code_text/article-99.md is a link to /etc/passwd")
    build = run(shipped_project, "build", "-o", "out")
    assert_refused(build, f"code_text/manifest.toml:{line}")
    no_outputs(shipped_project)


def test_an_article_linked_outside_is_never_built_into_a_paper(shipped_project: Path, secret: Path) -> None:
    os.symlink(secret, shipped_project / "code_text" / "article-99.md")
    line = list_article(shipped_project, "article-99.md")
    for argv in (["build", "papers/code.md", "-o", "out"], ["ids"], ["snapshot", "frozen"]):
        assert_refused(run(shipped_project, *argv), f"code_text/manifest.toml:{line}", str(secret))
    no_outputs(shipped_project)
    assert not (shipped_project / "versions" / "frozen").exists()
    checked = run(shipped_project, "check", "--format", "json")
    assert checked.exit_code == 1 and SECRET not in checked.output
    found = [d for d in json.loads(checked.stdout)["diagnostics"] if d["code"] == "source.outside"]
    assert [(d["path"], d["line"], d["severity"]) for d in found] == [("code_text/manifest.toml", line, "error")]
    assert SECRET not in (shipped_project / "code_text" / "id-ledger.tsv").read_text(encoding="utf-8")


def test_allow_outside_reads_it(shipped_project: Path, secret: Path) -> None:
    os.symlink(secret, shipped_project / "code_text" / "article-99.md")
    list_article(shipped_project, "article-99.md")
    allow_outside(shipped_project)
    try:
        result = run(shipped_project, "build", "papers/code.md", "--to", "html", "-o", "out")
        assert result.exit_code == 0, result.output
        assert SECRET in (shipped_project / "out" / "code.html").read_text(encoding="utf-8")
    finally:
        settings.cache_clear()  # type: ignore[attr-defined]


def test_a_link_that_stays_inside_the_project_is_fine(shipped_project: Path) -> None:
    shared = shipped_project / "shared"
    shared.mkdir()
    (shared / "article-99.md").write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    os.symlink("../shared/article-99.md", shipped_project / "code_text" / "article-99.md")
    list_article(shipped_project, "article-99.md")
    result = run(shipped_project, "build", "papers/code.md", "--to", "html", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "source.outside" not in result.output
    assert SECRET in (shipped_project / "out" / "code.html").read_text(encoding="utf-8")


def test_the_manifest_itself_linked_outside(shipped_project: Path, tmp_path: Path) -> None:
    manifest = shipped_project / "code_text" / "manifest.toml"
    moved = tmp_path / "elsewhere.toml"
    manifest.rename(moved)
    os.symlink(moved, manifest)
    result = run(shipped_project, "check")
    assert_refused(result, "code_text/manifest.toml", "code_text/manifest.toml is a link to")


def test_the_code_text_folder_linked_outside(shipped_project: Path, tmp_path: Path) -> None:
    folder = shipped_project / "code_text"
    folder.rename(tmp_path / "moved")
    os.symlink(tmp_path / "moved", folder)
    assert_refused(run(shipped_project, "check"), "code_text", "code_text is a link to")


def test_the_ledger_linked_outside(shipped_project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ledger.tsv"
    outside.write_text(f"{SECRET}\tnot a ledger line\n", encoding="utf-8")
    ledger = shipped_project / "code_text" / "id-ledger.tsv"
    ledger.unlink()
    os.symlink(outside, ledger)
    check = run(shipped_project, "check")
    assert_refused(check, "code_text/id-ledger.tsv", "is a link to")
    assert "id.unrecorded" not in check.output  # the refused ledger is not taken for an empty one
    assert_refused(run(shipped_project, "ids"), "code_text/id-ledger.tsv")
    assert ledger.is_symlink() and outside.read_text(encoding="utf-8").startswith(SECRET)  # nothing written


def test_a_profile_outside(shipped_project: Path, tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(f"# {SECRET}\n", encoding="utf-8")
    manifest = shipped_project / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("[instrument]\n", '[instrument]\nprofile = "../../mine.toml"\n', 1)
    manifest.write_text(text, encoding="utf-8")
    line = text.split("mine.toml")[0].count("\n") + 1
    assert_refused(run(shipped_project, "check"), f"code_text/manifest.toml:{line}", "../../mine.toml leads to")


def test_a_frozen_version_with_a_file_outside(shipped_project: Path, secret: Path) -> None:
    version = shipped_project / "versions" / "2010-illustrative-revision"
    os.symlink(secret, version / "article-99.md")
    manifest = version / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    name = sorted(p.name for p in version.glob("article-*.md") if not p.is_symlink())[-1]
    manifest.write_text(text.replace(f'"{name}"', f'"{name}", "article-99.md"', 1), encoding="utf-8")
    line = manifest.read_text(encoding="utf-8").split("article-99.md")[0].count("\n") + 1
    result = run(shipped_project, "diff", "2009-09-SEARO-RC62", "2010-illustrative-revision")
    assert_refused(result, f"versions/2010-illustrative-revision/manifest.toml:{line}", "article-99.md is a link to")


def test_without_a_pyproject_the_code_text_folder_is_the_project(tmp_path: Path, secret: Path) -> None:
    folder = code_text(tmp_path / "ct", {"article-01.md": article()}, listed=["article-01.md", "article-99.md"])
    os.symlink(secret, folder / "article-99.md")
    assert_refused(run(tmp_path, "check", "ct"), "ct/manifest.toml:6", "ct/article-99.md is a link to")


# ---------------------------------------------------------------------------------------- papers, templates


def test_a_paper_linked_outside(shipped_project: Path, tmp_path: Path) -> None:
    paper = tmp_path / "paper.md"
    paper.write_text((shipped_project / "papers" / "code.md").read_text(encoding="utf-8") + f"\n{SECRET}\n")
    os.symlink(paper, shipped_project / "papers" / "linked.md")
    result = run(shipped_project, "build", "papers/linked.md", "-o", "out")
    assert_refused(result, "papers/linked.md", "papers/linked.md is a link to")
    no_outputs(shipped_project)
    result = run(shipped_project, "build", "papers/../../paper.md", "-o", "out")
    assert_refused(result, "papers/../../paper.md", "leads to")
    no_outputs(shipped_project)


@pytest.mark.parametrize(
    "name", ["_base/page.html.j2", "code/paper.html.j2", "code/template.toml", "code/reference.docx"]
)
def test_a_template_linked_outside(shipped_project: Path, tmp_path: Path, name: str) -> None:
    template = shipped_project / "annex_templates" / name
    moved = tmp_path / "moved" / name
    moved.parent.mkdir(parents=True)
    template.rename(moved)
    os.symlink(moved, template)
    result = run(shipped_project, "build", "papers/code.md", "-o", "out")
    assert_refused(result, f"annex_templates/{name}", "is a link to")
    no_outputs(shipped_project)
