"""drafttools import of Word files: split runs, fields, hyperlinks, automatic numbering, styles, bookmarks,
tracked changes (accept, reject, refuse), the builder's DOCX back to the same IDs and text, and bad input."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings
from drafttools.importer import import_draft
from drafttools.importer.docx import read_docx
from drafttools.importer.structure import recognise
from drafttools.importer.usecase import Places
from drafttools.model.tree import Instrument
from drafttools.render import plain
from drafttools.source.profiles import default as default_profile

from .conftest import ROOT
from .importing import NUMBERING, bookmark, make_docx, p, same_as_code_text, snapshot

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _lines(path: Path, track_changes: str = "refuse") -> tuple[list[str], list[str]]:
    draft = recognise(read_docx(path, path.name, track_changes), path.name, default_profile())
    instrument = draft.instrument
    return [instrument.meta.title] + [plain.block_text(n, instrument) for n in instrument.walk()], [
        d.code for d in draft.problems
    ]


FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE \\* '
    "MERGEFORMAT </w:instrText></w:r>"
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)
SIMPLE_FIELD = '<w:fldSimple w:instr=" REF _Ref123 \\h "><w:r><w:t>the report</w:t></w:r></w:fldSimple>'
LINK = (
    '<w:hyperlink w:anchor="somewhere"><w:r><w:t xml:space="preserve">the WHO web</w:t></w:r>'
    '<w:r><w:t xml:space="preserve"> site</w:t></w:r></w:hyperlink>'
)


def test_word_specifics(tmp_path: Path) -> None:
    body = "".join(
        [
            p("Front matter before the title is the paper's, not the code's"),
            p("Draft code ", "of tests", style="Title"),
            p("Recalling its earlier resolutions;"),
            p("Purposes", style="Heading1", num=(3, 0)),
            p("Member States should act.", num=(3, 1)),
            p("WHO shall:", num=(3, 1)),
            p("report; and", num=(3, 2)),
            p("in writing;", num=(3, 3)),
            p("review.", num=(3, 2)),
            p("Measures", style="Heading1", num=(3, 0), before=bookmark("_Toc12345", 90)),
            p("2.", "1", "<w:r><w:tab/></w:r>", "See ", SIMPLE_FIELD, " on page ", FIELD, " and ", LINK, "."),
            p("2.2\tA footnote here", '<w:r><w:footnoteReference w:id="2"/></w:r>', " and a soft\u00adhyphen."),
            p("a bullet point is text", num=(4, 0)),
        ]
    )
    lines, codes = _lines(make_docx(tmp_path / "specifics.docx", body, NUMBERING))
    assert lines == [
        "Draft code of tests",
        "Recalling its earlier resolutions;",
        "Article 1 \u2013 Purposes",
        "1.1  Member States should act.",
        "1.2  WHO shall:",
        "(a)  report; and",
        "(i)  in writing;",
        "(b)  review.",
        "Article 2 \u2013 Measures",
        "2.1  See the report on page 7 and the WHO web site.",
        "2.2  A footnote here and a softhyphen.",
        "a bullet point is text",
    ]
    assert codes == ["import.footnote", "import.front-matter"]  # a footnote with no text in the file; the first block


def _shipped_as_docx(instrument: Instrument, path: Path, seed: int = 7) -> Path:
    """The code text as a DOCX written here with python-docx: typed numbers, runs split at random, a bookmark
    named by stable ID on every article, paragraph and item (what the DOCX builder writes)."""
    rng = random.Random(seed)
    parts = [p(instrument.meta.title, style="Title")]
    for number, node in enumerate(instrument.walk(), start=1):
        text = plain.block_text(node, instrument)
        cuts = sorted(rng.sample(range(1, len(text)), 3))
        runs = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        parts.append(
            p(
                f'<w:bookmarkStart w:id="{number}" w:name="{node.id}"/>',
                *runs,
                f'<w:bookmarkEnd w:id="{number}"/>',
                style="Heading1" if node.kind == "article" else None,
            )
        )
    return make_docx(path, "".join(parts))


def test_docx_with_id_bookmarks_round_trips(places: Places, tmp_path: Path, shipped: Instrument) -> None:
    docx = _shipped_as_docx(shipped, tmp_path / "code.docx")
    result = import_draft(docx, "from-word", places=places)  # no --ids-from: the bookmarks carry the IDs
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    assert {p.how for p in result.matched} == {"bookmark"} and len(result.matched) == 71 and not result.new
    same_as_code_text(places, "from-word")


def test_builder_docx_round_trips(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """drafttools build (the DOCX builder) of the shipped code text, imported back: the same IDs and text."""
    monkeypatch.chdir(ROOT)
    settings.cache_clear()
    try:
        built = CliRunner().invoke(
            main,
            [
                "build",
                "papers/code.md",
                "papers/sea-rc62-working-paper.md",
                "--to",
                "docx",
                "-o",
                str(tmp_path / "built"),
            ],
        )
    finally:
        settings.cache_clear()
    assert built.exit_code == 0, built.output
    docx = tmp_path / "built" / "code.docx"
    result = import_draft(docx, "built", "code_text", places=places)
    assert result.exit_code() == 0, [d.format() for d in result.diagnostics]
    assert (len(result.matched), len(result.new), len(result.gone)) == (71, 0, 0)
    assert all((p.how, p.score) == ("bookmark", 1.0) for p in result.matched)
    same_as_code_text(places, "built")
    # The whole Regional Committee paper: its 35 paragraphs and 9 footnotes stand before the annex's title,
    # so they are the paper's, not the code's.
    paper = import_draft(tmp_path / "built" / "sea-rc62-working-paper.docx", "paper", "code_text", places=places)
    assert [d.code for d in paper.diagnostics] == ["import.front-matter"] and (len(paper.matched), len(paper.new)) == (
        71,
        0,
    )
    assert "paper's" in paper.diagnostics[0].message and paper.words_in - paper.words_kept > 300
    assert paper.instrument is not None and paper.instrument.preamble == ()
    same_as_code_text(places, "paper")


# ------------------------------------------------------------------------------------------ tracked changes

INS = '<w:ins w:id="1" w:author="A" w:date="2009-09-01T00:00:00Z"><w:r><w:t>shall</w:t></w:r></w:ins>'
DEL = '<w:del w:id="2" w:author="A" w:date="2009-09-01T00:00:00Z"><w:r><w:delText>should</w:delText></w:r></w:del>'
MARK_DELETED = '<w:del w:id="3" w:author="A" w:date="2009-09-01T00:00:00Z"/>'


def _tracked(tmp_path: Path) -> Path:
    return make_docx(
        tmp_path / "tracked.docx",
        "".join(
            [
                p("Article 1 \u2013 One", style="Heading1"),
                p("1.1 Members ", INS, DEL, " act."),
                p("1.2 First half ", mark=MARK_DELETED),
                p("joined to the second half."),
            ]
        ),
    )


def test_tracked_changes_refused_by_default_with_counts(places: Places, tmp_path: Path) -> None:
    result = import_draft(_tracked(tmp_path), "tracked", places=places)
    assert [(d.code, d.line) for d in result.diagnostics] == [("import.tracked-changes", 2)]
    message = result.diagnostics[0].format()
    assert (
        "1 insertion(s) and 2 deletion(s)" in message
        and "--track-changes accept" in message
        and "--track-changes reject" in message
    )
    assert not (places.versions / "tracked").exists()


def test_tracked_changes_accepted_or_rejected(tmp_path: Path) -> None:
    path = _tracked(tmp_path)
    accepted, _ = _lines(path, "accept")
    rejected, _ = _lines(path, "reject")
    assert accepted[2:] == ["1.1  Members shall act.", "1.2  First half joined to the second half."]
    assert rejected[2:] == ["1.1  Members should act.", "1.2  First half", "joined to the second half."]


# ------------------------------------------------------------------------------------------------ bad input


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        for name, text in files.items():
            package.writestr(name, text)
    return path


def _deep_body(depth: int) -> str:
    inner = p("Article 1 \u2013 Deep")
    for _ in range(depth):
        inner = f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return inner


def _nested_tables(depth: int) -> str:
    inner = p("Article 1 \u2013 In a table")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>{p('')}"
    return inner


def _raw_body(template: Path, path: Path, body: str) -> Path:
    """A copy of ``template`` whose document body is ``body``, written as raw XML (python-docx would refuse it)."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("<w:sectPr")
                data = (text[:start] + body + text[end:]).encode("utf-8")
            target.writestr(info, data)
    return path


