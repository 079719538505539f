"""The ``drafttools`` console script is ``cli.run``: ``main`` as a whole process, exiting with the command's own
status and no traceback, even when Ctrl-C comes while the commands are still loading."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from .conftest import CODE_TEXT, ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from drafttools.cli import run; run()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_console_script_is_run() -> None:
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "drafttools"]
    assert script.value == "drafttools.cli:run"


# Ctrl-C while the commands load, made certain: the import of cli.main is interrupted as a SIGINT would
_INTERRUPTED = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "drafttools.cli.main":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
from drafttools.cli import run
run()
"""


def test_ctrl_c_while_the_commands_load_aborts_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED, "check"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert (done.returncode, done.stderr) == (1, "Aborted!\n")


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
