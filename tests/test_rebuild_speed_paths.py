"""The rebuild's fast paths give exactly what the plain code they replace gives.

Each shortcut taken for speed (string paths instead of pathlib, one folder listing instead of a stat per file, a
byte scan before the character scan, the ID checks' cheap test first, numbering that indexes as it builds, the
reference finder skipping runs of text that cannot cite) is compared here with the straightforward version, kept in
this file as the reference.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafttools.checks import brackets
from drafttools.checks import references as reference_checks
from drafttools.diagnostics import Diagnostic, diag
from drafttools.model import ids
from drafttools.model import references as xref
from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Element, Instrument, Loc, Meta, Ref, Text
from drafttools.source import files as sources
from drafttools.source.profiles import default as default_profile

from .builders import MANIFEST, article

# ------------------------------------------------------------------------------------------ sources.display


def _display_reference(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(os.getcwd()).resolve()))
    except ValueError:
        return str(path)


def test_display_is_pathlibs_answer(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "code").mkdir(parents=True)
    (real / "code" / "a.md").write_text("x")
    (real / "elsewhere.md").write_text("x")
    (tmp_path / "link").symlink_to(real)
    (real / "code" / "linked.md").symlink_to(real / "elsewhere.md")
    (real / "code" / "dangling.md").symlink_to(real / "nothing.md")
    (real / "code" / "loop.md").symlink_to(real / "code" / "loop.md")
    outside = tmp_path / "outside"
    outside.mkdir()
    paths = [
        "code/a.md",
        "code",
        ".",
        "..",
        "code/../code/a.md",
        "code/linked.md",
        "code/dangling.md",
        "code/none.md",
        "elsewhere.md",
        str(real / "code" / "a.md"),
        str(outside),
        str(tmp_path / "link" / "code" / "a.md"),
        "code//a.md",
        "./code/./a.md",
        "/",
        str(tmp_path),
    ]
    for here in (real, tmp_path / "link", tmp_path / "link" / "code", outside, Path("/")):
        with contextlib.chdir(here):
            for shown in paths:
                assert sources.display(Path(shown)) == _display_reference(Path(shown)), (here, shown)
            with pytest.raises(RuntimeError):  # a symbolic link loop, as pathlib reports it
                _display_reference(real / "code" / "loop.md")
            with pytest.raises(RuntimeError):
                sources.display(real / "code" / "loop.md")


# ---------------------------------------------------------------------------------------- sources.read_source

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_the_byte_scan_misses_no_forbidden_character() -> None:
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert sources._may_hold_forbidden(char.encode()) == bool(_FORBIDDEN.match(char)), f"U+{code:04X}"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", "\r", "\n", "\r\n", "\x0b", "\x1f", "\t", "\ufffe", "\uffff", "\ufffd", "é", "\u0800", "\x7f", " "]
        ),
        max_size=12,
    )
)
def test_read_source_reports_what_the_character_scan_reports(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str]
) -> None:
    text = "".join(pieces)
    path = tmp_path_factory.mktemp("src") / "a.md"
    path.write_bytes(text.encode())
    problems: list[Diagnostic] = []
    source = sources.read_source(path, problems)
    assert source is not None
    expected: list[tuple[str, int]] = []
    crlf = "\r\n" in text
    if crlf:
        expected.append(("source.crlf", text[: text.index("\r\n")].count("\n") + 1))
        text = text.replace("\r\n", "\n")
    expected += [("source.control-char", text[: m.start()].count("\n") + 1) for m in _FORBIDDEN.finditer(text)]
    assert [(d.code, d.line) for d in problems] == expected
    assert (source.text, source.crlf) == (text, crlf)


# ---------------------------------------------------------------------------------------- the manifest's files


def _check_files_reference(listed: list[str], source: sources.SourceFile, root: Path) -> list[Diagnostic]:
    """sources._check_files as it was: a stat per file named, and a glob."""
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for name in listed:
        line = sources._line_of(source.text, f'"{name}"')
        if not sources.is_listable(name):
            problems.append(
                diag(
                    "manifest.field",
                    source.path,
                    line,
                    f"{name!r} is not the name of a Markdown file in the code text folder",
                    'list plain file names such as "article-01.md"; a code text is one folder',
                )
            )
            seen.add(name)
            continue
        if name in seen:
            problems.append(diag("manifest.duplicate-file", source.path, line, f"{name} is listed twice"))
        seen.add(name)
        if not (root / name).is_file():
            what = "is a folder, not a file" if (root / name).is_dir() else f"does not exist in {sources.display(root)}"
            problems.append(
                diag(
                    "manifest.missing-file",
                    source.path,
                    line,
                    f"the manifest names {name}, which {what}",
                    f"create {name} or remove it from the manifest",
                )
            )
    for extra in sorted(p.name for p in root.glob("*.md")):
        if extra not in seen and extra.lower() != "readme.md":
            problems.append(
                diag(
                    "manifest.unlisted",
                    sources.display(root / extra),
                    1,
                    f"{extra} is not named in {sources.MANIFEST}, so it is not part of the code",
                    f'add "{extra}" to articles in {sources.MANIFEST}, or move it out of the folder',
                )
            )
    return problems


def test_the_folder_listing_finds_what_stat_and_glob_find(tmp_path: Path) -> None:
    root = tmp_path / "code"
    root.mkdir()
    for name in ("a.md", "b.md", "README.md", "readme.md", "stray.md", ".hidden.md", "UPPER.MD", "notes.txt"):
        (root / name).write_text(article())
    (root / "folder.md").mkdir()
    (tmp_path / "outside.md").write_text(article())
    (root / "linked.md").symlink_to(tmp_path / "outside.md")
    (root / "dangling.md").symlink_to(tmp_path / "nothing.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "dirlink.md").symlink_to(root / "folder.md")
    listed = [
        "a.md",
        "b.md",
        "a.md",
        "missing.md",
        "folder.md",
        "linked.md",
        "dangling.md",
        "loop.md",
        "dirlink.md",
        "A.md",
        "sub/x.md",
        "../outside.md",
        ".hidden.md",
        "notes.txt",
        "UPPER.MD",
    ]
    text = MANIFEST.format(articles=", ".join(f'"{n}"' for n in listed))
    (root / "manifest.toml").write_text(text)
    source = sources.SourceFile("code/manifest.toml", text)
    with contextlib.chdir(tmp_path):
        for names in (listed, listed[:2], ["a.md", "b.md", "stray.md", ".hidden.md", "linked.md"]):
            if names is not listed:
                (root / "loop.md").unlink(missing_ok=True)  # shown unlisted, it would stop both (pathlib raises)
            found: list[Diagnostic] = []
            sources._check_files(names, source, Path("code"), found)
            assert found == _check_files_reference(names, source, Path("code"))
            assert found
        problems: list[Diagnostic] = []
        assert sources.read_manifest(Path("code"), problems) is not None
        assert {d.code for d in problems} == {
            "manifest.field",
            "manifest.duplicate-file",
            "manifest.missing-file",
            "manifest.unlisted",
            "source.outside",
        }  # linked.md leads out of the folder, the project here


def test_the_shown_paths_prepared_by_the_manifest_are_displays_answer(tmp_path: Path) -> None:
    """read_manifest prepares each listed file's shown path from one listing; read_source shows what display
    (pathlib) would, from any working folder, through a linked folder, for a linked file, after a chdir."""
    real = tmp_path / "real" / "code"
    real.mkdir(parents=True)
    (tmp_path / "shared.md").write_text(article(aid="art-two", pid="second"))
    (real / "a.md").write_text(article())
    (real / "b.md").symlink_to(tmp_path / "shared.md")
    (real / "manifest.toml").write_text(MANIFEST.format(articles='"a.md", "b.md"'))
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "pyproject.toml").write_text("[tool.drafttools]\n")  # the project, so that b.md's link stays inside it
    roots = [Path("code"), Path("link/code"), tmp_path / "link" / "code", Path("."), Path("../code")]
    for here, root in [
        (tmp_path / "real", roots[0]),
        (tmp_path, roots[1]),
        (Path("/"), roots[2]),
        (real, roots[3]),
        (real, roots[4]),
        (tmp_path / "link" / "code", roots[3]),
    ]:
        with contextlib.chdir(here):
            problems: list[Diagnostic] = []
            assert sources.read_manifest(root, problems) is not None and not problems
            for name in ("a.md", "b.md"):
                source = sources.read_source(root / name, problems)
                assert source is not None and source.path == _display_reference(root / name), (here, root, name)
    with contextlib.chdir(tmp_path):
        sources.read_manifest(real, problems)
        with contextlib.chdir(tmp_path / "real"):  # the working folder changed since: not the prepared path
            shown = sources.read_source(real / "a.md", problems)
            assert shown is not None and shown.path == _display_reference(real / "a.md") == "code/a.md"
    assert not problems


def test_reading_a_file_is_read_bytes(tmp_path: Path) -> None:
    for size in (0, 1, 4095, 65536, 65537, 3 * 65536 + 5):
        path = tmp_path / f"f{size}"
        path.write_bytes(os.urandom(size))
        assert sources._read_bytes(path) == path.read_bytes()
    for bad in (tmp_path, tmp_path / "missing"):
        with pytest.raises(OSError) as ours:
            sources._read_bytes(bad)
        with pytest.raises(OSError) as theirs:
            bad.read_bytes()
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


# ---------------------------------------------------------------------------------------------------- IDs


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab09-_A. é", max_size=45) | st.from_regex(ids.ID_PATTERN, fullmatch=True))
def test_a_valid_id_is_one_with_no_problem(candidate: str) -> None:
    assert ids.is_valid(candidate) == (ids.problem(candidate) is None)


# ----------------------------------------------------------------------------------------------- numbering


def _index_reference(numbered: Instrument) -> tuple[list[tuple[str, int]], dict[int, int]]:
    """What number_instrument indexed, walked plainly: each ID's first element, each child's parent."""
    index: dict[str, Element] = {}
    parent: dict[int, Element] = {}
    for node in numbered.walk():
        if node.id and node.id not in index:
            index[node.id] = node
        for child in node.children:
            parent[id(child)] = node
    return [(k, id(v)) for k, v in index.items()], {k: id(v) for k, v in parent.items()}


def _sample_instrument() -> Instrument:
    def loc(line: int) -> Loc:
        return Loc("a.md", line)

    def items(*names: str | None) -> tuple[Element, ...]:
        return tuple(Element("item", n, loc(k), inlines=(Text(f"item {n}"),)) for k, n in enumerate(names))

    def paragraph(
        name: str | None,
        text: str,
        line: int,
        children: tuple[Element, ...] = (),
        numbered: bool = True,
        extra: tuple[Ref, ...] = (),
    ) -> Element:
        return Element("paragraph", name, loc(line), inlines=(Text(text), *extra), children=children, numbered=numbered)

    preamble = (paragraph("pre", "Recalling", 1, items("pre-a", "dup"), numbered=False), paragraph(None, "Noting", 2))
    first = Element(
        "article",
        "dup",
        loc(3),
        "One",
        children=(
            paragraph("dup", "x", 3, items("p-a", None, "p-a")),
            paragraph("lead", "y", 4, items(*[f"l-{k}" for k in range(30)]), numbered=False),
            paragraph("", "z", 5, extra=(Ref("dup", loc(5)),)),
        ),
    )
    second = Element("article", None, loc(6), "Two", children=(paragraph("pre-a", "w", 6, items("art-2")),))
    return Instrument(Meta("T", "v", "2010-01-01", "draft"), default_profile(), preamble=preamble, body=(first, second))


def test_numbering_indexes_as_the_walk_does() -> None:
    numbered = number_instrument(_sample_instrument())
    index, parent = _index_reference(numbered)
    assert [(k, id(v)) for k, v in numbered._index.items()] == index
    assert {k: id(v) for k, v in numbered._parent.items()} == parent
    assert numbered.get("dup") is numbered.preamble[0].children[1]
    assert numbered.get("pre-a") is numbered.preamble[0].children[0]
    second = numbered.articles[1]
    assert numbered.parent_of(second.children[0].children[0]) is second.children[0]
    assert [i.label for i in numbered.articles[0].children[1].children][-5:] == [
        "1(z)",
        "1(aa)",
        "1(bb)",
        "1(cc)",
        "1(dd)",
    ]
    assert number_instrument(numbered).walk().__next__() == numbered.walk().__next__()


def test_numbering_the_shipped_text_indexes_as_the_walk_does(shipped: Instrument) -> None:
    index, parent = _index_reference(shipped)
    assert [(k, id(v)) for k, v in shipped._index.items()] == index
    assert {k: id(v) for k, v in shipped._parent.items()} == parent


# ---------------------------------------------------------------------------------------------- references


def _references_reference(instrument: Instrument, monkeypatch: pytest.MonkeyPatch) -> list[xref.Reference]:
    """find_references without its skipping of runs of text that cannot cite."""
    with monkeypatch.context() as patched:
        patched.setattr(xref, "may_cite", lambda inlines, profile: True)
        return xref.find_references(instrument)


def test_skipping_blocks_finds_the_same_references(shipped: Instrument, monkeypatch: pytest.MonkeyPatch) -> None:
    numbered = number_instrument(_sample_instrument())
    for instrument in (shipped, numbered):
        found = xref.find_references(instrument)
        plain = _references_reference(instrument, monkeypatch)
        assert found == plain
        assert reference_checks.check(instrument, found) == reference_checks.check(instrument, plain)
    assert xref.find_references(shipped)


def test_a_single_run_of_text_is_its_own_plain_text(shipped: Instrument) -> None:
    assert brackets.scan(shipped)[0]  # the shipped text has open brackets
    from drafttools.model.tree import plain_text

    for node, inlines, _ in xref.blocks(shipped):
        if len(inlines) == 1 and isinstance(inlines[0], Text):
            assert plain_text(inlines, shipped, node) == inlines[0].text


_PIECES = [
    "Article",
    "article",
    "ARTICLE",
    "paragraph",
    "paragraphs",
    "subparagraph",
    "Annex",
    "the",
    "The",
    "first",
    "second",
    "Twentieth",
    "8",
    "8.2",
    "(a)",
    " ",
    "  ",
    "\n",
    ",",
    "of",
    "x",
    "xthe",
    "firstly",
    "é",
    "_",
]


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["who-code", "treaty", "eu"]),
)
def test_the_keyword_first_search_finds_what_the_grammar_regex_finds(
    pieces: list[str], position: int, name: str
) -> None:
    from drafttools.source.profiles import load

    profile = load(name, None)[0]
    assert profile is not None
    grammar = xref._compiled(profile)
    text = "".join(pieces)
    position = min(position, len(text))
    fast, plain = grammar.search(text, position), grammar.start.search(text, position)
    assert (fast and (fast.span(), fast["kw"], fast["ord"])) == (plain and (plain.span(), plain["kw"], plain["ord"]))


def test_the_keyword_first_search_reaches_an_ordinal_far_enough() -> None:
    grammar = xref._compiled(default_profile())
    for text in ("see the twentieth" + " " * 40 + "paragraph", "x" * 70 + " the second paragraph of Article 2"):
        fast, plain = grammar.search(text, 0), grammar.start.search(text, 0)
        assert fast is not None and plain is not None and fast.span() == plain.span() and fast["ord"]
