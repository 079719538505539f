"""The command line for starting a project: ``new DIR`` (and ``init DIR``, the same command).  Wiring only.

``register(main)`` adds the commands to the ``drafttools`` group (``cli`` calls it when this module exists).
What was written goes to stderr, with the commands to run next; exit 0 fine, 1 when the files cannot be
written, 2 usage (a folder that exists and is not empty, an unknown profile).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from drafttools.cli.main import guarded
from drafttools.source.profiles import DEFAULT, ordered


@click.command("new")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(ordered()),
    default=DEFAULT,
    show_default=True,
    help="The shape of the instrument: its numbering profile (docs/profiles.md).",
)
@click.option("--title", default="Draft instrument", show_default=True, help="The instrument's title.")
@guarded
def new(folder: Path, profile: str, title: str) -> None:
    """Start a project in DIR (new, or empty): pyproject.toml, a code text with a first article in the profile's
    shape and its ID ledger, one paper of each document type drafttools ships, the templates and reference .docx
    files of annex_templates/, and a .gitignore.  Written whole or not at all."""
    from drafttools.api import new as api

    result = api.create(folder, profile, title)
    code = sorted(f for f in result.files if f.startswith(f"{api.SOURCE}/"))
    papers = sorted(f for f in result.files if f.startswith(f"{api.PAPERS}/"))
    click.echo(f"wrote {folder}/ (profile {result.profile}):", err=True)
    click.echo(f"  pyproject.toml, .gitignore; {', '.join(code)}", err=True)
    click.echo(f"  {', '.join(papers)}", err=True)
    click.echo(f"  annex_templates/: {', '.join(result.papers)} (templates and reference .docx)", err=True)
    click.echo(f"next: cd {shlex.quote(str(folder))} && drafttools check && drafttools build", err=True)


# ``init``: the same command under the name other tools give it (``git init``, ``sphinx-quickstart``).
init = click.Command(
    "init", params=new.params, callback=new.callback, help=new.help, short_help="The same as `new`: start a project."
)


def register(main: click.Group) -> None:
    main.add_command(new)
    main.add_command(init)
