"""Helpers for the import tests: a scratch project (pyproject, code text, git) and the seed's Annex as text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from drafttools.importer.usecase import Places

from .conftest import CODE_TEXT, SEED

PYPROJECT = '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\n'


def git(root: Path, *argv: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *argv], cwd=root,
                          capture_output=True, text=True, check=True)
    return done.stdout


def make_project(root: Path) -> Places:
    """A project with a copy of the shipped code text, committed to its own git repository."""
    shutil.copytree(CODE_TEXT, root / "code_text")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "code text")
    return Places(root / "code_text", root / "versions")


def annex_text() -> str:
    """The seed working paper from the line ' Annex ' on: the draft code as typed in 2009."""
    seed = SEED.read_text(encoding="utf-8")
    return seed[seed.index("\n Annex \n") + 1 :]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.parts}
