"""Brackets as structure: a paragraph's negotiating status and bracketed alternatives with their proponents,
checked on a copy of the shipped code text (each diagnostic at its line), and the shipped text unchanged."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from click.testing import CliRunner

from drafttools.api import check as api
from drafttools.cli.main import main
from drafttools.model import negotiation
from drafttools.render.myst import element_source
from drafttools.source.parse import load

from .conftest import CODE_TEXT

SHIPPED_BRACKET = "[at a frequency to be decided by that body]"
ALTERNATIVES = "[Alt 1 (BRA, IND): every three years] [Alt 2: every five years] [Alt 3 (EU, XYZ): when needed]"


def _edit(code: Path, name: str, old: str, new: str) -> None:
    path = code / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line(code: Path, name: str, words: str) -> int:
    """The line of the file holding ``words``."""
    return next(n for n, line in enumerate((code / name).read_text(encoding="utf-8").split("\n"), 1) if words in line)


def _negotiated(code: Path) -> None:
    """10.2 agreed but still holding three alternatives (one without proponent, one naming an unknown code);
    10.3 under a status no one knows."""
    _edit(code, "article-10.md", SHIPPED_BRACKET, ALTERNATIVES)
    _edit(
        code,
        "article-10.md",
        ":::{paragraph} review-by-director-general\n",
        ":::{paragraph} review-by-director-general\n:status: agreed\n",
    )
    _edit(code, "article-10.md", "::::{paragraph} who-functions\n", "::::{paragraph} who-functions\n:status: done\n")


def _check(code: Path) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["check", str(code), "--format", "json", "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text = CliRunner().invoke(main, ["check", str(code), "--no-cache"])
    assert "Traceback" not in text.output
    return result.exit_code, json.loads(result.stdout), text.stderr


def test_each_finding_is_located_at_its_line(code_copy: Path) -> None:
    _negotiated(code_copy)
    status, data, _ = _check(code_copy)
    assert status == 1
    found = {(d["code"], d["line"]) for d in data["diagnostics"] if d["code"] != "bracket.open"}
    alternatives = _line(code_copy, "article-10.md", "[Alt 1 (BRA, IND)")
    assert found == {
        ("bracket.agreed", alternatives),
        ("bracket.no-proponent", alternatives),
        ("bracket.proponent", alternatives),
        ("bracket.status", _line(code_copy, "article-10.md", "{paragraph} who-functions")),
    }
    by_code = {d["code"]: d for d in data["diagnostics"]}
    assert all(Path(d["path"]).name == "article-10.md" for d in data["diagnostics"])
    assert "'XYZ'" in by_code["bracket.proponent"]["message"]
    assert "negotiation.py" in by_code["bracket.proponent"]["fix"]
    assert "Alt 2" in by_code["bracket.no-proponent"]["message"]
    assert "agreed" in by_code["bracket.agreed"]["message"] and ":status: open" in by_code["bracket.agreed"]["fix"]
    assert "open, agreed-ad-ref, agreed" in by_code["bracket.status"]["fix"]


def test_the_open_brackets_say_which_alternative_and_who(code_copy: Path) -> None:
    _negotiated(code_copy)
    _, data, stderr = _check(code_copy)
    entries = data["open_brackets"]["10"]
    assert [(e["alternative"], e["proponents"]) for e in entries] == [
        ("Alt 1", ["BRA", "IND"]),
        ("Alt 2", []),
        ("Alt 3", ["EU", "XYZ"]),
    ]
    assert "[Alt 1 (BRA, IND): every three years] (Alt 1, proposed by BRA, IND) [bracket.open]" in stderr
    assert "[Alt 2: every five years] (Alt 2, no proponent) [bracket.open]" in stderr


def test_an_agreed_article_covers_its_paragraphs(code_copy: Path) -> None:
    _edit(
        code_copy,
        "article-10.md",
        ":title: Monitoring and institutional arrangements\n",
        ":title: Monitoring and institutional arrangements\n:status: agreed-ad-ref\n",
    )
    status, data, _ = _check(code_copy)
    assert status == 1
    [agreed] = [d for d in data["diagnostics"] if d["code"] == "bracket.agreed"]
    assert agreed["line"] == _line(code_copy, "article-10.md", SHIPPED_BRACKET[:20])
    assert "marked 'agreed-ad-ref' by Article 10 at " in agreed["message"]


def test_known_proponents_and_open_status_are_quiet(code_copy: Path) -> None:
    _edit(
        code_copy, "article-10.md", SHIPPED_BRACKET, "[Alt 1 (BRA, G77, WHO): yearly] [Alternative 2 (EU, SEAR): never]"
    )
    _edit(
        code_copy,
        "article-10.md",
        ":::{paragraph} review-by-director-general\n",
        ":::{paragraph} review-by-director-general\n:status: open\n",
    )
    status, data, _ = _check(code_copy)
    assert status == 0
    assert {d["code"] for d in data["diagnostics"]} == {"bracket.open"}


def test_the_shipped_text_checks_as_before() -> None:
    result = api.check(CODE_TEXT, parse_cache=False)
    [listed] = result.diagnostics
    assert listed.format().endswith(
        "article-10.md:15: info: Article 10, paragraph 10.2: " + SHIPPED_BRACKET + " [bracket.open]"
    )
    [entry] = result.open_brackets["10"]
    assert entry == {
        "id": "review-by-director-general",
        "label": "10.2",
        "text": SHIPPED_BRACKET,
        "line": 15,
        "path": listed.path,
    }


def test_status_is_kept_by_parse_pickle_cache_and_serializer(code_copy: Path, tmp_path: Path) -> None:
    _edit(
        code_copy,
        "article-10.md",
        ":::{paragraph} review-by-director-general\n",
        ":::{paragraph} review-by-director-general\n:status: agreed-ad-ref\n",
    )
    for _ in range(2):  # parsed, then served from the parse cache
        loaded = load(code_copy, cache_dir=tmp_path / "cache")
        assert loaded.instrument is not None
        element = loaded.instrument.get("review-by-director-general")
        assert element is not None and element.status == "agreed-ad-ref"
        assert element.label == "10.2"
    assert pickle.loads(pickle.dumps(element)) == element
    assert ":status: agreed-ad-ref\n" in element_source(element)
    assert loaded.instrument.get("periodic-reporting").status == ""  # type: ignore[union-attr]


def test_how_an_alternative_is_read() -> None:
    read = negotiation.alternative
    assert read("[Alt 1 (BRA, IND): words]") == negotiation.Alternative("Alt 1", ("BRA", "IND"))
    assert read("[Option  B (G77 , CHN):words]") == negotiation.Alternative("Option B", ("G77", "CHN"))
    assert read("[Alt 2: words]") == negotiation.Alternative("Alt 2", ())
    assert read(SHIPPED_BRACKET) is None
    assert read("[as set out in (a): words]") is None
    assert negotiation.unknown(("BRA", "EU", "bra", "XYZ")) == ["bra", "XYZ"]
    assert len(negotiation.COUNTRIES) == 249
