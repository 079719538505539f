"""The three-way compare (issue 14, item 6): a base, the Secretariat's revision (ours) and a Member State's return
(theirs), each a version folder or name; every element of the base in one of five states, conflicts first in the
text, in the JSON document of docs/diff3-json.md, and as an HTML page that headless Chromium renders.

The revisions are made here from a copy of the shipped code text, by editing its MyST: in Article 4, 4.1 changed
by both differently, 4.2 by both identically, 4.3 by ours only, 4.4 by theirs only, 4.5 deleted by ours and
edited by theirs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings as project_settings

from .clients import Browser
from .conftest import CODE_TEXT, ROOT

BASE, REVISION = "2009-09-SEARO-RC62", "2010-illustrative-revision"
ARTICLE = "article-04.md"
FIFTH = """:::{paragraph} migrant-enjoy-opportunities-employment
Migrant health personnel should enjoy opportunities for employment commensurate with their level of education,
experience and competence on the basis of equality of treatment with the domestically-trained health
workforce.
:::

"""


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    project_settings.cache_clear()
    yield
    project_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _revise(folder: Path, edits: list[tuple[str, str]]) -> Path:
    shutil.copytree(CODE_TEXT, folder)
    path = folder / ARTICLE
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sides(tmp_path_factory) -> tuple[str, str, str]:
    root = tmp_path_factory.mktemp("diff3")
    base = root / "base"
    shutil.copytree(CODE_TEXT, base)
    ours = _revise(
        root / "ours",
        [
            ("improper or fraudulent conduct", "improper conduct"),  # 4.1: both, differently
            ("Member States should ensure that, subject", "Member States shall ensure that, subject"),  # 4.2 alike
            ("relevant and accurate information", "accurate information"),  # 4.3: ours only
            (FIFTH, ""),  # 4.5: deleted by ours
        ],
    )
    theirs = _revise(
        root / "theirs",
        [
            ("improper or fraudulent conduct", "fraudulent or abusive conduct"),  # 4.1
            ("Member States should ensure that, subject", "Member States shall ensure that, subject"),  # 4.2
            ("observe fair and just\ncontractual", "observe fair\ncontractual"),  # 4.4: theirs only
            ("employment commensurate with", "employment matching"),  # 4.5: edited by theirs
        ],
    )
    return str(base), str(ours), str(theirs)


STATES = {
    "other-stakeholders-recognize-ethical": ("conflict", "changed by both differently"),
    "ensure-subject-national-laws": ("both", ""),
    "accurate-information-to-migrants": ("ours", ""),
    "fair-contractual-practices": ("theirs", ""),
    "migrant-enjoy-opportunities-employment": ("conflict", "deleted by ours, changed by theirs"),
}


def test_json_states_every_row_in_the_base_order(sides):
    done = run("diff3", *sides, "--format", "json")
    assert done.exit_code == 1, done.output  # conflicts
    data = json.loads(done.stdout)
    assert data["schema"] == "drafttools.diff3/1"
    assert data["summary"]["conflict"] == 2 and data["summary"]["both"] == 1
    assert data["summary"]["ours"] == 1 and data["summary"]["theirs"] == 1
    rows = {r["id"]: r for r in data["rows"]}
    for pid, (state, note) in STATES.items():
        assert (rows[pid]["state"], rows[pid]["note"]) == (state, note), pid
    assert all(r["state"] == "unchanged" for r in data["rows"] if r["id"] not in STATES)
    assert [r["base"]["label"] for r in data["rows"] if r["id"] in STATES] == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert all(r["base"]["article"] == "4" for r in data["rows"] if r["id"] in STATES)
    first = rows["other-stakeholders-recognize-ethical"]
    assert {"op": "delete", "text": " or fraudulent"} in first["ours_words"]
    assert any(w["op"] == "insert" and "abusive" in w["text"] for w in first["theirs_words"])
    deleted = rows["migrant-enjoy-opportunities-employment"]
    assert deleted["ours"] is None and deleted["ours_status"] == "deleted"
    assert "matching" in deleted["theirs"]["text"]
    assert rows["fair-contractual-practices"]["ours_words"] == []
    # 4.6 onwards: ours deleted 4.5, so its later paragraphs are renumbered there, and unchanged in words
    later = rows["migrant-hired-promoted-remunerated"]
    assert later["state"] == "unchanged" and later["ours"]["label"] == "4.5" and later["theirs"]["label"] == "4.6"


def test_text_counts_then_conflicts_first(sides):
    done = run("diff3", *sides)
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert lines[4].startswith("2 conflicts, 1 changed by both alike, 1 by ours only, 1 by theirs only, ")
    order = [
        lines.index(h)
        for h in (
            "Conflicts: both changed these differently",
            "Changed by both the same way",
            "Changed by ours only",
            "Changed by theirs only",
        )
    ]
    assert order == sorted(order)
    text = done.stdout
    assert "  4.1 [other-stakeholders-recognize-ethical]: changed by both differently" in text
    assert "    ours    … personnel are not subjected to improper [-or fraudulent-] conduct." in text
    assert "[-improper or fraudulent-] {+fraudulent or abusive+}" in text
    assert "    ours    deleted" in text
    assert "2 conflicts: both sides changed the same element" in done.stderr


def test_no_conflict_exits_0(sides):
    base, ours, _ = sides
    done = run("diff3", base, ours, base)
    assert done.exit_code == 0, done.output
    assert "0 conflicts, 0 changed by both alike, 4 by ours only, 0 by theirs only" in done.stdout
    same = run("diff3", base, base, base)
    assert same.exit_code == 0 and "no changes on either side" in same.stdout


def test_html_in_chromium(sides, tmp_path):
    page = tmp_path / "three.html"
    done = run("diff3", *sides, "--format", "html", "-o", str(page))
    assert done.exit_code == 1 and f"wrote {page}" in done.stderr
    with Browser() as browser:
        browser.open(page)
        tables = browser.evaluate(
            "[...document.querySelectorAll('table.three-way')].map(t => ({caption: t.caption.innerText, "
            "head: [...t.tHead.rows[0].cells].map(c => c.innerText), rows: [...t.tBodies[0].rows].map(r => "
            "({id: r.id, cells: [...r.cells].map(c => c.innerText), dels: [...r.querySelectorAll('del')].map(d => "
            "d.innerText), ins: [...r.querySelectorAll('ins')].map(d => d.innerText)}))}))"
        )
        assert browser.evaluate("document.querySelectorAll('h1').length") == 1
        wide = browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        found = {v["id"]: v for v in browser.axe()}
        browser.open(page, width=390, height=800, mobile=True)  # a phone: cells stacked, each saying its side
        found.update({v["id"]: v for v in browser.axe()})
        serious = [v for v in found.values() if v["impact"] in ("serious", "critical")]
        narrow = browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        said = browser.evaluate(
            "[...document.querySelector('table.three-way tbody tr').cells].slice(0, 3).map(c => "
            "getComputedStyle(c, '::before').content)"
        )
    assert narrow and said == ['"base"', '"ours"', '"theirs"']
    assert not serious, f"axe-core finds {serious}"
    assert wide
    conflicts, changed = tables
    assert conflicts["caption"].startswith("Conflicts")
    assert [h.split(":")[0] for h in conflicts["head"]] == ["base", "ours", "theirs", "state"]
    first, fifth = conflicts["rows"]
    assert first["cells"][0].startswith("4.1 Member States")
    assert first["dels"] == [" or fraudulent", " improper or fraudulent"] and first["ins"] == [" fraudulent or abusive"]
    assert first["cells"][3].startswith("conflict")
    assert fifth["cells"][1] == "deleted by ours" and fifth["ins"] == [" matching"]
    assert "deleted by ours, changed by theirs" in fifth["cells"][3]
    states = [" ".join(r["cells"][3].split()[:3]) for r in changed["rows"]]
    assert states == ["changed by both", "changed by ours", "changed by theirs"]
    assert [r["cells"][3].split()[-1] for r in changed["rows"]] == [
        "ensure-subject-national-laws",
        "accurate-information-to-migrants",
        "fair-contractual-practices",
    ]


def test_html_escapes_the_code_text(sides, tmp_path):
    """The text of the code is never markup, on either side."""
    base, ours, _ = sides
    theirs = _revise(tmp_path / "theirs", [("fair and just\ncontractual", "fair <b>and</b> just\ncontractual")])
    done = run("diff3", base, ours, str(theirs), "--format", "html")
    assert done.exit_code == 0, done.output
    assert "&lt;b&gt;" in done.stdout and "<b>" not in done.stdout


def test_shipped_versions(tmp_path):
    """The shipped revision as ours against its base, theirs the base itself: ours changed, nothing conflicts;
    renumbering is not a change of words."""
    done = run("diff3", BASE, REVISION, BASE, "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["base"]["version"] == BASE and data["ours"]["version"] == REVISION
    assert data["summary"]["conflict"] == data["summary"]["theirs"] == data["summary"]["both"] == 0
    rows = {r["id"]: r for r in data["rows"]}
    secretariat = rows["data-to-secretariat"]
    assert secretariat["state"] == "ours"
    assert (secretariat["base"]["label"], secretariat["ours"]["label"]) == ("8.2(c)", "7.2(c)")
    assert any(w["op"] == "insert" and "three years" in w["text"] for w in secretariat["ours_words"])
    assert all(r["state"] == "unchanged" for r in data["rows"] if r["ours_status"] == "renumbered")
    # the same revision on both sides: every change is made by both alike, no conflict
    both = json.loads(run("diff3", BASE, REVISION, REVISION, "--format", "json").stdout)
    assert both["summary"]["ours"] == both["summary"]["theirs"] == both["summary"]["conflict"] == 0
    assert both["summary"]["both"] == data["summary"]["ours"]
    page = run("diff3", BASE, REVISION, BASE, "--format", "html")
    assert page.exit_code == 0 and "three-way compare" in page.stdout


def test_bad_input(sides, tmp_path):
    base, ours, theirs = sides
    missing = run("diff3", base, ours, "no-such-version")
    assert missing.exit_code in (1, 2) and "Traceback" not in missing.output
    assert "no-such-version" in missing.stderr
    wrong = run("diff3", base, ours, theirs, "--format", "json", "-o", str(tmp_path / "x.html"))
    assert wrong.exit_code == 2 and "Error:" in wrong.stderr
    assert "--format json writes .json, not .html; a .html file is --format html" in wrong.stderr
    docx = run("diff3", base, ours, theirs, "-o", str(tmp_path / "x.docx"))
    assert docx.exit_code == 2 and "--format text writes text, not .docx" in docx.stderr
    usage = run("diff3", base, ours)
    assert usage.exit_code == 2
    unknown = run("diff3", base, ours, theirs, "--format", "docx")
    assert unknown.exit_code == 2


def test_a_text_return_as_theirs(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Member State's return sent back as plain text (the base as text, edited): read in memory with the
    base's IDs, nothing written; its edit of 8.2(c) conflicts with the revision's."""
    from drafttools.render.plain import render as plain
    from drafttools.source.parse import load

    monkeypatch.chdir(shipped_project)
    project_settings.cache_clear()
    base = load(shipped_project / "versions" / BASE).instrument
    assert base is not None
    text = plain(base).replace("on a biennial basis", "every two years")
    text = text.replace("shall be established, maintained and published", "shall be established and published")
    (shipped_project / "bra.txt").write_text(text, encoding="utf-8")
    before = sorted(p.relative_to(shipped_project) for p in shipped_project.rglob("*") if "build" not in p.parts)
    done = run("diff3", BASE, REVISION, "bra.txt", "--format", "json")
    assert done.exit_code == 1, done.output
    rows = {r["id"]: r for r in json.loads(done.stdout)["rows"]}
    data = rows["data-to-secretariat"]
    assert (data["state"], data["note"]) == ("conflict", "changed by both differently")
    assert "two years" in data["theirs"]["text"] and "three years" in data["ours"]["text"]
    register = rows["register-of-authorities"]
    assert register["state"] == "theirs" and {"op": "delete", "text": ", maintained"} in register["theirs_words"]
    theirs_only = [r["id"] for r in rows.values() if r["state"] == "theirs"]
    assert theirs_only == ["register-of-authorities"]  # the rest of the text came back as it was sent
    after = sorted(p.relative_to(shipped_project) for p in shipped_project.rglob("*") if "build" not in p.parts)
    assert after == before  # read in memory: nothing written


