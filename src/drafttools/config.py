"""Project settings, read once from ``[tool.drafttools]`` in pyproject.toml and shared by the CLI and conf.py.

Paths are relative to the project root (the folder holding pyproject.toml, searched upward from the working
folder); without a pyproject the defaults apply relative to the working folder.  Standard library only.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drafttools.diagnostics import UsageError, toml_error_line


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path
    source: Path
    versions: Path
    build: Path
    author: str
    allow_outside: bool = False  # whether a file the project reads may resolve outside ``root`` (through a link)
    proposals: Path = Path("proposals")  # the proposals' folder (one TOML file per proposal)


def find_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def settings(start: Path | None = None) -> Settings:
    """The settings of the project holding ``start`` (default: the working folder), read once per folder."""
    return _settings((start or Path.cwd()).resolve(), Path.cwd())


@lru_cache(maxsize=8)
def _settings(here: Path, cwd: Path) -> Settings:  # cwd is part of the key: the paths are shown relative to it
    root = find_root(here)
    table = _table(root / "pyproject.toml", cwd) if root is not None else {}
    base = root or here

    def path(key: str, default: str) -> Path:
        value = table.get(key, default)
        return _relative(base / str(value))

    author = str(table.get("author", os.environ.get("DRAFTTOOLS_AUTHOR", "drafttools")))
    outside = table.get("allow_outside", False) is True
    return Settings(
        base,
        path("source", "code_text"),
        path("versions", "versions"),
        path("build", "build"),
        author,
        outside,
        path("proposals", "proposals"),
    )


_FOLDERS = ("source", "versions", "build", "proposals")
KEYS = {"source": str, "versions": str, "build": str, "author": str, "allow_outside": bool, "proposals": str}


def _table(pyproject: Path, cwd: Path) -> dict[str, object]:
    """``[tool.drafttools]`` of ``pyproject``, checked: a file that is not TOML, a setting drafttools does not know
    (a typo) or one of the wrong type stops the command (exit 2) at its line, rather than leaving the defaults to
    apply unseen; so does a pyproject.toml that cannot be read (not UTF-8)."""
    shown = os.path.relpath(pyproject, cwd) if pyproject.is_relative_to(cwd) else str(pyproject)
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot be read ({exc}); it holds the settings", shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(exc, text)
        raise UsageError(f"not valid TOML: {exc}; fix it (it holds the settings)", shown, line) from None
    tool = data.get("tool", {})
    table = tool.get("drafttools", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise UsageError("[tool.drafttools] must be a table of settings", shown, _line(text, "tool"))
    for key, value in table.items():
        if key not in KEYS:
            raise UsageError(
                f"[tool.drafttools] has no setting {key!r}; the settings are {', '.join(KEYS)}", shown, _line(text, key)
            )
        if not isinstance(value, KEYS[key]):
            kind = "true or false" if KEYS[key] is bool else "a string"
            raise UsageError(f"[tool.drafttools] {key} must be {kind}, not {value!r}", shown, _line(text, key))
        if key in _FOLDERS and (not str(value).strip() or "\0" in str(value)):
            raise UsageError(
                f"[tool.drafttools] {key} must be a folder (a path relative to the project), not {value!r}",
                shown,
                _line(text, key),
            )
    return table


def _line(text: str, key: str) -> int:
    """The first line that sets ``key`` (after the [tool.drafttools] header when there is one)."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.strip().startswith("[tool.drafttools")), 0)
    for n, line in enumerate(lines[start:], start + 1):
        if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*[=.]", line):
            return n
    return 0


def project_root(start: Path) -> Path:
    """The project a folder belongs to: the folder holding pyproject.toml, else ``start`` itself.  Found from the
    path as written, '..' taken away but no link followed, so that a folder linked in from elsewhere stays in the
    project that links it (``settings`` resolves first, for its paths)."""
    here = Path(os.path.abspath(start))
    return find_root(here) or here


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


settings.cache_clear = _settings.cache_clear  # type: ignore[attr-defined]  # for a test that rewrites pyproject.toml
