"""``drafttools review ...``: the outputs made from the proposals (the compilation, the negotiating text, the clean
text, the per-proponent view); wiring only, the work is in ``drafttools.review``.

Outputs go to ``build/review/`` (or ``-o DIR``), diagnostics to stderr.  Exit 0 fine, 1 findings or a failed
build, 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from drafttools.cli import outputs
from drafttools.cli.main import emit, guarded, out, summary_counts
from drafttools.diagnostics import UsageError


@click.group()
def review() -> None:
    """Build the reviewers' outputs from the proposals: compilation, negotiating text, clean text, per proponent."""


# ------------------------------------------------------------------------------------------------- compilation

FORMATS_HELP = "Comma-separated output formats: docx, html."
OUTPUT_HELP = "Output folder (default: the project's build/review/)."


def _written(result: Any) -> None:
    from drafttools.cli.main import emit, out, summary_counts

    emit(result.diagnostics, False)
    for written in result.outputs:
        out(str(written.path))
    said = f"wrote {len(result.outputs)} file{'s' * (len(result.outputs) != 1)}"
    extra = f" ({result.summary})" if result.summary else ""
    click.echo(f"{said}{extra}; {summary_counts(result.diagnostics)}", err=True)
    sys.exit(result.exit_code() or (1 if not result.outputs else 0))


@review.command()
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="S",
    help="Only proposals with this status (repeatable): open, accepted, rejected, merged, withdrawn.",
)
@click.option("--only-filed", is_flag=True, help="Leave out the elements nothing was filed on.")
@click.option("--to", "formats", default="docx,html", show_default=True, metavar="FORMATS", help=FORMATS_HELP)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help=OUTPUT_HELP)
@guarded
def compilation(statuses: tuple[str, ...], only_filed: bool, formats: str, output: Path | None) -> None:
    """The compilation: the working text article by article, paragraph by paragraph, beside the proposals and
    their proponents, the comments and the Secretariat's notes (compilation.docx, landscape, and .html)."""
    from drafttools.review import compilation as use_case

    if output is not None:
        outputs.check_folder(output)
    split = tuple(s for given in statuses for s in given.split(",") if s.strip())
    _written(use_case.write_compilation(formats, output, tuple(s.strip() for s in split), only_filed))


@review.command()
@click.argument("who", required=False, metavar="[WHO]")
@click.option("--all", "every", is_flag=True, help="One view per proponent found (the default with no WHO).")
@click.option("--to", "formats", default="docx,html", show_default=True, metavar="FORMATS", help=FORMATS_HELP)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help=OUTPUT_HELP)
@guarded
def proponent(who: str | None, every: bool, formats: str, output: Path | None) -> None:
    """Everything WHO proposed, supported or objected to, and what became of it (proponent-<who>.docx and .html).

    WHO is matched case-insensitively against the proposals' proponents, supporters and objectors; a known group
    or organization may be given by its code or its full name (EU, "European Union")."""
    from drafttools.review import compilation as use_case

    if who is not None and every:
        raise UsageError("review proponent: give WHO or --all, not both")
    if output is not None:
        outputs.check_folder(output)
    _written(use_case.write_proponents(formats, output, who))


@review.command()
@click.argument("target", metavar="TARGET")
@click.argument("text", metavar="TEXT")
@click.option("--by", default="Secretariat", show_default=True, metavar="WHO", help="Who writes the note.")
@guarded
def note(target: str, text: str, by: str) -> None:
    """Write a note on the element TARGET (its stable ID): a proposal file of kind note, shown in the
    compilation's Secretariat note column and under the element in the negotiating text."""
    from drafttools.cli.main import emit
    from drafttools.config import settings
    from drafttools.review import notes

    config = settings()
    result = notes.note(config.proposals, config.source, target, text, by)
    emit(result.diagnostics, False)
    if result.written is not None:
        made = result.written
        click.echo(f"{made.id}: note by {by} on {result.label} [{made.target}] written", err=True)
    sys.exit(result.exit_code())


def _out_folder(output: Path | None) -> Path:
    from drafttools.review.working import output_folder

    folder = output_folder(output)
    outputs.check_folder(folder)
    return folder


def _output_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "-o", "--output", type=click.Path(path_type=Path), default=None, help="Output folder (default: build/review/)."
    )(command)
    return click.option(
        "--to", "formats", default="docx,html", show_default=True, metavar="FORMATS", help="docx, html or both."
    )(command)


