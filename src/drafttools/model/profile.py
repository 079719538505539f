"""Numbering profiles: how an instrument's elements are named, numbered, headed and cited, kept as data.

A profile is a TOML file (``src/drafttools/profiles/*.toml`` ships ``who-code``, ``treaty`` and ``eu``; a code
text may name its own file) that declares the *kinds* of element an instrument is made of, outermost first:

- ``role``: what the kind is: ``division`` (Part, Title, Chapter, Section: groups articles), ``article``,
  ``paragraph``, ``point`` (a sub-paragraph at any depth: (a), (i), (1), a dash indent), ``text`` (an unnumbered
  block: closing words, a further sub-paragraph), ``definition``, ``table``, ``row``, ``annex``, ``recital``,
  ``citation``;
- ``format``: how its counter prints, by a sample: ``"1"``, ``"1."``, ``"(a)"``, ``"(i)"``, ``"I"``, ``"A"``,
  ``"One"``, ``"ONE"``, a mark such as ``"—"``, or ``""`` (unnumbered); a list gives one format per depth when
  the kind nests in itself (items (a) holding items (i));
- ``number``, ``label``, ``near`` and ``heading``: templates for the printed number, the citation label, what a
  link prints when it stands under the same parent as its target, and the heading line;
- ``scope``: whether the counter runs over the whole instrument (articles, annexes) or restarts under each parent;
- ``children``: the kinds an element of this kind may hold;
- ``opening``: a regular expression for the words an element's text opens with (a resolution's preambular
  participle, *Recalling*; an operative paragraph's verb in capitals, ADOPTS), ``opening_style`` how they print
  (``italic``, or ``""`` as written), and ``opening_required`` with ``opening_fix``: a text that does not open so
  is an error (``structure.opening``) with that fix line.

The profile also says whether numbers are computed from order or given in the source and kept (an adopted act),
and holds the reference grammar of its texts (``references``).  Nothing here reads files: ``source.profiles``
does, and hands the parsed TOML to ``from_data``.  Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drafttools.diagnostics import Diagnostic, diag

ROLES = frozenset(
    {"division", "article", "paragraph", "point", "text", "definition", "table", "row", "annex", "recital", "citation"}
)
# Roles whose elements carry a heading line ("Article 8 – Title", "PART II") rather than running text.
HEADED_ROLES = frozenset({"division", "article", "annex", "table"})
# The class of a role for the ID ledger: an ID may move between kinds of one class (a point promoted to a
# paragraph keeps its ID), never between classes (an article's ID never labels a paragraph).
ROLE_CLASS = {
    "division": "division",
    "article": "article",
    "annex": "annex",
    "table": "table",
    "row": "row",
    "paragraph": "text",
    "point": "text",
    "text": "text",
    "definition": "text",
    "recital": "text",
    "citation": "text",
}
NUMBERINGS = ("computed", "given")
SCOPES = ("parent", "instrument")
TEMPLATE_FIELD = re.compile(r"\{([a-z_-]*)\}")

_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def roman(value: int) -> str:
    out = ""
    for number, letters in _ROMAN:
        while value >= number:
            out, value = out + letters, value - number
    return out


def roman_value(token: str) -> int:
    total = 0
    lowered = token.lower()
    for here, after in zip(lowered, lowered[1:] + " ", strict=False):
        value = _ROMAN_VALUES[here]
        total += -value if after != " " and _ROMAN_VALUES[after] > value else value
    return total


def number_word(value: int) -> str:
    """'one' ... 'ninety-nine' (EU Parts are numbered in words: PART THREE)."""
    if value <= 20:
        return _WORDS[value - 1]
    tens, units = divmod(value, 10)
    return _TENS[tens * 10] + (f"-{_WORDS[units - 1]}" if units else "")


def letters(value: int) -> str:
    """'a' for 1 ... 'z', then 'aa', 'bb' as UN documents do."""
    return _LETTERS[(value - 1) % 26] * ((value - 1) // 26 + 1)


# --------------------------------------------------------------------------------------------------- counters


@dataclass(frozen=True, slots=True)
class Counter:
    """How one level prints its count: a style and the literal text around it ("(" and ")" of "(a)")."""

    style: (
        str  # decimal | lower-letter | upper-letter | lower-roman | upper-roman | words | Words | WORDS | mark | none
    )
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def parse(cls, sample: str) -> Counter:
        """The counter a sample shows: "1", "1.", "(a)", "(i)", "I", "A", "One", "—"; "" is unnumbered."""
        if not sample:
            return cls("none")
        for word, style in (("ONE", "WORDS"), ("One", "Words"), ("one", "words")):
            at = sample.find(word)
            if at >= 0:
                return cls(style, sample[:at], sample[at + len(word) :])
        for char, style in (
            ("1", "decimal"),
            ("i", "lower-roman"),
            ("I", "upper-roman"),
            ("a", "lower-letter"),
            ("A", "upper-letter"),
        ):
            at = sample.find(char)
            if at >= 0:
                return cls(style, sample[:at], sample[at + 1 :])
        return cls("mark", sample)

    @property
    def numbered(self) -> bool:
        return self.style != "none"

    @property
    def counts(self) -> bool:
        """Whether the printed number says which one it is (a mark such as '—' does not)."""
        return self.style not in ("none", "mark")

    def token(self, value: int) -> str:
        """The bare counter: '3', 'c', 'iii', 'III', 'Three'; '' for a mark."""
        style = self.style
        if style == "decimal":
            return str(value)
        if style == "lower-letter":
            return letters(value)
        if style == "upper-letter":
            return letters(value).upper()
        if style == "lower-roman":
            return roman(value)
        if style == "upper-roman":
            return roman(value).upper()
        if style == "words":
            return number_word(value)
        if style == "Words":
            return number_word(value).capitalize()
        if style == "WORDS":
            return number_word(value).upper()
        return ""

    def decorate(self, token: str) -> str:
        """The printed number around a token: '(c)', '1.', '—'."""
        return f"{self.prefix}{token}{self.suffix}" if self.style != "none" else ""

    def pattern(self) -> str:
        """A regex for the bare token as a reader types it (given numbers may carry a letter: 92a)."""
        return {
            "decimal": r"\d{1,4}[a-z]?",
            "lower-letter": r"[a-z]{1,3}",
            "upper-letter": r"[A-Z]{1,3}",
            "lower-roman": r"[ivxlcdm]{1,8}",
            "upper-roman": r"[IVXLCDM]{1,8}",
        }.get(self.style, r"[A-Za-z]+(?:-[a-z]+)?")

    def value(self, token: str) -> int | None:
        """The count a token stands for, or None when it is not one of this counter's (for order checks)."""
        style, text = self.style, token.strip()
        if style == "decimal":
            digits = re.match(r"\d+", text)
            return int(digits.group()) if digits else None
        if style in ("lower-letter", "upper-letter"):
            low = text.lower()
            if re.fullmatch(r"([a-z])\1*", low):
                return (len(low) - 1) * 26 + _LETTERS.index(low[0]) + 1
            return None
        if style in ("lower-roman", "upper-roman"):
            return roman_value(text) if re.fullmatch(r"[ivxlcdm]+", text.lower()) else None
        if style in ("words", "Words", "WORDS"):
            low = text.lower()
            for value in range(1, 100):
                if number_word(value) == low:
                    return value
            return None
        return None


