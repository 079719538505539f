"""``drafttools review note TARGET TEXT [--by WHO]``: a note by the Secretariat (or a facilitator, the Chair) on
an element of the working text, kept as a proposal file of kind ``note`` (its words in ``note``, its author the
one proponent, status ``open``), shown in the compilation's "Secretariat note" column and under the element in the
negotiating text.

The file takes the next free number of its author (``secretariat-3``), written under the project's write lock as
the status commands write (``review.room``).  A target that is no ID of the working text is refused with a located
message (exit 1), an empty text is a usage error (exit 2); nothing is written then.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from drafttools import fsutil
from drafttools.diagnostics import Diagnostic, UsageError, diag, exit_code
from drafttools.review import proposals as store

DEFAULT_AUTHOR = "Secretariat"


@dataclass(frozen=True)
class NoteResult:
    written: store.Proposal | None
    label: str = ""  # the target's number in the working text
    diagnostics: tuple[Diagnostic, ...] = ()

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict) or (0 if self.written is not None else 1)


def note(folder: Path, source: Path, target: str, text: str, by: str = DEFAULT_AUTHOR) -> NoteResult:
    """Write the note ``text`` by ``by`` on the element ``target`` of the working text ``source``."""
    from drafttools.review.compilation import read_working
    from drafttools.source import files as sources
    from drafttools.source import lock

    words = " ".join(text.split())
    if not words:
        raise UsageError('review note: the note has no words; give its text: drafttools review note ID "..."')
    author = " ".join(by.split())
    if not author or any(ord(ch) < 0x20 for ch in by):
        raise UsageError(f"--by {by!r}: name who writes the note (Secretariat, Facilitator, CHAIR)")
    with lock.writing("review note"):
        work = read_working(source)
        if target not in work.labels:
            return NoteResult(None, diagnostics=(_unknown(target, sorted(work.labels), sources.display(source)),))
        taken = [f.stem for f in folder.glob("*.toml")] if folder.is_dir() else []
        stem = store.slug(author)
        made = store.Proposal(
            f"{stem}-{store.next_number(taken, stem)}",
            target,
            "note",
            "open",
            (author,),
            answers=work.text.version,
            date=_dt.datetime.now(_dt.UTC).date().isoformat(),
            note=words,
        )
        with lock.committing():
            folder.mkdir(parents=True, exist_ok=True)
            fsutil.write_all([(folder / f"{made.id}.toml", store.dump(made).encode("utf-8"))])
        return NoteResult(made, work.labels[target])


def _unknown(target: str, known: list[str], shown: str) -> Diagnostic:
    near = difflib.get_close_matches(target, known, n=3)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return diag(
        "proposal.target",
        shown,
        0,
        f"{target!r} is no ID of the working text{hint}; nothing written",
        "name the stable ID of the article, paragraph or item (drafttools proposals, or the text's "
        ":::{paragraph} ID lines, show them)",
    )
