"""Document types: one folder of ``annex_templates/`` per type, read as data.

``annex_templates/<type>/`` holds ``template.toml`` (what the type is called, which front-matter fields it
requires, the annex heading, and the layout of the reference .docx's first-page block and running header),
``paper.html.j2`` (the Jinja2 HTML template) and ``reference.docx`` (styles and page setup, generated from
template.toml by ``scripts/make_reference_docx.py``).  Folders whose name starts with '_' hold shared parts
(``_base/page.html.j2``) and are not document types.  Adding a type is adding a folder: no Python changes.

A project reads its own ``annex_templates/``; ``shipped`` finds the folder drafttools ships, which ``drafttools
new`` copies into a new project: package data in an installed drafttools (the build copies the repository's
folder into the package: setup.py), the repository's own folder in a source checkout.  Standard library only.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from drafttools.diagnostics import Diagnostic, DraftError, diag, toml_error_line
from drafttools.source.files import Bounds, bounds, display, outside

TEMPLATES = "annex_templates"
SPEC = "template.toml"
HTML = "paper.html.j2"
REFERENCE = "reference.docx"


@dataclass(frozen=True, slots=True)
class DocType:
    """A document type, as its folder declares it."""

    name: str
    folder: Path
    label: str
    required: tuple[str, ...]
    annex_heading: str  # "ANNEX"; "" when the code is the whole document
    header: str  # running header of page 2 onwards, with placeholders
    first_page: tuple[tuple[str, ...], ...]  # rows of the first-page block, with placeholders
    symbol: re.Pattern[str] | None = None  # what the paper's symbol must look like (``symbol_pattern``)
    symbol_example: str = ""  # one symbol that fits, for the fix line: "EB126/8"
    defaults: tuple[tuple[str, str], ...] = ()  # front-matter fields a paper of this type gets unless it says
    within: Bounds | None = None  # where its templates may lead (None: the project holding annex_templates/)

    @property
    def body(self) -> str:
        """The governing body this type is for ("EXECUTIVE BOARD", "Regional Committee for Africa"); "" any."""
        return dict(self.defaults).get("body", "")

    @property
    def html(self) -> Path:
        return self.folder / HTML

    @property
    def reference(self) -> Path:
        return self.folder / REFERENCE


class TemplateError(DraftError):
    """A template cannot be used; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message, diagnostic.path, diagnostic.line)
        self.diagnostic = diagnostic


def shipped() -> Path:
    """The ``annex_templates/`` folder drafttools ships: in the installed package, else (a source checkout, an
    editable install) at the root of the repository holding ``src/drafttools``.  Raises DraftError when neither
    is there (a broken installation)."""
    package = resources.files("drafttools")
    candidates = [Path(str(package / TEMPLATES))] if isinstance(package, Path) else []
    candidates.append(Path(__file__).resolve().parents[3] / TEMPLATES)
    for folder in candidates:
        if known(folder):
            return folder
    raise DraftError(
        "this installation of drafttools ships no annex_templates/ (looked in "
        + " and ".join(str(c) for c in candidates)
        + "); reinstall it from its wheel"
    )


def known(root: Path) -> list[str]:
    """The document types shipped in ``root`` (annex_templates/)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def load(root: Path, name: str, within: Bounds | None = None) -> DocType:
    """Read one document type's folder; raises TemplateError (template.missing, template.syntax, and
    source.outside for a file that leads outside the project: ``within``, by default the one holding ``root``)."""
    folder = root / name
    spec = folder / SPEC
    within = within if within is not None else bounds(root)
    for needed in (spec, folder / HTML, folder / REFERENCE):
        if needed.is_file() and (refused := outside(needed, within)) is not None:
            raise TemplateError(refused)
        if not needed.is_file():
            raise TemplateError(
                diag(
                    "template.missing",
                    display(folder),
                    0,
                    f"document type '{name}' has no {needed.name} in {display(folder)}",
                    f"add {needed.name} (see docs/building.md)",
                )
            )
    doctype = replace(read_spec(folder), within=within)
    _check_reference(doctype.reference)
    return doctype


# The parts every Word package holds; without them python-docx cannot open the reference document.
_WORD_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml")


def _check_reference(path: Path) -> None:
    """A reference .docx that is no Word package is a template.syntax error naming it (not a crash in the build)."""
    try:
        with zipfile.ZipFile(path) as package:
            missing = [part for part in _WORD_PARTS if part not in package.namelist()]
    except (zipfile.BadZipFile, OSError) as exc:
        missing, why = [], f"it is not a Word package (.docx zip): {exc}"
    else:
        why = f"it lacks {', '.join(missing)}" if missing else ""
    if why:
        raise TemplateError(
            diag(
                "template.syntax",
                display(path),
                0,
                f"{display(path)} cannot be used as the reference document: {why}",
                f"regenerate it with .venv/bin/python scripts/make_reference_docx.py {path.parent.name}, or save it "
                "again from Word as .docx",
            )
        )


def read_spec(folder: Path) -> DocType:
    """A document type from its folder's template.toml alone (the reference .docx is made from it)."""
    spec = folder / SPEC
    text = spec.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(
            diag("template.syntax", display(spec), toml_error_line(exc, text), f"not valid TOML: {exc}")
        ) from None
    return _doctype(folder.name, folder, data, spec)


