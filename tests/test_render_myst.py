"""The MyST writer: parse(serialize(model)) gives back the model's IDs, kinds and text."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Element, Instrument, Loc, Meta, Note, Ref, Text
from drafttools.render import myst, plain
from drafttools.source.parse import load
from drafttools.source.profiles import default as default_profile


def _write(files: dict[str, str], folder: Path) -> Instrument:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    loaded = load(folder)
    assert loaded.diagnostics == ()
    assert loaded.instrument is not None
    return loaded.instrument


def _shape(instrument: Instrument) -> list[tuple[str, str | None, str]]:
    return [(n.kind, n.id, plain.block_text(n, instrument)) for n in instrument.walk()]


def test_shipped_code_text_round_trips(shipped: Instrument, tmp_path: Path) -> None:
    again = _write(myst.serialize(shipped), tmp_path / "out")
    assert _shape(again) == _shape(shipped)
    assert again.meta == shipped.meta
    assert [r for n in again.walk() for r in n.inlines if isinstance(r, Ref)] != []


def test_writer_follows_code_text_layout(shipped: Instrument) -> None:
    files = myst.serialize(shipped)
    assert list(files)[:3] == ["manifest.toml", "article-01.md", "article-02.md"]
    first = files["article-01.md"]
    assert first.startswith(
        ":::::{article} art-objectives\n:title: Objectives\n\n::::{paragraph} objectives-lead-in\n:unnumbered:\n"
    )
    assert first.endswith("::::\n:::::\n")
    assert all(
        len(line) <= myst.WIDTH
        for name, text in files.items()
        if name.endswith(".md")
        for line in text.splitlines()
        if "{xref}" not in line
    )


TRICKY = [
    "1. ADOPTS the code; 2) and # not a heading",
    "- a dash, + a plus, > a quote, % a comment, | a pipe, = equal, ::: a fence",
    "*stars* and _underscores_ and `backticks` and <html> and \\backslash",
    "[at a frequency to be decided by that body] and [a](link) and [^1] footnote and &amp; entity",
    "(label)= a target, {xref}`not-a-role` written by hand",
    "acknowledged.1 Member State\u2019s \u201cquoted\u201d words \u2013 en dash, non\u00a0breaking",
]


@pytest.mark.parametrize("text", TRICKY)
def test_text_that_looks_like_markup_reads_back_as_written(text: str, tmp_path: Path) -> None:
    long = " ".join([text] * 6)  # long enough to wrap, so every word gets a chance to start a line
    loc = Loc("x", 1)
    article = Element(
        "article",
        "art-one",
        loc,
        "One * two",
        children=(
            Element(
                "paragraph",
                "lead",
                loc,
                inlines=(Text(long),),
                numbered=False,
                children=(Element("item", "first", loc, inlines=(Text(text), Note("n1", (Text(text),), loc))),),
            ),
            Element("paragraph", "second", loc, inlines=(Text(long + " see "), Ref("lead", loc), Text("."))),
        ),
    )
    model = number_instrument(
        Instrument(
            Meta('Title "quoted" \\ back', "v1", "2009-01-01", "draft"),
            default_profile(),
            preamble=(Element("paragraph", "pre", loc, inlines=(Text(text),)),),
            body=(article,),
        )
    )
    again = _write(myst.serialize(model), tmp_path / "out")
    assert _shape(again) == _shape(model)
    assert again.meta.title == model.meta.title


TITLES = [
    "Monitoring: institutional arrangements",
    "Data # gathering",
    "'quoted' title",
    '"double"',
    "| pipe",
    "> quote",
    "[Bracketed] title",
    "- dash start",
    "% percent",
    "title with \\ backslash",
    "Caf\u00e9 \u2013 na\u00efve",
    "null",
]


def test_titles_that_yaml_would_misread(tmp_path: Path) -> None:
    """MyST reads directive options as YAML: a title with '#', a quote, '|' or '>' is written quoted."""
    loc = Loc("x", 1)
    articles = tuple(
        Element(
            "article", f"art-{n}", loc, title, children=(Element("paragraph", f"p-{n}", loc, inlines=(Text("x"),)),)
        )
        for n, title in zip("abcdefghijklmnop", TITLES, strict=False)
    )
    model = number_instrument(Instrument(Meta("T", "v1", "2009-01-01", "draft"), default_profile(), body=articles))
    again = _write(myst.serialize(model), tmp_path / "out")
    assert [a.title for a in again.articles] == TITLES
