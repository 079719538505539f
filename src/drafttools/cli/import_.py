"""``drafttools import FILE --as NAME``: wiring only.  The work is ``drafttools.importer.import_draft``.

The report (what kept its ID and how, what is new, what is gone) goes to stdout; diagnostics to stderr.
Exit 0 when written, 1 when refused or when there are findings, 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from drafttools.cli.main import emit, guarded, out, plural, summary_counts


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--as",
    "name",
    required=True,
    metavar="NAME",
    help="Version name (written to versions/NAME), or code_text for the source itself.",
)
@click.option(
    "--ids-from",
    "ids_from",
    metavar="VERSION",
    help="Keep the IDs of matching elements of this version: code_text, a name under versions/, a folder, or a git "
    "revision REV:PATH.",
)
@click.option(
    "--track-changes",
    type=click.Choice(["accept", "reject", "refuse"]),
    default="refuse",
    show_default=True,
    help="What to do with tracked changes in a Word file.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing version, or overwrite code_text even if it holds uncommitted work.",
)
@click.option("--dry-run", is_flag=True, help="Read, match and report; write nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: the report on stdout as JSON."
)
@click.option("--strict", is_flag=True, help="Warnings are findings too: nothing is written (exit 1).")
@click.option(
    "--profile",
    "profile",
    metavar="NAME",
    help="Read the file with this numbering profile (who-code, treaty, eu, or a .toml file); by default the profile of "
    "--ids-from or of the target, else the one that fits the text.",
)
@guarded
def import_cmd(
    file: Path,
    name: str,
    ids_from: str | None,
    track_changes: str,
    force: bool,
    dry_run: bool,
    fmt: str,
    strict: bool,
    profile: str | None,
) -> None:
    """Import a draft from Word (.docx), plain text (.txt) or Markdown (.md) as a code text version."""
    from drafttools.importer import import_draft

    result = import_draft(
        file, name, ids_from, track_changes=track_changes, force=force, dry_run=dry_run, strict=strict, profile=profile
    )
    emit(result.diagnostics, strict)
    if fmt == "json":
        out(json.dumps(_as_json(result, strict), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(result):
            out(line)
    click.echo(f"{result.file}: {summary_counts(result.diagnostics)}", err=True)
    sys.exit(result.exit_code(strict))


def report_lines(result: Any) -> list[str]:
    """The import report as text lines: matched (how, score), new, gone, then a summary."""
    if result.instrument is None or not (result.written or result.matched or result.new):
        return [f"{result.file}: nothing written"]
    profile = result.instrument.profile
    lines = [
        f"matched  {p.kind:<9} {_label(profile, p.kind, p.label):<18} {p.id:<44} {p.how} {p.score:.2f}"
        + (f" (was {_label(profile, p.kind, p.old_label)})" if p.old_label and p.old_label != p.label else "")
        for p in result.matched
    ]
    lines += [
        f"new      {n.kind:<9} {_label(profile, n.kind, n.label):<18} {n.id:<44} {n.text[:60]!r}" for n in result.new
    ]
    lines += [
        f"gone     {g.kind:<9} {_label(profile, g.kind, g.label):<18} {g.id:<44} {g.text[:60]!r}" for g in result.gone
    ]
    verb = "imported" if result.written else "would import (dry run)"
    origin = f"; IDs from {result.ids_from}" if result.ids_from else ""
    lines.append(f"read with profile {result.profile}: {result.profile_why}")
    lines.append(
        f"{verb} {result.file} as {result.target} (profile {result.profile}): {_shape(result.instrument)}{origin}; "
        f"{len(result.matched)} kept their ID, {len(result.new)} new, {len(result.gone)} gone, {len(result.linked)} "
        "reference(s) linked; "
        f"{result.words_in:,} words in, {result.words_kept:,} kept"
        + (
            f", {result.words_in - result.words_kept:,} left out (each in a diagnostic above)"
            if result.words_in > result.words_kept
            else ""
        )
    )
    return lines


def _shape(instrument: Any) -> str:
    counts: dict[str, int] = {}
    for element in instrument.walk():
        counts[element.kind] = counts.get(element.kind, 0) + 1
    return ", ".join(f"{n} {kind if n == 1 else plural(kind)}" for kind, n in counts.items())


def _label(profile: Any, kind_name: str, label: str) -> str:
    """How the report names an element: "Article 5", "8.3", "Article 1 lead-in", "(unnumbered)"."""
    if not label:
        return "(unnumbered)"
    kind = profile.kind(kind_name)
    if kind is not None and kind.headed and kind.word and not label.startswith(kind.word):
        return f"{kind.word} {label}"
    if kind is not None and kind.role == "paragraph" and not label[:1].isdigit() and not label.startswith("("):
        return f"{label} lead-in"  # an unnumbered paragraph is known by its article
    return label


def outline(instrument: Any) -> list[dict[str, object]]:
    """The recognised structure, for a user to see what was understood: divisions with their contents, articles
    and annexes with their numbers, headings and counts of what they hold."""

    def node(element: Any) -> dict[str, object]:
        entry: dict[str, object] = {
            "kind": element.kind,
            "number": element.number or element.token,
            "heading": element.heading,
            "title": element.title,
            "id": element.id,
        }
        if element.role in ("article", "annex"):
            counts: dict[str, int] = {}
            for inner in element.walk():
                if inner is not element:
                    counts[inner.kind] = counts.get(inner.kind, 0) + 1
            entry["counts"] = counts
        else:
            entry["children"] = [node(c) for c in element.children if c.role in ("division", "article", "annex")]
        return entry

    return [
        node(e) for _, elements in instrument.tops() for e in elements if e.role in ("division", "article", "annex")
    ]


def _as_json(result: Any, strict: bool) -> dict[str, object]:
    return {
        "file": result.file,
        "as": result.name,
        "target": str(result.target),
        "written": result.written,
        "ids_from": str(result.ids_from) if result.ids_from else None,
        "profile": result.profile,
        "profile_why": result.profile_why,
        "words": {"in": result.words_in, "kept": result.words_kept},
        "outline": outline(result.instrument) if result.instrument is not None else [],
        "matched": [
            {"kind": p.kind, "id": p.id, "label": p.label, "old_label": p.old_label, "how": p.how, "score": p.score}
            for p in result.matched
        ],
        "new": [{"kind": n.kind, "id": n.id, "label": n.label, "text": n.text} for n in result.new],
        "gone": [{"kind": g.kind, "id": g.id, "label": g.label, "text": g.text} for g in result.gone],
        "linked": [{"path": c.path, "line": c.line, "before": c.before, "after": c.after} for c in result.linked],
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "exit_code": result.exit_code(strict),
    }


def register(main: click.Group) -> None:
    main.add_command(import_cmd, name="import")
