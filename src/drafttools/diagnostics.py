"""Coded diagnostics: the one way drafttools reports a problem in its input.

Every code is documented once, here, in ``CODES``; ``docs/diagnostics.md`` is generated from this table and
a test keeps the two in step.  A diagnostic points at ``file:line`` and, where we know it, says how to fix it.
Standard library only.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


class Severity(enum.IntEnum):
    """How bad a diagnostic is; the worst one decides the exit status."""

    INFO = 0  # a report, never a finding (open brackets, what --fix changed)
    WARNING = 1  # a finding only under --strict
    ERROR = 2  # always a finding

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Code:
    name: str
    severity: Severity
    doc: str


def _table(*rows: tuple[str, Severity, str]) -> dict[str, Code]:
    return {name: Code(name, sev, doc) for name, sev, doc in rows}


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)

CODES: dict[str, Code] = _table(
    # reading the files
    ("source.not-code-text", E, "the folder has no manifest.toml, so it is not a code text"),
    ("source.encoding", E, "a file is not valid UTF-8"),
    ("source.bom", W, "a file starts with a UTF-8 byte-order mark; save it without one"),
    ("source.crlf", W, "a file uses CRLF (Windows) line endings; drafttools keeps them but prefers LF"),
    ("source.control-char", E, "text holds a control character that XML (and so Word) cannot hold"),
    (
        "source.outside",
        E,
        "a file the project reads (the manifest, an article, the profile, the ID ledger, a paper, a template) leads, "
        "through a symbolic link or '..', outside the project (the folder holding pyproject.toml, else the code "
        "text's or the working folder); it is refused unread unless `[tool.drafttools] allow_outside = true`",
    ),
    ("manifest.syntax", E, "manifest.toml is not valid TOML"),
    ("manifest.field", E, "a manifest field is missing or has the wrong type"),
    ("manifest.missing-file", E, "the manifest names a file that does not exist"),
    ("manifest.duplicate-file", E, "the manifest names the same file twice"),
    (
        "manifest.unlisted",
        E,
        "a Markdown file in the code text is not named in the manifest, so it would be silently left out",
    ),
    # MyST structure
    ("myst.syntax", E, "the Markdown could not be read as MyST (an unknown directive or role, a bad option, ...)"),
    ("myst.unclosed", E, "a ':::' directive is never closed; everything after it would be swallowed"),
    ("structure.no-article", E, "an article file holds no {article} directive"),
    ("structure.extra-article", E, "an article file holds more than one {article} directive"),
    ("structure.empty", E, "an article holds no paragraphs"),
    ("structure.no-title", E, "an article has no :title:"),
    (
        "structure.stray",
        E,
        "text or a block stands where the structure does not allow it (outside a paragraph, after the items, ...)",
    ),
    (
        "structure.inline-markup",
        W,
        "emphasis, strong, literal or link markup in the code text, which the model does not keep (it prints as plain "
        "text)",
    ),
    (
        "structure.misplaced",
        E,
        "a directive is nested where its profile does not allow it (an item outside a paragraph, an article inside an "
        "article, ...)",
    ),
    (
        "structure.unknown-kind",
        E,
        "a directive names a kind of element (a {point}, a {chapter}) that the code text's numbering profile does not "
        "declare",
    ),
    (
        "structure.too-deep",
        E,
        "elements nest deeper than the numbering profile's max_depth allows (no real instrument does)",
    ),
    (
        "structure.opening",
        E,
        "an element's text does not open as its kind requires (a resolution's operative paragraph without its "
        "operative verb in capitals: ADOPTS, URGES, REQUESTS)",
    ),
    ("structure.footnote", E, "a footnote is cited ([^1]) but never defined ([^1]: text) in the same file"),
    # numbering profiles and numbers written in the source
    (
        "profile.unknown",
        E,
        "manifest.toml names a numbering profile that drafttools does not ship and no file beside the manifest holds",
    ),
    ("profile.syntax", E, "a numbering profile is not valid TOML"),
    ("profile.unreadable", E, "a numbering profile cannot be read (permissions, not UTF-8)"),
    ("profile.field", E, "a numbering profile's field is missing, unknown, or of the wrong type or value"),
    (
        "numbering.ignored",
        W,
        "a number is written in the source (:number:) but the profile computes numbers from order, so it is not used",
    ),
    (
        "numbering.missing",
        W,
        "with given numbering, a numbered element has no :number: and was counted on from the one before",
    ),
    ("numbering.duplicate", E, "with given numbering, two elements of one sequence carry the same number"),
    ("numbering.order", W, "with given numbering, the numbers of a sequence go backwards"),
    # identities
    ("id.missing", E, "an article, paragraph or item has no stable ID; `drafttools ids` gives it one"),
    ("id.duplicate", E, "two elements carry the same ID; the message names the first definition"),
    (
        "id.malformed",
        E,
        "an ID breaks the ID rules (lower-case letters, digits and single hyphens, starting with a letter, at most 40 "
        "characters, which is what a Word bookmark name keeps)",
    ),
    ("id.number-like", W, "an ID looks derived from a printed number, which will change; choose a word-based ID"),
    ("id.orphan", E, "an ID is attached to nothing: an element with no text, or a MyST target that labels no element"),
    ("id.reused", E, "an ID that was retired (its element deleted) is used again; IDs are never reused"),
    (
        "id.kind-changed",
        E,
        "an ID recorded in the ledger for one kind of element (article, paragraph, item) now labels another kind",
    ),
    ("id.unrecorded", W, "an ID is not yet in the ID ledger; run `drafttools ids` to record it"),
    ("id.ledger", E, "the ID ledger (id-ledger.tsv) cannot be read, or holds a line that is not 'ID, kind, status'"),
    (
        "id.retire-referenced",
        E,
        "`drafttools ids` would retire an ID that a reference still links to; restore the ID on its element, or change "
        "the reference, first",
    ),
    (
        "id.gone",
        N,
        "an ID recorded as in use is no longer in the text; `drafttools ids` records it as gone (put back, it is "
        "active again; missing from a frozen version, it is retired)",
    ),
    (
        "id.restore",
        E,
        "`drafttools ids --restore` cannot bring a retired ID back: it is not retired, does not stand on exactly one "
        "element, or that element is of another kind or reads unlike the one it labelled in a frozen version",
    ),
    ("id.errors", E, "`drafttools ids` refuses to record a text with ID errors: fix them first (nothing was written)"),
    # versions and diffs (drafttools snapshot, versions, diff)
    ("version.no-code-text", E, "a git revision named as REV:PATH holds no code text (no manifest.toml) at that path"),
    ("version.unreadable", E, "a version compared by `diff` has errors of its own; run `drafttools check` on it"),
    (
        "version.edited",
        W,
        "a file of a frozen version was edited, removed or added after the version was frozen (its seal, "
        "frozen.sha256, records each file's SHA-256)",
    ),
    (
        "version.restored",
        W,
        "an import killed while replacing a folder had moved it aside; the folder was put back as it was before",
    ),
    (
        "diff.id-collision",
        E,
        "the same ID labels different kinds of element (an article in one version, a paragraph in the other)",
    ),
    (
        "diff.id-unrelated",
        W,
        "the same ID labels unrelated texts in the two versions; an ID is never reused for another element",
    ),
    # cross-references
    (
        "xref.malformed",
        E,
        "a {xref} role that is empty ({xref}``) or never closed ({xref}`ID without its closing backtick): it would "
        "print literally, or swallow the text up to the next backtick",
    ),
    (
        "xref.too-many",
        E,
        "one block of text holds more references or roles than any real paragraph (5,000): the file is not parsed",
    ),
    ("xref.unknown-id", E, "a reference links to an ID that no element carries"),
    ("xref.unresolved", E, "a reference typed as plain text names no article, paragraph or item that exists"),
    ("xref.direction", E, "a reference says 'above' of something below it, or 'below' of something above it"),
    ("xref.label-stale", E, "a reference's written label is not its target's current number"),
    (
        "xref.self",
        W,
        "a reference names its own element or the element that holds it (an item citing its own paragraph): usually a "
        "target lost in a renumbering",
    ),
    (
        "xref.kind",
        W,
        "a reference calls its target by the wrong kind ('paragraph' for an article, 'Article' for an item)",
    ),
    (
        "xref.untagged",
        E,
        "a reference typed as plain text resolves, but is not linked to its target's ID, so it will not follow a "
        "renumbering; `check --fix` links it",
    ),
    ("xref.fixed", N, "`check --fix` linked a plain-text reference to its target's ID"),
    # square brackets
    ("bracket.unbalanced", E, "a '[' without its ']' or a ']' without its '['"),
    ("bracket.nested", E, "square brackets nested inside square brackets"),
    ("bracket.open", N, "text in square brackets, not yet agreed (with its alternative and proponents, if it is one)"),
    ("bracket.agreed", E, "an element marked ':status: agreed' (or agreed-ad-ref) still holds square brackets"),
    ("bracket.status", E, "a ':status:' that is not one of open, agreed-ad-ref, agreed"),
    ("bracket.no-proponent", W, "an alternative ('[Alt 2: ...]') names no proponent in parentheses"),
    (
        "bracket.proponent",
        W,
        "an alternative names a proponent that is no ISO 3166 alpha-3 code, known group or organization",
    ),
    # importing a draft (drafttools import)
    (
        "import.format",
        E,
        "the file to import is not .docx, .txt or .md, or is not what its name says (a .docx that is no Word package, "
        "a binary .txt)",
    ),
    ("import.legacy-doc", E, "the file is a legacy Word 97-2003 .doc; save it as .docx first"),
    ("import.encrypted", E, "the Word file is password-protected (encrypted); save an unprotected copy first"),
    (
        "import.dropped-entities",
        W,
        "the Word file declares XML entities (a DTD, which Word never writes): none is resolved or read, and the "
        "count of references left out is given",
    ),
    ("import.dropped-macros", W, "the Word file holds macros (a VBA project, as a .docm does): they are left out"),
    ("import.dropped-objects", W, "the Word file holds embedded (OLE) objects: they are left out, with their count"),
    ("import.dropped-comments", W, "the Word file holds comments: the text is imported without them"),
    (
        "import.unreadable",
        E,
        "the file could not be read: a damaged Word package, broken XML, or text that is not UTF-8",
    ),
    (
        "import.too-large",
        E,
        "the file is bigger than the importer reads (bytes, paragraphs, or a package that unpacks to far more than it "
        "weighs)",
    ),
    (
        "import.too-deep",
        E,
        "the file nests deeper than an instrument can: XML or tables nested too deep, quotes nested too deep, "
        "paragraphs numbered N.M.K where the profile numbers N.M, points deeper than the profile's max_depth",
    ),
    (
        "import.tracked-changes",
        E,
        "the Word file holds tracked changes and --track-changes did not say whether to accept or reject them",
    ),
    (
        "import.no-article",
        E,
        "no article heading ('Article N – Title') was recognised, so the file has no structure to import",
    ),
    (
        "import.numbering-repeat",
        E,
        "a typed or generated number repeats or goes backwards, so the order of the text is in doubt",
    ),
    (
        "import.numbering-gap",
        W,
        "a number is skipped (an element deleted without renumbering?) where the profile computes numbers from order",
    ),
    (
        "import.numbering-mismatch",
        W,
        "a paragraph is numbered for another article (3.2 under Article 4); it is imported where it stands",
    ),
    (
        "import.number-format",
        W,
        "points are typed in another format than the profile prints at their depth ((i) where it prints (a)); the "
        "profile's numbers are computed from order",
    ),
    (
        "import.footnote",
        W,
        "a footnote marker was dropped: one glued to a word in text (write [^1] and a line '[^1]: ...'), one without "
        "text, or one on the title",
    ),
    (
        "import.long-heading",
        W,
        "a heading runs past 200 characters; it is kept as the heading (its text may belong on a line of its own)",
    ),
    (
        "import.stray-text",
        W,
        "text that stands where the instrument holds none (under a division heading before its first article, a table "
        "outside an article) was left out; its words are counted as dropped",
    ),
    (
        "import.front-matter",
        N,
        "blocks around the instrument's title (the paper's first page, an 'Annex' label, a version line) were left out",
    ),
    (
        "import.stale-reference",
        W,
        "a typed reference, resolved as typed, lands on another element than the same element's reference did in the "
        "version it answers, and that old target is gone: renumbered by hand, it may be stale",
    ),
    (
        "import.bookmark",
        W,
        "a bookmark in the Word file names an ID that cannot be kept (retired in the ledger, or already taken); a new "
        "ID is given",
    ),
    (
        "import.uncommitted",
        E,
        "importing would overwrite a folder holding uncommitted or untracked work; commit it first or pass --force",
    ),
    (
        "import.target",
        E,
        "the import has nowhere to go: versions/ (or the code text folder) is a file, not a folder",
    ),
    (
        "import.version-exists",
        E,
        "importing would replace an existing version, and versions are frozen; choose another name or pass --force",
    ),
    # the redline audit (drafttools audit)
    (
        "audit.unshown",
        E,
        "a revision changes a paragraph, item, heading or the title without showing it (as a Word tracked change, or "
        "struck or underlined): rejecting every shown change does not give back the previous version there",
    ),
    (
        "audit.unrelated",
        E,
        "the file is not a revision of the version named: no article found, or most of that version's words are "
        "not in it once its shown changes are rejected",
    ),
    (
        "audit.mixed-marks",
        W,
        "a revision shows its changes as Word tracked changes and also holds struck or underlined text, which is "
        "read as plain text (--marks formatting reads both)",
    ),
    # papers and their build (drafttools build)
    ("paper.missing", E, "a paper named on the command line does not exist"),
    (
        "paper.front-matter",
        E,
        "a paper's YAML front matter is missing, is not valid YAML, or a field is missing or has the wrong type",
    ),
    ("paper.doctype", E, "a paper's document_type names no folder in annex_templates/"),
    (
        "paper.body",
        E,
        "a paper's body is not the governing body its document type is for (each folder of annex_templates/ is one "
        "body's papers: its template.toml [defaults] body)",
    ),
    (
        "paper.symbol",
        E,
        "a paper's symbol does not fit its body's symbol pattern (template.toml symbol_pattern: EB126/8, A63/8, "
        "AFR/RC60/7, CD50/9, SEA/RC62/11, EUR/RC60/8, EM/RC57/4, WPR/RC61/9, WHA63.16)",
    ),
    ("paper.resolution", E, "a paper's {resolution} block names no resolution (resolutions/NAME/), or one twice"),
    ("paper.structure", E, "a paper holds markup a paper cannot hold (a list, a table, an unknown block)"),
    ("paper.footnote", E, "a footnote is referenced but never defined, or defined but never referenced"),
    (
        "paper.placeholder",
        W,
        "a paper's front-matter field or text still holds a placeholder ('SEA/RC62/xx', 'TBD', '[date]', '[to be "
        "supplied]'; in the front matter also 'unknown', where the public record gives no value; the rule is in "
        "docs/building.md): write the real text before the paper goes out",
    ),
    (
        "paper.annex-date",
        W,
        "a paper annexes a version of the code dated after the paper itself: a text it cannot have carried",
    ),
    (
        "template.missing",
        E,
        "a document type's folder lacks a file it needs (paper.html.j2, reference.docx), or a template includes, "
        "extends or imports one that is not inside annex_templates/",
    ),
    (
        "template.syntax",
        E,
        "a template (Jinja2 HTML, template.toml, or a placeholder in reference.docx) cannot be read",
    ),
    ("template.field", E, "a template uses a front-matter field that the paper does not give"),
    (
        "template.placeholder",
        W,
        "a document type's own text (template.toml's [docx] texts, the HTML templates' text) still holds a "
        "placeholder, which every paper of that type would print",
    ),
    (
        "template.unsafe",
        E,
        "a template reaches beyond what it is given: an attribute starting with '_' (a Python object's insides), a "
        "function or variable drafttools does not give templates, a method that changes data, a huge repetition",
    ),
    (
        "build.version",
        E,
        "the version of the code a paper annexes names no code text (neither code_text nor versions/NAME)",
    ),
    ("build.output", E, "an output file or folder cannot be written"),
    (
        "build.pdf",
        E,
        "LibreOffice could not convert a paper's DOCX to PDF (its message is quoted); nothing is written",
    ),
    (
        "build.libreoffice",
        E,
        "PDF was asked for but LibreOffice (soffice) is not installed or not on PATH; nothing is written",
    ),
    # proposals (proposals/*.toml) and collected returns
    ("proposal.syntax", E, "a proposal file cannot be read as TOML (or as UTF-8)"),
    (
        "proposal.field",
        E,
        "a proposal file lacks a field or gives one of the wrong type or value (an unknown kind, no proponent, an ID "
        "that is malformed, not the file's name, or used twice)",
    ),
    ("proposal.status", E, "a proposal's status is not one of open, accepted, rejected, merged, withdrawn"),
    ("proposal.target", E, "a proposal targets an ID that the code text never had"),
    (
        "proposal.proponent",
        W,
        "a proposal names a proponent written as a code (capitals: 'BRZ') that no list of known codes holds",
    ),
    (
        "proposal.target-gone",
        W,
        "an open proposal targets an element that is no longer in the text (its ID gone or retired)",
    ),
    (
        "proposal.merge",
        E,
        "a merged proposal does not say which proposal it was merged into, or names one that does not exist (or "
        "itself)",
    ),
    (
        "collect.wrong-version",
        E,
        "a returned file's text (with every tracked change rejected) is not the version it is said to answer; "
        "nothing is collected",
    ),
    (
        "collect.untracked",
        W,
        "a returned Word file holds tracked changes and also edits made without tracking; the untracked edits are "
        "not collected",
    ),
    (
        "collect.author",
        W,
        'a tracked change or comment of a return is by an author name that names nobody ("Unknown Author", '
        '"User"): kept as written and collected, with this warning',
    ),
    (
        "review.stale",
        W,
        "an accepted proposal was accepted against words that have changed since, and its change cannot be found "
        "once in the words as they stand: it is not applied to the clean or negotiating text (apply it by hand)",
    ),
    (
        "review.target-gone",
        W,
        "an accepted proposal's target is no longer in the text: it is not applied (a delete of an element already "
        "gone is no finding)",
    ),
    (
        "review.reference-lost",
        N,
        "applying an accepted proposal rewrote the words of a cross-reference, which is left as plain text; check it "
        "and link it again if it should stay a reference",
    ),
    (
        "collect.unplaced",
        W,
        "a tracked change or comment stands outside the code text (on the paper's first page, say); it is not "
        "collected",
    ),
)

del E, W, N


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in the source."""

    code: str
    path: str
    line: int
    message: str
    fix: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def format(self) -> str:
        """The one human format: ``path:line: severity: message [code]`` (plus a fix hint)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message} [{self.code}]"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def diag(code: str, path: str, line: int, message: str, fix: str | None = None) -> Diagnostic:
    """Make a diagnostic, refusing an undocumented code."""
    if code not in CODES:
        raise KeyError(f"undocumented diagnostic code {code!r}")
    return Diagnostic(code, path, line, message, fix)


# Words that start with a vowel letter but a consonant sound ("a unit", "a European", "a one-off"), and the
# reverse ("an hour"); an acronym is read letter by letter ("an EU act", "an RC paper", "a WHO paper").
_A_BEFORE = ("uni", "use", "usu", "uti", "eu", "one", "once")
_AN_BEFORE = ("hour", "honest", "honour", "honor", "heir")
_VOWEL_LETTERS = "AEFHILMNORSX"  # letters whose names begin with a vowel sound


def a_or_an(phrase: str) -> str:
    """``phrase`` with the indefinite article that fits it, for messages: "an Executive Board document",
    "a Regional Committee paper", "an item", "a paragraph"."""
    word = phrase.split(" ", 1)[0].strip("'\"(")
    low = word.lower()
    if len(word) > 1 and word.isupper() and word.isalpha():
        an = word[0] in _VOWEL_LETTERS
    elif low.startswith(_AN_BEFORE):
        an = True
    elif low.startswith(_A_BEFORE):
        an = False
    else:
        an = low[:1] in ("a", "e", "i", "o", "u")
    return f"{'an' if an else 'a'} {phrase}"


def is_finding(d: Diagnostic, strict: bool) -> bool:
    return d.severity is Severity.ERROR or (strict and d.severity is Severity.WARNING)


def exit_code(diagnostics: Iterable[Diagnostic], strict: bool = False) -> int:
    """0 when clean, 1 when there is a finding (errors; warnings too under ``strict``)."""
    return 1 if any(is_finding(d, strict) for d in diagnostics) else 0


def sort_key(d: Diagnostic) -> tuple[str, int, str]:
    return (d.path, d.line, d.code)


def to_json(diagnostics: Sequence[Diagnostic], **extra: object) -> str:
    payload: dict[str, object] = {"diagnostics": [d.to_json() for d in diagnostics]}
    payload.update(extra)
    return json.dumps(payload, indent=2, ensure_ascii=False)


def codes_markdown() -> str:
    """The reference table of every code, as Markdown (docs/diagnostics.md)."""
    lines = [
        "# Diagnostic codes",
        "",
        "Generated from `src/drafttools/diagnostics.py` (`drafttools codes`); do not edit by hand.",
        "Errors are always findings (exit 1); warnings are findings under `--strict`; infos are reports.",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.severity} | {c.doc} |" for c in CODES.values()]
    return "\n".join(lines) + "\n"


def toml_error_line(exc: ValueError, text: str = "") -> int:
    """The line tomllib names in its message ("... (at line 3, column 7)"); the text's last line for a mistake
    it finds "at end of document" (a list or string left open), or 1."""
    found = re.search(r"line (\d+)", str(exc))
    if found:
        return int(found.group(1))
    if "end of document" in str(exc) and text:
        return text.count("\n") + (0 if text.endswith("\n") else 1)
    return 1


class DraftError(Exception):
    """Input that stops the work; carries a diagnostic-like location."""

    def __init__(self, message: str, path: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.line = line

    def format(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self}"


class UsageError(DraftError):
    """The command line asks for something impossible (exit 2)."""


class SourceError(DraftError):
    """A source cannot be read at all (exit 1)."""
