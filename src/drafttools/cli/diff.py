"""The command line for versions and diffs: ``snapshot``, ``versions``, ``diff`` and ``diff3``.  Wiring only.

``register(main)`` adds the commands to the ``drafttools`` group (``cli`` calls it when this module exists).
Artifacts go to stdout or ``-o PATH`` (written atomically); diagnostics to stderr; exit 0 fine, 1 findings or
failure, 2 usage.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click

from drafttools.cli import outputs
from drafttools.cli.main import emit, guarded, out
from drafttools.diagnostics import UsageError
from drafttools.diff.renumbering import DEFAULT as DEFAULT_RENUMBERING
from drafttools.diff.renumbering import MODES as RENUMBERING
from drafttools.fsutil import write_atomic

FORMATS = ("text", "json", "html", "synoptic", "docx")
ORDERS = ("new", "old")  # whose order a synoptic table's rows follow (render.synoptic.ORDERS)
SUFFIXES = {"json": (".json",), "html": (".html", ".htm"), "synoptic": (".html", ".htm", ".docx"), "docx": (".docx",)}
HOUSE_TEMPLATE = Path("annex_templates") / "code" / "reference.docx"  # house styles, when the project has them


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: summary and word diff; json: the change tree; html: redline page; synoptic: old | new | "
    "what changed (HTML, or DOCX with -o x.docx); docx: Word tracked changes (needs -o).",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout."
)
@click.option("--author", help="Author of the tracked changes (default: [tool.drafttools] author).")
@click.option(
    "--date",
    "when",
    help="Date of the tracked changes, YYYY-MM-DD (default: the new version's date, or today when that is not "
    "YYYY-MM-DD).",
)
@click.option(
    "--color/--no-color", "colour", default=None, help="Colour the text diff (default: when stdout is a terminal)."
)
@click.option(
    "--renumbering",
    type=click.Choice(RENUMBERING),
    help="html and docx: quiet (the default) prints the new numbers as plain text, lists the renumbering once "
    "and opens with a cover naming both versions; tracked marks every changed number (reject all in Word then "
    "gives the old numbers too).",
)
@click.option(
    "--order",
    type=click.Choice(ORDERS),
    default=None,
    help="--format synoptic: whose order the rows follow, the new version's (the default) or the old one's.",
)
@click.option("--strict", is_flag=True, help="Warnings are findings too (exit 1).")
@click.option("--no-cache", is_flag=True, help="Parse both versions afresh, even files the parse cache holds.")
@guarded
def diff_command(
    old: str,
    new: str,
    fmt: str,
    output: Path | None,
    author: str | None,
    when: str | None,
    colour: bool | None,
    renumbering: str | None,
    order: str | None,
    strict: bool,
    no_cache: bool,
) -> None:
    """Compare two versions of the code text: OLD and NEW are version names, folders or git revisions REV:PATH."""
    from drafttools.api import diff as api_diff
    from drafttools.config import settings

    suffix = _check_output(fmt, output)
    if renumbering is not None and fmt not in ("html", "docx"):
        raise UsageError(f"--renumbering applies to --format html and docx, not {fmt}")
    renumbering = renumbering or DEFAULT_RENUMBERING
    if order is not None and fmt != "synoptic":
        raise UsageError(f"--order {order}: only the synoptic table has rows to order; give --format synoptic")
    if output is not None:
        outputs.check_file(output)
    if author is not None:
        _check_author(author, "--author")
    stamp = _iso_date(when, "--date") if when is not None else None
    result = api_diff.compare(old, new, parse_cache=not no_cache)
    emit(result.diagnostics, strict)
    if result.diff is None:
        click.echo(f"Error: cannot compare {old} with {new}; see above", err=True)
        sys.exit(1)
    colour = (sys.stdout is not None and sys.stdout.isatty() and output is None) if colour is None else colour
    template = settings().root / HOUSE_TEMPLATE
    if fmt == "docx":  # only tracked changes carry an author and a date
        author = _check_author(author or settings().author, "[tool.drafttools] author")
        stamp = stamp or _manifest_date(result.diff.new_meta.date)
    payload = _render(result, fmt, suffix, author or "", stamp or "", colour, template, renumbering, order or "new")
    if output is not None:
        write_atomic(output, payload)
        click.echo(f"wrote {output}", err=True)
    elif isinstance(payload, bytes) and fmt != "json":
        raise UsageError(f"--format {fmt} is binary: give -o FILE")
    else:
        out(payload, nl=False, color=colour or None)  # click strips colour off a pipe unless told
    sys.exit(result.exit_code(strict))


def _render(
    result: Any,
    fmt: str,
    suffix: str,
    author: str,
    when: str,
    colour: bool,
    template: Path,
    renumbering: str,
    order: str,
) -> str | bytes:
    diff, names = result.diff, (result.old.spec, result.new.spec)
    if fmt == "json":
        from drafttools.render import diff_json

        return diff_json.render_bytes(diff, *names)  # UTF-8, written as it is
    if fmt == "html":
        from drafttools.render import diff_html

        return diff_html.redline(diff, *names, renumbering=renumbering)
    if fmt == "synoptic":
        if suffix == ".docx":
            from drafttools.render import diff_docx

            return diff_docx.synoptic_bytes(diff, template, order, *names)
        from drafttools.render import diff_html

        return diff_html.synoptic(diff, *names, order=order)
    if fmt == "docx":
        from drafttools.render import diff_docx

        return diff_docx.redline_bytes(diff, author, when, template, renumbering)
    from drafttools.render import diff_text

    return diff_text.render(diff, colour=bool(colour), old_name=names[0], new_name=names[1])


def _check_output(fmt: str, output: Path | None, formats: dict[str, tuple[str, ...]] = SUFFIXES) -> str:
    """The suffix of ``-o``; a usage error when it names another format's file (synoptic: .html or .docx);
    ``formats``: the command's formats that write files of their own kind, and their suffixes."""
    suffix = output.suffix.lower() if output else ""
    if fmt == "docx" and output is None:
        raise UsageError("--format docx writes a Word file: give -o FILE.docx")
    known = {s for suffixes in SUFFIXES.values() for s in suffixes}
    strict = fmt == "synoptic" and suffix != ""  # synoptic chooses HTML or DOCX by the suffix: no third kind
    if output is not None and (suffix in known or strict) and suffix not in formats.get(fmt, ()):
        wanted = " or ".join(formats[fmt]) if fmt in formats else "text"
        fitting = [f for f, suffixes in formats.items() if suffix in suffixes]
        hint = f"; a {suffix} file is --format {' or '.join(fitting)}" if fitting else ""
        raise UsageError(f"-o {output.name}: --format {fmt} writes {wanted}, not {suffix}{hint}")
    return suffix


