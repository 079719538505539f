"""docs/diagnostics.md is generated from the CODES table and must stay in step with it."""

from drafttools.diagnostics import codes_markdown

from .conftest import ROOT


def test_diagnostics_doc_is_current() -> None:
    assert (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8") == codes_markdown(), (
        "run: drafttools codes > docs/diagnostics.md"
    )
