"""The DOCX redline, proven with real readers: pandoc --track-changes=accept gives exactly the new version's
text and --track-changes=reject exactly the old one's (whitespace normalised, compared with
drafttools.render.plain of each model); LibreOffice opens every redline.

Random cases are built many to a document (each after a marker paragraph), so that one pandoc call checks a
whole batch; a deleted or inserted paragraph mark at the end of a case merges into the marker, which is what
Word would do, and leaves the marker's text alone.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafttools.diff.engine import diff
from drafttools.render import _redline_oxml, diff_docx, plain
from drafttools.source.parse import load

from . import diff_edits
from .clients import libreoffice_convert, pandoc_text, pdf_text
from .conftest import ROOT

OLD = ROOT / "versions" / "2009-09-SEARO-RC62"
NEW = ROOT / "versions" / "2010-illustrative-revision"
AUTHOR, DATE = "Reviewer", "2010-05-21T00:00:00Z"
BATCH = 60
TEMPLATE = ROOT / "annex_templates" / "code" / "reference.docx"  # the house styles


@pytest.fixture(scope="module")
def pair():
    old, new = load(OLD).instrument, load(NEW).instrument
    assert old is not None and new is not None
    return old, new


@pytest.fixture(scope="module")
def shipped_docx(pair, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("redline") / "redline.docx"
    diff_docx.redline(diff(*pair), AUTHOR, DATE, template=TEMPLATE).save(str(path))
    return path


def test_accept_all_gives_the_new_version(shipped_docx, pair):
    assert plain.words(pandoc_text(shipped_docx, "accept")) == plain.words(plain.render(pair[1]))


def test_reject_all_gives_the_old_version(shipped_docx, pair):
    assert plain.words(pandoc_text(shipped_docx, "reject")) == plain.words(plain.render(pair[0]))


def test_changes_are_native_revisions_with_author_and_date(shipped_docx):
    with zipfile.ZipFile(shipped_docx) as z:
        xml = z.read("word/document.xml").decode()
        settings_xml = z.read("word/settings.xml").decode()
        comments = z.read("word/comments.xml").decode()
    assert xml.count("<w:ins ") > 50 and xml.count("<w:del ") > 50
    assert re.search(r'<w:ins w:id="\d+" w:author="Reviewer" w:date="2010-05-21T00:00:00Z"', xml)
    assert "<w:delText" in xml and "<w:trackRevisions/>" in settings_xml
    ids = re.findall(r'<w:(?:ins|del) w:id="(\d+)"', xml)
    assert len(ids) == len(set(ids))
    assert "Moved from 3.9" in comments and "Moved to 4.3" in comments  # the non-discrimination paragraph


def test_track_changes_all_shows_both_sides(shipped_docx):
    both = pandoc_text(shipped_docx, "all")
    assert "biennial" in both and "every three years" in both


def test_libreoffice_opens_the_shipped_redline(shipped_docx, tmp_path):
    pdf = libreoffice_convert(shipped_docx, tmp_path)
    text = " ".join(pdf_text(pdf).split())
    assert "Health workforce development and health systems sustainability" in text


def _batch_document(pair, scripts: list[list[tuple[str, int, int, int]]]) -> tuple[bytes, list[str], list[str]]:
    canvas = diff_docx.new_document(TEMPLATE)
    document = canvas.document
    revisions = _redline_oxml.Revisions(AUTHOR, DATE)
    accept: list[str] = []
    reject: list[str] = []
    base = pair[0]
    for number, edits in enumerate(scripts):
        marker = f"CASE-MARKER-{number}"
        document.add_paragraph(marker)
        changed = diff_edits.apply(base, edits, tag=f"c{number}")
        diff_docx.redline(diff(base, changed), AUTHOR, DATE, canvas, revisions)
        accept += [marker, *plain.words(plain.render(changed))]
        reject += [marker, *plain.words(plain.render(base))]
    document.add_paragraph("END-OF-BATCH")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), accept + ["END-OF-BATCH"], reject + ["END-OF-BATCH"]


def _first_bad_case(got: list[str], want: list[str]) -> str:
    for k, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            case = next((w for w in reversed(want[: k + 1]) if w.startswith("CASE-MARKER-")), "?")
            return f"first difference in {case} at word {k}: got {got[k : k + 8]} want {want[k : k + 8]}"
    return f"lengths differ: {len(got)} != {len(want)}"


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(scripts=st.lists(diff_edits.script, min_size=BATCH, max_size=BATCH))
def test_random_redlines_accept_and_reject(pair, tmp_path_factory, scripts):
    """4 batches of 60 random edit scripts: 240 redlines, each accepted and rejected by pandoc and opened by
    LibreOffice."""
    data, accept, reject = _batch_document(pair, scripts)
    path = tmp_path_factory.mktemp("batch") / "batch.docx"
    path.write_bytes(data)
    got_accept = plain.words(pandoc_text(path, "accept"))
    assert got_accept == accept, _first_bad_case(got_accept, accept)
    got_reject = plain.words(pandoc_text(path, "reject"))
    assert got_reject == reject, _first_bad_case(got_reject, reject)
    pdf = libreoffice_convert(path, path.parent)  # and LibreOffice opens every one of them
    text = " ".join(pdf_text(pdf).split())
    assert f"CASE-MARKER-{BATCH - 1}" in text and "END-OF-BATCH" in text


def test_redline_xml_of_the_merged_article_matches_the_golden_file(pair):
    """Old Articles 5-6 against new Article 5 (a split, a merged article, an insertion), built-in styles.
    tests/data/diff/redline-article5.xml is regenerated on purpose: DRAFTTOOLS_REGENERATE=1 pytest -k golden."""
    import os
    from dataclasses import replace

    from lxml import etree

    from drafttools.model.numbering import number_instrument

    old = number_instrument(replace(pair[0], body=pair[0].articles[4:6]))
    new = number_instrument(replace(pair[1], body=pair[1].articles[4:5], preamble=()))
    document = diff_docx.redline(diff(old, new), AUTHOR, DATE)
    xml = etree.tostring(document.element.body, pretty_print=True, encoding="unicode")
    golden = ROOT / "tests" / "data" / "diff" / "redline-article5.xml"
    if os.environ.get("DRAFTTOOLS_REGENERATE"):
        golden.write_text(xml, encoding="utf-8")
    assert xml == golden.read_text(encoding="utf-8"), (
        "the redline XML changed; if on purpose, regenerate the golden file"
    )
