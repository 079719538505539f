"""``drafttools proposals`` and ``drafttools proposal ACTION``: wiring only; the work is in ``drafttools.review``
(``listing``, ``room``).

Reports and listings go to stdout, diagnostics to stderr.  Exit 0 fine, 1 refused or findings, 2 usage.
"""

from __future__ import annotations

import json
import sys

import click

from drafttools.cli.main import emit, guarded, out


@click.command()
@click.option("--from", "party", metavar="WHO", help="Only the proposals this party made (or joined as proponent).")
@click.option(
    "--status", metavar="STATUS", help="Only proposals with this status: open, accepted, rejected, merged, withdrawn."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: drafttools.proposals/1."
)
@guarded
def proposals(party: str | None, status: str | None, fmt: str) -> None:
    """List the proposals kept in the project (proposals/*.toml)."""
    from drafttools.config import settings
    from drafttools.review import listing

    config = settings()
    found = listing.list_proposals(config.proposals, config.source, party, status)
    emit(found.diagnostics, False)
    if fmt == "json":
        out(json.dumps(listing.as_json(found), indent=2, ensure_ascii=False))
    else:
        for line in listing.text_lines(found):
            out(line)
    sys.exit(found.exit_code())


@click.group()
def proposal() -> None:
    """Change a proposal's status, or who supports or objects to it (the Secretariat, in the room)."""


def _action(name: str, doc: str, with_into: bool = False, with_by: bool = False) -> None:
    @click.argument("ids", nargs=-1, required=True, metavar="ID...")
    @guarded
    def command(ids: tuple[str, ...], into: str | None = None, by: tuple[str, ...] = ()) -> None:
        from drafttools.config import settings
        from drafttools.review import room

        result = room.change(settings().proposals, name, ids, into=into, by=by)
        emit(result.diagnostics, False)
        for p in result.changed:
            extra = f" into {p.merged_into}" if p.merged_into else ""
            joined = f"; proponents {', '.join(p.proponents)}" if name == "merge" else ""
            people = f"; supporters {', '.join(p.supporters) or 'none'}, objectors {', '.join(p.objectors) or 'none'}"
            click.echo(f"{p.id}: {p.status}{extra}{people if name in ('support', 'object') else joined}", err=True)
        for pid in result.unchanged:
            click.echo(f"{pid}: unchanged (already so)", err=True)
        sys.exit(result.exit_code())

    command.__doc__ = doc
    if with_into:
        command = click.option("--into", required=True, metavar="ID", help="The proposal it is merged into.")(command)
    if with_by:
        command = click.option("--by", "by", multiple=True, required=True, metavar="WHO", help="Who (repeatable).")(
            command
        )
    proposal.command(name)(command)


_action("accept", "Mark proposals accepted.")
_action("reject", "Mark proposals rejected.")
_action("withdraw", "Mark proposals withdrawn (by their proponents).")
_action("reopen", "Open closed proposals again.")
_action("merge", "Merge proposals into another; their proponents join it.", with_into=True)
_action("support", "Record who supports proposals.", with_by=True)
_action("object", "Record who objects to proposals.", with_by=True)


def register(main: click.Group) -> None:
    main.add_command(proposals)
    main.add_command(proposal)
