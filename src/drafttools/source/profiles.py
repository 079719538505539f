"""Finding and reading numbering profiles: the shipped ones by name, a code text's own as a TOML file.

``manifest.toml`` names the profile (``profile = "treaty"``, or ``profile = "my-profile.toml"`` for a file beside
it; ``who-code`` when it names none) and may override its numbering (``numbering = "given"``).  The shipped
profiles live in the package (``drafttools/profiles/*.toml``); ``drafttools profiles`` lists them and a user copies
one to start their own.  Problems in a profile are located diagnostics (``profile.*``).  Standard library only.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag, toml_error_line
from drafttools.model.profile import Profile, from_data
from drafttools.source.files import display

SHIPPED = Path(__file__).resolve().parents[1] / "profiles"
DEFAULT = "who-code"
# The kinds of every shipped profile, each a MyST directive registered in every process (``doctree.register``),
# so that a file parses the same whatever profile was loaded before it.
SHIPPED_KINDS = frozenset(
    {
        "part",
        "title",
        "chapter",
        "section",
        "subsection",
        "article",
        "paragraph",
        "subparagraph",
        "item",
        "point",
        "indent",
        "definition",
        "text",
        "table",
        "row",
        "annex",
        "recital",
        "citation",
        "clause",
        "authority",
        "preambular",
        "operative",
    }
)


def shipped() -> list[str]:
    """The names of the profiles drafttools ships."""
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def ordered() -> list[str]:
    """The shipped profiles, the shipped code's own first (what ``new --profile`` offers)."""
    names = shipped()
    order = [DEFAULT, "treaty", "eu"]
    return [n for n in order if n in names] + [n for n in names if n not in order]


def ranked() -> list[str]:
    """The shipped profiles in the order an import tries them, the shipped code's own first; a profile that says
    ``guess = false`` (a resolution's: its operative paragraphs stand in no article) is used only when named."""
    return [n for n in ordered() if (found := load(n, None)[0]) is None or found.guess]


def locate(name: str, root: Path | None) -> Path | None:
    """The file a manifest's ``profile`` names: a .toml file beside the manifest, else a shipped profile."""
    if name.endswith(".toml"):
        return (root / name) if root is not None else Path(name)
    candidate = SHIPPED / f"{name}.toml"
    return candidate if "/" not in name and candidate.is_file() else None


@lru_cache(maxsize=16)
def _read(path: str, stamp: tuple[int, int]) -> tuple[Profile | None, tuple[Diagnostic, ...], str]:
    shown = display(Path(path))
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, (diag("profile.unreadable", shown, 1, f"the profile cannot be read: {exc}"),), ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(exc, text)
        return None, (diag("profile.syntax", shown, line, f"the profile is not valid TOML: {exc}"),), ""
    profile, problems = from_data(data, shown, text)
    if profile is not None:
        profile = replace(profile, path=path)
    return profile, tuple(problems), hashlib.sha256(text.encode()).hexdigest()


def load(
    name: str, root: Path | None, where: str = "", numbering: str | None = None, line: int = 1
) -> tuple[Profile | None, list[Diagnostic], str]:
    """The profile ``name`` (a shipped name or a file beside the manifest at ``root``), with ``numbering``
    overriding its own; its diagnostics; and a fingerprint of its text (for the parse cache).  ``line`` is where
    ``where`` names it."""
    path = locate(name, root)
    if path is None or not path.is_file():
        known = ", ".join(shipped())
        return (
            None,
            [
                diag(
                    "profile.unknown",
                    where or (display(root) if root else name),
                    line,
                    f"no numbering profile '{name}': drafttools ships {known}, and no file {name} lies beside the "
                    "manifest",
                    f"name one of {known}, or a .toml file next to manifest.toml",
                )
            ],
            "",
        )
    stat = path.stat()
    profile, problems, fingerprint = _read(str(path.resolve()), (stat.st_size, stat.st_mtime_ns))
    if profile is not None and numbering is not None and numbering != profile.numbering:
        profile = replace(profile, numbering=numbering)
        fingerprint += f"+{numbering}"
    return profile, list(problems), fingerprint


def default() -> Profile:
    """The shipped ``who-code`` profile (for texts made in memory, and tests)."""
    profile, problems, _ = load(DEFAULT, None)
    assert profile is not None, problems
    return profile
