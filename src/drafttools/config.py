"""Project settings, read once from ``[tool.drafttools]`` in pyproject.toml and shared by the CLI and conf.py.

Paths are relative to the project root (the folder holding pyproject.toml, searched upward from the working
folder); without a pyproject the defaults apply relative to the working folder.  Standard library only.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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
    table: dict[str, object] = {}
    if root is not None:
        try:
            table = (
                tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
                .get("tool", {})
                .get("drafttools", {})
            )
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            table = {}
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
