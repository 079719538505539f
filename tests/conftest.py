"""Shared fixtures: the project root, the shipped code text, and a scratch copy of it to break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from drafttools.importer.usecase import Places

# In CI the property-based tests draw the same examples every run (a red main must mean a change broke
# something, not that a new random draw was made); locally they explore afresh each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
CODE_TEXT = ROOT / "code_text"
SEED = ROOT / "tests" / "data" / "seed-sea-rc62-working-paper.txt"  # copy of shared/seeds/000_d1f7137f79506c07.txt


@pytest.fixture
def places(tmp_path: Path) -> Places:
    """A scratch project (its own git repository, a copy of the shipped code text) to import into."""
    from .importing import make_project

    return make_project(tmp_path / "project")


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped code text, safe to edit."""
    target = tmp_path / "code_text"
    shutil.copytree(CODE_TEXT, target)
    return target


@pytest.fixture
def shipped_project(tmp_path: Path) -> Path:
    """A private project holding copies of the shipped code text, versions, resolutions, templates and papers."""
    root = tmp_path / "project"
    root.mkdir()
    for folder in ("code_text", "versions", "resolutions", "annex_templates", "papers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text(
        '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\nbuild = "build"\n', encoding="utf-8"
    )
    return root


@pytest.fixture(scope="session")
def shipped():
    from drafttools.source.parse import load

    loaded = load(CODE_TEXT)
    assert loaded.instrument is not None
    return loaded.instrument
