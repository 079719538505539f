"""The clean text (issue 14 item 3): the working text with the accepted proposals applied (review/apply.py), no
open one shown, as an ordinary version that diff, build and check take, and as DOCX (LibreOffice opens it,
pandoc reads it) and HTML.  Also apply.py on its own: references and footnotes kept where their words stay, a text
moved on since the proposal, a change made by hand, a change that cannot be found, a target gone."""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.model.tree import Note, Ref, Text
from drafttools.review import apply as applying
from drafttools.review import proposals as store
from drafttools.source.parse import load

from . import reviewing
from .clients import libreoffice_convert, pandoc_text, pdf_text


@pytest.fixture
def project(shipped_project: Path) -> Path:
    reviewing.make(shipped_project)
    return shipped_project


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(argv))
    return result.exit_code, result.stdout, result.stderr


def test_the_clean_text_holds_the_accepted_words_and_nothing_open(project: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run(project, "review", "clean")
    assert code == 0, stderr
    out = project / "build" / "review"
    assert stdout.splitlines() == [
        str(Path("build/review/clean-text")),
        *(str(Path(f"build/review/clean-text.{x}")) for x in ("docx", "html")),
    ]
    assert "2 accepted proposal(s) applied" in stderr
    text = load(out / "clean-text").instrument
    assert text is not None
    words = {e.id: applying.words(e, text) for e in text.walk() if e.id}
    assert words["data-to-secretariat"].endswith("to the WHO Secretariat every three years.")  # bra-1, accepted
    assert "each Member State shall designate a national authority" in words["designated-national-authority"]  # ind-1
    assert "pursuant to paragraph 8.3 above shall be established" in words["register-of-authorities"]  # usa-2 rejected
    assert "and report periodically" in words["review-by-director-general"]  # the open ones are not shown
    assert "extent-possible-monitor-regulate" in words and "information-exchange-promotion" in words
    assert not any("Alt " in w for w in words.values())
    # the references in the amended paragraphs are still references
    for pid, targets in (
        ("data-to-secretariat", ["database-of-laws", "updated-national-data"]),
        ("designated-national-authority", ["data-to-secretariat", "periodic-reporting"]),
    ):
        element = text.get(pid)
        assert element is not None
        assert [p.target for p in element.inlines if isinstance(p, Ref)] == targets
    # statuses kept; the manifest says what it is
    assert text.get("art-nature-scope").status == "agreed"  # type: ignore[union-attr]
    assert text.get("other-stakeholders-recognize-ethical").status == "agreed-ad-ref"  # type: ignore[union-attr]
    manifest = (out / "clean-text" / "manifest.toml").read_text(encoding="utf-8")
    assert (
        'status = "clean"' in manifest and "(bra-1, ind-1)" in manifest and "open proposals are not shown" in manifest
    )
    # its DOCX: LibreOffice opens it, pandoc reads the accepted words; its HTML names the status
    docx = out / "clean-text.docx"
    assert "WHO Secretariat every three years" in " ".join(pandoc_text(docx).split())
    assert "shall designate a national authority" in " ".join(pdf_text(libreoffice_convert(docx, tmp_path)).split())
    html = (out / "clean-text.html").read_text(encoding="utf-8")
    assert "Clean text of" in html and "every three years" in html and "Alt 1" not in html


def test_the_clean_text_as_a_version_is_taken_by_diff_check_and_build(project: Path) -> None:
    code, stdout, stderr = run(project, "review", "clean", "--as", "clean-1", "--to", "html")
    assert code == 0, stderr
    assert stdout.splitlines()[0] == str(Path("versions/clean-1"))
    code, stdout, _ = run(project, "diff", reviewing.SENT, "clean-1", "--format", "json")
    assert code == 0
    changed = {c["new"]["id"] for c in _changes(json.loads(stdout)) if c["status"] == "modified"}
    assert changed == {"data-to-secretariat", "designated-national-authority"}
    code, _, stderr = run(project, "check", "versions/clean-1")
    assert code == 0, stderr
    (project / "papers" / "clean.md").write_text(
        "---\ndocument_type: code\nlanguage: en\nannex: clean-1\n---\n", encoding="utf-8"
    )
    code, stdout, stderr = run(project, "build", "papers/clean.md", "--to", "docx", "-o", "build/clean")
    assert code == 0, stderr
    assert "every three years" in pandoc_text(project / "build" / "clean" / "clean.docx")
    # the ledger keeps every ID the working text had; a second --as of the same name is refused, nothing changed
    ledger = (project / "versions" / "clean-1" / "id-ledger.tsv").read_text(encoding="utf-8")
    assert "data-to-secretariat\titem\tactive" in ledger
    before = sorted(p.name for p in (project / "versions").iterdir())
    code, _, stderr = run(project, "review", "clean", "--as", "clean-1")
    assert code == 2 and "already exists" in stderr
    assert sorted(p.name for p in (project / "versions").iterdir()) == before


def test_an_insertion_keeps_its_id_from_one_clean_text_to_the_next(project: Path) -> None:
    """Two clean texts made apart from the same working text: the paragraph an accepted insertion adds has one ID in
    both (the first one's ``inserted-ids.tsv`` says which), so diff sees it unchanged; without that file the next
    clean text cannot reuse an ID a version's ledger holds, and mints another."""
    insert = _accepted(
        "bra-5", "database-of-laws", "", "keep a register of recruiters;", kind="insert-after", inserts="item"
    )
    (project / "proposals" / "bra-5.toml").write_text(store.dump(insert), encoding="utf-8")
    for name in ("clean-1", "clean-2"):
        code, _, stderr = run(project, "review", "clean", "--as", name, "--to", "html")
        assert code == 0, stderr
    first, second = (load(project / "versions" / n).instrument for n in ("clean-1", "clean-2"))
    assert first is not None and second is not None
    [made] = [e.id for e in first.walk() if e.id and applying.words(e, first) == "keep a register of recruiters;"]
    assert made == "keep-register-recruiters"
    assert second.get(made) is not None and applying.words(second.get(made), second) == "keep a register of recruiters;"  # type: ignore[arg-type]
    assert (
        (project / "versions" / "clean-1" / "inserted-ids.tsv")
        .read_text(encoding="utf-8")
        .endswith("bra-5\tkeep-register-recruiters\n")
    )
    code, stdout, _ = run(project, "diff", "clean-1", "clean-2", "--format", "json")
    assert code == 0
    changed = {c["status"] for c in _changes(json.loads(stdout))} - {"unchanged"}
    assert changed <= {"modified"}  # the manifests' notes and dates only: no element inserted or deleted
    assert not [c for c in _changes(json.loads(stdout)) if c["status"] in ("inserted", "deleted")]
    code, _, stderr = run(project, "check", "versions/clean-2")
    assert code == 0, stderr
    # a hand-edited line whose ID is not well formed is passed over (an ID is minted), never written into the text
    from drafttools.review import working

    (project / "versions" / "clean-2" / "bad.tsv").write_text("bra-5\tBad ID!\nbra-6\tok-id\n", encoding="utf-8")
    assert working.read_inserted(project / "versions" / "clean-2" / "nowhere") == {}
    (project / "versions" / "clean-2" / "inserted-ids.tsv").rename(project / "versions" / "clean-2" / "kept.tsv")
    (project / "versions" / "clean-2" / "bad.tsv").rename(project / "versions" / "clean-2" / "inserted-ids.tsv")
    assert working.read_inserted(project / "versions" / "clean-2") == {"bra-6": "ok-id"}
    (project / "versions" / "clean-2" / "inserted-ids.tsv").unlink()
    (project / "versions" / "clean-2" / "kept.tsv").rename(project / "versions" / "clean-2" / "inserted-ids.tsv")
    # the memory is what keeps it: without it, the ID the first clean text's ledger holds is not given again
    for name in ("clean-1", "clean-2"):
        (project / "versions" / name / "inserted-ids.tsv").unlink()
    code, _, stderr = run(project, "review", "clean", "--as", "clean-3", "--to", "html")
    assert code == 0, stderr
    third = load(project / "versions" / "clean-3").instrument
    assert third is not None and third.get(made) is None


def _changes(payload: dict[str, object]) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []

    def walk(items: object) -> None:
        for c in items or []:  # type: ignore[attr-defined]
            found.append(c)
            walk(c.get("children"))

    walk(payload["changes"])
    return found


def test_bad_input_to_clean(project: Path) -> None:
    code, _, stderr = run(project, "review", "clean", "-o", "code_text/out")
    assert code == 2 and "code_text/ (the code text)" in stderr
    code, _, stderr = run(project, "review", "clean", "--to", "pdf")
    assert code == 2 and "--to 'pdf'" in stderr
    code, _, stderr = run(project, "review", "clean", "--as", "current")
    assert code == 2
    # an accepted proposal whose target is gone: a located warning, the rest applied
    gone = store.Proposal("ken-9", "no-such-paragraph", "amend", "accepted", ("KEN",), before="x", after="y")
    (project / "proposals" / "ken-9.toml").write_text(store.dump(gone), encoding="utf-8")
    (project / "code_text" / "id-ledger.tsv").open("a", encoding="utf-8").write("no-such-paragraph\tparagraph\tgone\n")
    code, _, stderr = run(project, "review", "clean")
    assert code == 0, stderr
    assert "proposals/ken-9.toml:5: warning: accepted proposal ken-9 (amend) targets 'no-such-paragraph'" in stderr
    assert "[review.target-gone]" in stderr and "2 accepted proposal(s) applied, 1 left to apply by hand" in stderr
    # a proposal file that cannot be read: nothing is written (a text made without it would leave it out unseen)
    (project / "proposals" / "bad-1.toml").write_text('id = "bad-1"\nkind = \n', encoding="utf-8")
    shutil.rmtree(project / "build")
    code, stdout, stderr = run(project, "review", "clean", "--as", "clean-2")
    assert code == 1 and stdout == ""
    assert "proposals/bad-1.toml:2: error: not valid TOML" in stderr and "[proposal.syntax]" in stderr
    assert not (project / "build" / "review").exists() and not (project / "versions" / "clean-2").exists()
    code, stdout, _ = run(project, "review", "negotiating")
    assert code == 1 and stdout == "" and not (project / "build" / "review").exists()


# ------------------------------------------------------------------------------------------ apply.py alone


def _accepted(pid: str, target: str, before: str, after: str, kind: str = "amend", **fields: str) -> store.Proposal:
    return store.Proposal(
        pid, target, kind, "accepted", ("BRA",), before=before, after=after, path=f"proposals/{pid}.toml", **fields
    )


def test_apply_keeps_references_and_footnotes_where_their_words_stay(shipped) -> None:  # type: ignore[no-untyped-def]
    c = shipped.get("data-to-secretariat")
    noted = replace(
        c,
        inlines=(
            *c.inlines[:-1],
            Text(" above to the WHO"),
            Note("1", (Text("A note."),), c.loc),
            Text(" Secretariat on a biennial basis."),
        ),
    )
    text = applying._rebuilt(shipped, lambda e: (noted,) if e is c else None)
    noted = text.get("data-to-secretariat")
    words = applying.words(c, shipped)
    changed, lost = applying.with_words(
        noted, words.replace("on a biennial basis", "every three years").replace("provide", "send"), text
    )
    assert lost == []
    kinds = [type(p).__name__ for p in changed.inlines]
    assert kinds == ["Text", "Ref", "Text", "Ref", "Text", "Note", "Text"]
    assert changed.inlines[0] == Text("send data collected pursuant to paragraphs ")
    assert changed.inlines[-1] == Text(" Secretariat every three years.")
    # a reference's own label rewritten: left as plain words, and said
    cut, lost = applying.with_words(c, words.replace("(a) and (b)", "(a) or (c)"), shipped)
    assert lost == [] and [p.target for p in cut.inlines if isinstance(p, Ref)] == ["database-of-laws"]
    assert Text(" or (c) above to the WHO Secretariat on a biennial basis.") in cut.inlines
    # a reference's label that stays, but among rewritten words: left as plain words, and said
    swapped, lost = applying.with_words(
        c, words.replace("paragraphs (a) and (b) above", "paragraphs (b) as well as (a) above"), shipped
    )
    kept = [p.target for p in swapped.inlines if isinstance(p, Ref)]
    assert len(kept) == 1 and lost == [{"database-of-laws": "(b)", "updated-national-data": "(a)"}[kept[0]]]


def test_apply_on_a_text_that_moved_on(shipped) -> None:  # type: ignore[no-untyped-def]
    words = applying.words(shipped.get("data-to-secretariat"), shipped)
    # two accepted changes to one element: the second is a patch on what the first left
    first = _accepted("bra-1", "data-to-secretariat", words, words.replace("on a biennial basis", "every three years"))
    second = _accepted(
        "bra-2", "data-to-secretariat", words, words.replace("provide data collected", "send the data collected")
    )
    # the same change made by hand already; and one whose words are gone from the text
    third = _accepted("bra-3", "data-to-secretariat", words, words.replace("on a biennial basis", "every three years"))
    fourth = _accepted("bra-4", "data-to-secretariat", words, words.replace("on a biennial basis", "each year"))
    result = applying.apply(shipped, (first, second, third, fourth), set())
    assert result.done == ("bra-1", "bra-2") and result.by_hand == ("bra-3",) and result.left == ("bra-4",)
    assert applying.words(result.instrument.get("data-to-secretariat"), result.instrument) == (
        "send the data collected pursuant to paragraphs (a) and (b) above to the WHO Secretariat every three years."
    )
    [warning] = result.diagnostics
    assert warning.code == "review.stale" and warning.path == "proposals/bra-4.toml"
    assert "accepted against words that have changed since; apply it by hand" in warning.message
    assert shipped.get("data-to-secretariat").inlines != result.instrument.get("data-to-secretariat").inlines


def test_apply_deletes_and_inserts_with_fresh_ids(shipped) -> None:  # type: ignore[no-untyped-def]
    delete = _accepted("usa-1", "register-of-authorities", "", "", kind="delete")
    insert = _accepted(
        "bra-5", "database-of-laws", "", "keep a register of recruiters;", kind="insert-after", inserts="item"
    )
    again = _accepted("bra-6", "database-of-laws", "", "publish it;", kind="insert-after", inserts="item")
    first = _accepted(
        "bra-7",
        "art-information-exchange",
        "",
        "Member States should share data.",
        kind="insert-after",
        inserts="paragraph",
    )
    result = applying.apply(shipped, (delete, insert, again, first), {"keep-register-recruiters"})
    text = result.instrument
    assert text.get("register-of-authorities") is None
    new = result.inserted["bra-5"]
    assert new != "keep-register-recruiters" and new.startswith("keep-register-recruiters")  # taken: never reused
    items = [(e.label, applying.words(e, text)) for e in text.get("information-exchange-duties").children]
    assert items[1:3] == [("8.3(b)", "keep a register of recruiters;"), ("8.3(c)", "publish it;")]
    assert text.get(result.inserted["bra-7"]).label == "8.1"  # the first paragraph of its article
    assert text.get("designated-national-authority").label == "8.4"


def test_a_change_inside_what_another_accepted_proposal_deletes_is_said(shipped) -> None:  # type: ignore[no-untyped-def]
    words = applying.words(shipped.get("data-to-secretariat"), shipped)
    amend = _accepted("bra-1", "data-to-secretariat", words, words.replace("on a biennial basis", "every year"))
    insert = _accepted(
        "bra-2",
        "register-of-authorities",
        "",
        "The register shall be online.",
        kind="insert-after",
        inserts="paragraph",
    )
    gone = _accepted("usa-1", "art-information-exchange", "", "", kind="delete")
    result = applying.apply(shipped, (amend, insert, gone), set())
    assert result.done == ("usa-1",) and result.left == ("bra-1", "bra-2")
    assert [d.code for d in result.diagnostics] == ["review.target-gone", "review.target-gone"]
    assert "then deleted with what holds it by another accepted proposal" in result.diagnostics[0].message
