"""`python -m drafttools`: the same as the `drafttools` command (its usage line reads "python -m drafttools")."""

from drafttools.cli import run

if __name__ == "__main__":
    run()
