"""Import: a draft in Word (.docx), plain text (.txt) or Markdown (.md) → the model → a code text folder.

Stages, each callable alone and composed in ``usecase.import_draft``:

- readers (``text``, ``docx``) turn a file into ``RawBlock`` objects: one per paragraph, with the number Word
  generated, the style, the bookmarks and where it stood;
- ``structure`` recognises title, preamble, "Article N – Title", N.M paragraphs, (a) items and lead-ins;
- ``match`` gives each element the ID of the element it matches in an earlier version, or a new one;
- ``drafttools.render.myst`` writes the result in the layout of ``code_text/``.
"""

from __future__ import annotations

from drafttools.importer.usecase import ImportResult, import_draft

__all__ = ["ImportResult", "import_draft"]