# ------------------------------------------------------------------------------------------------------ kinds


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of element: what it is, how it counts, prints, heads and cites."""

    name: str  # the directive ({article}) and the ledger's kind
    role: str
    word: str = ""  # "Article": how headings and references name it
    plural: str = ""
    formats: tuple[Counter, ...] = ()  # per depth among nested elements of this kind; () unnumbered
    scope: str = "parent"
    number: str = "{n}"  # printed number
    label: str = "{t}"  # citation label (diffs, diagnostics, links)
    near: str = ""  # what a link prints under the same parent as its target ("" the label)
    heading: str = ""  # heading line of a headed kind: "Article {number}"
    title_join: str = " \u2013 "  # between heading and title; "\n" puts the title on its own line
    unnumbered_label: str = ""  # the label of an unnumbered element of this kind ("the lead-in of Article 1")
    children: tuple[str, ...] = ()
    opening: re.Pattern[str] | None = None  # the words its text opens with ("Recalling", "ADOPTS")
    opening_style: str = ""  # how they print: "italic", or "" as written
    opening_required: bool = False  # a text not opening so is a structure.opening error
    opening_fix: str = ""  # the fix line of that error

    @property
    def headed(self) -> bool:
        return self.role in HEADED_ROLES

    @property
    def numbered(self) -> bool:
        return any(f.numbered for f in self.formats)

    def counter(self, depth: int) -> Counter:
        """The counter at ``depth`` (0 the outermost of nested elements of this kind); the last one repeats."""
        if not self.formats:
            return Counter("none")
        return self.formats[min(depth, len(self.formats) - 1)]

    def describe(self) -> str:
        return self.word.lower() if self.word else self.name


# ---------------------------------------------------------------------------------------- reference grammar


@dataclass(frozen=True, slots=True)
class Phrase:
    """One reference keyword: its words ("Article", "Articles"), the kinds it may name without a warning, and the
    number forms that may follow it, as templates of kind slots: "{article}.{paragraph}({item})"."""

    words: tuple[str, ...]
    names: tuple[str, ...]
    forms: tuple[str, ...]
    ordinal: bool = False  # "the second subparagraph": an ordinal word stands before it instead of a number after


@dataclass(frozen=True, slots=True)
class Grammar:
    """How this profile's texts refer to their own elements, and to other instruments' (left alone)."""

    phrases: tuple[Phrase, ...] = ()
    self_names: tuple[str, ...] = ()  # "Code", "Regulation": "Article 5 of this Regulation" is ours
    external: tuple[str, ...] = ()  # what after a phrase makes it another instrument's: "TFEU", "of Directive"
    directions: tuple[str, ...] = ("above", "below")
    joiners: tuple[str, ...] = (",", "and", "or")
    ranges: tuple[str, ...] = ("to", "\u2013", "-")


# ---------------------------------------------------------------------------------------------------- profile


@dataclass(frozen=True, eq=False)
class Profile:
    """A numbering profile: kinds by name (outermost first), numbering mode and the reference grammar.  Compared
    and hashed by identity: each file is read once (``source.profiles``)."""

    name: str
    title: str
    kinds: dict[str, Kind]
    numbering: str = "computed"
    max_depth: int = 12
    grammar: Grammar = field(default_factory=Grammar)
    preamble_label: str = "preamble"  # the label of an unnumbered element of the preamble
    final_label: str = "final provisions"
    deleted: str = "(deleted)"  # printed after the heading of an element kept only as its number
    source: str = ""  # where it was read from, as diagnostics show it
    path: str = ""  # the file it was read from, absolute ("" for a profile made in memory)
    tops: tuple[str, ...] = ()  # kinds that may stand at the top of the body (not inside another element)
    preamble_kinds: tuple[str, ...] = ()
    final_kinds: tuple[str, ...] = ()
    guess: bool = True  # whether an import may pick it from a text's shape (False: only when named, --profile)

    def kind(self, name: str) -> Kind | None:
        return self.kinds.get(name)

    def rank(self, name: str) -> int:
        """Position of a kind in the profile's outermost-first order (unknown kinds last)."""
        for index, known in enumerate(self.kinds):
            if known == name:
                return index
        return len(self.kinds)

    def role(self, name: str) -> str:
        found = self.kinds.get(name)
        return found.role if found is not None else "text"

    def of_role(self, role: str) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds.values() if k.role == role)

    def divisions(self) -> tuple[Kind, ...]:
        return self.of_role("division")

    def word_kind(self, word: str) -> Kind | None:
        """The kind whose word or plural is ``word`` (case-insensitive)."""
        low = word.lower()
        for kind in self.kinds.values():
            if low in (kind.word.lower(), kind.plural.lower()) and kind.word:
                return kind
        return None


