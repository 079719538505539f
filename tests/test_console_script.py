"""The ``drafttools`` console script is ``cli.run``: ``main`` as a whole process, which freezes the collector
when the command is done (a faster exit) and exits with the command's own status; ``main`` called in-process
(as these tests do everywhere else) leaves the collector alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from importlib.metadata import entry_points

from click.testing import CliRunner

from drafttools.cli.main import main

from .conftest import CODE_TEXT, ROOT

# Runs the console script's function in a fresh interpreter and reports, on its last stderr line, whether the
# collector was frozen when the process began to exit.
_PROCESS = (
    "import gc, sys\n"
    "from drafttools.cli.main import run\n"
    "try:\n"
    "    run()\n"
    "finally:\n"
    "    print(f'frozen={gc.get_freeze_count() > 0}', file=sys.stderr)\n"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _PROCESS, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_the_installed_console_script_is_run() -> None:
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "drafttools"]
    assert script.value == "drafttools.cli.main:run"


def test_a_clean_check_exits_0_with_the_collector_frozen() -> None:
    done = _run("check", "--no-cache", str(CODE_TEXT))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.rstrip().endswith("frozen=True")


def test_a_usage_error_still_exits_2_without_a_traceback() -> None:
    done = _run("check", str(ROOT / "no-such-folder"))
    assert done.returncode == 2, done.stderr
    assert "Error:" in done.stderr and "no-such-folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.rstrip().endswith("frozen=True")


def test_an_unknown_option_exits_2_from_click() -> None:
    done = _run("check", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr


def test_main_in_process_leaves_the_collector_alone() -> None:
    before = gc.get_freeze_count()
    result = CliRunner().invoke(main, ["check", "--no-cache", str(CODE_TEXT)])
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() == before
