"""`drafttools import` says what it leaves out of a Word file (issue 17, item 5): XML entities (a DTD), macros (a
VBA project, as in a .docm renamed .docx), embedded objects and comments, each in a warning with its count, and
still nothing leaks from an external entity."""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.importer.docx import read_docx
from drafttools.importer.usecase import Places

from .importing import make_docx, p

SECRET = "Ouagadougou-private-line"  # the text of a local file an external entity names
DROPPED = ("import.dropped-entities", "import.dropped-macros", "import.dropped-objects", "import.dropped-comments")
BODY = "".join(
    [
        p("Article 1 \u2013 Purposes"),
        p("1.1 The first paragraph of the text."),
        p("Article 2 \u2013 Measures"),
        p("2.1 Some ENTITY text here."),
    ]
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "word/_rels/document.xml.rels"
TYPES = "[Content_Types].xml"


def repack(source: Path, target: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """``source`` with its parts edited in place by ``edit`` (name -> bytes), written to ``target``."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def replace_in(parts: dict[str, bytes], name: str, old: str, new: str) -> None:
    text = parts[name].decode("utf-8")
    assert old in text, (name, old)
    parts[name] = text.replace(old, new, 1).encode("utf-8")


def with_dtd(parts: dict[str, bytes], name: str, dtd: str) -> None:
    """Put a DOCTYPE after the XML declaration of part ``name``."""
    text = parts[name].decode("utf-8")
    end = text.index("?>") + 2 if text.startswith("<?xml") else 0
    parts[name] = (text[:end] + dtd + text[end:]).encode("utf-8")


def add_part(parts: dict[str, bytes], name: str, data: str, content_type: str, rel_type: str) -> None:
    parts[name] = data.encode("utf-8")
    replace_in(parts, TYPES, "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>')
    target = name.removeprefix("word/")
    replace_in(
        parts,
        RELS,
        "</Relationships>",
        f'<Relationship Id="rIdT{len(parts)}" Type="{rel_type}" Target="{target}"/></Relationships>',
    )


def codes(path: Path) -> dict[str, tuple[int, str]]:
    read = read_docx(path, path.name, "refuse")
    return {d.code: (d.line, d.message) for d in read.problems}


def run_import(project: Path, file: Path, *argv: str) -> Result:
    with contextlib.chdir(project):
        return CliRunner().invoke(main, ["import", str(file), "--as", "v1", "--profile", "who-code", *argv])


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "plain.docx", BODY.replace("ENTITY ", ""))


def test_a_plain_file_drops_nothing(plain: Path) -> None:
    assert codes(plain) == {}


# ------------------------------------------------------------------------------------------------ entities


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
DTD<w:footnotes xmlns:w="{W}"><w:footnote w:id="2">
<w:p><w:r><w:t xml:space="preserve">A note &xxe;with text after.</w:t></w:r></w:p></w:footnote></w:footnotes>"""


def xxe_docx(tmp_path: Path, secret: Path) -> Path:
    dtd = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY inner "INNER">]>'
    source = make_docx(tmp_path / "source.docx", BODY)

    def edit(parts: dict[str, bytes]) -> None:
        replace_in(parts, "word/document.xml", "ENTITY ", "&xxe;&inner; ")
        with_dtd(parts, "word/document.xml", dtd)
        add_part(
            parts,
            "word/footnotes.xml",
            FOOTNOTES.replace("DTD", dtd.replace("w:document", "w:footnotes")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
        )
        replace_in(
            parts,
            "word/document.xml",
            "text here.</w:t></w:r>",
            'text here.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r>',
        )

    return repack(source, tmp_path / "entities.docx", edit)


def test_external_entities_are_counted_and_never_read(tmp_path: Path, secret: Path) -> None:
    path = xxe_docx(tmp_path, secret)
    read = read_docx(path, path.name, "refuse")
    found = {d.code: d for d in read.problems}
    assert set(found) == {"import.dropped-entities"}
    warning = found["import.dropped-entities"]
    assert warning.line == 4 and warning.severity.name == "WARNING"  # the paragraph of the first reference
    assert warning.message.startswith("3 XML entity reference(s) left out")  # two in the text, one in the note
    assert "word/document.xml, word/footnotes.xml" in warning.message
    texts = [b.text for b in read.blocks] + list(read.notes.values())
    assert SECRET not in repr(texts) and "INNER" not in repr(texts)
    assert any(t.startswith("2.1 Some text here.") for t in texts), texts  # the text around the reference is kept
    assert any("A note with text after." in t for t in texts), texts


def test_the_import_warns_and_nothing_leaks(places: Places, tmp_path: Path, secret: Path) -> None:  # noqa: F811
    project = places.source.parent
    result = run_import(project, xxe_docx(tmp_path, secret))
    assert result.exit_code == 0, result.output
    assert (
        "warning: 3 XML entity reference(s) left out" in result.stderr and "[import.dropped-entities]" in result.stderr
    )
    assert "0 errors, 1 warning" in result.stderr
    assert SECRET not in result.output
    written = places.versions / "v1"
    assert written.is_dir()
    for file in written.rglob("*"):
        assert SECRET not in file.read_text(encoding="utf-8"), file
    assert "Some text here." in (written / "article-02.md").read_text(encoding="utf-8")
    strict = run_import(project, xxe_docx(tmp_path, secret), "--strict", "--dry-run")
    assert strict.exit_code == 1 and "import.dropped-entities" in strict.stderr  # a warning is a finding there


# --------------------------------------------------------------------------------------- macros, objects, notes


def test_macros_in_a_docm_renamed_docx(plain: Path, tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        replace_in(parts, TYPES, "wordprocessingml.document.main+xml", "x")  # made a .docm's main part below
        replace_in(
            parts,
            TYPES,
            "application/vnd.openxmlformats-officedocument.x",
            "application/vnd.ms-word.document.macroEnabled.main+xml",
        )
        replace_in(
            parts,
            TYPES,
            "</Types>",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        replace_in(
            parts,
            RELS,
            "</Relationships>",
            '<Relationship Id="rIdVba" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin"/></Relationships>',
        )
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    path = repack(plain, tmp_path / "macros.docx", edit)
    found = codes(path)
    assert set(found) == {"import.dropped-macros"}
    assert found["import.dropped-macros"][1].startswith("1 macro project(s) left out (word/vbaProject.bin)")
    read = read_docx(path, path.name, "refuse")
    assert [b.text for b in read.blocks][:2] == ["Article 1 \u2013 Purposes", "1.1 The first paragraph of the text."]


OBJECT = (
    '<w:r><w:object><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="o1"/>'
    '<o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" ProgID="Excel.Sheet.12" '
    'ShapeID="o1"/></w:object></w:r>'
)


def test_embedded_objects(tmp_path: Path) -> None:
    body = BODY.replace("ENTITY ", "").replace(
        p("Article 2 \u2013 Measures"), p("See the table", OBJECT) + p("Article 2 \u2013 Measures")
    )
    source = make_docx(tmp_path / "source.docx", body)

    def edit(parts: dict[str, bytes]) -> None:
        parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = b"PK\x05\x06" + bytes(18)

    found = codes(repack(source, tmp_path / "objects.docx", edit))
    assert set(found) == {"import.dropped-objects"}
    line, message = found["import.dropped-objects"]
    assert line == 3 and message.startswith("1 embedded object(s)")


COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W}">
<w:comment w:id="0" w:author="A"><w:p><w:r><w:t>Is this agreed?</w:t></w:r></w:p></w:comment>
<w:comment w:id="1" w:author="B"><w:p><w:r><w:t>Not yet.</w:t></w:r></w:p></w:comment>
</w:comments>"""


def test_comments(tmp_path: Path) -> None:
    marked = p(
        '<w:commentRangeStart w:id="0"/>',
        "2.1 Some text here.",
        '<w:commentRangeEnd w:id="0"/>',
        '<w:r><w:commentReference w:id="0"/></w:r>',
        '<w:r><w:commentReference w:id="1"/></w:r>',
    )
    source = make_docx(tmp_path / "source.docx", BODY.replace(p("2.1 Some ENTITY text here."), marked))

    def edit(parts: dict[str, bytes]) -> None:
        add_part(
            parts,
            "word/comments.xml",
            COMMENTS,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
        )

    path = repack(source, tmp_path / "comments.docx", edit)
    found = codes(path)
    assert set(found) == {"import.dropped-comments"}
    line, message = found["import.dropped-comments"]
    assert line == 4 and message.startswith("2 comment(s) left out")
    read = read_docx(path, path.name, "refuse")
    assert "2.1 Some text here." in [b.text for b in read.blocks]
    assert not any("agreed" in b.text for b in read.blocks)


def test_every_dropped_code_is_registered() -> None:
    from drafttools.diagnostics import CODES

    assert all(CODES[code].severity.name == "WARNING" for code in DROPPED)
