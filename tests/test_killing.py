"""The kill harness (issue 17, item 6): each writing command, SIGKILLed at a few points of its run on a copy of
the shipped project, leaves no process running, no half-written file and no leftover any later command sees, and
a rerun reaches exactly what an unkilled run reaches.

The points are fractions of the unkilled run's duration, varied from command to command, and the first moment a
staging entry appears (the window in which a kill leaves temporary files).  New writing commands join COMMANDS.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from . import killing
from .importing import annex_text
from .test_fix import unlink_all

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the harness reads /proc")


def _new_paragraph(project: Path) -> None:
    """A paragraph without an ID, for `ids` to name."""
    path = project / "code_text" / "article-03.md"
    text = path.read_text(encoding="utf-8")
    end = text.rstrip().rfind(":::::")
    path.write_text(text[:end] + ":::{paragraph}\nEach Member State should keep a register.\n:::\n" + text[end:])


def _plain_references(project: Path) -> None:
    """Every {xref} written as plain text again, for `check --fix` to link."""
    unlink_all(project / "code_text")


def _annex(project: Path) -> None:
    (project / "annex.txt").write_text(annex_text(), encoding="utf-8")


def _returns(project: Path) -> None:
    """Two plain-text returns of the version sent, each with an edit, for `collect` to file; and a proposal
    accepted, for `review` to apply."""
    from drafttools.render.plain import render
    from drafttools.source.parse import load

    sent = load(project / "versions" / "2009-09-SEARO-RC62").instrument
    assert sent is not None
    text = render(sent)
    (project / "bra.txt").write_text(text.replace("on a biennial basis", "every three years"), encoding="utf-8")
    (project / "ind.txt").write_text(text.replace("The code is voluntary.", "The Code is voluntary."), encoding="utf-8")


def _decided(project: Path) -> None:
    _returns(project)
    for argv in (
        ["collect", "bra.txt", "ind.txt", "--from", "BRA", "--from", "IND", "--answers", "2009-09-SEARO-RC62"],
        ["proposal", "accept", "bra-1"],
    ):
        done = killing.run(argv, project)
        assert done.returncode == 0, done.stderr


COMMANDS = [
    killing.Command(("build",), ("build",)),
    killing.Command(("ids",), ("code_text",), _new_paragraph),
    killing.Command(("check", "--fix"), ("code_text",), _plain_references),
    killing.Command(("snapshot", "2011-frozen"), ("versions",)),
    killing.Command(
        ("import", "annex.txt", "--as", "2011-imported", "--ids-from", "2009-09-SEARO-RC62"), ("versions",), _annex
    ),
    killing.Command(("import", "annex.txt", "--as", "code_text", "--force", "--ids-from", "code_text"), (".",), _annex),
    killing.Command(
        ("diff", "2009-09-SEARO-RC62", "2010-illustrative-revision", "--format", "docx", "-o", "out/redline.docx"),
        ("out",),
    ),
    killing.Command(
        ("collect", "bra.txt", "ind.txt", "--from", "BRA", "--from", "IND", "--answers", "2009-09-SEARO-RC62"),
        ("proposals",),
        _returns,
    ),
    killing.Command(("review", "clean", "--as", "2011-clean"), ("versions",), _decided),
    killing.Command(("review", "all", "-o", "out"), ("out",), _decided),
]
# Where in its run each command is killed, besides at its first staging entry: two of these, turn by turn.
FRACTIONS = (0.3, 0.55, 0.8, 0.95)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: re.sub(r"\W+", "-", str(c))[:40])
def test_a_killed_command_leaves_a_project_its_rerun_completes(
    command: killing.Command, shipped_project: Path, tmp_path: Path
) -> None:
    if command.prepare is not None:
        command.prepare(shipped_project)
    base_copy = tmp_path / "unkilled"
    shutil.copytree(shipped_project, base_copy)
    base = killing.unkilled(command, base_copy)
    turn = COMMANDS.index(command)
    points = [FRACTIONS[turn % len(FRACTIONS)], FRACTIONS[(turn + 2) % len(FRACTIONS)], None]
    problems: list[str] = []
    for n, point in enumerate(points):
        project = tmp_path / f"killed-{n}"
        shutil.copytree(shipped_project, project)
        problems += killing.trial(command, project, point, base)
    assert problems == []
