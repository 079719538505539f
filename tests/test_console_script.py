"""The ``drafttools`` console script is ``cli.run``: ``main`` as a whole process, exiting with the command's own
status and no traceback."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from .conftest import CODE_TEXT, ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from drafttools.cli.main import run; run()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_console_script_is_run() -> None:
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "drafttools"]
    assert script.value == "drafttools.cli.main:run"


def test_a_clean_check_exits_0() -> None:
    done = _run("check", "--no-cache", str(CODE_TEXT))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "0 errors, 0 warnings" in done.stderr


def test_a_usage_error_still_exits_2_without_a_traceback() -> None:
    done = _run("check", str(ROOT / "no-such-folder"))
    assert done.returncode == 2, done.stderr
    assert "Error:" in done.stderr and "no-such-folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_option_exits_2_from_click() -> None:
    done = _run("check", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
