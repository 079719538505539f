"""``drafttools audit VERSION FILE``: wiring only.  The work is ``drafttools.importer.audit.audit_revision``.

The report (what the revision shows, and every change it does not) goes to stdout or ``-o FILE`` (written
atomically, and only when the comparison was made); diagnostics to stderr.  Exit 0 when the revision shows every
change, 1 when it does not (or cannot be audited), 2 for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from drafttools.cli import outputs
from drafttools.cli.main import emit, guarded, out
from drafttools.diagnostics import UsageError
from drafttools.fsutil import write_atomic


@click.command("audit")
@click.argument("version")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--marks",
    type=click.Choice(["auto", "tracked", "formatting"]),
    default="auto",
    show_default=True,
    help="What shows a change: Word tracked changes, or formatting (struck text deleted, underlined inserted); auto: "
    "tracked changes where the file has any, else formatting.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the report as JSON (docs/audit.md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the report to this file (atomically), not stdout.",
)
@click.option("--strict", is_flag=True, help="Warnings are findings too (exit 1).")
@click.option("--no-cache", is_flag=True, help="Parse the previous version afresh, even files the parse cache holds.")
@guarded
def audit_command(
    version: str, file: Path, marks: str, fmt: str, output: Path | None, strict: bool, no_cache: bool
) -> None:
    """Check that FILE, a revision of VERSION (a Word file), shows every change it makes: rejecting all its shown
    changes must give back VERSION exactly.  VERSION is a version name, code_text, a folder or REV:PATH."""
    from drafttools.importer.audit import audit_revision
    from drafttools.render import audit_report

    if output is not None:
        wanted = ".json" if fmt == "json" else ".txt"
        if output.suffix.lower() in (".json", ".txt", ".docx", ".html", ".htm") and output.suffix.lower() != wanted:
            raise UsageError(f"-o {output.name}: --format {fmt} writes {wanted[1:]}, not {output.suffix}")
        outputs.check_file(output)
    result = audit_revision(version, file, marks, parse_cache=not no_cache)
    emit(result.diagnostics, strict)
    if result.audit is None:
        click.echo(f"Error: cannot audit {result.file} against {version}; see above", err=True)
        sys.exit(1)
    if fmt == "json":
        payload: str | bytes = audit_report.json_bytes(
            result.audit, version, result.where, result.file, result.diagnostics
        )
    else:
        payload = audit_report.text(result.audit, version, result.file)
    if output is not None:
        write_atomic(output, payload)
        click.echo(f"wrote {output}", err=True)
    else:
        out(payload, nl=False)
    verdict = "shows every change" if result.audit.clean else f"does not show {len(result.audit.unshown)} change(s)"
    click.echo(f"{result.file}: {verdict} (marks: {result.audit.marks})", err=True)
    sys.exit(result.exit_code(strict))


def register(main: click.Group) -> None:
    main.add_command(audit_command)
