"""``drafttools collect``, ``drafttools proposals`` and ``drafttools proposal ACTION``: wiring only; the work is in
``drafttools.review`` (``collect``, ``listing``, ``room``).

Reports and listings go to stdout, diagnostics to stderr.  Exit 0 fine, 1 refused or findings, 2 usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from drafttools.cli.main import emit, guarded, out, summary_counts


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option(
    "--from",
    "parties",
    required=True,
    multiple=True,
    metavar="WHO",
    help="Who sent it: an ISO 3166 alpha-3 code (BRA), a group (African Region) or an organization's name; "
    "one --from per FILE, in the same order.",
)
@click.option(
    "--answers",
    required=True,
    metavar="VERSION",
    help="The version they answer (the one sent out): a name under versions/, code_text, or a folder.",
)
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: the report as JSON.")
@guarded
def collect(files: tuple[Path, ...], parties: tuple[str, ...], answers: str, dry_run: bool, fmt: str) -> None:
    """Collect returned files' tracked changes, comments and edits as proposals (proposals/*.toml).

    Several returns answering one version are collected in one run (FILE... with one --from each, in order):
    all their proposals are written together, or, if one file is refused, none."""
    from drafttools.diagnostics import UsageError
    from drafttools.review import listing
    from drafttools.review.collect import collect_all

    if len(parties) != len(files):
        raise UsageError(f"give one --from per file, in the same order: {len(files)} file(s), {len(parties)} --from")
    results = collect_all(list(zip(files, parties, strict=True)), answers, dry_run=dry_run)
    refused = any(r.exit_code() for r in results)
    reports: list[dict[str, object]] = []
    for result in results:
        emit(result.diagnostics, False)
        shown = listing.Listing(result.new, result.labels, ())
        if fmt == "json":
            payload = listing.as_json(shown)
            payload.update(
                file=result.file,
                written=result.written,
                already=list(result.already),
                diagnostics=[d.to_json() for d in result.diagnostics],
                exit_code=result.exit_code(),
            )
            reports.append(payload)
        else:
            for line in listing.text_lines(shown)[:-1]:
                out(line)
            verb = "wrote" if result.written or not result.new else "would write"
            before = f"; {len(result.already)} collected from this file before" if result.already else ""
            said = "refused" if result.exit_code() else f"{verb} {len(result.new)} proposal(s){before}"
            out(f"{result.file} (from {result.party}, answering {result.answers}): {said}")
        click.echo(f"{result.file}: {summary_counts(result.diagnostics)}", err=True)
    if refused and len(results) > 1 and not dry_run:
        click.echo("nothing written: a return was refused (see above); collect the others again without it", err=True)
    if fmt == "json":
        out(json.dumps(reports[0] if len(reports) == 1 else {"returns": reports}, indent=2, ensure_ascii=False))
    sys.exit(max(r.exit_code() for r in results))


@click.command()
@click.option("--from", "party", metavar="WHO", help="Only the proposals this party made (or joined as proponent).")
@click.option(
    "--status", metavar="STATUS", help="Only proposals with this status: open, accepted, rejected, merged, withdrawn."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: drafttools.proposals/1."
)
@click.option(
    "--in",
    "version",
    metavar="VERSION",
    help="Read the proposals from a text's bracketed alternatives instead (an imported negotiating text, say).",
)
@guarded
def proposals(party: str | None, status: str | None, fmt: str, version: str | None) -> None:
    """List the proposals kept in the project (proposals/*.toml), or those a text's alternatives make (--in)."""
    from drafttools.config import settings
    from drafttools.review import listing

    config = settings()
    if version is not None:
        found = listing.list_alternatives(version, party, status)
    else:
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
    main.add_command(collect)
    main.add_command(proposals)
    main.add_command(proposal)
