"""Worker processes die with their parent (issue 18, item 1): a `check` or `build` SIGKILLed once its workers
exist (the parse pool, the background DOCX renderer) leaves no process of its group running, and so does any
process that calls ``workers.die_with_parent`` as it starts.

The project is the benchmarks' generated instrument of 10,000 paragraphs (about 1,180 articles), the size the
issue names, well above those at which drafttools forks (``parse.PARALLEL_FROM_FILES`` files to parse,
``build.BACKGROUND_FROM_ARTICLES`` articles to render).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafttools.api.build import BACKGROUND_FROM_ARTICLES
from drafttools.source.parse import PARALLEL_FROM_FILES

from . import killing
from .conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project of 10,000 paragraphs, with a paper annexing its code text."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # dataclasses look their module up while the class is made
    spec.loader.exec_module(generator)
    root = tmp_path_factory.mktemp("large")
    generator.generate(10_000, root / "gen")
    shutil.move(root / "gen" / "v1" / "code_text", root / "code_text")
    shutil.rmtree(root / "gen")
    assert len(list((root / "code_text").glob("article-*.md"))) >= max(BACKGROUND_FROM_ARTICLES, PARALLEL_FROM_FILES)
    shutil.copytree(ROOT / "annex_templates", root / "annex_templates")
    (root / "papers").mkdir()
    (root / "papers" / "code.md").write_text("---\ndocument_type: code\nlanguage: en\nannex: code_text\n---\n")
    (root / "pyproject.toml").write_text('[tool.drafttools]\nsource = "code_text"\nbuild = "build"\n')
    return root


def _killed_once_workers_exist(argv: list[str], project: Path, cache: bool = True) -> tuple[list[int], list[int]]:
    """Run the command, SIGKILL it as soon as it has a child process; (its children then, what is left after)."""
    proc = killing.start(argv, project, cache)
    seen: list[int] = []

    def forked() -> bool:
        seen[:] = killing.children(proc.pid)
        return bool(seen)

    assert killing.wait_for(forked, proc), "the command ended without starting a worker"
    return seen, killing.kill(proc)


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--fix"],
        ["ids"],
        ["snapshot", "2011-frozen"],
        ["diff", "code_text", "code_text", "--format", "docx", "-o", "out/redline.docx"],
    ],
    ids=" ".join,
)
def test_a_killed_parse_leaves_no_worker(argv: list[str], large: Path) -> None:
    workers, left = _killed_once_workers_exist(argv, large, cache=False)  # so that every file is parsed
    assert workers and left == [], f"workers {workers}; still running: {left}"


def test_a_killed_build_leaves_no_renderer(large: Path) -> None:
    # every file's parse cached first, so that the build's only child is its background DOCX renderer
    assert killing.run(["check"], large).returncode in (0, 1)
    workers, left = _killed_once_workers_exist(["build", "papers/code.md", "-o", "out"], large)
    assert len(workers) == 1 and left == [], f"workers {workers}; still running: {left}"
    assert not (large / "out").exists()


# A parent that forks a worker, says which, and sleeps; the worker says it is ready, then sleeps too (it would
# outlive a killed parent by a minute but for ``die_with_parent``).  With an argument, the worker is told a parent
# that is not its own: one that died before the worker could ask for the signal.
FORKING = """
import os, sys, time
from drafttools.workers import die_with_parent
parent = os.getpid() if len(sys.argv) < 2 else int(sys.argv[1])
child = os.fork()
if child == 0:
    die_with_parent(parent)
    os.write(1, b"ready\\n")  # one write each: two processes share the pipe, and print() may split a line
    time.sleep(60)
    os._exit(0)
os.write(1, f"forked {child}\\n".encode())
time.sleep(60)
"""


def _forking(*argv: str) -> tuple[subprocess.Popen[bytes], int, bool]:
    """The forking program started; (it, its worker's PID, whether the worker said "ready" before the parent
    said "forked": the two race for the pipe)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", FORKING, *argv],
        env=killing.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert proc.stdout is not None
    ready = False
    while not (line := proc.stdout.readline()).startswith(b"forked"):
        assert line, "the program ended before it forked"
        ready = ready or line == b"ready\n"
    return proc, int(line.split()[1]), ready


def _running(pid: int) -> bool:
    return any(p.pid == pid for p in killing.processes())


def test_a_worker_dies_with_its_parent() -> None:
    proc, worker, ready = _forking()
    assert proc.stdout is not None
    try:
        assert (ready or proc.stdout.readline() == b"ready\n") and _running(worker)
    finally:
        proc.stdout.close()
        left = killing.kill(proc)
    assert left == [] and not _running(worker)


def test_a_worker_whose_parent_died_before_it_asked_ends_at_once() -> None:
    proc, worker, _ = _forking(str(os.getpid()))  # not the worker's parent: as if its parent had died already
    assert proc.stdout is not None
    try:
        deadline = time.monotonic() + killing.GONE_WITHIN
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _running(worker)  # it ended at once (a zombie its sleeping parent has not reaped)
    finally:
        proc.stdout.close()
        killing.kill(proc)
