"""What interrupted runs leave in a project, dealt with before a command reads it: the staging folders and
temporary files of runs no longer running are removed, and a folder an interrupted import had moved aside is
put back (``fsutil.tidy`` does the work, folder by folder; this module knows which folders a project has).
"""

from __future__ import annotations

from drafttools.config import Settings
from drafttools.diagnostics import Diagnostic, diag
from drafttools.fsutil import tidy
from drafttools.source import files as sources


def tidy_project(config: Settings) -> list[Diagnostic]:
    """Sweep the folders of ``config``'s project; a ``version.restored`` warning for each folder put back."""
    problems: list[Diagnostic] = []
    for folder in dict.fromkeys((config.source.parent, config.source, config.versions, config.build)):
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