@review.command("clean")
@click.option("--as", "name", metavar="NAME", help="Write the clean text as the version versions/NAME (frozen).")
@_output_options
@guarded
def clean_command(name: str | None, formats: str, output: Path | None) -> None:
    """The clean text: the working text with the accepted proposals applied, no open one shown.

    Written as a code-text folder (build/review/clean-text/, or versions/NAME with --as NAME) that diff, build and
    check take, and as clean-text.docx and clean-text.html.
    """
    from drafttools.review import working
    from drafttools.review.clean import clean

    chosen = working.formats(formats)
    folder = _out_folder(output)
    result = clean(folder, chosen, name)
    emit(result.diagnostics, False)
    if result.folder is not None:
        out(str(result.folder))
    for path in result.files:
        out(str(path))
    left = f", {len(result.left)} left to apply by hand" if result.left else ""
    click.echo(
        f"clean text: {len(result.applied)} accepted proposal(s) applied{left}; {summary_counts(result.diagnostics)}",
        err=True,
    )
    sys.exit(result.exit_code())


@review.command("negotiating")
@click.option(
    "--since",
    metavar="VERSION|none",
    help="Strike through what was deleted since this version (default: the version the open proposals answer).",
)
@_output_options
@guarded
def negotiating_command(since: str | None, formats: str, output: Path | None) -> None:
    """The negotiating text: open proposals as bracketed alternatives naming their proponents, statuses, notes.

    Written as negotiating-text.docx and negotiating-text.html (build/review/, or -o DIR).  The DOCX reads back
    with `drafttools import negotiating-text.docx --as NAME --ids-from code_text`.
    """
    from drafttools.review import working
    from drafttools.review.negotiating import negotiating

    chosen = working.formats(formats)
    folder = _out_folder(output)
    result = negotiating(folder, chosen, since)
    emit(result.diagnostics, False)
    for path in result.files:
        out(str(path))
    counts = result.text.counts
    since_note = f"; deletions since {result.text.since} struck through" if result.text.since else ""
    click.echo(
        f"negotiating text: {counts.get('alternatives', 0)} alternative(s), {counts.get('open', 0)} text(s) under "
        f"negotiation, {counts.get('notes', 0)} note(s){since_note}; {summary_counts(result.diagnostics)}",
        err=True,
    )
    sys.exit(result.exit_code())


@review.command("all")
@_output_options
@guarded
def all_command(formats: str, output: Path | None) -> None:
    """All four outputs in one run: the compilation, the negotiating text, the clean text (a folder in the output
    folder, never a frozen version) and every proponent's view, with their defaults."""
    from drafttools.diagnostics import DraftError
    from drafttools.review import compilation as use_case
    from drafttools.review import proposals as store
    from drafttools.review import working
    from drafttools.review.clean import clean
    from drafttools.review.negotiating import negotiating

    chosen = working.formats(formats)
    folder = _out_folder(output)
    state = working.load()  # said once, before anything is written: a broken proposal file, or none at all
    if working.blocked(state.diagnostics):
        emit(state.diagnostics, False)
        click.echo(f"nothing written; {summary_counts(state.diagnostics)}", err=True)
        sys.exit(1)
    if not state.proposals:
        raise DraftError("no proposal is recorded: nothing to compile (collect the returns first: drafttools collect)")
    read = store.Loaded(state.proposals, ())  # read once for all four; what reading them said, the two texts say
    compiled = use_case.write_compilation(formats, folder, loaded=read)
    woven = negotiating(folder, chosen, state=state)
    cleaned = clean(folder, chosen, state=state)
    views = use_case.write_proponents(formats, folder, None, loaded=read)
    codes: list[int] = []
    for name, paths, diagnostics, code in (
        ("compilation", [w.path for w in compiled.outputs], compiled.diagnostics, compiled.exit_code()),
        ("negotiating text", list(woven.files), woven.diagnostics, woven.exit_code()),
        ("clean text", [*filter(None, [cleaned.folder]), *cleaned.files], cleaned.diagnostics, cleaned.exit_code()),
        ("proponents' views", [w.path for w in views.outputs], views.diagnostics, views.exit_code()),
    ):
        emit(diagnostics, False)
        for path in paths:
            out(str(path))
        click.echo(f"{name}: {len(paths)} written; {summary_counts(diagnostics)}", err=True)
        codes.append(code or (0 if paths else 1))
    sys.exit(max(codes))


def register(main: click.Group) -> None:
    main.add_command(review)
