"""redline_bytes (built in batches and spliced) gives, member for member, the bytes of redline().save(), in both
renumbering modes (the quiet one's cover before the spliced body, its tables after)."""

from __future__ import annotations

import io
import zipfile

import pytest

from drafttools.diff.engine import diff
from drafttools.render import diff_docx
from drafttools.source.parse import load

from .conftest import ROOT

TEMPLATE = ROOT / "annex_templates" / "code" / "reference.docx"


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.parametrize("batch", [1, 7, 500])
@pytest.mark.parametrize("template", [None, TEMPLATE])
@pytest.mark.parametrize("renumbering", ["tracked", "quiet"])
def test_batched_redline_is_the_whole_one(monkeypatch, batch, template, renumbering):
    old = load(ROOT / "versions" / "2009-09-SEARO-RC62").instrument
    new = load(ROOT / "versions" / "2010-illustrative-revision").instrument
    d = diff(old, new)
    whole = io.BytesIO()
    diff_docx.redline(d, "Secretariat", "2010-05-21T00:00:00Z", template=template, renumbering=renumbering).save(whole)
    monkeypatch.setattr(diff_docx, "REDLINE_BATCH", batch)
    batched = diff_docx.redline_bytes(d, "Secretariat", "2010-05-21T00:00:00Z", template, renumbering)
    assert _members(batched) == _members(whole.getvalue())
