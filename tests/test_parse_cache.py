"""The parse cache and parallel parsing: the same model as a fresh serial parse, and never a stale one."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafttools.source import cache as parsecache
from drafttools.source import parse
from drafttools.source.parse import load


def same(a: parse.Loaded, b: parse.Loaded) -> None:
    assert a.instrument == b.instrument
    assert a.diagnostics == b.diagnostics
    assert [n.label for n in a.instrument.walk()] == [n.label for n in b.instrument.walk()]


def test_a_cached_parse_equals_a_fresh_one(code_copy: Path, tmp_path: Path) -> None:
    fresh = load(code_copy)
    first = load(code_copy, cache_dir=tmp_path / "c")
    entries = list((tmp_path / "c" / "parse").rglob("*.pickle"))
    assert len(entries) == 11
    second = load(code_copy, cache_dir=tmp_path / "c")
    same(fresh, first)
    same(fresh, second)


def test_an_edited_file_is_parsed_again(code_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    load(code_copy, cache_dir=cache)
    article = code_copy / "article-08.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("register of designated", "list of designated"), encoding="utf-8"
    )
    cached = load(code_copy, cache_dir=cache)
    same(load(code_copy), cached)
    assert "list of designated" in cached.instrument.get("register-of-authorities").inlines[0].text
    assert len(list((cache / "parse").rglob("*.pickle"))) == 12


def test_the_key_holds_text_path_and_code(code_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = parse.sources.SourceFile("a.md", "text")
    base = parsecache.key("article", source)
    assert parsecache.key("article", parse.sources.SourceFile("b.md", "text")) != base
    assert parsecache.key("article", parse.sources.SourceFile("a.md", "text ")) != base
    assert parsecache.key("preamble", source) != base
    assert parsecache.key("article", parse.sources.SourceFile("a.md", "text", crlf=True)) != base
    monkeypatch.setattr(parsecache, "code_fingerprint", lambda: b"another version of drafttools")
    assert parsecache.key("article", source) != base


def test_corrupt_entries_are_misses_and_the_switch_turns_it_off(
    code_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "c"
    load(code_copy, cache_dir=cache)
    for entry in (cache / "parse").rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    same(load(code_copy), load(code_copy, cache_dir=cache))
    monkeypatch.setenv("DRAFTTOOLS_NO_CACHE", "1")
    other = tmp_path / "d"
    load(code_copy, cache_dir=other)
    assert not other.exists()


def test_parallel_parse_equals_serial(code_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = load(code_copy)
    monkeypatch.setattr(parse, "PARALLEL_FROM_FILES", 1)
    same(serial, load(code_copy))


def test_parallel_parse_reports_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .builders import article, code_text

    files = {
        f"a{n:02d}.md": f"Stray {n}.\n\n" + article(aid=f"art-n{chr(97 + n)}", pid=f"p-n{chr(97 + n)}")
        for n in range(6)
    }
    root = code_text(tmp_path / "ct", files)
    serial = load(root)
    assert [d.code for d in serial.diagnostics] == ["structure.stray"] * 6
    monkeypatch.setattr(parse, "PARALLEL_FROM_FILES", 1)
    same(serial, load(root))


def test_a_load_served_wholly_from_the_cache_never_imports_the_parser(code_copy: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    program = (
        "import sys; from pathlib import Path; from drafttools.source.parse import load; "
        f"loaded = load(Path({str(code_copy)!r}), cache_dir=Path({str(tmp_path / 'c')!r})); "
        "print(len(loaded.instrument.articles), 'docutils' in sys.modules, 'myst_parser' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["11", "True", "True"]  # parsed: the parser was needed
    second = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert second.stdout.split() == ["11", "False", "False"]  # every file from the cache: docutils never loaded


def test_numbering_and_pickling_pass_on_every_field_of_an_element() -> None:
    """``number_instrument`` rebuilds each element with its constructor and the parse cache pickles them: a field
    added to ``Element`` must be passed on there too, and this list changed with it."""
    import pickle
    from dataclasses import fields

    from drafttools.model import tree as model
    from drafttools.model.numbering import number_instrument
    from drafttools.source.profiles import default

    assert [f.name for f in fields(model.Element)] == [
        "kind",
        "id",
        "loc",
        "title",
        "inlines",
        "children",
        "numbered",
        "given",
        "deleted",
        "header",
        "cells",
        "text_line",
        "role",
        "token",
        "number",
        "label",
        "near",
        "heading",
        "status",
    ]
    loc = model.Loc("a.md", 2)
    item = model.Element("item", "i", loc, inlines=(model.Text("x"), model.Note("1", (model.Text("n"),), loc)))
    paragraph = model.Element(
        "paragraph",
        "p",
        loc,
        inlines=(model.Text("x"), model.Ref("t", loc, "8.2")),
        children=(item,),
        given="3",
        text_line=2,
        status="agreed",
    )
    article = model.Element("article", "a", loc, "Title", children=(paragraph,), deleted=True)
    numbered = number_instrument(model.Instrument(model.Meta("T", "v", "d", "draft"), default(), body=(article,)))
    made = numbered.body[0]
    assert made.children[0].children[0].inlines == item.inlines and made.deleted and made.children[0].given == "3"
    assert made.children[0].status == "agreed"
    assert pickle.loads(pickle.dumps(made)) == made
