"""``drafttools build``: wiring only; the work is ``drafttools.build.build``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from drafttools.cli import outputs
from drafttools.cli.main import emit, guarded, out, summary_counts
from drafttools.diagnostics import Severity


@click.command()
@click.argument("papers", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "formats",
    default="docx,html",
    show_default=True,
    metavar="FORMATS",
    help="Comma-separated output formats: docx, html, pdf (pdf needs LibreOffice).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: the project's build/).",
)
@click.option("--strict", is_flag=True, help="Warnings are findings too: nothing is built.")
@click.option("--no-cache", is_flag=True, help="Parse and render everything afresh (as DRAFTTOOLS_NO_CACHE=1).")
@guarded
def build(papers: tuple[Path, ...], formats: str, output: Path | None, strict: bool, no_cache: bool) -> None:
    """Build papers to DOCX and HTML (and PDF, with --to) with the code annexed; with no PAPER, every paper in papers/.

    A PAPER may be a folder, standing for the papers (*.md) in it.

    The annexed version of the code is checked first: a broken reference (or any error) builds nothing.
    """
    from drafttools.api import build as use_case

    if output is not None:
        outputs.check_folder(output)
    result = use_case.build(list(papers) or None, formats.split(","), output, strict=strict, cache=not no_cache)
    emit([d for d in result.diagnostics if d.severity >= Severity.WARNING], strict)
    for written in result.outputs:
        out(str(written.path))
    built = f"built {len(result.outputs)} file{'s' * (len(result.outputs) != 1)}"
    click.echo(f"{built}; {summary_counts(result.diagnostics)}", err=True)
    sys.exit(result.exit_code(strict))


def register(main: click.Group) -> None:
    main.add_command(build)
