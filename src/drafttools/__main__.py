"""`python -m drafttools`: the same as the `drafttools` command."""

from drafttools.cli.main import run

run()
