"""`drafttools ids`: IDs given in place, atomically, touching no other byte; retired IDs never reused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.model import ids

from .builders import code_text

NO_IDS = """:::::{article}
:title: Information exchange

::::{paragraph}
Each Member State should designate a national authority:

:::{item}
keep a register;
:::
::::

:::{paragraph} kept-paragraph
A register shall be published.
:::
:::::
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_ids_gives_ids_and_changes_no_other_byte(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    before = (root / "a.md").read_bytes()
    result = invoke("ids", str(root))
    assert result.exit_code == 0, result.stderr
    after = (root / "a.md").read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines)
    changed = [(o, n) for o, n in zip(old_lines, new_lines, strict=True) if o != n]
    assert changed == [
        (b":::::{article}", b":::::{article} art-information-exchange"),
        (b"::::{paragraph}", b"::::{paragraph} designate-national-authority"),
        (b":::{item}", b":::{item} keep-register"),
    ]
    assert "gave ID" not in result.stderr or "a.md:1" in result.stderr
    assert invoke("check", str(root), "--strict").exit_code == 0
    ledger = (root / "id-ledger.tsv").read_text(encoding="utf-8")
    assert "art-information-exchange\tarticle\tactive" in ledger and "kept-paragraph\tparagraph\tactive" in ledger


def test_ids_keeps_crlf_and_bom(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + NO_IDS.replace("\n", "\r\n").encode()
    root = code_text(tmp_path / "ct", {"a.md": raw})
    assert invoke("ids", str(root)).exit_code == 0
    after = (root / "a.md").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\r\n") == raw.count(b"\r\n")
    assert b":::::{article} art-information-exchange\r\n" in after


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    invoke("ids", str(root))
    snapshot = {p.name: p.read_bytes() for p in root.iterdir()}
    result = invoke("ids", str(root))
    assert result.exit_code == 0 and "ledger unchanged" in result.stderr
    assert {p.name: p.read_bytes() for p in root.iterdir()} == snapshot


def test_a_retired_id_is_never_minted_again_and_check_refuses_its_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.drafttools]\nsource = "ct"\nversions = "versions"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    invoke("ids", str(root))
    text = (root / "a.md").read_text(encoding="utf-8")
    # delete the paragraph with its item: its IDs are gone, then retired when a version without them is frozen
    start = text.index("::::{paragraph} designate-national-authority")
    end = text.index("::::\n", start + 10) + len("::::\n")
    (root / "a.md").write_text(text[:start] + text[end:], encoding="utf-8")
    result = invoke("ids", str(root))
    assert "gone: designate-national-authority" in result.stderr
    assert "designate-national-authority\tparagraph\tgone" in (root / "id-ledger.tsv").read_text(encoding="utf-8")
    frozen = invoke("snapshot", "v2")
    assert frozen.exit_code == 0, frozen.stderr
    for ledger in (root / "id-ledger.tsv", tmp_path / "versions" / "v2" / "id-ledger.tsv"):
        assert "designate-national-authority\tparagraph\tretired" in ledger.read_text(encoding="utf-8")
    # the same words come back as a new paragraph without an ID: the minted ID is not the retired one
    text = (root / "a.md").read_text(encoding="utf-8")
    text = text.replace(
        ":::{paragraph} kept-paragraph",
        ":::{paragraph}\nEach Member State should designate a national authority.\n:::\n\n"
        ":::{paragraph} kept-paragraph",
    )
    (root / "a.md").write_text(text, encoding="utf-8")
    assert invoke("ids", str(root)).exit_code == 0
    assert ":::{paragraph} designate-national-authority-2" in (root / "a.md").read_text(encoding="utf-8")
    # writing the retired ID by hand is refused, by check and by ids
    (root / "a.md").write_text(
        (root / "a.md")
        .read_text(encoding="utf-8")
        .replace("designate-national-authority-2", "designate-national-authority"),
        encoding="utf-8",
    )
    checked = invoke("check", str(root), "--format", "json")
    assert checked.exit_code == 1
    reused = [d for d in json.loads(checked.stdout)["diagnostics"] if d["code"] == "id.reused"]
    text = (root / "a.md").read_text(encoding="utf-8")
    assert reused and reused[0]["line"] == text[: text.index("designate-national-authority")].count("\n") + 1
    refused = invoke("ids", str(root))
    assert refused.exit_code == 1 and "[id.reused]" in refused.stderr


