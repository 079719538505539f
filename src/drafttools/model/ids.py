"""Stable-ID rules: what a well-formed ID is, what looks number-derived, and how new IDs are minted.

An ID is written once, never derived from a printed number, never changed and never reused.  Minted IDs are
built from the element's own words (an article's title, a paragraph's first words), so a reader can tell what
they name.  Standard library only; tested from a corpus of cases in tests/test_ids.py.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container

# Word and LibreOffice keep at most 40 characters of a bookmark name, and every ID becomes a bookmark in the
# DOCX we build, so an ID longer than that would not survive a round trip through Word.
MAX_LENGTH = 40
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# "art-8", "p8-3", "para-8-2-c", "8.2", "a8p2": IDs that restate a number, which renumbering will falsify.
NUMBER_LIKE = re.compile(
    r"(?:(?:art|article|para|paragraph|p|item|i|sec|section|a)-?)?\d+(?:[-.]?(?:\d+|[a-z]))*", re.IGNORECASE
)
STOP_WORDS = frozenset(
    "a an the of to in on for and or by with as at be is are should shall this that these those its their "
    "each all any from into such which who may".split()
)
# Words too common in this kind of instrument to tell one paragraph from another.
COMMON_WORDS = frozenset("member members states state health personnel code international recruitment".split())
PREFIX = {"article": "art"}  # by role: an article's ID starts "art-"; a division's, annex's or table's with its kind


def prefix_for(role: str, kind: str) -> str:
    """What a minted ID starts with: 'art' for an article, the kind for a division, annex or table ('part',
    'chapter', 'annex'), nothing for a paragraph, point or other text."""
    if role in PREFIX:
        return PREFIX[role]
    return kind if role in ("division", "annex", "table") else ""


def is_valid(candidate: str) -> bool:
    return len(candidate) <= MAX_LENGTH and ID_PATTERN.fullmatch(candidate) is not None


def problem(candidate: str) -> str | None:
    """Why ``candidate`` is malformed, or None when it is well formed."""
    if not candidate:
        return "it is empty"
    if len(candidate) > MAX_LENGTH:
        return f"it is {len(candidate)} characters long (at most {MAX_LENGTH})"
    if candidate != candidate.lower():
        return "it has upper-case letters"
    if not candidate[0].isalpha():
        return "it does not start with a letter"
    if "--" in candidate or candidate.endswith("-"):
        return "it has a doubled or trailing hyphen"
    if ID_PATTERN.fullmatch(candidate) is None:
        bad = sorted({ch for ch in candidate if not (ch.isascii() and (ch.isalnum() or ch == "-"))})
        return f"it has characters other than a-z, 0-9 and '-': {''.join(bad)!r}"
    return None


def looks_number_derived(candidate: str) -> bool:
    return NUMBER_LIKE.fullmatch(candidate) is not None


def slug_words(text: str, limit: int = 4) -> list[str]:
    """The first significant words of ``text``, ASCII-folded, for a readable ID."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z][a-z0-9]*", folded) if w not in STOP_WORDS]
    distinctive = [w for w in words if w not in COMMON_WORDS]
    return (distinctive if len(distinctive) >= 2 else words)[:limit]


def _letters(text: str, count: int = 6) -> str:
    """A short letters-only tag derived from ``text``: stable, and never mistaken for a number."""
    digest = hashlib.sha1(text.encode("utf-8")).digest()
    return "".join(chr(ord("a") + b % 26) for b in digest[:count])


def mint(
    kind: str,
    text: str,
    taken: Container[str],
    fallback: str = "",
    prefix: str | None = None,
    tried: dict[str, int] | None = None,
) -> str:
    """A new ID for an element of ``kind`` with ``text``, colliding with nothing in ``taken``.

    ``taken`` holds every ID in use and every ID ever retired, so a minted ID is never a reused one.  When the
    text has no usable word ("WHO shall:"), the words of ``fallback`` (say, the article's title) are used, and
    failing those a letters-only tag, so the result never looks number-derived.  ``tried``, kept by a caller
    minting many IDs while ``taken`` only grows, remembers the next free suffix of each base, so that 25,000
    paragraphs of the same words take 25,000 steps, not 300 million.
    """
    words = slug_words(text) or slug_words(fallback)
    prefix = PREFIX.get(kind, "") if prefix is None else prefix
    base = "-".join(([prefix] if prefix else []) + words)[:MAX_LENGTH].strip("-") if words else ""
    if not base or not base[0].isalpha() or base == prefix or looks_number_derived(base):
        base = f"{kind}-{_letters(text or fallback or kind)}"
    n = tried.get(base, 2) if tried is not None else 2
    candidate = base if n == 2 else _suffixed(base, n - 1)
    while candidate in taken:
        candidate = _suffixed(base, n)
        n += 1
    if tried is not None:
        tried[base] = n
    return candidate


def _suffixed(base: str, n: int) -> str:
    suffix = f"-{n}"
    return base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
