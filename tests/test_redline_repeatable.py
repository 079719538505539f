"""The DOCX redline is reproducible: the same pair, author and date give the same XML, comments included."""

from __future__ import annotations

import io
import zipfile

from drafttools.diff.engine import diff
from drafttools.render.diff_docx import redline_bytes
from drafttools.source.parse import load

from .conftest import ROOT


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


def test_the_same_pair_gives_the_same_redline_parts() -> None:
    old = load(ROOT / "versions" / "2009-09-SEARO-RC62").instrument
    new = load(ROOT / "versions" / "2010-illustrative-revision").instrument
    change = diff(old, new)
    first = parts(redline_bytes(change, "Secretariat", "2010-05-21T00:00:00Z"))
    second = parts(redline_bytes(change, "Secretariat", "2010-05-21T00:00:00Z"))
    assert b"Moved " in first["word/comments.xml"]
    assert b'w:date="2010-05-21T00:00:00Z"' in first["word/comments.xml"]
    assert first == second