def _bad_cases(tmp_path: Path) -> dict[str, tuple[Path, str, int]]:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = tmp_path / "protected.docx"
    encrypted.write_bytes(
        ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    )
    legacy = tmp_path / "legacy.doc"
    legacy.write_bytes(ole + "WordDocument".encode("utf-16-le") + b"\x00" * 64)
    text = tmp_path / "letter.docx"
    text.write_text("Dear colleagues, here is the draft.", encoding="utf-8")
    truncated = tmp_path / "truncated.docx"
    whole = make_docx(tmp_path / "whole.docx", p("Article 1 \u2013 x"))
    truncated.write_bytes(whole.read_bytes()[:3000])
    return {
        "not a Word file": (text, "import.format", 0),
        "legacy .doc (OLE with a WordDocument stream)": (legacy, "import.legacy-doc", 0),
        "password-protected (encrypted OLE)": (encrypted, "import.encrypted", 0),
        "Strict Open XML": (
            _zip(
                tmp_path / "strict.docx",
                {
                    "[Content_Types].xml": "<Types/>",
                    "word/document.xml": '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"/>',
                },
            ),
            "import.format",
            0,
        ),
        "an ODF package named .docx": (
            _zip(tmp_path / "odt.docx", {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
            "import.format",
            0,
        ),
        "truncated download": (truncated, "import.format", 0),
        "no article": (
            make_docx(tmp_path / "none.docx", p("Minutes of the meeting") + p("Nothing here is numbered.")),
            "import.no-article",
            1,
        ),
        "numbering repeats": (
            make_docx(tmp_path / "repeat.docx", p("Article 1 \u2013 A") + p("1.1 x") + p("1.2 y") + p("1.2 z")),
            "import.numbering-repeat",
            4,
        ),
        "auto numbering repeats": (
            make_docx(
                tmp_path / "auto.docx", p("A", num=(3, 0)) + p("x", num=(3, 1)) + p("Article 1 \u2013 B"), NUMBERING
            ),
            "import.numbering-repeat",
            3,
        ),
        "tables nested 5 deep": (make_docx(tmp_path / "tables.docx", _nested_tables(5)), "import.too-deep", 1),
        "XML nested 300 deep": (_raw_body(whole, tmp_path / "deep.docx", _deep_body(300)), "import.too-deep", 0),
    }


def test_bad_word_files_give_one_located_diagnostic_and_change_nothing(places: Places, tmp_path: Path) -> None:
    root = places.source.parent
    before = snapshot(root)
    for name, (path, code, line) in _bad_cases(tmp_path).items():
        result = import_draft(path, "bad", "code_text", places=places)
        found = [(d.code, d.line) for d in result.diagnostics if d.severity >= 2]
        assert found[:1] == [(code, line)], (name, [d.format() for d in result.diagnostics])
        assert result.exit_code() == 1 and not result.written, name
        assert result.diagnostics[0].path.endswith(path.name)
    assert snapshot(root) == before and not (places.versions / "bad").exists()


def _with_part(template: Path, path: Path, name: str, data: str) -> Path:
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == name else source.read(info.filename))
    return path


MALFORMED_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml")


@pytest.mark.parametrize("part", MALFORMED_PARTS)
def test_a_malformed_package_part_is_unreadable_not_a_crash(
    part: str, places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = make_docx(tmp_path / "whole.docx", p("Article 1 \u2013 x") + p("1.1 y."))
    path = _with_part(whole, tmp_path / "malformed.docx", part, "<x/>")  # well-formed XML, but not the part's
    result = import_draft(path, "bad", places=places)
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [("import.unreadable", str(path), 0)], [
        d.format() for d in result.diagnostics
    ]
    assert "malformed.docx" in result.diagnostics[0].message
    assert result.exit_code() == 1 and not result.written
    monkeypatch.chdir(places.source.parent)
    settings.cache_clear()
    try:
        done = CliRunner().invoke(main, ["import", str(path), "--as", "bad", "--dry-run"])
    finally:
        settings.cache_clear()
    assert done.exit_code == 1 and "[import.unreadable]" in done.stderr and "internal error" not in done.stderr


def test_zip_bombs_and_huge_files_are_refused(places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drafttools.importer import docx as docx_reader

    path = make_docx(tmp_path / "big.docx", "".join(p(f"1.{n} text") for n in range(1, 60)))
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 10_000)
    assert [d.code for d in import_draft(path, "big", places=places).diagnostics] == ["import.too-large"]
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 10**9)
    monkeypatch.setattr(docx_reader, "MAX_BLOCKS", 50)
    result = import_draft(path, "big", places=places)
    assert [(d.code, d.line) for d in result.diagnostics] == [("import.too-large", 51)]


def test_cli_names_the_choice_for_tracked_changes(
    places: Places, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tracked(tmp_path)
    monkeypatch.chdir(places.source.parent)
    settings.cache_clear()
    try:
        refused = CliRunner().invoke(main, ["import", str(path), "--as", "tracked"])
        accepted = CliRunner().invoke(main, ["import", str(path), "--as", "tracked", "--track-changes", "accept"])
    finally:
        settings.cache_clear()
    assert refused.exit_code == 1 and "[import.tracked-changes]" in refused.stderr and "Traceback" not in refused.output
    assert (
        accepted.exit_code == 0 and "Members shall act." in (places.versions / "tracked" / "article-01.md").read_text()
    )


def test_headings_known_by_style_alone(tmp_path: Path) -> None:
    """No "Article N" anywhere: the title and the articles come from Word's Title and Heading styles."""
    body = "".join(
        [
            p("A short code", style="Title"),
            p("Objectives", style="Heading1"),
            p("1.1 To help."),
            p("Means", style="Heading2"),
            p("2.1 By talking."),
            p("2.2 By writing."),
        ]
    )
    lines, codes = _lines(make_docx(tmp_path / "styles.docx", body))
    assert lines == [
        "A short code",
        "Article 1 \u2013 Objectives",
        "1.1  To help.",
        "Article 2 \u2013 Means",
        "2.1  By talking.",
        "2.2  By writing.",
    ]
    assert codes == []


def test_bookmarks_that_cannot_be_kept(places: Places, tmp_path: Path) -> None:
    """A bookmark naming a retired ID, or an ID already taken in the file, gives way to a new ID (with a
    warning); one naming an ID the ledger never saw (another tool's) is ignored."""
    ledger = places.source / "id-ledger.tsv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8") + "old-retired-paragraph\tparagraph\tretired\n", encoding="utf-8"
    )
    body = "".join(
        [
            p(bookmark("art-objectives", 1), "Article 1 \u2013 Objectives"),
            p(bookmark("old-retired-paragraph", 2), "1.1 A paragraph once deleted."),
            p(bookmark("voluntary-nature", 3), "1.2 The code is voluntary."),
            p(bookmark("voluntary-nature", 4), "1.3 The code is voluntary, again."),
            p(bookmark("article-1-objectives", 5), "1.4 Pandoc named this one."),
            p("3.2 Numbered for another article."),
        ]
    )
    result = import_draft(make_docx(tmp_path / "marks.docx", body), "marks", places=places)
    assert [(d.code, d.line) for d in result.diagnostics] == [
        ("import.numbering-mismatch", 6),
        ("import.bookmark", 2),
        ("import.bookmark", 4),
    ]
    assert "retired" in result.diagnostics[1].message and "used twice" in result.diagnostics[2].message
    assert result.instrument is not None
    given = [n.id for n in result.instrument.walk()]
    assert given[0] == "art-objectives" and given[2] == "voluntary-nature"
    assert given[1] != "old-retired-paragraph" and given[3] != "voluntary-nature" and given[4] != "article-1-objectives"