def _doctype(name: str, folder: Path, data: dict[str, object], spec: Path) -> DocType:
    def bad(message: str) -> TemplateError:
        return TemplateError(diag("template.syntax", display(spec), 1, message))

    required = data.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise bad("required must be a list of front-matter field names")
    docx = data.get("docx", {})
    if not isinstance(docx, dict):
        raise bad("[docx] must be a table")
    rows = docx.get("first_page", [])
    if not isinstance(rows, list) or not all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows):
        raise bad("[docx] first_page must be a list of rows, each a list of texts")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) and v.strip() for v in defaults.values()):
        raise bad('[defaults] must be a table of front-matter fields and their texts (office = "...")')
    pattern, example = data.get("symbol_pattern", ""), data.get("symbol_example", "")
    if not isinstance(pattern, str) or not isinstance(example, str):
        raise bad("symbol_pattern and symbol_example must be texts")
    try:
        symbol = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise TemplateError(
            diag(
                "template.syntax",
                display(spec),
                _line_of(spec, "symbol_pattern"),
                f"symbol_pattern is not a regular expression: {exc}",
                "write it as a Python regular expression in a TOML literal string: '^EB\\d+/\\d+$'",
            )
        ) from None
    if symbol is not None and example and not symbol.fullmatch(example):
        raise bad(f"symbol_example {example!r} does not fit symbol_pattern {pattern!r}")
    return DocType(
        name=name,
        folder=folder,
        label=str(data.get("label", name)),
        required=tuple(required),
        annex_heading=str(data.get("annex_heading", "ANNEX")),
        header=str(docx.get("header", "")),
        first_page=tuple(tuple(r) for r in rows),
        symbol=symbol,
        symbol_example=example,
        defaults=tuple((str(k), v.strip()) for k, v in defaults.items()),
    )


def _line_of(spec: Path, key: str) -> int:
    """The line of template.toml where ``key`` is set (1 when it cannot be found)."""
    for number, line in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith(key):
            return number
    return 1


# In a symbol, "unknown" stands where the public record gives no number (SEA/RC62/unknown): the pattern is checked
# with it read as a number, and the placeholder rule warns of it.
UNKNOWN = re.compile(r"\bunknown\b", re.IGNORECASE)


def symbol_fits(doctype: DocType, symbol: str) -> bool:
    """Whether ``symbol`` fits the type's ``symbol_pattern`` (any symbol does when the type declares none)."""
    return doctype.symbol is None or doctype.symbol.fullmatch(UNKNOWN.sub("1", symbol)) is not None


def masthead(doctype: DocType, context: dict[str, dict[str, str]], paper: str) -> dict[str, list[str]]:
    """The first-page block's cells, filled, by column ("left", "right"), empty cells left out: what an HTML
    template prints as the masthead, from the same rows the reference .docx holds."""
    columns: dict[str, list[str]] = {"left": [], "right": []}
    for row in doctype.first_page:
        for index, cell in enumerate(row[:2]):
            text = fill(cell, context, f"{display(doctype.folder / SPEC)} [docx] first_page", paper).strip()
            if text:
                columns["left" if index == 0 else "right"].append(text)
    return columns


# Placeholders in the reference .docx (and in template.toml's [docx] texts): {{ paper.symbol }}, {{ annex.version }}.
PLACEHOLDER = re.compile(r"\{\{\s*(?P<scope>paper|annex)\.(?P<name>\w+)\s*\}\}")


def fill(text: str, context: dict[str, dict[str, str]], where: str, paper: str) -> str:
    """Replace every placeholder; a field the paper does not give is a template.field error naming both."""

    def value(match: re.Match[str]) -> str:
        scope, name = match["scope"], match["name"]
        if name not in context[scope]:
            raise TemplateError(
                diag(
                    "template.field",
                    paper,
                    1,
                    f"{where} uses {scope}.{name}, but {paper} does not give '{name}'",
                    f"add '{name}: ...' to the front matter of {paper}",
                )
            )
        return context[scope][name]

    return PLACEHOLDER.sub(value, text)