# ------------------------------------------------------------------------------------------------ from data

_KIND_KEYS = {
    "name",
    "role",
    "word",
    "plural",
    "format",
    "scope",
    "number",
    "label",
    "near",
    "heading",
    "title_join",
    "unnumbered_label",
    "children",
    "opening",
    "opening_style",
    "opening_required",
    "opening_fix",
}
OPENING_STYLES = ("", "italic")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class _Reader:
    """Validates a profile's TOML data, recording a located diagnostic for each problem."""

    def __init__(self, data: Mapping[str, Any], source: str, text: str) -> None:
        self.data, self.source, self.text = data, source, text
        self.problems: list[Diagnostic] = []

    def line(self, needle: str) -> int:
        at = self.text.find(needle)
        return self.text[:at].count("\n") + 1 if at >= 0 else 1

    def error(self, message: str, needle: str, fix: str | None = None) -> None:
        self.problems.append(diag("profile.field", self.source, self.line(needle), message, fix))

    def text_of(self, table: Mapping[str, Any], key: str, default: str, where: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.error(f"{where}: '{key}' must be a text, not {type(value).__name__}", f"{key}")
            return default
        return value

    def texts(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"{where}: '{key}' must be a list of texts", f"{key}")
            return ()
        return tuple(value)

    def kind(self, table: Any, index: int) -> Kind | None:
        if not isinstance(table, dict):
            self.error(f"kind #{index + 1} is not a table ([[kind]] name = ..., role = ...)", "[[kind]]")
            return None
        name = table.get("name")
        where = f"kind '{name}'" if isinstance(name, str) else f"kind #{index + 1}"
        if not isinstance(name, str) or not _NAME.match(name):
            self.error(
                f"{where}: 'name' must be lower-case words joined by hyphens (it is the directive's name)",
                "name",
                'name = "article"',
            )
            return None
        for key in table:
            if key not in _KIND_KEYS:
                self.error(f"{where}: unknown key '{key}'; a kind takes {', '.join(sorted(_KIND_KEYS))}", f"{key}")
        role = table.get("role")
        if role not in ROLES:
            self.error(f"{where}: 'role' must be one of {', '.join(sorted(ROLES))}", f'name = "{name}"')
            return None
        formats = table.get("format", "")
        samples = [formats] if isinstance(formats, str) else formats
        if not isinstance(samples, list) or not all(isinstance(s, str) for s in samples):
            self.error(
                f'{where}: \'format\' must be a sample such as "1", "(a)", "I" or a list of them', f'name = "{name}"'
            )
            samples = []
        scope = self.text_of(table, "scope", "parent", where)
        if scope not in SCOPES:
            self.error(f"{where}: 'scope' must be 'parent' or 'instrument'", f'name = "{name}"')
            scope = "parent"
        word = self.text_of(table, "word", "", where)
        kind = Kind(
            name=name,
            role=role,
            word=word,
            plural=self.text_of(
                table, "plural", word + ("es" if word.endswith(("x", "s", "ch", "sh")) else "s") if word else "", where
            ),
            formats=tuple(Counter.parse(s) for s in samples if s) if any(samples) else (),
            scope=scope,
            number=self.text_of(table, "number", "{n}", where),
            label=self.text_of(table, "label", "{t}", where),
            near=self.text_of(table, "near", "", where),
            heading=self.text_of(table, "heading", "", where),
            title_join=self.text_of(table, "title_join", " \u2013 ", where),
            unnumbered_label=self.text_of(table, "unnumbered_label", "", where),
            children=self.texts(table, "children", where),
            opening=self.pattern(table, "opening", where),
            opening_style=self.text_of(table, "opening_style", "", where),
            opening_required=table.get("opening_required", False) is True,
            opening_fix=self.text_of(table, "opening_fix", "", where),
        )
        if kind.opening_style not in OPENING_STYLES:
            self.error(f"{where}: 'opening_style' must be 'italic' or \"\" (as written)", "opening_style")
        if (kind.opening_required or kind.opening_style) and kind.opening is None:
            self.error(f"{where}: 'opening_required' and 'opening_style' need 'opening' (a regular expression)", name)
        for template_key in ("number", "label", "near", "heading", "unnumbered_label"):
            for name_used in TEMPLATE_FIELD.findall(getattr(kind, template_key)):
                if not name_used:
                    self.error(f"{where}: '{template_key}' has an empty {{}}", f'name = "{name}"')
        return kind

    def pattern(self, table: Mapping[str, Any], key: str, where: str) -> re.Pattern[str] | None:
        """A regular expression a kind's text is matched against from its start; None when absent or broken."""
        text = self.text_of(table, key, "", where)
        if not text:
            return None
        try:
            return re.compile(text)
        except re.error as exc:
            self.error(f"{where}: '{key}' is not a regular expression: {exc}", f"{key}")
            return None

    def grammar(self, kinds: dict[str, Kind]) -> Grammar:
        table = self.data.get("references", {})
        if not isinstance(table, dict):
            self.error("[references] must be a table", "references")
            return Grammar()
        phrases: list[Phrase] = []
        raw = table.get("phrase", [])
        if not isinstance(raw, list):
            self.error("[[references.phrase]] must be an array of tables", "references.phrase")
            raw = []
        for index, entry in enumerate(raw):
            where = f"reference phrase #{index + 1}"
            if not isinstance(entry, dict):
                self.error(f"{where} is not a table", "[[references.phrase]]")
                continue
            words = self.texts(entry, "words", where)
            names = self.texts(entry, "names", where)
            forms = self.texts(entry, "forms", where)
            for name in names:
                if name not in kinds:
                    self.error(f"{where}: 'names' holds '{name}', which is not a kind of this profile", f'"{name}"')
            for form in forms:
                for slot in TEMPLATE_FIELD.findall(form):
                    if slot not in kinds:
                        self.error(
                            f"{where}: form {form!r} has a slot {{{slot}}} that is not a kind of this profile", form
                        )
            if not words:
                self.error(f"{where}: 'words' is empty", "[[references.phrase]]")
                continue
            ordinal = entry.get("ordinal", False)
            phrases.append(Phrase(words, names, forms, bool(ordinal)))
        defaults = Grammar()
        return Grammar(
            phrases=tuple(phrases),
            self_names=self.texts(table, "self", "[references]"),
            external=self.texts(table, "external", "[references]"),
            directions=self.texts(table, "directions", "[references]") or defaults.directions,
            joiners=self.texts(table, "joiners", "[references]") or defaults.joiners,
            ranges=self.texts(table, "ranges", "[references]") or defaults.ranges,
        )


def from_data(data: Mapping[str, Any], source: str, text: str = "") -> tuple[Profile | None, list[Diagnostic]]:
    """A profile from its parsed TOML (``text`` is the file's text, for line numbers); None when unusable."""
    reader = _Reader(data, source, text)
    head = data.get("profile")
    if not isinstance(head, dict):
        reader.error("missing table [profile] (name, title, numbering)", "[profile]")
        return None, reader.problems
    name = reader.text_of(head, "name", "", "[profile]")
    if not name:
        reader.error('[profile] needs name = "..."', "[profile]")
    numbering = reader.text_of(head, "numbering", "computed", "[profile]")
    if numbering not in NUMBERINGS:
        reader.error("[profile] numbering must be 'computed' (from order) or 'given' (written and kept)", "numbering")
        numbering = "computed"
    depth = head.get("max_depth", 12)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 2 <= depth <= 50:
        reader.error("[profile] max_depth must be a whole number from 2 to 50", "max_depth")
        depth = 12
    kinds: dict[str, Kind] = {}
    raw = data.get("kind", [])
    if not isinstance(raw, list) or not raw:
        reader.error("a profile needs its kinds: [[kind]] tables, outermost first", "[profile]")
        raw = []
    for index, table in enumerate(raw):
        kind = reader.kind(table, index)
        if kind is None:
            continue
        if kind.name in kinds:
            reader.error(f"kind '{kind.name}' is declared twice", f'name = "{kind.name}"')
        kinds[kind.name] = kind
    for kind in kinds.values():
        for child in kind.children:
            if child not in kinds:
                reader.error(
                    f"kind '{kind.name}' lists a child kind '{child}' that the profile does not declare", f'"{child}"'
                )
    structure = data.get("structure", {})
    if not isinstance(structure, dict):
        reader.error("[structure] must be a table", "[structure]")
        structure = {}
    tops = reader.texts(structure, "body", "[structure]")
    preamble = reader.texts(structure, "preamble", "[structure]")
    final = reader.texts(structure, "final", "[structure]")
    for listed in (*tops, *preamble, *final):
        if listed not in kinds:
            reader.error(f"[structure] names '{listed}', which is not a kind of this profile", f'"{listed}"')
    grammar = reader.grammar(kinds)
    if reader.problems:
        return None, reader.problems
    profile = Profile(
        name=name,
        title=reader.text_of(head, "title", name, "[profile]"),
        kinds=kinds,
        numbering=numbering,
        max_depth=depth,
        grammar=grammar,
        preamble_label=reader.text_of(head, "preamble_label", "preamble", "[profile]"),
        final_label=reader.text_of(head, "final_label", "final provisions", "[profile]"),
        deleted=reader.text_of(head, "deleted", "(deleted)", "[profile]"),
        source=source,
        tops=tops or tuple(k.name for k in kinds.values() if k.role in ("division", "article", "annex")),
        preamble_kinds=preamble,
        final_kinds=final,
        guess=head.get("guess", True) is not False,
    )
    return profile, reader.problems