def _link(anchor: str, shown: str) -> str:
    return f'<w:hyperlink w:anchor="{anchor}"><w:r><w:t>{shown}</w:t></w:r></w:hyperlink>'


def test_links_to_bookmarks_become_references_even_when_their_number_is_stale(places: Places, tmp_path: Path) -> None:
    body = "".join(
        [
            p("Article 1 \u2013 Links"),
            p(bookmark("first-point", 1), "1.1 First point."),
            p("1.2 See paragraph ", _link("first-point", "9.9"), " above and ", _link("gone-elsewhere", "7.7"), "."),
        ]
    )
    result = import_draft(make_docx(tmp_path / "links.docx", body), "links", places=places)
    assert result.exit_code() == 0 and result.instrument is not None
    first, second = result.instrument.articles[0].children
    assert plain.block_text(second, result.instrument) == "1.2  See paragraph 1.1 above and 7.7."
    assert (
        f"See paragraph {{xref}}`{first.id}` above and 7.7."
        in (places.versions / "links" / "article-01.md").read_text()
    )


def test_a_zip_bomb_under_the_size_limit_is_refused_before_it_is_unpacked(places: Places, tmp_path: Path) -> None:
    """A real bomb: a small package whose document.xml unpacks to 150 MB of whitespace (under the 200 MB total)."""
    import time
    import zipfile

    good = make_docx(tmp_path / "good.docx", p("1.1 text"))
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * 150_000_000)
            out.writestr(info.filename, data)
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    result = import_draft(bomb, "bomb", places=places)
    assert time.monotonic() - started < 3
    assert [d.code for d in result.diagnostics] == ["import.too-large"]
    assert "zip bomb" in result.diagnostics[0].message and "word/document.xml" in result.diagnostics[0].message
    assert not (places.versions / "bomb").exists()
