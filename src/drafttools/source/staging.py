"""What interrupted runs leave in a project, dealt with before a command reads it: the staging folders and
temporary files of runs no longer running are removed, and a folder an interrupted import had moved aside is
put back (``fsutil.tidy`` does the work, folder by folder; this module knows which folders a project has).
"""

from __future__ import annotations

import os
from pathlib import Path

from drafttools.config import Settings
from drafttools.diagnostics import Diagnostic, diag
from drafttools.fsutil import is_staging, tidy
from drafttools.source import files as sources


def _folders(config: Settings) -> list[Path]:
    return list(dict.fromkeys((config.source.parent, config.source, config.versions, config.build)))


def leftovers(config: Settings) -> bool:
    """Whether any folder of ``config``'s project holds a staging entry (of a run alive or not): a look at four
    folders, so that a project with nothing to sweep is not locked for it."""
    for folder in _folders(config):
        try:
            with os.scandir(folder) as listing:
                if any(is_staging(entry.name) for entry in listing):
                    return True
        except OSError:
            continue
    return False


def tidy_project(config: Settings) -> list[Diagnostic]:
    """Sweep the folders of ``config``'s project; a ``version.restored`` warning for each folder put back."""
    problems: list[Diagnostic] = []
    for folder in _folders(config):
        for target, aside in tidy(folder):
            shown = sources.display(target)
            problems.append(
                diag(
                    "version.restored",
                    shown,
                    0,
                    f"{shown} was put back from {aside}, where an import that did not finish had moved it",
                    "run the import again",
                )
            )
    return problems