def _check_author(name: str, source: str) -> str:
    """A name Word can store: no control characters (XML 1.0 forbids most; a line break is never a name)."""
    if not name.strip():
        raise UsageError(f"{source} {name!r}: give a name (Word shows it as the author of every change)")
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff" for c in name):
        raise UsageError(f"{source} {name!r}: give a name without control characters")
    return name


def _iso_date(text: str, source: str) -> str:
    """``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM[:SS][Z]``) as Word's date stamp; a usage error when it is no real date."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.date.fromisoformat(text).isoformat() + "T00:00:00Z"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?", text):
            datetime.datetime.fromisoformat(text.removesuffix("Z"))
            return text if text.endswith("Z") else text + "Z"
    except ValueError:
        raise UsageError(f"{source} {text!r}: there is no such date; give a date as YYYY-MM-DD") from None
    raise UsageError(f"{source} {text!r}: give a date as YYYY-MM-DD")


def _manifest_date(text: str) -> str:
    """The new version's date as the tracked changes' date; today (said on stderr) when it is not YYYY-MM-DD."""
    try:
        return _iso_date(text, "date")
    except UsageError:
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        click.echo(
            f"note: the new version's date {text!r} is not YYYY-MM-DD; the tracked changes are dated today "
            f"({today}); give --date to choose",
            err=True,
        )
        return today + "T00:00:00Z"


FORMATS3 = ("text", "json", "html")
SUFFIXES3 = {"json": (".json",), "html": (".html", ".htm")}


@click.command("diff3")
@click.argument("base")
@click.argument("ours")
@click.argument("theirs")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS3),
    default="text",
    show_default=True,
    help="text: counts, then conflicts first, word diffs; json: docs/diff3-json.md; html: base | ours | theirs page.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout."
)
@click.option("--strict", is_flag=True, help="Warnings are findings too (exit 1).")
@click.option("--no-cache", is_flag=True, help="Parse the versions afresh, even files the parse cache holds.")
@guarded
def diff3_command(
    base: str, ours: str, theirs: str, fmt: str, output: Path | None, strict: bool, no_cache: bool
) -> None:
    """Three-way compare: what OURS (the Secretariat's revision) and THEIRS (a Member State's return) each changed
    in BASE, by stable ID, and where they conflict.  Each is a version name, a folder or REV:PATH; OURS and THEIRS
    may also be a returned .docx, .txt or .md file, read with BASE's IDs (tracked changes accepted).  Exit 1 when
    there is a conflict."""
    from drafttools.review import three_way

    _check_output(fmt, output, SUFFIXES3)
    if output is not None:
        outputs.check_file(output)
    result = three_way.compare3(base, ours, theirs, parse_cache=not no_cache)
    emit(result.diagnostics, strict)
    if result.three_way is None:
        click.echo(f"Error: cannot compare {base}, {ours} and {theirs}; see above", err=True)
        sys.exit(1)
    names = result.names
    payload: str
    if fmt == "json":
        from drafttools.render import diff3_json

        payload = diff3_json.render(result.three_way, *names)
    elif fmt == "html":
        from drafttools.render import diff3_html

        payload = diff3_html.page(result.three_way, *names)
    else:
        from drafttools.render import diff3_text

        payload = diff3_text.render(result.three_way, *names)
    if output is not None:
        write_atomic(output, payload)
        click.echo(f"wrote {output}", err=True)
    else:
        out(payload, nl=False)
    conflicts = len(result.three_way.conflicts)
    if conflicts:
        click.echo(
            f"{conflicts} conflict{'' if conflicts == 1 else 's'}: both sides changed the same element", err=True
        )
    sys.exit(result.exit_code(strict))


@click.command("snapshot")
@click.argument("name")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    help="The code text to freeze (default: the project's code_text/).",
)
@guarded
def snapshot_command(name: str, source: Path | None) -> None:
    """Freeze the current code text as versions/NAME/ (refuses an existing name or a text with errors)."""
    from drafttools.api import diff as api_diff

    result = api_diff.snapshot(name, source)
    emit(result.diagnostics, False)
    if result.path is None:
        click.echo(f"Error: the code text has errors; version '{name}' was not written", err=True)
    else:
        click.echo(f"froze {source or 'code_text'} as {result.path}", err=True)
    sys.exit(result.exit_code())


@click.command("versions")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def versions_command(fmt: str) -> None:
    """List the frozen versions (versions/NAME/) and the resolutions (resolutions/NAME/): name, date, status,
    article count (or "resolution"), note."""
    from dataclasses import asdict

    from drafttools.api import diff as api_diff

    found = api_diff.list_versions()
    if fmt == "json":
        out(json.dumps([asdict(v) for v in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no versions yet: `drafttools snapshot NAME` freezes the current code text", err=True)
        return
    width = max(len(v.name) for v in found)
    for v in found:
        note = v.note if len(v.note) <= 70 else v.note[:69] + "\u2026"
        count = f"{v.articles:>2} articles" if v.kind == "version" else "resolution "
        edited = f"EDITED SINCE FROZEN ({v.edited} file(s): drafttools check {v.path})  " if v.edited else ""
        out(f"{v.name:<{width}}  {v.date:<10}  {v.status:<12}  {count}  {edited}{note}")


def register(main: click.Group) -> None:
    main.add_command(diff_command)
    main.add_command(diff3_command)
    main.add_command(snapshot_command)
    main.add_command(versions_command)
