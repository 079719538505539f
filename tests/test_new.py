"""``drafttools new DIR`` (and ``init``) from the source tree: a project in each shipped profile that ids, check
and build accept as written; every document type of annex_templates/ copied and given a paper; refusals (a
folder that is not empty, a file, an unknown profile) writing nothing; a failed write leaving nothing behind;
and ``python -m drafttools``.  The same run from a built wheel in a fresh virtual environment is
tests/test_wheel.py."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.papers import templates
from drafttools.source.profiles import shipped as shipped_profiles

from .conftest import ROOT

TEMPLATES = ROOT / "annex_templates"


def invoke(*args: str) -> Result:
    settings.cache_clear()  # type: ignore[attr-defined]
    return CliRunner().invoke(main, list(args))


def same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b, ignore=[])
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in compared.common_dirs)


def test_the_source_checkout_ships_the_repository_folder() -> None:
    assert templates.shipped() == TEMPLATES
    kinds = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    assert templates.known(templates.shipped()) == kinds and "code" in kinds and len(kinds) >= 3


@pytest.mark.parametrize("profile", shipped_profiles())
def test_a_new_project_checks_and_builds_as_written(
    profile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = invoke("new", "project", "--profile", profile, "--title", "Draft Agreement on Cooperation")
    assert done.exit_code == 0, done.output
    project = tmp_path / "project"
    assert "wrote project/" in done.stderr and f"profile {profile}" in done.stderr
    assert "[tool.drafttools]" in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "/build/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    manifest = (project / "code_text" / "manifest.toml").read_text(encoding="utf-8")
    assert 'title = "Draft Agreement on Cooperation"' in manifest
    assert (f'profile = "{profile}"' in manifest) == (profile != "who-code")
    article = (project / "code_text" / "article-01.md").read_text(encoding="utf-8")
    assert article.startswith(":::::{article} art-objective") and "{xref}`objective`" in article
    assert (project / "code_text" / "preamble.md").is_file()
    ledger = (project / "code_text" / "id-ledger.tsv").read_text(encoding="utf-8")
    assert "art-objective\tarticle\tactive" in ledger and "report-steps\t" in ledger
    # the whole annex_templates/ folder, byte for byte, and a paper for each document type in it
    assert same_tree(TEMPLATES, project / "annex_templates")
    kinds = templates.known(TEMPLATES)
    assert sorted(p.stem for p in (project / "papers").glob("*.md")) == kinds
    assert not [p for p in tmp_path.iterdir() if p.name != "project"], "a staging folder was left behind"

    monkeypatch.chdir(project)
    ids = invoke("ids")
    assert ids.exit_code == 0, ids.stderr
    assert "0 ID(s) given; 0 newly recorded; ledger unchanged" in ids.stderr
    checked = invoke("check")
    assert checked.exit_code == 0, checked.stderr
    assert "0 errors, 0 warnings" in checked.stderr
    assert "1 article" in checked.stderr and ("2 points" in checked.stderr or "2 items" in checked.stderr)
    built = invoke("build", "--to", "html")
    assert built.exit_code == 0, built.stderr
    assert sorted(p.stem for p in (project / "build").glob("*.html")) == kinds
    pages = {kind: (project / "build" / f"{kind}.html").read_text(encoding="utf-8") for kind in kinds}
    for html in pages.values():
        assert "The objective of this" in html and "to be applied by Member States" in html
    # the values only a drafter can give are placeholders, naming the field: printed, warned about at their line,
    # and refused by --strict
    warned = re.findall(
        r"papers/(\S+)\.md:\d+: warning: front-matter field '(\w+)' still holds a placeholder: "
        r"'\[to be completed: ([\w ]+)\]' \[paper\.placeholder\]",
        built.stderr,
    )
    assert len(warned) >= 2 and all(field.replace("_", " ") == named for _, field, named in warned), built.stderr
    for kind, _, named in warned:
        assert f"[to be completed: {named}]" in pages[kind]
    assert invoke("build", "--to", "html", "--strict").exit_code == 1


def test_the_first_article_is_numbered_as_its_profile_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for profile, wanted in (("who-code", "1.2"), ("treaty", "2."), ("eu", "2.")):
        assert invoke("new", profile, "--profile", profile).exit_code == 0
        monkeypatch.chdir(tmp_path / profile)
        built = invoke("build", "papers/code.md", "--to", "html")
        assert built.exit_code == 0, built.stderr
        html = (tmp_path / profile / "build" / "code.html").read_text(encoding="utf-8")
        assert wanted in html and "(a)" in html and "(b)" in html, (profile, html)
        monkeypatch.chdir(tmp_path)
    assert ":number: 2" in (tmp_path / "eu" / "code_text" / "article-01.md").read_text(encoding="utf-8")


def test_missing_parents_are_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = invoke("new", "drafts/2027/my code")
    assert done.exit_code == 0, done.output
    assert "next: cd 'drafts/2027/my code' && drafttools check" in done.stderr
    assert sorted(p.name for p in (tmp_path / "drafts" / "2027").iterdir()) == ["my code"]
    monkeypatch.chdir(tmp_path / "drafts" / "2027" / "my code")
    assert invoke("check").exit_code == 0


def test_an_empty_folder_is_used_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    done = invoke("init", ".")
    assert done.exit_code == 0, done.output
    assert (here / "pyproject.toml").is_file() and (here / "code_text" / "manifest.toml").is_file()
    assert Path.cwd() == here and os.path.samefile(".", here)  # the folder the shell stands in is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert invoke("check").exit_code == 0


def test_a_folder_that_is_not_empty_is_refused_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = invoke("new", "taken")
    assert done.exit_code == 2
    assert "Error: taken is not empty" in done.stderr and "nothing was written" in done.stderr
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    refused = invoke("new", "a-file")
    assert refused.exit_code == 2 and "exists and is not a folder" in refused.stderr
    assert invoke("new", "other", "--profile", "no-such").exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "taken"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    real = Path.write_text

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        if self.name == "article-01.md":
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full_disk)
    done = invoke("new", "project")
    assert done.exit_code == 1
    assert "cannot write project: No space left on device" in done.stderr and "Traceback" not in done.output
    assert list(tmp_path.iterdir()) == []


def test_a_staging_folder_of_a_killed_run_is_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f".project.new-{dead.stdout.strip()}-abc123"
    shutil.copytree(TEMPLATES, left)
    assert invoke("new", "project").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_python_m_drafttools(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    shown = subprocess.run(
        [sys.executable, "-m", "drafttools", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Usage: python -m drafttools [OPTIONS] COMMAND [ARGS]...")
    assert "  new " in shown.stdout and "  init " in shown.stdout
    version = subprocess.run(
        [sys.executable, "-m", "drafttools", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert version.returncode == 0 and version.stdout.strip() == "drafttools, version 0.1.0"
    usage = subprocess.run(
        [sys.executable, "-m", "drafttools", "new"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    assert usage.returncode == 2 and "Usage: python -m drafttools new [OPTIONS] DIR" in usage.stderr
