"""Papers: a Board or Regional Committee document (or the code on its own) written in MyST with YAML front matter.

A paper is read once: its front matter is validated here into ``FrontMatter``; its body is parsed by myst-parser
(the same docutils pipeline as the code text) in ``paper_body`` and turned into the frozen blocks of
``paper_model``: section headings, paragraphs numbered by the tool (1, 2, ... across the whole paper), a summary
box (``:::{summary}``, unnumbered) and footnotes (``[^1]``), numbered in order of first reference.
``{xref}`ID``` in a paper refers into the annexed code.  The annex itself is never in the paper: the front
matter names the version of the code to annex, and the build loads that version's model.  An unchanged paper's
parse comes from the parse cache (``parsecache``), and then docutils is never imported.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from drafttools.diagnostics import Diagnostic, diag
from drafttools.papers import placeholders
from drafttools.papers.model import FrontMatter, LoadedPaper, Paper
from drafttools.source import cache as parsecache
from drafttools.source import files as sources

# Front-matter fields every paper may give, with what each holds (the data behind validation and docs).
FIELDS: dict[str, str] = {
    "document_type": "the folder of annex_templates/ that lays the paper out, one per governing body (executive-board, "
    "health-assembly, afr-rc, ..., resolution, code)",
    "symbol": "the document symbol, e.g. EB124/13 or SEA/RC61/19 Rev.1",
    "office": "the WHO office issuing the paper, printed under World Health Organization, e.g. Regional Office for "
    "South-East Asia",
    "body": "the governing body, e.g. EXECUTIVE BOARD or Regional Committee for South-East Asia",
    "session": "the session, e.g. 124th session",
    "place_dates": "where and when the session meets, e.g. Kathmandu, Nepal, 7–10 September 2009",
    "agenda_item": "e.g. Provisional agenda item 4.7",
    "original": "the language the paper was written in, as its masthead says it: ENGLISH",
    "date": "the paper's date, YYYY-MM-DD (printed '4 December 2008'), or unknown",
    "title": "the paper's title",
    "subtitle": "e.g. Report by the Secretariat",
    "language": "the language of the paper, a BCP 47 tag such as en or fr",
    "annex": "the version of the code to annex: code_text (the current text), or a version name",
}
REQUIRED = ("document_type", "annex")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_FRONT = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
# A front-matter value the public record does not give is written "unknown" (whole, or in a symbol: SEA/RC62/unknown):
# printed plainly, and a placeholder warning until it is known.
UNKNOWN = re.compile(r"\bunknown\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --------------------------------------------------------------------------------------------- front matter


class _FrontLoader(yaml.SafeLoader):
    """``yaml.safe_load``, except that a date stays the text written: the field check then reports a date no
    calendar has (2008-02-30) at its line, where YAML's own constructor would raise ValueError."""


def _date_as_written(loader: _FrontLoader, node: yaml.Node) -> object:
    return loader.construct_scalar(node)  # type: ignore[arg-type]  # a timestamp node is a ScalarNode


_FrontLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_written)


def _front_matter(source: sources.SourceFile, problems: list[Diagnostic]) -> FrontMatter | None:
    match = _FRONT.match(source.text)
    if match is None:
        problems.append(
            diag(
                "paper.front-matter",
                source.path,
                1,
                "the paper has no front matter",
                "start the file with '---', the fields (document_type: ..., annex: ...), and '---'",
            )
        )
        return None
    node: yaml.Node | None = None
    try:
        loader = _FrontLoader(match["yaml"] or "")  # one parse: compose the node, then construct from it
        try:
            node = loader.get_single_node()
            data = (loader.construct_document(node) if node is not None else None) or {}
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a value its tag cannot hold (!!int x)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else _failing_line(node)
        problems.append(
            diag(
                "paper.front-matter",
                source.path,
                line,
                f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
            )
        )
        return None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(diag("paper.front-matter", source.path, 2, "front matter must be 'field: value' lines"))
        return None
    lines = tuple((str(k.value), k.start_mark.line + 2) for k, _ in node.value)
    return _validate(data, dict(lines), source.path, problems)


def _failing_line(node: yaml.Node | None) -> int:
    """The line of the first value YAML cannot construct (the front matter's first line when none is found)."""
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        try:
            _FrontLoader("").construct_document(value)
        except (yaml.YAMLError, ValueError):
            return int(key.start_mark.line) + 2
    return 2


