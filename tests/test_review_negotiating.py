"""The negotiating text (issue 14 item 3): the working text with the accepted proposals applied and the open ones
as bracketed alternatives naming their proponents, each text's status in colour and in words, facilitators'
notes, deletions since the version answered struck through; DOCX (LibreOffice opens it, pandoc reads the
alternatives and status words back, real w:strike and shading) and HTML; and the round trip: negotiating text →
DOCX → import → the same proposals and statuses."""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.model import negotiation
from drafttools.render.negotiating import COLOURS
from drafttools.review import proposals as store
from drafttools.review.negotiating import proponent
from drafttools.source.parse import load

from . import reviewing
from .clients import libreoffice_convert, pandoc_text, pdf_text
from .test_html_readers import contrast


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the proposals of tests/reviewing.py, 9.5 deleted from the working text, and its negotiating
    text built to build/review/."""
    import shutil

    from .conftest import ROOT

    root = tmp_path_factory.mktemp("neg") / "project"
    root.mkdir()
    for folder in ("code_text", "versions", "annex_templates", "papers", "resolutions"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.png"))
    (root / "pyproject.toml").write_text(
        '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\nbuild = "build"\n', encoding="utf-8"
    )
    reviewing.make(root)
    nine = root / "code_text" / "article-09.md"
    nine.write_text(
        re.sub(
            r":::\{paragraph\} extent-possible-maintain-record\n.*?\n:::\n\n",
            "",
            nine.read_text(encoding="utf-8"),
            flags=re.S,
        ),
        encoding="utf-8",
    )
    code, stdout, stderr = run(root, "review", "negotiating")
    assert code == 0, stderr
    assert stdout.splitlines() == [
        str(Path("build/review/negotiating-text.docx")),
        str(Path("build/review/negotiating-text.html")),
    ]
    assert "deletions since 2009-09-SEARO-RC62 struck through" in stderr
    return root


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(argv))
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_negotiating_text_as_pandoc_reads_its_docx(built: Path) -> None:
    docx = built / "build" / "review" / "negotiating-text.docx"
    text = flat(pandoc_text(docx))
    # accepted words are in, with what they replaced struck through since the version answered
    assert "to the WHO Secretariat ~~on a biennial basis~~ every three years." in flat(_markdown(docx))
    assert "each Member State ~~should~~ shall designate" in flat(_markdown(docx))
    # rejected words are gone; open ones are alternatives naming their proponents (EU for "European Union", one
    # alternative for two proponents proposing the same words), numbered after what the source already holds
    assert "shall be kept by WHO" not in text
    assert (
        "other competent sources and report [periodically] [Alt 1 (EU, GBR): every two years] "
        "[Alt 2 (ZAF): annually] to the Health Assembly [at a frequency to be decided by that body]"
    ) in text
    assert (
        "[Addressing present and expected shortages in the health workforce is crucial to] [Alt 1 (KEN): Addressing"
        not in text
    )
    assert "workforce is [crucial to] [Alt 1 (KEN): essential for] protecting global health." in text
    assert "adherence with this code.] [Alt 1 (USA): delete]" in text
    assert (
        "(PROPOSED, UNDER NEGOTIATION) [Alt 1 (BRA): Member States should publish the data they exchange, "
        "in an open format.]" in text
    )
    # status in words beside each text; the facilitator's note under its text; the deleted paragraph at its place
    assert "2.1 (AGREED) The code is voluntary." in text
    assert "4.1 (AGREED AD REFERENDUM) Member States and other stakeholders" in text
    assert "10.2 (UNDER NEGOTIATION) The Director-General" in text
    assert "Note (Facilitator): The Secretariat to advise on the designation of authorities in federal States." in text
    assert re.search(
        r"9\.4 [^~]*~~9\.5 Member States should, to the extent possible, maintain a record, updated at regular "
        r"intervals, of all recruiters authorized by competent authorities to operate within their jurisdiction\.~~ "
        r"\*\(deleted since 2009-09-SEARO-RC62\)\* 9\.5 \[\(under negotiation\)\]\{\.smallcaps\}",
        flat(_markdown(docx)),
    )
    # LibreOffice opens it
    pdf = flat(pdf_text(libreoffice_convert(docx, built / "build")))
    assert "[Alt 1 (EU, GBR): every two years]" in pdf and "(deleted since 2009-09-SEARO-RC62)" in pdf


def _markdown(docx: Path) -> str:
    from .clients import _run

    return _run(["pandoc", "-t", "markdown", "--wrap=none", str(docx)]).stdout.replace("\\[", "[").replace("\\]", "]")


def test_struck_words_are_formatting_and_status_is_shading_and_words(built: Path) -> None:
    with zipfile.ZipFile(built / "build" / "review" / "negotiating-text.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
        styles = package.read("word/styles.xml").decode("utf-8")
    assert "<w:del " not in body and "<w:ins " not in body  # a record, not tracked changes
    assert re.search(r"<w:strike/>.*?on a biennial basis", body, re.S)
    for key, (fill, _, _) in COLOURS.items():
        assert f'w:fill="{fill}"' in body, key
    assert all(
        f'w:val="{name}"' in styles or f'<w:name w:val="{name}"/>' in styles
        for name in negotiation.WORD_STYLES.values()
    )


def test_the_html_shows_status_in_words_and_colour_and_deletions_as_del(built: Path) -> None:
    html = (built / "build" / "review" / "negotiating-text.html").read_text(encoding="utf-8")
    assert '<span class="badge st-agreed-ad-ref">agreed ad referendum</span>' in html
    assert '<span class="badge st-open">proposed, under negotiation</span>' in html
    assert '<del title="deleted since 2009-09-SEARO-RC62"> on a biennial basis</del>' in html
    assert '<i class="delete">delete</i>' in html and '<b class="alt">[Alt 1 (EU, GBR):</b> every two years]' in html
    assert html.count("<h1>") == 1 and '<html lang="en">' in html
    for _, background, text in COLOURS.values():
        assert contrast(background, text) >= 4.5
        assert contrast("#ffffff", text) >= 4.5  # its border and the text's rule, on the white page


def test_the_round_trip_gives_back_the_same_proposals_and_statuses(built: Path) -> None:
    docx = built / "build" / "review" / "negotiating-text.docx"
    code, _, stderr = run(built, "import", str(docx), "--as", "neg-1", "--ids-from", "code_text")
    assert code == 0, stderr
    code, stdout, stderr = run(built, "proposals", "--in", "neg-1", "--format", "json")
    assert code == 0, stderr
    back = {
        (p["target"], p["kind"], tuple(sorted(p["proponents"])), flat(p["after"]))
        for p in json.loads(stdout)["proposals"]
    }
    woven: dict[tuple[str, str, str], list[str]] = {}
    for p in store.load(built / "proposals").proposals:
        if p.status == "open" and p.kind in ("amend", "delete", "insert-after"):
            woven.setdefault((p.target, p.kind, flat(p.after)), []).extend(proponent(x) for x in p.proponents)
    assert back == {(t, k, tuple(sorted(who)), a) for (t, k, a), who in woven.items()}
    # each element's status, as the negotiating text showed it, is its :status: in the imported text
    source = load(built / "code_text").instrument
    imported = load(built / "versions" / "neg-1").instrument
    assert source is not None and imported is not None
    shown = {e.id: _shown(source, e) for e in source.walk() if e.id}
    shown["register-of-authorities"] = shown["designated-national-authority"] = ""
    shown["data-to-secretariat"] = ""
    shown["review-by-director-general"] = shown["addressing-present-expected-shortages"] = "open"
    shown["extent-possible-monitor-regulate"] = "open"
    for element in imported.walk():
        if element.id in shown:
            assert element.status == shown[element.id], element.id
    assert imported.get("art-nature-scope").status == "agreed"  # type: ignore[union-attr]
    assert imported.get("extent-possible-maintain-record") is None  # a deletion on record is not text again
    # and the imported text is a negotiating text check reads: its alternatives, its agreed texts without brackets
    code, _, stderr = run(built, "check", "versions/neg-1")
    assert code == 0, stderr
    assert "(Alt 1, proposed by EU, GBR)" in stderr


def _shown(instrument, element) -> str:  # type: ignore[no-untyped-def]
    return element.status or next((a.status for a in instrument.ancestors(element) if a.status), "")


def test_bad_input_to_negotiating(built: Path) -> None:
    code, _, stderr = run(built, "review", "negotiating", "--since", "2001-no-such")
    assert code == 2 and "--since 2001-no-such: no such version" in stderr
    code, _, stderr = run(built, "review", "negotiating", "--since", "eb126-draft")
    assert code == 2 and "--since eb126-draft: that is a resolution" in stderr
    code, _, stderr = run(built, "review", "negotiating", "-o", "proposals")
    assert code == 2 and "proposals/ (the proposals)" in stderr
    code, _, stderr = run(built, "proposals", "--in", "2001-no-such")
    assert code == 2
    # --since none: nothing struck; only html asked for: only html written
    out = built / "build" / "plain"
    code, stdout, stderr = run(built, "review", "negotiating", "--since", "none", "--to", "html", "-o", str(out))
    assert code == 0, stderr
    assert stdout.splitlines() == [str(out / "negotiating-text.html")]
    assert "<del" not in (out / "negotiating-text.html").read_text(encoding="utf-8").split("</section>", 1)[1]


def _woven(shipped, *extra: store.Proposal) -> str:  # type: ignore[no-untyped-def]
    from drafttools.review.negotiating import weave

    text = weave(shipped, extra, None, "")
    block = next(b for b in text.blocks if b.id == "review-by-director-general")
    return "".join(r.text for r in block.runs)


def _depth_ok(words: str) -> bool:
    depth = 0
    for ch in words:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth not in (0, 1):
            return False
    return depth == 0


def test_a_bracket_written_in_the_source_is_never_nested(shipped) -> None:  # type: ignore[no-untyped-def]
    def open_(pid: str, who: str, old: str, new: str) -> store.Proposal:
        return store.Proposal(
            pid,
            "review-by-director-general",
            "amend",
            "open",
            (who,),
            before=reviewing.R102,
            after=reviewing.R102.replace(old, new),
        )

    bracket = "[at a frequency to be decided by that body]"
    # a proposal replacing the written bracket: the bracket holds the words as they stand, the alternative follows
    words = _woven(shipped, open_("chn-1", "CHN", bracket, "every three years"))
    assert f"to the Health Assembly {bracket} [Alt 1 (CHN): every three years] on the effectiveness" in words
    # one changing words inside it: its alternative carries no bracket of its own
    words = _woven(shipped, open_("chn-2", "CHN", "that body]", "the Health Assembly]"))
    assert f"{bracket} [Alt 1 (CHN): at a frequency to be decided by the Health Assembly]" in words
    # one whose change straddles its mark: the whole written bracket is the span
    words = _woven(shipped, open_("chn-3", "CHN", f"Assembly {bracket}", "Assembly, at a frequency it decides,"))
    assert f"Health Assembly {bracket} [Alt 1 (CHN): , at a frequency it decides,] on the effectiveness" in words
    from drafttools.review.alternatives import groups

    [group] = groups(words)
    assert (group.stands, group.alternatives) == (bracket[1:-1], ((("CHN",), ", at a frequency it decides,"),))
    # one reaching over it and the word before it: one bracket over the span, the written one's marks left out
    words = _woven(shipped, open_("chn-4", "CHN", "Health Assembly [at", "Health Conference, at"))
    assert (
        "to the Health [Assembly at a frequency to be decided by that body] "
        "[Alt 1 (CHN): Conference, at a frequency to be decided by that body] on the"
    ) in words
    # words struck out without replacement: *delete* over them
    words = _woven(shipped, open_("chn-5", "CHN", f" {bracket}", ""))
    assert f"Health Assembly {bracket} [Alt 1 (CHN): delete] on the effectiveness" in words
    assert all(_depth_ok(w) for w in (words, _woven(shipped, open_("x-1", "CHN", bracket, "yearly"))))
