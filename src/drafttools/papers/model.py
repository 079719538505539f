"""A paper's model: what ``papers`` makes of a Board or Regional Committee document and every renderer reads.

Frozen values only (front matter, headings, numbered paragraphs, the summary box, footnotes), built on the code's
``model`` (``Loc``, ``Text``, ``Ref``); no parser here.  Standard library only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from drafttools.diagnostics import Diagnostic
from drafttools.model.tree import Loc, Ref, Text


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The paper's validated front matter; ``lines`` says where each field was written (for diagnostics)."""

    document_type: str
    annex: str
    language: str = "en"
    values: tuple[tuple[str, str], ...] = ()  # every other field given, as printed (dates as '4 December 2008')
    lines: tuple[tuple[str, int], ...] = ()
    date: datetime.date | None = None

    def fields(self) -> dict[str, str]:
        """The fields a template may use; a field the paper does not give is absent (strict templates fail)."""
        printed = dict(self.values)
        printed.update(document_type=self.document_type, annex=self.annex, language=self.language)
        if self.date is not None:
            printed["date_iso"] = self.date.isoformat()
        return printed

    def line(self, name: str) -> int:
        return dict(self.lines).get(name, 1)


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A footnote marker; ``number`` is its printed number (order of first reference)."""

    number: int
    label: str


@dataclass(frozen=True, slots=True)
class Styled:
    """Emphasised or strong text."""

    text: str
    strong: bool = False


PaperInline = Text | Ref | NoteRef | Styled


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    loc: Loc
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of the paper: numbered ('12') unless it stands in a box.

    ``anchor`` names it in HTML ids and DOCX bookmarks: the stable ID its author gave with a MyST target
    ``(id)=`` on the line before it, else ``para-12`` (``summary-2`` in the box)."""

    inlines: tuple[PaperInline, ...]
    loc: Loc
    number: str = ""
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Box:
    """The summary box at the head of a paper (unnumbered paragraphs)."""

    paragraphs: tuple[Para, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Insert:
    """A ``{resolution} NAME`` block: the resolution NAME (``resolutions/NAME/``, a version name as ``annex`` is)
    printed whole at this place, its preamble and its operative paragraphs (an EB paper's draft resolution under
    ACTION BY THE EXECUTIVE BOARD)."""

    name: str
    loc: Loc


PaperBlock = Heading | Para | Box | Insert


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    label: str
    inlines: tuple[PaperInline, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Paper:
    path: str
    front: FrontMatter
    blocks: tuple[PaperBlock, ...]
    footnotes: tuple[Footnote, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def paragraphs(self) -> list[Para]:
        found: list[Para] = []
        for block in self.blocks:
            found += block.paragraphs if isinstance(block, Box) else [block] if isinstance(block, Para) else []
        return found

    def inserts(self) -> list[Insert]:
        return [block for block in self.blocks if isinstance(block, Insert)]

    def refs(self) -> list[Ref]:
        inlines = [i for p in self.paragraphs() for i in p.inlines] + [i for n in self.footnotes for i in n.inlines]
        return [i for i in inlines if isinstance(i, Ref)]


@dataclass(frozen=True, slots=True)
class LoadedPaper:
    paper: Paper | None
    diagnostics: tuple[Diagnostic, ...]
