"""The command line: wiring only.  Each command calls one function of ``api`` (or a sibling use-case module),
prints artifacts to stdout or files and diagnostics to stderr, and exits 0 (fine), 1 (findings or a failed
build) or 2 (usage).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from drafttools import __version__
from drafttools.diagnostics import Diagnostic, DraftError, Severity, UsageError, codes_markdown, is_finding, to_json

F = TypeVar("F", bound=Callable[..., Any])


class StdoutError(DraftError):
    """Standard output cannot take an artifact: a full disk, a pipe closed by its reader, or closed (exit 1)."""


def out(message: str | bytes, nl: bool = True, color: bool | None = None) -> None:
    """Print an artifact on stdout, or raise StdoutError (click.echo says nothing when stdout is closed)."""
    if sys.stdout is None or sys.stdout.closed:
        raise StdoutError("cannot write to standard output: it is closed")
    try:
        click.echo(message, nl=nl, color=color)
    except OSError as exc:
        raise StdoutError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail again on what is left unwritten."""
    if sys.stdout is None:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing is flushed at exit


def guarded(func: F) -> F:
    """Turn DraftError into 'Error: ...' with exit 1 (2 for usage), and never show a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"Error: {exc.format()}", err=True)
            sys.exit(2)
        except StdoutError as exc:
            click.echo(f"Error: {exc.format()}", err=True)
            _discard_stdout()
            sys.exit(1)
        except DraftError as exc:
            click.echo(f"Error: {exc.format()}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
            if os.environ.get("DRAFTTOOLS_DEBUG"):
                raise
            click.echo(
                f"Error: internal error: {type(exc).__name__}: {exc} (set DRAFTTOOLS_DEBUG=1 for a traceback; please "
                "report it)",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


SHOWN_PER_CODE = 100  # diagnostics of one code printed before the rest are summed up in one line


def emit(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], strict: bool, quiet: bool = False) -> None:
    """Print diagnostics to stderr, at most ``SHOWN_PER_CODE`` of each code, then "… and N more" (a hostile text
    can make tens of thousands of one kind; ``--format json`` lists every one)."""
    counts: dict[str, int] = {}
    for d in diagnostics:
        if quiet and not is_finding(d, strict):
            continue
        counts[d.code] = counts.get(d.code, 0) + 1
        if counts[d.code] > SHOWN_PER_CODE:
            continue
        colour = {"error": "red", "warning": "yellow"}.get(str(d.severity))
        click.secho(d.format(), err=True, fg=colour if colour else None)
    for code, count in counts.items():
        if count > SHOWN_PER_CODE:
            click.echo(f"… and {count - SHOWN_PER_CODE:,} more [{code}]", err=True)


def plural(name: str) -> str:
    """'articles', 'annexes', 'subsections', 'authorities'."""
    if name.endswith("y") and name[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return name[:-1] + "ies"
    return name + ("es" if name.endswith(("x", "s", "ch", "sh")) else "s")


def summary_counts(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drafttools")
@click.pass_context
def main(ctx: click.Context) -> None:
    """drafttools: stable IDs, checked cross-references, tracked diffs and Board papers for a code text."""
    if ctx.invoked_subcommand not in ("codes", "new", "init"):  # these read no project (new sweeps its own)
        _tidy()


@guarded
def _tidy() -> None:
    """Before any command reads the project: what killed runs left is swept, a folder moved aside put back,
    under the write lock (skipped while another writer holds it: that writer swept when it started)."""
    from drafttools.config import settings
    from drafttools.source import lock
    from drafttools.source.staging import leftovers, tidy_project

    config = settings()
    if not leftovers(config):
        return
    with lock.attempt("sweep") as held:
        if held:
            emit(tidy_project(config), False)


def default_source() -> Path:
    from drafttools.config import settings

    return settings().source


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: diagnostics on stdout."
)
@click.option("--strict", is_flag=True, help="Warnings are findings too (exit 1).")
@click.option("--fix", is_flag=True, help="Link plain-text references to their targets' IDs, in place.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only (no open-bracket list).")
@click.option("--no-cache", is_flag=True, help="Parse and check afresh even if the text has not changed.")
@guarded
def check(path: Path | None, fmt: str, strict: bool, fix: bool, quiet: bool, no_cache: bool) -> None:
    """Check a code text: IDs, cross-references, brackets.  PATH defaults to the project's code_text/."""
    from drafttools.api import check as api
    from drafttools.config import settings

    source = path or default_source()
    result = api.check(
        source, fix=fix, cache_dir=None if no_cache else settings().build / ".cache", parse_cache=not no_cache
    )
    if path is None or path.resolve() == default_source().resolve():  # the project's text: its proposals too
        from dataclasses import replace

        from drafttools.review.checking import check_proposals

        found = check_proposals(source, settings().proposals, None if no_cache else settings().build / ".cache")
        result = replace(result, diagnostics=result.diagnostics + tuple(found))
    results = [(source, result)]
    if path is None and not fix:  # the project: its resolutions and decisions too (resolutions/NAME/)
        from drafttools.source.versions import RESOLUTIONS

        folder = settings().root / RESOLUTIONS
        texts = sorted(f for f in folder.iterdir() if (f / "manifest.toml").is_file()) if folder.is_dir() else []
        cache = None if no_cache else settings().build / ".cache"
        from drafttools.source.files import display

        results += [(Path(display(t)), api.check(t, cache_dir=cache, parse_cache=not no_cache)) for t in texts]
    every = tuple(d for _, r in results for d in r.diagnostics)
    code = max(r.exit_code(strict) for _, r in results)
    if fmt == "json":
        out(to_json(every, open_brackets=result.open_brackets, exit_code=code))
    else:
        emit(every, strict, quiet)
        for shown, one in results:
            if s := one.summary:
                kinds = s.get("kinds", {}).items()
                shape = ", ".join(f"{n} {kind if n == 1 else plural(kind)}" for kind, n in kinds) or "empty"
                click.echo(f"{shown}: {s['version']}, {shape}; {summary_counts(one.diagnostics)}", err=True)
    sys.exit(code)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option(
    "--restore",
    "restore",
    multiple=True,
    metavar="ID",
    help="Bring back a retired ID whose retirement was a mistake, once it stands again on the element it labelled "
    "(see docs/ids.md). Repeatable.",
)
@guarded
def ids(path: Path | None, dry_run: bool, restore: tuple[str, ...]) -> None:
    """Give an ID to every article, paragraph and item without one, and update the ID ledger.

    Refused while the text has ID errors. An ID no longer in the text is recorded as gone: put back, it is active
    again; it is retired (never to be used again) when a version without it is frozen."""
    from drafttools.api import check as api

    if restore:
        if dry_run:
            raise UsageError("--restore and --dry-run do not go together")
        restored = api.restore_ids(path or default_source(), restore)
        emit(restored.diagnostics, False)
        for wanted in restored.recorded:
            click.echo(f"restored: {wanted} (active again)", err=True)
        sys.exit(restored.exit_code())
    result = api.assign_ids(path or default_source(), dry_run=dry_run)
    emit(result.diagnostics, False)
    verb = "would give" if dry_run else "gave"
    for change in result.changes:
        click.echo(f"{change.path}:{change.line}: {verb} ID: {change.after.split()[-1]}", err=True)
    for gone in result.gone:
        click.echo(
            f"{'would record as gone' if dry_run else 'gone'}: {gone} (no longer in the text; put it back and it is "
            "active again, freeze a version without it and it is retired)",
            err=True,
        )
    given = "would be given" if dry_run else "given"
    ledger_state = "not written (dry run)" if dry_run else ("updated" if result.ledger_written else "unchanged")
    click.echo(
        f"{len(result.changes)} ID(s) {given}; {len(result.recorded)} newly recorded; ledger {ledger_state}", err=True
    )
    sys.exit(result.exit_code())


@main.command()
@guarded
def codes() -> None:
    """Print the table of diagnostic codes (Markdown)."""
    out(codes_markdown(), nl=False)


def _register_optional() -> None:
    """Commands that live in their own modules register themselves here."""
    import importlib

    for name in (
        "drafttools.cli.build",
        "drafttools.cli.diff",
        "drafttools.cli.import_",
        "drafttools.cli.audit",
        "drafttools.cli.review",
        "drafttools.cli.outcomes",
        "drafttools.cli.new",
    ):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(main)


_register_optional()


def run() -> None:
    """The ``drafttools`` console script: ``main`` as a whole process."""
    main()
