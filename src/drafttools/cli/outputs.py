"""Where ``-o`` may write: never into the project's sources, never onto anything but a regular file.

An output written over ``code_text/article-08.md`` destroys the source; one written "onto" ``/dev/full`` or a
fifo replaces the device node with a regular file (the atomic write renames over it).  Both are usage errors
(exit 2), said before any work is done.
"""

from __future__ import annotations

import stat
from pathlib import Path

from drafttools.config import settings
from drafttools.diagnostics import UsageError
from drafttools.papers.templates import TEMPLATES
from drafttools.source.versions import RESOLUTIONS

PAPERS = "papers"  # as api.build.Project: the project's papers


def _sources() -> list[tuple[Path, str]]:
    """The project's source folders, resolved, each with how a message names it."""
    s = settings()
    named = [
        (s.source, "the code text"),
        (s.versions, "the frozen versions"),
        (s.root / TEMPLATES, "the document types' templates"),
        (s.root / PAPERS, "the papers"),
        (s.proposals, "the proposals"),
        (s.root / RESOLUTIONS, "the resolutions"),
    ]
    return [(folder.resolve(), f"{folder.name}/ ({what})") for folder, what in named]


def _inside_sources(path: Path, given: Path) -> None:
    target = path.resolve()
    for folder, name in _sources():
        if target == folder or folder in target.parents:
            raise UsageError(f"-o {given}: that would write into {name}; outputs go elsewhere, such as build/")


def check_file(path: Path) -> None:
    """``-o FILE``: a usage error when it lies in a source folder, or exists and is no regular file."""
    _inside_sources(path, path)
    try:
        mode = path.stat().st_mode  # through a symbolic link: what would be written is its target
    except OSError:  # not there yet, or its folder cannot be reached: the write says why (exit 1)
        return
    if not stat.S_ISREG(mode):
        raise UsageError(f"-o {path}: that is {_kind(mode)}, not a regular file; give a file to write")


def check_folder(path: Path) -> None:
    """``-o DIR`` of ``build`` and ``review``: a usage error when it lies in a source folder, or exists and is no
    folder (a file named where the folder to write into was meant)."""
    _inside_sources(path, path)
    try:
        mode = path.stat().st_mode
    except OSError:  # not there yet (it is made), or cannot be reached: the write says why (exit 1)
        return
    if not stat.S_ISDIR(mode):
        kind = "a file" if stat.S_ISREG(mode) else _kind(mode)
        raise UsageError(f"-o {path}: that is {kind}, not a folder; give the folder to write into")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a fifo (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "no regular file"
