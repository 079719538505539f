"""The ``new`` use case: a working project written from what drafttools ships, and nothing else.

``create(folder, profile)`` writes, into a folder that does not exist or is empty:

- ``pyproject.toml`` with ``[tool.drafttools]`` (the project root), and a ``.gitignore`` for ``build/``;
- ``code_text/``: the manifest, a preamble when the profile has one, a first article in the profile's shape (its
  kinds, its numbering: given numbers written where the profile keeps them), and the ID ledger recording every ID;
  made as a model (``starter_instrument``) and written by the same serializer as ``import`` (``render.myst``);
- ``annex_templates/``: the whole folder drafttools ships (``papers.templates.shipped``), every document type in
  it, with its templates and reference .docx;
- ``papers/``: one paper of each document type found there, its front matter holding every field the type
  requires (the values a drafter must still write stand as placeholders, which ``build`` warns about and
  ``build --strict`` refuses), annexing the working text.

Everything is first written into a staging folder beside the target (``.NAME.new-PID-...``: ``fsutil``), then
renamed into place, so the project appears whole or not at all.  Returns what it wrote; never prints.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drafttools.diagnostics import DraftError, UsageError, a_or_an
from drafttools.fsutil import is_staging, staging_prefix, tidy
from drafttools.model.profile import Kind, Profile
from drafttools.model.tree import Element, Inline, Instrument, Loc, Meta, Ref, Text
from drafttools.papers import templates
from drafttools.render import myst
from drafttools.source import ledger
from drafttools.source import profiles as shipped_profiles
from drafttools.source.files import LEDGER

DEFAULT_TITLE = "Draft instrument"
VERSION = "draft"  # the working text's version name until a version is frozen
PAPERS = "papers"
SOURCE = "code_text"
# What a front-matter field holds in a new paper when drafttools can give it no real value: a placeholder
# (``papers.placeholders``: a completion still owed), naming the field, so the printed paper says what is missing.
TO_COMPLETE = "[to be completed: {field}]"

PYPROJECT = """\
# A drafttools project: run drafttools from this folder (or below it).  [tool.drafttools] sets where things are;
# see "Settings" in drafttools' README.
[tool.drafttools]
source = "code_text"
versions = "versions"
build = "build"
"""
GITIGNORE = "# drafttools' outputs and its cache (build/.cache)\n/build/\n"

# The starter text's words.  {self} is how the profile's text names itself ("Code", "Agreement", "Regulation",
# "resolution").  An instrument of articles gets a first article; one whose body is paragraphs (a resolution: its
# operative paragraphs, each opening with its verb in capitals) gets two paragraphs.  Each shape: the first
# element (ID, text), then the one that refers to it (ID, text before the link, text after), then its points.
PREAMBLE = (
    "recognizing-need",
    "Recognizing the need for common principles and practices in the matters that this {self} addresses,",
)
ARTICLE = ("art-objective", "Objective")
IN_ARTICLE = (
    (
        "objective",
        "The objective of this {self} is to establish principles and practices to be applied by Member States.",
    ),
    ("objective-pursuit", "In pursuit of the objective set out in paragraph ", " above, Member States should:"),
    (("cooperate", "cooperate with one another; and"), ("report-steps", "report on the steps they have taken.")),
)
OPERATIVE = (
    ("urges-member-states", "URGES Member States to apply the principles and practices set out in this {self};"),
    ("requests-director-general", "REQUESTS the Director-General, in support of paragraph ", " above:"),
    (
        ("support-member-states", "to support Member States in doing so; and"),
        ("report-progress", "to report on the progress made."),
    ),
)
PAPER_BODY = """\
# Background

