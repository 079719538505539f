"""Imports of files written by other tools, and the done-when scenario: a Word round trip through LibreOffice.

LibreOffice (headless) and pandoc are real clients here (tests/clients.py); a missing one fails the test.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.importer import import_draft
from drafttools.importer.usecase import Places
from drafttools.model.tree import Instrument
from drafttools.render import plain

from .clients import libreoffice_convert
from .conftest import ROOT
from .importing import annex_text, same_as_code_text, snapshot

ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _all_kept(result: object) -> None:
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]  # type: ignore[attr-defined]
    assert (len(result.matched), len(result.new), len(result.gone)) == (71, 0, 0)  # type: ignore[attr-defined]


def test_libreoffice_docx_of_the_seed_annex_text(places: Places, tmp_path: Path) -> None:
    """LibreOffice opens the hard-wrapped .txt one Word paragraph per line; the importer joins them again."""
    text = tmp_path / "annex.txt"
    text.write_text(annex_text(), encoding="utf-8")
    docx = libreoffice_convert(text, tmp_path / "lo", to="docx")
    result = import_draft(docx, "lo-annex", "code_text", places=places)
    _all_kept(result)
    same_as_code_text(places, "lo-annex")


def _markdown(instrument: Instrument) -> str:
    lines = [f"# {instrument.meta.title}", ""]
    for node in instrument.walk():
        text = plain.block_text(node, instrument)
        lines += [f"## {text}" if node.kind == "article" else text, ""]
    return "\n".join(lines)


def test_pandoc_docx_and_libreoffice_docx_of_an_odt(places: Places, tmp_path: Path, shipped: Instrument) -> None:
    """pandoc writes (a) items as automatic lowerLetter numbering and headings as Heading 2 with its own bookmarks."""
    source = tmp_path / "code.md"
    source.write_text(_markdown(shipped), encoding="utf-8")
    docx, odt = tmp_path / "pandoc.docx", tmp_path / "pandoc.odt"
    for target in (docx, odt):
        done = subprocess.run(
            ["pandoc", str(source), "-o", str(target)], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(docx) as package:
        assert b'w:val="lowerLetter"' in package.read("word/numbering.xml")  # the letters are Word's, not typed
    _all_kept(import_draft(docx, "pandoc", "code_text", places=places))
    same_as_code_text(places, "pandoc")
    from_odt = libreoffice_convert(odt, tmp_path / "lo", to="docx")
    _all_kept(import_draft(from_odt, "odt", "code_text", places=places))
    same_as_code_text(places, "odt")


def test_legacy_doc_written_by_libreoffice_is_refused(places: Places, tmp_path: Path) -> None:
    text = tmp_path / "annex.txt"
    text.write_text(annex_text(), encoding="utf-8")
    doc = libreoffice_convert(text, tmp_path / "lo", to="doc")
    before = snapshot(places.source.parent)
    result = import_draft(doc, "legacy", places=places)
    assert [d.code for d in result.diagnostics] == ["import.legacy-doc"]
    assert "--convert-to docx" in (result.diagnostics[0].fix or "")
    assert snapshot(places.source.parent) == before


# ---------------------------------------------------------------------------------------------- done when


def _edit_in_libreoffice(docx: Path, workdir: Path, old: str, new: str, delete_heading: str) -> Path:
    """LibreOffice turns the DOCX into ODT; its content.xml gets one phrase replaced and one article (heading
    and paragraphs) removed; LibreOffice writes the DOCX again."""
    odt = libreoffice_convert(docx, workdir / "odt", to="odt")
    edited = workdir / "edited" / "code.odt"
    edited.parent.mkdir()
    with zipfile.ZipFile(odt) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "content.xml":
                data = _edit_content(data, old, new, delete_heading)
            target.writestr(info, data)
    return libreoffice_convert(edited, workdir / "docx", to="docx")


def _edit_content(data: bytes, old: str, new: str, delete_heading: str) -> bytes:
    root = etree.fromstring(data)
    paragraphs = list(root.iter(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h"))
    texts = ["".join(p.itertext()) for p in paragraphs]
    start = texts.index(delete_heading)
    end = next(i for i in range(start + 1, len(texts)) if texts[i].startswith("Article "))
    for paragraph in paragraphs[start:end]:
        paragraph.getparent().remove(paragraph)
    replaced = 0
    for node in next(p for p, t in zip(paragraphs, texts, strict=True) if old in t).iter():
        if node.text and old in node.text:
            node.text, replaced = node.text.replace(old, new), replaced + 1
        if node.tail and old in node.tail:  # text after <text:tab/> is the tab's tail
            node.tail, replaced = node.tail.replace(old, new), replaced + 1
    assert replaced == 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_done_when_word_round_trip_then_diff(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the shipped code to DOCX, edit a paragraph and delete an article in LibreOffice, import with
    --ids-from code_text, then `drafttools diff` shows exactly that edit and that deletion, all else by ID."""
    monkeypatch.chdir(ROOT)
    settings.cache_clear()
    runner = CliRunner()
    try:
        built = runner.invoke(main, ["build", "papers/code.md", "--to", "docx", "-o", str(tmp_path / "built")])
        assert built.exit_code == 0, built.output
        docx = _edit_in_libreoffice(
            tmp_path / "built" / "code.docx",
            tmp_path,
            "should be interpreted as impinging on",
            "shall be interpreted as limiting",
            "Article 5 \u2013 Mutuality of benefits",
        )
        monkeypatch.chdir(places.source.parent)
        settings.cache_clear()
        imported = runner.invoke(main, ["import", str(docx), "--as", "2009-10-word", "--ids-from", "code_text"])
        compared = runner.invoke(main, ["diff", "code_text", "2009-10-word", "--format", "json"])
    finally:
        settings.cache_clear()
    assert imported.exit_code == 0, imported.output
    assert "4 gone" in imported.stdout and "0 new" in imported.stdout
    assert "[import.numbering-gap]" in imported.stderr  # Article 6 now follows Article 4 in the Word file
    changes = json.loads(compared.stdout)["changes"]
    by_status: dict[str, set[str]] = {}
    for change in changes:
        side = change["new"] or change["old"]
        by_status.setdefault(change["status"], set()).add(side["id"])
    assert by_status["deleted"] == {
        "art-mutuality-benefits",
        "accordance-principle-mutuality-benefits",
        "urged-enter-bilateral-multilateral",
        "recognize-value-both-systems",
    }
    assert by_status["modified"] == {"nothing-interpreted-impinging-rights"}
    assert set(by_status) == {"deleted", "modified", "renumbered", "unchanged"}
    assert all(c["match"]["how"] == "id" for c in changes if c["status"] != "deleted")
    edit = next(c for c in changes if c["status"] == "modified")
    assert [(w["op"], w["text"].strip()) for w in edit["words"] if w["op"] != "equal"] == [
        ("delete", "should"),
        ("insert", "shall"),
        ("delete", "impinging on"),
        ("insert", "limiting"),
    ]
