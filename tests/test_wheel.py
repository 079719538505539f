"""drafttools as a user installs it: the sdist and the wheel built from this checkout, the wheel installed by pip
(its dependencies from the package registry) into a fresh virtual environment outside the repository, then, in
another folder outside it, the installed command run from nothing: new → ids → check → build (DOCX, HTML, PDF)
→ snapshot → an edit → diff, and ``python -m drafttools``.  Nothing here may read the repository: PYTHONPATH is
cleared, and the templates a new project gets must come from the installed package.

The wheel is built from the sdist (as ``python -m build`` does), itself built from a clean copy of the working
tree (a stale ``src/drafttools.egg-info`` would list files MANIFEST.in no longer names), so the sdist is proved
to carry what the wheel needs (MANIFEST.in: annex_templates/).  pip builds the wheel in an isolated environment
with the setuptools that pyproject.toml asks for, fetched from the registry; the install is a plain ``pip install
WHEEL``, the user's own command, never a --no-index install from the test's environment, which would prove only
what this machine has.  About 15 s, most of it the virtual environment and the install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafttools import __version__

from .clients import pandoc_text, pdf_text
from .conftest import ROOT

FIRST_WORDS = "The objective of this Code is to establish principles and practices to be applied by Member States."
TIMINGS: dict[str, float] = {}
# What a working copy holds that a clean checkout does not (.gitignore), and git's own folder.
LOCAL = (".git", ".venv", "build", "node_modules", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


def _env() -> dict[str, str]:
    """The caller's environment (PATH for pandoc and LibreOffice, pip's settings) without anything that would make
    Python or drafttools read the repository or this test run's settings."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP") and not k.startswith("DRAFTTOOLS_")
    }


def _run(step: str, argv: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    TIMINGS[step] = TIMINGS.get(step, 0.0) + time.monotonic() - started
    return done


def _outside_repository(path: Path) -> Path:
    assert not path.resolve().is_relative_to(ROOT), f"{path} lies inside the repository"
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding drafttools installed from the wheel built from this checkout."""
    dist = _outside_repository(tmp_path_factory.mktemp("dist"))
    checkout = _outside_repository(tmp_path_factory.mktemp("checkout")) / "drafttools"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*LOCAL))  # a clean checkout: no stale egg-info
    sdist = _run(
        "sdist",
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
            dist,
        ],
        checkout,
    )
    assert sdist.returncode == 0, sdist.stderr[-3000:]
    (archive,) = dist.glob("drafttools-*.tar.gz")
    wheel = _run("wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, archive], dist)
    assert wheel.returncode == 0, wheel.stdout[-3000:] + wheel.stderr[-3000:]
    (built,) = dist.glob("drafttools-*.whl")
    env = _outside_repository(tmp_path_factory.mktemp("venv")) / "venv"
    made = _run("venv", [sys.executable, "-m", "venv", env], dist)
    assert made.returncode == 0, made.stderr
    installed = _run("install", [env / "bin" / "python", "-m", "pip", "install", built], dist)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return env


def test_the_wheel_ships_the_templates_and_runs_from_nothing(venv: Path, tmp_path: Path) -> None:
    work = _outside_repository(tmp_path / "work")
    work.mkdir()
    python, drafttools = venv / "bin" / "python", venv / "bin" / "drafttools"

    where = _run(
        "where",
        [
            python,
            "-c",
            "import drafttools; from drafttools.papers import templates; print(drafttools.__file__); "
            "print(templates.shipped()); print(' '.join(templates.known(templates.shipped())))",
        ],
        work,
    )
    assert where.returncode == 0, where.stderr
    package, shipped, kinds = where.stdout.splitlines()
    assert Path(package).is_relative_to(venv) and Path(shipped) == Path(package).parent / "annex_templates"
    shipped_kinds = sorted(p.name for p in (ROOT / "annex_templates").iterdir() if p.is_dir() and p.name[0] not in "_.")
    assert kinds.split() == shipped_kinds  # every document type of the repository's folder, whatever they are

    new = _run("new", [drafttools, "new", "my-code"], work)
    assert new.returncode == 0, new.stderr
    project = work / "my-code"
    for name in shipped_kinds:
        assert (project / "papers" / f"{name}.md").is_file()
        assert (project / "annex_templates" / name / "reference.docx").read_bytes() == (
            ROOT / "annex_templates" / name / "reference.docx"
        ).read_bytes()

    ids = _run("ids", [drafttools, "ids"], project)
    assert ids.returncode == 0, ids.stderr
    checked = _run("check", [drafttools, "check"], project)
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr, checked.stderr
    built = _run("build", [drafttools, "build", "--to", "docx,html,pdf"], project, timeout=900)
    assert built.returncode == 0, built.stderr
    for name in shipped_kinds:
        for suffix in ("docx", "html", "pdf"):
            assert (project / "build" / f"{name}.{suffix}").stat().st_size > 0
    for name in shipped_kinds:  # each paper annexes the first article: in Word, in the PDF, in the page
        assert FIRST_WORDS in " ".join(pandoc_text(project / "build" / f"{name}.docx").split()), name
        assert FIRST_WORDS in " ".join(pdf_text(project / "build" / f"{name}.pdf").split()), name
        assert FIRST_WORDS in (project / "build" / f"{name}.html").read_text(encoding="utf-8"), name

    frozen = _run("snapshot", [drafttools, "snapshot", "v1"], project)
    assert frozen.returncode == 0 and (project / "versions" / "v1" / "manifest.toml").is_file(), frozen.stderr
    article = project / "code_text" / "article-01.md"
    article.write_text(article.read_text(encoding="utf-8").replace("cooperate with", "work with"), encoding="utf-8")
    diff = _run("diff", [drafttools, "diff", "v1", "code_text"], project)
    assert diff.returncode == 0, diff.stderr
    assert "1 modified" in diff.stdout and "[-cooperate-]{+work+} with one another" in diff.stdout, diff.stdout

    version = _run("python -m", [python, "-m", "drafttools", "--version"], work)
    assert version.returncode == 0 and version.stdout.strip() == f"drafttools, version {__version__}", version.stderr
    usage = _run("python -m", [python, "-m", "drafttools", "--help"], work)
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: python -m drafttools [OPTIONS] COMMAND"), usage
    print("wheel test timings (s):", {k: round(v, 1) for k, v in TIMINGS.items()})
