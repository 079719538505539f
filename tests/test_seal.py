"""A frozen version is sealed (source/seal.py): ``frozen.sha256`` records each file's SHA-256 when ``snapshot``,
``import --as NAME`` or ``review clean --as NAME`` freezes it, and every reading of it says what was edited,
removed or added since (``version.edited``, a warning: ``--strict`` refuses).  ``sha256sum -c`` reads the seal
too.  The working text is never checked against a seal."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings

from . import reviewing
from .conftest import ROOT

V = "versions/2009-09-SEARO-RC62"


def run(root: Path, *argv: str):
    settings.cache_clear()
    import contextlib

    with contextlib.chdir(root):
        return CliRunner().invoke(main, list(argv))


def test_the_shipped_versions_are_sealed_and_sha256sum_agrees() -> None:
    for folder in sorted((ROOT / "versions").iterdir()):
        done = subprocess.run(["sha256sum", "-c", "frozen.sha256"], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        listed = {line.split("  ", 1)[1] for line in (folder / "frozen.sha256").read_text().splitlines()}
        assert listed == {p.name for p in folder.iterdir()} - {"frozen.sha256"}


def test_snapshot_seals_and_an_edit_is_said_wherever_the_version_is_read(shipped_project: Path) -> None:
    project = shipped_project
    assert run(project, "snapshot", "2011-frozen").exit_code == 0
    frozen = project / "versions" / "2011-frozen"
    assert subprocess.run(["sha256sum", "-c", "--quiet", "frozen.sha256"], cwd=frozen).returncode == 0
    result = run(project, "check", "versions/2011-frozen")
    assert result.exit_code == 0 and "0 warnings" in result.stderr
    # a slip: a word changed in a frozen article, a file removed, one added
    article = frozen / "article-08.md"
    article.write_text(article.read_text(encoding="utf-8").replace("biennial", "triennial"), encoding="utf-8")
    (frozen / "article-11.md").unlink()
    (frozen / "notes.txt").write_text("a note\n", encoding="utf-8")
    result = run(project, "check", "versions/2011-frozen")
    assert "versions/2011-frozen/article-08.md: warning: article-08.md has been edited since it was frozen" in (
        result.stderr
    )
    assert "article-11.md was frozen here and is gone [version.edited]" in result.stderr
    assert "versions/2011-frozen/notes.txt: warning: notes.txt was added after it was frozen" in result.stderr
    assert "git checkout -- versions/2011-frozen" in result.stderr
    assert run(project, "check", "--strict", "versions/2011-frozen").exit_code == 1
    listed = run(project, "versions").stdout
    assert "EDITED SINCE FROZEN (3 file(s): drafttools check versions/2011-frozen)" in listed
    assert "2009-09-SEARO-RC62" in listed and listed.count("EDITED") == 1
    diffed = run(project, "diff", "2011-frozen", "code_text")
    assert "article-08.md has been edited since it was frozen [version.edited]" in diffed.stderr
    # put back as it was: quiet again
    shutil.rmtree(frozen)
    assert run(project, "snapshot", "2011-frozen").exit_code == 0
    assert "0 warnings" in run(project, "check", "versions/2011-frozen").stderr


def test_import_and_the_clean_text_seal_what_they_freeze(shipped_project: Path, tmp_path: Path) -> None:
    project = shipped_project
    text = tmp_path / "draft.txt"
    text.write_text((ROOT / "tests" / "data" / "seed-sea-rc62-working-paper.txt").read_text(encoding="utf-8"))
    imported = run(project, "import", str(text), "--as", "2011-imported", "--ids-from", "code_text")
    assert imported.exit_code in (0, 1), imported.output
    assert (project / "versions" / "2011-imported" / "frozen.sha256").is_file()
    reviewing.make(project)
    assert run(project, "review", "clean", "--as", "2011-clean", "--to", "html").exit_code == 0
    clean = project / "versions" / "2011-clean"
    assert subprocess.run(["sha256sum", "-c", "--quiet", "frozen.sha256"], cwd=clean).returncode == 0
    # the clean text's folder in build/ is not a frozen version: no seal
    assert run(project, "review", "clean", "--to", "html").exit_code == 0
    assert not (project / "build" / "review" / "clean-text" / "frozen.sha256").exists()


def test_the_working_text_is_never_checked_against_a_seal(shipped_project: Path) -> None:
    """Going on from a frozen text (its files put in place of code_text's), the seal that came with it is not a
    rule for the working text, which is meant to be edited."""
    project = shipped_project
    shutil.copy2(project / V / "frozen.sha256", project / "code_text" / "frozen.sha256")
    result = run(project, "check")
    assert result.exit_code == 0 and "version.edited" not in result.stderr
