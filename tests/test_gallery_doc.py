"""docs/gallery.md and docs/gallery/ are written together by scripts/gallery.py: every picture the page names is
there, and every file there is named by the page (none left over from an older run, none added by hand)."""

import re

from .conftest import ROOT

DOC = ROOT / "docs" / "gallery.md"


def test_gallery_names_exactly_the_files_it_holds() -> None:
    named = set(re.findall(r"\]\(gallery/([^)]+)\)", DOC.read_text(encoding="utf-8")))
    held = {path.name for path in (ROOT / "docs" / "gallery").iterdir()}
    assert named, "docs/gallery.md names no picture"
    assert named == held, f"named, missing: {sorted(named - held)}; held, not named: {sorted(held - named)}"


def test_readme_links_the_gallery() -> None:
    assert "(docs/gallery.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
