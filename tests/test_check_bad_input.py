"""Bad input: every diagnostic has its own small fixture, asserting the code, the location and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.diagnostics import CODES

from .builders import MANIFEST, article, code_text

ONE = ["a.md"]


def _nested(depth: int) -> str:
    """An article whose paragraph holds items nested ``depth`` deep."""
    opening = "".join(f"{':' * (depth + 3 - k)}{{item}} deep-{k}\nLevel {k}.\n\n" for k in range(depth))
    closing = "".join(f"{':' * (3 + k)}\n" for k in range(depth))
    return (
        f"{':' * (depth + 5)}{{article}} art-one\n:title: One\n\n{':' * (depth + 4)}{{paragraph}} first\nText.\n\n"
        + opening
        + closing
        + f"{':' * (depth + 4)}\n{':' * (depth + 5)}\n"
    )


def _art(**kw: str) -> dict[str, str]:
    return {"a.md": article(**kw)}


GIVEN = MANIFEST.format(articles='"a.md"') + 'numbering = "given"\n'


def _numbered(*numbers: str) -> dict[str, str]:
    """An article whose paragraphs carry the given ``numbers`` (":number:"; "" for none)."""
    paragraphs = "".join(
        f":::{{paragraph}} p-{chr(97 + k)}\n" + (f":number: {n}\n" if n else "") + f"Text {k}.\n:::\n\n"
        for k, n in enumerate(numbers)
    )
    return {"a.md": f":::::{{article}} art-one\n:title: One\n:number: 1\n\n{paragraphs}:::::\n"}


CASES: list[tuple[str, dict[str, str | bytes], list[str] | None, str | None, str, str, int, int]] = [
    # name, files, listed, manifest, code, file, line, exit
    (
        "unclosed directive",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nText.\n"},
        ONE,
        None,
        "myst.unclosed",
        "a.md",
        1,
        1,
    ),
    (
        "unclosed inner directive",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nText.\n:::::\n"},
        ONE,
        None,
        "myst.unclosed",
        "a.md",
        4,
        1,
    ),
    (
        "unknown directive",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{paragraf} first\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "myst.syntax",
        "a.md",
        4,
        1,
    ),
    (
        "non-UTF-8 file",
        {"a.md": article(text="Caf\xe9 line one.").encode("latin-1")},
        ONE,
        None,
        "source.encoding",
        "a.md",
        5,
        1,
    ),
    ("byte-order mark", {"a.md": b"\xef\xbb\xbf" + article().encode()}, ONE, None, "source.bom", "a.md", 1, 0),
    ("CRLF line endings", {"a.md": article().replace("\n", "\r\n").encode()}, ONE, None, "source.crlf", "a.md", 1, 0),
    ("control character", _art(text="Bad \x0b char."), ONE, None, "source.control-char", "a.md", 5, 1),
    (
        "empty article",
        {"a.md": ":::::{article} art-one\n:title: One\n:::::\n"},
        ONE,
        None,
        "structure.empty",
        "a.md",
        1,
        1,
    ),
    (
        "article without title",
        {"a.md": ":::::{article} art-one\n\n:::{paragraph} first\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "structure.no-title",
        "a.md",
        1,
        1,
    ),
    ("file with no article", {"a.md": "Just some prose.\n"}, ONE, None, "structure.no-article", "a.md", 1, 1),
    (
        "two articles in one file",
        {"a.md": article() + "\n" + article(aid="art-two", pid="second")},
        ONE,
        None,
        "structure.extra-article",
        "a.md",
        9,
        1,
    ),
    (
        "text outside a paragraph",
        {"a.md": ":::::{article} art-one\n:title: One\n\nStray words.\n\n:::{paragraph} first\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "structure.stray",
        "a.md",
        4,
        1,
    ),
    (
        "item outside a paragraph",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{item} lone-item\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "structure.misplaced",
        "a.md",
        4,
        1,
    ),
    ("manifest names a missing file", _art(), ["a.md", "b.md"], None, "manifest.missing-file", "manifest.toml", 6, 1),
    (
        "file missing from the manifest",
        {**_art(), "b.md": article(aid="art-two", pid="second")},
        ONE,
        None,
        "manifest.unlisted",
        "b.md",
        1,
        1,
    ),
    ("same file listed twice", _art(), ["a.md", "a.md"], None, "manifest.duplicate-file", "manifest.toml", 6, 1),
    ("malformed manifest", _art(), None, '[instrument]\ntitle = "x\n', "manifest.syntax", "manifest.toml", 2, 1),
    (
        "manifest field missing",
        _art(),
        None,
        MANIFEST.format(articles='"a.md"').replace('version = "test-1"\n', ""),
        "manifest.field",
        "manifest.toml",
        1,
        1,
    ),
    (
        "manifest field of the wrong type",
        _art(),
        None,
        MANIFEST.format(articles='"a.md"').replace('date = "2009-09-07"', "date = 2009-09-07"),
        "manifest.field",
        "manifest.toml",
        4,
        1,
    ),
    (
        "missing ID",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{paragraph}\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "id.missing",
        "a.md",
        4,
        1,
    ),
    (
        "duplicate ID",
        {
            "a.md": (
                ":::::{article} art-one\n:title: One\n\n:::{paragraph} same\nOne.\n:::\n\n:::{paragraph} "
                "same\nTwo.\n:::\n:::::\n"
            )
        },
        ONE,
        None,
        "id.duplicate",
        "a.md",
        8,
        1,
    ),
    ("malformed ID", _art(pid="First_Paragraph"), ONE, None, "id.malformed", "a.md", 4, 1),
    ("number-like ID", _art(pid="para-1-1"), ONE, None, "id.number-like", "a.md", 4, 0),
    (
        "ID attached to nothing",
        {
            "a.md": (
                ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nText.\n:::\n\n"
                ":::{paragraph} empty\n:::\n:::::\n"
            )
        },
        ONE,
        None,
        "id.orphan",
        "a.md",
        8,
        1,
    ),
    ("MyST target labelling nothing", {"a.md": "(lost-label)=\n\n" + article()}, ONE, None, "id.orphan", "a.md", 1, 1),
    (
        "reference to an unknown ID",
        _art(text="See paragraph {xref}`nowhere` above."),
        ONE,
        None,
        "xref.unknown-id",
        "a.md",
        5,
        1,
    ),
    (
        "plain-text reference to nothing",
        _art(text="See paragraph 4.2 above."),
        ONE,
        None,
        "xref.unresolved",
        "a.md",
        5,
        1,
    ),
    ("plain-text reference, untagged", _art(text="Within Article 1 itself."), ONE, None, "xref.untagged", "a.md", 5, 1),
    (
        "false 'below'",
        {
            "a.md": (
                ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nText.\n:::\n\n"
                ":::{paragraph} second\nSee paragraph {xref}`first` below.\n:::\n:::::\n"
            )
        },
        ONE,
        None,
        "xref.direction",
        "a.md",
        9,
        1,
    ),
    (
        "stale written label",
        {
            "a.md": (
                ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nText.\n:::\n\n"
                ":::{paragraph} second\nSee paragraph {xref}`1.3 <first>` above.\n:::\n:::::\n"
            )
        },
        ONE,
        None,
        "xref.label-stale",
        "a.md",
        9,
        1,
    ),
    (
        "wrong kind of target",
        {
            "a.md": (
                ":::::{article} art-one\n:title: One\n\n:::{paragraph} first\nSee paragraph "
                "{xref}`art-one`.\n:::\n:::::\n"
            )
        },
        ONE,
        None,
        "xref.kind",
        "a.md",
        5,
        0,
    ),
    ("unbalanced closing bracket", _art(text="Agreed text] here."), ONE, None, "bracket.unbalanced", "a.md", 5, 1),
    ("nested brackets", _art(text="[Outer [inner] text]."), ONE, None, "bracket.nested", "a.md", 5, 1),
    (
        "agreed paragraph holding brackets",
        {
            "a.md": article()
            .replace(":::{paragraph} first-paragraph\n", ":::{paragraph} first-paragraph\n:status: agreed\n")
            .replace("Some text.", "Words\n[still open].")
        },
        ONE,
        None,
        "bracket.agreed",
        "a.md",
        7,
        1,
    ),
    (
        "unknown status",
        {
            "a.md": article().replace(
                ":::{paragraph} first-paragraph\n", ":::{paragraph} first-paragraph\n:status: done\n"
            )
        },
        ONE,
        None,
        "bracket.status",
        "a.md",
        4,
        1,
    ),
    (
        "alternative without proponent",
        _art(text="Report\n[Alt 1: every three years]."),
        ONE,
        None,
        "bracket.no-proponent",
        "a.md",
        6,
        0,
    ),
    (
        "unknown proponent",
        _art(text="Report\n[Alt 1 (BRA, XYZ): every three years]."),
        ONE,
        None,
        "bracket.proponent",
        "a.md",
        6,
        0,
    ),
    (
        "emphasis in the code text",
        _art(text="Some *emphasised* words."),
        ONE,
        None,
        "structure.inline-markup",
        "a.md",
        5,
        0,
    ),
    (
        "reference inside emphasis",
        _art(text="See\n*paragraph {xref}`nowhere`* above."),
        ONE,
        None,
        "xref.unknown-id",
        "a.md",
        6,
        1,
    ),
    (
        "reference with no target",
        _art(text="See\nparagraph {xref}`` above."),
        ONE,
        None,
        "xref.malformed",
        "a.md",
        6,
        1,
    ),
    (
        "reference never closed",
        _art(text="See\nparagraph {xref}`first-paragraph above."),
        ONE,
        None,
        "xref.malformed",
        "a.md",
        6,
        1,
    ),
    (
        "manifest names a file outside the folder",
        _art(),
        ["a.md", "../b.md"],
        None,
        "manifest.field",
        "manifest.toml",
        6,
        1,
    ),
    (
        "manifest names a file in a subfolder",
        _art(),
        ["a.md", "parts/b.md"],
        None,
        "manifest.field",
        "manifest.toml",
        6,
        1,
    ),
    (
        "ledger line that is not a ledger line",
        {**_art(), "id-ledger.tsv": "art-one\tarticle\tactive\nfirst-paragraph\tparagraph\tweird\n"},
        ONE,
        None,
        "id.ledger",
        "id-ledger.tsv",
        2,
        1,
    ),
    (
        "kind the profile does not have",
        {"a.md": ":::::{article} art-one\n:title: One\n\n:::{clause} closing\nText.\n:::\n:::::\n"},
        ONE,
        None,
        "structure.unknown-kind",
        "a.md",
        4,
        1,
    ),
    (
        "elements nested deeper than the profile allows",
        {"a.md": _nested(13)},
        ONE,
        None,
        "structure.too-deep",
        "a.md",
        37,
        1,
    ),
    (
        "footnote cited but not defined",
        _art(text="Text with a note[^n]."),
        ONE,
        None,
        "structure.footnote",
        "a.md",
        5,
        1,
    ),
    (
        "reference to its own element",
        _art(text="As this paragraph {xref}`first-paragraph` says."),
        ONE,
        None,
        "xref.self",
        "a.md",
        5,
        0,
    ),
    # with given numbering (an adopted act keeps its numbers); the paragraphs' directives stand at lines 5, 10, 15
    ("given number repeated", _numbered("1", "2", "2"), ONE, GIVEN, "numbering.duplicate", "a.md", 15, 1),
    ("given numbers going backwards", _numbered("1", "3", "2"), ONE, GIVEN, "numbering.order", "a.md", 15, 0),
    ("given number missing", _numbered("1", "", "3"), ONE, GIVEN, "numbering.missing", "a.md", 10, 0),
    ("number written but computed", _numbered("1", "2"), ONE, None, "numbering.ignored", "a.md", 1, 0),
    (
        "ledger not UTF-8",
        {**_art(), "id-ledger.tsv": b"art-one\tarticle\tactive\n\xff\xfe\n"},
        ONE,
        None,
        "id.ledger",
        "id-ledger.tsv",
        1,
        1,
    ),
]


@pytest.mark.parametrize(
    ("files", "listed", "manifest", "code", "where", "line", "status"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_input(tmp_path: Path, files, listed, manifest, code: str, where: str, line: int, status: int) -> None:
    root = code_text(tmp_path / "ct", files, listed, manifest)
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == status, result.stdout
    diagnostics = json.loads(result.stdout)["diagnostics"]
    matching = [d for d in diagnostics if d["code"] == code]
    assert matching, [(d["code"], d["message"]) for d in diagnostics]
    assert (Path(matching[0]["path"]).name, matching[0]["line"]) == (where, line), matching[0]
    assert matching[0]["message"]


def test_every_code_has_a_case_or_its_own_test() -> None:
    covered = {c[4] for c in CASES} | {
        "source.not-code-text",
        "id.reused",
        "id.kind-changed",
        "id.unrecorded",
        "id.gone",
        "id.retire-referenced",
        "id.errors",
        "id.restore",
        "xref.fixed",
        "bracket.open",
        "xref.too-many",  # tested in test_ids_command.py, test_id_lifecycle.py, test_fix.py,
        # test_code_text.py and test_hostile_shapes.py
        "source.outside",  # a link is no file of a case: tests/test_outside_project.py
        "structure.opening",  # needs the resolution profile: tests/test_bodies.py
    }
    check_families = ("source.", "manifest.", "myst.", "structure.", "id.", "xref.", "bracket.", "numbering.")
    assert {c for c in CODES if c.startswith(check_families)} - covered == set()


def test_a_folder_that_is_not_a_code_text(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        f"{tmp_path}: error: {tmp_path} is not a code text: it has no manifest.toml [source.not-code-text]"
        in result.stderr
    )


@pytest.mark.parametrize("args", [["check", "no/such/folder"], ["check", "--format", "xml"], ["check", "--bogus"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "Traceback" not in result.stderr


def test_a_file_instead_of_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", _art(), ONE)
    result = CliRunner().invoke(main, ["check", str(root / "a.md")])
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_crlf_and_bom_files_are_still_read(tmp_path: Path) -> None:
    root = code_text(
        tmp_path / "ct", {"a.md": b"\xef\xbb\xbf" + article(text="See Article 9.").replace("\n", "\r\n").encode()}, ONE
    )
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    codes = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    assert {"source.bom", "source.crlf", "xref.unresolved"} <= codes