This paper transmits the text annexed to it, whose {word} {{xref}}`{first}` opens it.
"""


@dataclass(frozen=True, slots=True)
class NewResult:
    folder: Path
    profile: str
    files: tuple[str, ...]  # every file written, relative to the folder
    papers: tuple[str, ...]  # the document types a paper was written for


def create(folder: Path, profile_name: str = shipped_profiles.DEFAULT, title: str = DEFAULT_TITLE) -> NewResult:
    """Write a new project into ``folder`` (created, with its parents; an existing one must be empty).  Raises
    UsageError for a folder that exists and is not empty or is not a folder, or a profile drafttools does not
    ship; DraftError when the files cannot be written (nothing is left behind then)."""
    if profile_name not in shipped_profiles.shipped():
        raise UsageError(f"no profile '{profile_name}': drafttools ships {', '.join(shipped_profiles.shipped())}")
    if not title.strip() or any(ord(c) < 32 for c in title):
        raise UsageError("the title must be a non-empty line of text")
    _refuse_taken(folder)
    profile, problems, _ = shipped_profiles.load(profile_name, None)
    if profile is None:
        raise DraftError(f"the shipped profile '{profile_name}' cannot be read: {problems[0].message}")
    source = templates.shipped()
    files = project_files(profile, title.strip(), datetime.date.today(), source)
    target = Path(os.path.abspath(folder))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tidy(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target.name, "new"), dir=target.parent))
    except OSError as exc:
        raise DraftError(f"cannot write {target.parent}: {exc.strerror or exc}", str(target.parent)) from None
    try:
        shutil.copytree(source, staging / templates.TEMPLATES, ignore=_not_shipped)
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        written = tuple(sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()))
        os.chmod(staging, 0o777 & ~_umask())
        _place(staging, target, folder)
    except OSError as exc:
        raise DraftError(f"cannot write {folder}: {exc.strerror or exc}", str(folder)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewResult(folder, profile.name, written, tuple(templates.known(source)))


def _refuse_taken(folder: Path) -> None:
    if os.path.lexists(folder) and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder; name a new folder (or an empty one)")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty; name a new folder (or an empty one): nothing was written")


def _place(staging: Path, target: Path, shown: Path) -> None:
    """Move the staged project into place.  A missing folder is one rename: the project appears whole or not at
    all.  An empty folder that exists (``drafttools new .``) is kept, since a shell may stand in it: the staged
    entries are moved in one by one (each whole), ``pyproject.toml``, which makes the folder a project, last;
    if one cannot be moved, those moved before it are taken out again."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    entries = sorted((p for p in staging.iterdir()), key=lambda p: p.name == "pyproject.toml")
    moved: list[Path] = []
    try:
        for entry in entries:
            if os.path.lexists(target / entry.name):
                raise UsageError(f"{shown} is not empty; name a new folder (or an empty one): nothing was written")
            os.rename(entry, target / entry.name)
            moved.append(target / entry.name)
    except (OSError, UsageError):
        for path in reversed(moved):
            os.rename(path, staging / path.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _not_shipped(folder: str, names: list[str]) -> set[str]:
    """Hidden files, Python caches and drafttools' own temporary files are not part of the templates."""
    return {n for n in names if n.startswith(".") or n == "__pycache__" or is_staging(n)}


# ------------------------------------------------------------------------------------------------ the files


def project_files(profile: Profile, title: str, today: datetime.date, shipped: Path) -> dict[str, str]:
    """Every file of a new project but the templates (copied as they are): path → text."""
    instrument = starter_instrument(profile, title, today)
    text = myst.serialize(
        instrument, comment="Written by `drafttools new`: the instrument's metadata and its files, in order."
    )
    files = {"pyproject.toml": PYPROJECT, ".gitignore": GITIGNORE}
    files.update({f"{SOURCE}/{name}": content for name, content in text.items()})
    ids = {e.id: e.kind for e in instrument.walk() if e.id}
    entries = ledger.updated(ledger.Ledger(Path(LEDGER), {}, exists=False), ids)
    files[f"{SOURCE}/{LEDGER}"] = ledger.render(entries).decode("utf-8")
    first = instrument.body[0]
    opening = PAPER_BODY.format(word=profile.kinds[first.kind].word or first.kind, first=first.id)
    for name in templates.known(shipped):
        files[f"{PAPERS}/{name}.md"] = starter_paper(templates.read_spec(shipped / name), title, today, opening)
    return files


def starter_instrument(profile: Profile, title: str, today: datetime.date) -> Instrument:
    """A first article in ``profile``'s shape (or, where the body is paragraphs, as in a resolution, its first two
    paragraphs): a paragraph, then a paragraph leading in to two points that refers to the first; and a preamble
    paragraph when the profile has a preamble.  Each element of the profile's own kinds (found by role), with
    given numbers where the profile's numbering is given."""
    names = profile.grammar.self_names
    self_name = next((n for n in names if n[:1].isupper()), names[0] if names else "instrument")
    given = profile.numbering == "given"
    article = _kind(profile, profile.tops, "article")
    paragraph = _kind(profile, article.children if article else profile.tops, "paragraph")
    if paragraph is None:
        raise DraftError(f"profile '{profile.name}' has no paragraph to write a first text with")
    point = _kind(profile, paragraph.children, "point")
    here = Loc("", 0)

    def element(
        kind: Kind, element_id: str, inlines: tuple[Inline, ...], n: int, children: tuple[Element, ...] = ()
    ) -> Element:
        number = kind.counter(0).token(n) if given and kind.numbered else ""
        return Element(kind.name, element_id, here, inlines=inlines, children=children, given=number, role=kind.role)

    (first_id, first_text), (then_id, before, after), point_words = IN_ARTICLE if article else OPERATIVE
    first = element(paragraph, first_id, (Text(first_text.format(self=self_name)),), 1)
    lead_in = (Text(before), Ref(first_id, here), Text(after))
    if point is not None:
        points = tuple(element(point, i, (Text(words),), n) for n, (i, words) in enumerate(point_words, start=1))
        then = element(paragraph, then_id, lead_in, 2, children=points)
    else:
        then = element(paragraph, then_id, (*lead_in[:-1], Text(" above.")), 2)
    body: tuple[Element, ...] = (first, then)
    if article is not None:
        body = (
            Element(
                article.name,
                ARTICLE[0],
                here,
                title=ARTICLE[1],
                children=body,
                given=article.counter(0).token(1) if given and article.numbered else "",
                role=article.role,
            ),
        )
    preamble: tuple[Element, ...] = ()
    if profile.preamble_kinds:
        kinds = [profile.kinds[k] for k in profile.preamble_kinds if k in profile.kinds]
        recital = next((k for k in kinds if k.role == "recital"), kinds[0])
        preamble = (element(recital, PREAMBLE[0], (Text(PREAMBLE[1].format(self=self_name)),), 1),)
    meta = Meta(title, VERSION, today.isoformat(), "draft", "en", "")
    return Instrument(meta, profile, preamble=preamble, body=body)


def _kind(profile: Profile, among: Iterable[str], role: str) -> Kind | None:
    """The first kind of ``among`` (names) with ``role``; None when there is none."""
    return next((profile.kinds[n] for n in among if n in profile.kinds and profile.kinds[n].role == role), None)


def starter_paper(doctype: templates.DocType, title: str, today: datetime.date, body: str = "") -> str:
    """A paper of ``doctype`` annexing the working text: every field the type requires but those its
    template.toml's ``[defaults]`` give, the ones only a drafter can give as placeholders; ``body`` after the
    front matter, unless the type is the text alone (no annex heading)."""
    spec = tomllib.loads((doctype.folder / templates.SPEC).read_text(encoding="utf-8"))
    defaults = spec.get("defaults", {})
    known = {"date": today.isoformat(), "title": title, "symbol": _unknown_symbol(spec)}
    fields = [n for n in doctype.required if n not in ("document_type", "annex", "language") and n not in defaults]
    lines = [
        "---",
        f"# {_sentence(a_or_an(doctype.label))} (annex_templates/{doctype.name}/) annexing the working text.",
    ]
    if any(name not in known or "unknown" in known[name] for name in fields):
        lines.append(
            "# Write the real values where '[to be completed: ...]' or 'unknown' stands: `drafttools build` warns."
        )
    lines.append(f"document_type: {doctype.name}")
    for name in fields:
        value = known.get(name) or TO_COMPLETE.format(field=name.replace("_", " "))
        lines.append(f"{name}: {value if name == 'date' else json.dumps(value, ensure_ascii=False)}")
    lines += ["language: en", f"annex: {SOURCE}", "---", ""]
    return "\n".join(lines) + ("\n" + body if body and doctype.annex_heading else "")


def _sentence(text: str) -> str:
    """``text`` with its first letter in capitals, the rest as written ("An Executive Board document")."""
    return text[:1].upper() + text[1:]


def _unknown_symbol(spec: dict[str, object]) -> str:
    """The symbol of a new paper: where the type says how its symbols read (``symbol_pattern``, with a
    ``symbol_example``), the example with its last number written 'unknown' ("EB126/unknown"), which fits the
    pattern and is warned about until the real number is written; else a placeholder."""
    pattern, example = spec.get("symbol_pattern"), spec.get("symbol_example")
    if isinstance(pattern, str) and isinstance(example, str) and pattern and example:
        unknown = re.sub(r"\d+(?=\D*$)", "unknown", example, count=1)
        with contextlib.suppress(re.error):
            if re.fullmatch(pattern, re.sub(r"\bunknown\b", "1", unknown)) and re.search(r"\bunknown\b", unknown):
                return unknown
    return TO_COMPLETE.format(field="symbol")
