"""The command line: click wiring only.  ``run`` is the ``drafttools`` console script (and ``python -m drafttools``):
it loads the commands (``cli.main``) and runs them as a whole process.  A Ctrl-C that comes while they are still
loading ends the run as one that comes later does ("Aborted!", exit 1), not with a traceback."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from drafttools.cli.main import run as run_commands
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        raise SystemExit(1) from None
    run_commands()