def test_an_unreadable_return(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shipped_project)
    project_settings.cache_clear()
    (shipped_project / "broken.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    done = run("diff3", BASE, REVISION, "broken.docx")
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "broken.docx" in done.stderr and "[import." in done.stderr and "Error: cannot compare" in done.stderr


def test_a_word_return_made_by_libreoffice(shipped_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A return as a Member State sends it: the code as built for sending, edited in LibreOffice with Track
    Changes on (a replacement in 8.2(c), a paragraph deleted) and saved as .docx; read with the tracked changes
    accepted and the base's IDs (from the bookmarks we write)."""
    from .returns import Review

    monkeypatch.chdir(shipped_project)
    project_settings.cache_clear()
    built = run("build", "papers/code.md", "--to", "docx")
    assert built.exit_code == 0, built.output
    review = Review(shipped_project / "build" / "code.docx", tmp_path / "bra")
    review.replace("Maria Silva", "2026-11-30T10:00:00", "on a biennial basis", "every two years")
    review.delete_paragraph("Maria Silva", "2026-11-30T10:10:00", "maintain a record, updated at regular intervals")
    returned = review.save("bra-return")
    done = run("diff3", BASE, REVISION, str(returned), "--format", "json")
    assert done.exit_code == 1, done.output
    rows = {r["id"]: r for r in json.loads(done.stdout)["rows"]}
    data = rows["data-to-secretariat"]
    assert (data["state"], data["note"]) == ("conflict", "changed by both differently")
    assert any(w["op"] == "insert" and "two years" in w["text"] for w in data["theirs_words"])
    record = rows["extent-possible-maintain-record"]
    assert record["theirs"] is None and record["theirs_status"] == "deleted"
    assert [r["id"] for r in rows.values() if r["state"] == "theirs"] == ["extent-possible-maintain-record"]


def test_inserted_by_both(tmp_path):
    """The same new element inserted by both sides: alike, one row `both`; with other words, a conflict."""
    theirs = tmp_path / "theirs"
    shutil.copytree(ROOT / "versions" / REVISION, theirs)
    preamble = theirs / "preamble.md"
    preamble.write_text(
        preamble.read_text(encoding="utf-8").replace("Recalling the request of", "Recalling the requests of"),
        encoding="utf-8",
    )
    done = run("diff3", BASE, REVISION, str(theirs), "--format", "json")
    assert done.exit_code == 1, done.output
    rows = [r for r in json.loads(done.stdout)["rows"] if r["base"] is None]
    states = {r["id"]: (r["state"], r["note"]) for r in rows}
    assert states.pop("recalling-request-develop-code") == ("conflict", "inserted by both with different words")
    assert states and set(states.values()) == {("both", "")}
    text = run("diff3", BASE, REVISION, str(theirs)).stdout
    assert "  preamble (new in ours and theirs) [recalling-request-develop-code]: inserted by both" in text