def _validate(data: dict[Any, Any], lines: dict[str, int], path: str, problems: list[Diagnostic]) -> FrontMatter | None:
    before = len(problems)

    def bad(name: str, message: str, fix: str | None = None) -> None:
        problems.append(diag("paper.front-matter", path, lines.get(name, 1), message, fix))

    for name in REQUIRED:
        if name not in data:
            bad(name, f"front matter lacks '{name}' ({FIELDS[name]})", f"add '{name}: ...' to the front matter")
    values: dict[str, str] = {}
    when: datetime.date | None = None
    for key, value in data.items():
        name = str(key)
        if name == "date" and isinstance(value, str) and UNKNOWN.fullmatch(value.strip()):
            values[name] = "Date unknown"  # printed plainly; a placeholder warning below
            continue
        if name == "date":
            when = parse_date(value)
            if when is None:
                bad(name, f"date {value!r} is not a date YYYY-MM-DD", "write the date as 2008-12-04")
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            bad(name, f"front-matter field '{name}' must be a non-empty text, not {type(value).__name__} {value!r}")
            continue
        values[name] = str(value).strip()
    language = values.pop("language", "en")
    if not _LANGUAGE.match(language):
        bad("language", f"language {language!r} is not a language tag such as 'en' or 'fr'")
    if len(problems) > before:
        return None
    for name, value in values.items():
        if name not in ("title", "subtitle") and UNKNOWN.search(value):  # a title may speak of the unknown
            problems.append(
                diag(
                    "paper.placeholder",
                    path,
                    lines.get(name, 1),
                    f"front-matter field '{name}' is not known yet: {value!r}",
                    f"write the real {name.replace('_', ' ')} when the record gives it",
                )
            )
        for found in placeholders.find(value, alone=True):
            problems.append(
                diag(
                    "paper.placeholder",
                    path,
                    lines.get(name, 1),
                    f"front-matter field '{name}' still holds a placeholder: {placeholders.shown(found)!r}"
                    + (f" in {value!r}" if found.text != value else ""),
                    f"write the real {name.replace('_', ' ')} in its place",
                )
            )
    if when is not None:
        values["date"] = print_date(when)
    return FrontMatter(
        values.pop("document_type"), values.pop("annex"), language, tuple(values.items()), tuple(lines.items()), when
    )


def print_date(value: datetime.date | str) -> str:
    """'4 December 2008', as WHO papers print dates; text that is not an ISO date is returned as it is."""
    when = parse_date(value)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}" if when is not None else str(value)


def parse_date(value: object) -> datetime.date | None:
    """The date an ISO text (or a date) stands for; None for anything else (a month, '2009', a typo)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------------------------------------ the paper


def parse_paper(source: sources.SourceFile, problems: list[Diagnostic]) -> Paper | None:
    """Front matter and body of one paper; None when the front matter cannot be used."""
    from drafttools.papers import body as paper_body  # docutils and myst-parser: only when a paper must be parsed

    front = _front_matter(source, problems)
    match = _FRONT.match(source.text)
    if match is not None:  # myst would read the front matter again; blank it, keeping the body's line numbers
        source = replace(source, text="\n" * match.group(0).count("\n") + source.text[match.end() :])
    blocks, footnotes = paper_body.parse_body(source, problems)
    if front is None:
        return None
    return Paper(source.path, front, blocks, footnotes)


def load_paper(path: Path, cache_dir: Path | None = None, within: sources.Bounds | None = None) -> LoadedPaper:
    """Read and parse one paper file; every problem becomes a diagnostic.  A paper that leads outside the project
    (``within``; by default the project holding the paper's folder) is refused unread (``sources.outside``).

    With ``cache_dir`` (and the cache not switched off: ``parsecache.enabled``), the parse of a paper whose text,
    shown path and parser are unchanged comes from the parse cache, as a code text file's does; the problems
    found in reading the file are always found afresh."""
    problems: list[Diagnostic] = []
    if not path.is_file():
        problems.append(diag("paper.missing", sources.display(path), 0, f"{sources.display(path)}: no such paper"))
        return LoadedPaper(None, tuple(problems))
    refused = sources.outside(path, within if within is not None else sources.bounds(path.parent))
    if refused is not None:
        return LoadedPaper(None, (refused,))
    source = sources.read_source(path, problems)
    if source is None:
        return LoadedPaper(None, tuple(problems))
    entry_key = parsecache.key("paper", source) if cache_dir is not None else ""
    parsed = parsecache.load(cache_dir, entry_key) if cache_dir is not None else None  # None when switched off
    if not isinstance(parsed, LoadedPaper):
        found: list[Diagnostic] = []
        parsed = LoadedPaper(parse_paper(source, found), tuple(found))
        if cache_dir is not None:
            parsecache.store(cache_dir, entry_key, parsed)  # a no-op when switched off
    return LoadedPaper(parsed.paper, tuple(problems) + parsed.diagnostics)