def test_an_id_moved_to_another_kind_is_refused(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    invoke("ids", str(root))
    path = root / "a.md"
    article_id = next(
        line.split()[1] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(":::::{article}")
    )
    # an article's ID on a paragraph: another class of element (a point may become a paragraph and keep its ID)
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace(f"{{article}} {article_id}", "{article} art-renamed")
        .replace("{paragraph} kept-paragraph", f"{{paragraph}} {article_id}"),
        encoding="utf-8",
    )
    result = invoke("check", str(root), "--format", "json")
    codes = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    assert result.exit_code == 1 and "id.kind-changed" in codes


def test_unrecorded_and_gone_ids_are_reported(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    invoke("ids", str(root))
    path = root / "a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("kept-paragraph", "renamed-paragraph"), encoding="utf-8")
    result = invoke("check", str(root), "--format", "json")
    found = {(d["code"], d["severity"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert {("id.unrecorded", "warning"), ("id.gone", "info")} <= found
    assert result.exit_code == 0


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS})
    before = (root / "a.md").read_bytes()
    result = invoke("ids", str(root), "--dry-run")
    assert result.exit_code == 0 and "would give" in result.stderr
    assert (root / "a.md").read_bytes() == before and not (root / "id-ledger.tsv").exists()


def test_ids_refuses_an_unreadable_text(tmp_path: Path) -> None:
    root = code_text(tmp_path / "ct", {"a.md": NO_IDS.encode("utf-8") + b"\xff"})
    result = invoke("ids", str(root))
    assert result.exit_code == 1 and "[source.encoding]" in result.stderr
    assert not (root / "id-ledger.tsv").exists()


# The ID rules, from a corpus of cases.
VALID = ["art-objectives", "data-to-secretariat", "a", "x1", "who-functions", "a" * 40]
MALFORMED = {
    "": "empty",
    "Data": "upper-case",
    "1st-item": "letter",
    "data--x": "hyphen",
    "data-": "hyphen",
    "data_x": "'_'",
    "a" * 41: "41 characters",
    "donnée": "'é'",
}
NUMBER_LIKE = ["art-8", "p8-3", "para-8-2-c", "a8", "item-8-2-c", "article8", "8-2"]
WORDY = ["art-information-exchange", "data-to-secretariat", "who-functions", "database-of-laws"]


def test_id_corpus() -> None:
    assert all(ids.problem(v) is None for v in VALID)
    for candidate, why in MALFORMED.items():
        problem = ids.problem(candidate)
        assert problem is not None and why in problem, (candidate, problem)
    assert all(ids.looks_number_derived(c) for c in NUMBER_LIKE)
    assert not any(ids.looks_number_derived(c) for c in WORDY)


def test_minting_uses_words_and_avoids_taken_ids() -> None:
    assert ids.mint("article", "Information exchange", set()) == "art-information-exchange"
    assert (
        ids.mint("paragraph", "Member States should designate a national authority", set())
        == "designate-national-authority"
    )
    assert (
        ids.mint("paragraph", "Member States should designate a national authority", {"designate-national-authority"})
        == "designate-national-authority-2"
    )
    # no usable word: the fallback's words (the article title), else a letters-only tag, never a number
    assert (
        ids.mint("paragraph", "WHO shall:", set(), fallback="Monitoring and institutional arrangements")
        == "monitoring-institutional-arrangements"
    )
    tagged = ids.mint("item", "2009: 12 3", set())
    assert re.fullmatch(r"item-[a-z]{6}", tagged) and not ids.looks_number_derived(tagged)
    assert ids.mint("item", "2009: 12 3", {tagged}) == tagged + "-2"
    long = ids.mint("paragraph", "Internationalization standardization harmonization institutionalization", set())
    assert len(long) <= ids.MAX_LENGTH and ids.problem(long) is None
    assert ids.problem(ids.mint("paragraph", "Ça va? Über-große Wörter!", set())) is None


def test_ids_refuses_to_retire_an_id_a_reference_still_links_to(tmp_path: Path) -> None:
    text = NO_IDS.replace(
        "A register shall be published.", "A register under paragraph {xref}`designate-national-authority` above."
    )
    root = code_text(tmp_path / "ct", {"a.md": text})
    assert invoke("ids", str(root)).exit_code == 0
    path = root / "a.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("::::{paragraph} designate-national-authority", "::::{paragraph}"),
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in root.iterdir()}
    result = invoke("ids", str(root))
    assert result.exit_code == 1
    assert (
        "a.md:13: error: ID 'designate-national-authority' is on no element" in result.stderr
        and "[id.retire-referenced]" in result.stderr
    )
    assert {p.name: p.read_bytes() for p in root.iterdir()} == before
