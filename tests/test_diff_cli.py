"""`drafttools diff`, `snapshot` and `versions` end to end: every output format of the shipped pair, and the
bad inputs (unknown version, a git revision without a code text, colliding IDs, a version with errors, an output
path that cannot be written) with their diagnostics and exit codes (0 fine, 1 findings or failure, 2 usage).
"""

from __future__ import annotations

import json
import re
import shutil

import docx
import pytest
from click.testing import CliRunner

from drafttools.cli.main import main
from drafttools.config import settings

from .clients import chromium_dom
from .conftest import CODE_TEXT, ROOT

OLD, NEW = "2009-09-SEARO-RC62", "2010-illustrative-revision"


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    settings.cache_clear()
    yield
    settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# ------------------------------------------------------------------------------------------------- formats


def test_text_diff_of_the_shipped_pair():
    result = run("diff", OLD, NEW)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"^\s+6\s+\u2014\s+National health workforce sustainability\s+merged into Article 5$", out, re.M)
    for old, new in ((7, 6), (8, 7), (9, 8), (10, 9), (11, 10)):
        assert re.search(rf"^\s+{old}\s+{new}\s+\S", out, re.M)
    assert (
        "Article 6 (was 7) \u2013 Data gathering and research\n  renumbered     7.1\u21926.1, "
        "7.2\u21926.2, 7.3\u21926.3, 7.4\u21926.4" in out
    )
    assert "[-on a biennial basis-] {+every three years+}" in out
    assert "5.3            split (split from 5.2)" in out
    assert "7.3 now cites 9.1 where it cited 10.1" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_text_diff_in_colour_when_asked():
    out = run("diff", OLD, NEW, "--color").stdout
    assert "\x1b[31;9m" in out and "\x1b[32m" in out


def test_no_changes_between_a_version_and_itself():
    result = run("diff", OLD, OLD)
    assert result.exit_code == 0 and "no changes" in result.stdout


def test_json_is_one_entry_per_aligned_pair_and_stable():
    first = run("diff", OLD, NEW, "--format", "json").stdout
    assert first == run("diff", OLD, NEW, "--format", "json").stdout
    data = json.loads(first)
    assert data["schema"] == "drafttools.diff/1"
    assert sum(data["summary"].values()) == len(data["changes"])
    merged = next(c for c in data["changes"] if c["kind"] == "article" and c["status"] == "merged")
    assert merged["old"]["id"] == "art-national-workforce-sustainability" and merged["new"] is None
    item = next(c for c in data["changes"] if c["new"] and c["new"]["id"] == "data-to-secretariat")
    assert item["parent"] == "information-exchange-duties" and item["match"] == {"how": "id", "score": 0.8444}
    assert {"op": "insert", "text": " every three years"} in item["words"]
    assert set(item) == {"kind", "status", "tags", "old", "new", "parent", "match", "note", "related", "words"}
    documented = (ROOT / "docs" / "diff-json.md").read_text(encoding="utf-8")
    for key in (*item, *data, *data["references"][0]):
        assert f"`{key}`" in documented, f"{key} is not documented in docs/diff-json.md"


def test_html_redline_page(tmp_path):
    page = tmp_path / "redline.html"
    result = run("diff", OLD, NEW, "--format", "html", "-o", str(page), "--renumbering", "tracked")
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html.split("</head>")[0]  # self-contained
    assert '<li title="renumbered">8.3 <span class="arrow">\u2192</span> 7.3</li>' not in html  # 8.3 is modified too
    assert re.search(r"<li title=\"[^\"]*renumbered\">8\.3 <span class=\"arrow\">\u2192</span> 7\.3</li>", html)
    assert "<del> on a biennial basis</del><ins> every three years</ins>" in html
    assert html.count('class="away"') == 3  # 3.9, 6.1 and 6.2 are shown once, with a pointer at their old place
    dom = chromium_dom(page)
    assert 'id="new-art-mutuality-benefits"' in dom and 'href="#new-art-mutuality-benefits"' in dom


def test_synoptic_as_html_and_docx(tmp_path):
    result = run("diff", OLD, NEW, "--format", "synoptic")
    assert result.exit_code == 0 and '<table class="synoptic order-new">' in result.stdout
    target = tmp_path / "synoptic.docx"
    assert run("diff", OLD, NEW, "--format", "synoptic", "-o", str(target)).exit_code == 0
    table = docx.Document(str(target)).tables[0]
    heads = [c.text for c in table.rows[0].cells]
    assert heads[0].endswith(f"7 September 2009\n{OLD} \u00b7 draft") and heads[2] == "What changed"
    assert heads[1].startswith("WHO Global Code of Practice") and f"\n{NEW} \u00b7 illustrative" in heads[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert any(r[0].startswith("6.1") and r[1].startswith("5.5") and r[2] == "moved from 6.1" for r in rows)


def test_docx_needs_an_output_file_and_writes_one(tmp_path):
    assert run("diff", OLD, NEW, "--format", "docx").exit_code == 2
    target = tmp_path / "out" / "redline.docx"
    result = run(
        "diff", OLD, NEW, "--format", "docx", "-o", str(target), "--author", "A. Reviewer", "--date", "2010-01-15"
    )
    assert result.exit_code == 0, result.output
    xml = docx.Document(str(target)).element.xml
    assert 'w:author="A. Reviewer"' in xml and 'w:date="2010-01-15T00:00:00Z"' in xml
    assert not list(target.parent.glob(".*.tmp"))


# ----------------------------------------------------------------------------------------------- bad input


def test_unknown_version_is_a_usage_error():
    result = run("diff", "2009-01-EB124", NEW)
    assert result.exit_code == 2
    assert "'2009-01-EB124' is neither a version" in result.stderr and OLD in result.stderr


def test_git_revision_without_a_code_text():
    result = run("diff", "HEAD:src", NEW)
    assert result.exit_code == 1
    assert "[version.no-code-text]" in result.stderr and "no src/manifest.toml" in result.stderr


def test_unknown_git_revision_is_a_usage_error():
    result = run("diff", "no-such-branch:code_text", NEW)
    assert result.exit_code == 2 and "'no-such-branch' is not a revision" in result.stderr


def test_git_revision_of_the_code_text_compares():
    result = run("diff", "HEAD:code_text", str(CODE_TEXT), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["old"]["spec"] == "HEAD:code_text"


def test_colliding_ids_for_different_content(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(CODE_TEXT, other)
    article = other / "article-02.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(":::{paragraph} voluntary-nature", ":::{paragraph} art-objectives"),
        encoding="utf-8",
    )
    first = other / "article-01.md"
    first.write_text(
        first.read_text(encoding="utf-8").replace("{article} art-objectives", "{article} art-objectives-renamed"),
        encoding="utf-8",
    )
    result = run("diff", str(CODE_TEXT), str(other))
    assert result.exit_code == 1
    assert "[diff.id-collision]" in result.stderr and "ID 'art-objectives' labels article 1" in result.stderr


def test_a_version_with_duplicate_ids_is_refused(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(CODE_TEXT, broken)
    article = broken / "article-02.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "{paragraph} global-scope-directed-toward", "{paragraph} voluntary-nature"
        ),
        encoding="utf-8",
    )
    result = run("diff", str(CODE_TEXT), str(broken))
    assert result.exit_code == 1
    assert (
        "[id.duplicate]" in result.stderr
        and "[version.unreadable]" in result.stderr
        and "cannot compare" in result.stderr
    )


def test_output_path_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run("diff", OLD, NEW, "--format", "json", "-o", str(blocker / "out.json"))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_bad_date_is_a_usage_error():
    assert run("diff", OLD, NEW, "--format", "docx", "-o", "/tmp/x.docx", "--date", "May 2010").exit_code == 2


def test_author_with_control_characters_is_a_usage_error(tmp_path):
    target = tmp_path / "r.docx"
    result = run("diff", OLD, NEW, "--format", "docx", "-o", str(target), "--author", "a\x01b")
    assert result.exit_code == 2 and result.stderr.startswith(
        "Error: --author 'a\\x01b': give a name without control characters"
    )
    assert "internal error" not in result.stderr and not target.exists()
    empty = run("diff", OLD, NEW, "--format", "docx", "-o", str(target), "--author", " ")
    assert empty.exit_code == 2 and empty.stderr.startswith("Error: --author ' ': give a name (Word shows it")
    assert not target.exists()


def test_a_version_name_says_which_letters_it_takes(project):
    result = run("snapshot", "café")
    assert result.exit_code == 2 and "use ASCII letters (a-z, A-Z), digits" in result.stderr
    assert not (project / "versions").exists()


@pytest.mark.parametrize("fmt", ["text", "docx"])
def test_impossible_date_is_a_usage_error(fmt, tmp_path):
    result = run("diff", OLD, NEW, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}"), "--date", "2010-02-30")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --date '2010-02-30': there is no such date")
    assert not any(tmp_path.iterdir())


def test_a_manifest_date_that_is_not_iso_only_matters_to_tracked_changes(tmp_path):
    import datetime

    revision = tmp_path / "revision"
    shutil.copytree(ROOT / "versions" / NEW, revision)
    manifest = revision / "manifest.toml"
    manifest.write_text(
        re.sub(r"(?m)^date = .*$", 'date = "September 2009"', manifest.read_text(encoding="utf-8")), encoding="utf-8"
    )
    assert run("check", str(revision)).exit_code == 0
    text = run("diff", OLD, str(revision))
    assert text.exit_code == 0 and "Error" not in text.stderr and "5.3            split" in text.stdout
    assert json.loads(run("diff", OLD, str(revision), "--format", "json").stdout)["new"]["date"] == "September 2009"
    target = tmp_path / "r.docx"
    redline = run("diff", OLD, str(revision), "--format", "docx", "-o", str(target))
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert (
        redline.exit_code == 0
        and f"the new version's date 'September 2009' is not YYYY-MM-DD; the tracked changes are dated today ({today})"
        in redline.stderr
    )
    xml = docx.Document(str(target)).element.xml
    assert f'w:date="{today}T00:00:00Z"' in xml and "September" not in xml.split("<w:body>")[0]


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        (
            "json",
            "r.docx",
            "-o r.docx: --format json writes .json, not .docx; a .docx file is --format synoptic or docx",
        ),
        ("html", "r.json", "-o r.json: --format html writes .html or .htm, not .json; a .json file is --format json"),
        (
            "text",
            "r.html",
            "-o r.html: --format text writes text, not .html; a .html file is --format html or synoptic",
        ),
        (
            "docx",
            "r.html",
            "-o r.html: --format docx writes .docx, not .html; a .html file is --format html or synoptic",
        ),
        ("synoptic", "r.txt", "-o r.txt: --format synoptic writes .html or .htm or .docx, not .txt"),
    ],
)
def test_output_suffix_contradicting_the_format_is_a_usage_error(fmt, name, message, tmp_path):
    result = run("diff", OLD, NEW, "--format", fmt, "-o", str(tmp_path / name))
    assert result.exit_code == 2 and result.stderr == f"Error: {message}\n"
    assert not (tmp_path / name).exists()


# ------------------------------------------------------------------------------------------ snapshot, versions


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.drafttools]\nsource = "code_text"\nversions = "versions"\n', encoding="utf-8"
    )
    shutil.copytree(CODE_TEXT, tmp_path / "code_text")
    monkeypatch.chdir(tmp_path)
    settings.cache_clear()
    return tmp_path


def test_snapshot_freezes_the_code_text(project):
    result = run("snapshot", "2009-01-EB124")
    assert result.exit_code == 0, result.output
    frozen = project / "versions" / "2009-01-EB124"
    assert sorted(p.name for p in frozen.iterdir()) == sorted([*(p.name for p in CODE_TEXT.iterdir()), "frozen.sha256"])
    assert 'version = "2009-01-EB124"' in (frozen / "manifest.toml").read_text(encoding="utf-8")
    assert (frozen / "article-08.md").read_bytes() == (CODE_TEXT / "article-08.md").read_bytes()
    assert [p.name for p in (project / "versions").iterdir()] == ["2009-01-EB124"]  # no staging folder left
    listed = run("versions").stdout
    assert re.match(r"2009-01-EB124\s+2009-09-07\s+draft\s+11 articles\s+Annex to the working paper", listed)
    assert json.loads(run("versions", "--format", "json").stdout)[0]["articles"] == 11
    assert run("diff", "2009-01-EB124", "code_text").stdout.strip().endswith("no changes")


def test_snapshot_refuses_to_overwrite_a_version(project):
    assert run("snapshot", "v1").exit_code == 0
    again = run("snapshot", "v1")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_snapshot_refuses_a_bad_name_and_a_broken_text(project):
    assert run("snapshot", "../escape").exit_code == 2
    article = project / "code_text" / "article-03.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nstray text\n", encoding="utf-8")
    result = run("snapshot", "broken")
    assert result.exit_code == 1 and "[structure.stray]" in result.stderr
    assert not (project / "versions" / "broken").exists()


def test_shipped_versions_are_listed_and_check_cleanly():
    """The frozen versions by name, then the resolutions (names ``diff`` and a paper's annex take too)."""
    listed = run("versions").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [OLD, NEW, "eb126-draft", "wha63-16"]
    assert "illustrative" in listed[1]
    assert re.match(r"wha63-16\s+2010-05-21\s+adopted\s+resolution\s+Resolution WHA63.16", listed[3])
    kinds = [(v["path"], v["kind"]) for v in json.loads(run("versions", "--format", "json").stdout)]
    assert kinds == [
        (f"versions/{OLD}", "version"),
        (f"versions/{NEW}", "version"),
        ("resolutions/eb126-draft", "resolution"),
        ("resolutions/wha63-16", "resolution"),
    ]
    for name in (f"versions/{OLD}", f"versions/{NEW}", "resolutions/eb126-draft", "resolutions/wha63-16"):
        result = run("check", name, "--strict", "--format", "json")
        assert result.exit_code == 0, result.stdout
        assert all(d["severity"] == "info" for d in json.loads(result.stdout)["diagnostics"])
    note = (ROOT / "versions" / NEW / "manifest.toml").read_text(encoding="utf-8")
    assert "It is not the adopted text." in note and 'preamble = "preamble.md"' in note


def test_a_broken_git_revision_is_reported_at_rev_path(project):
    import subprocess

    article = project / "code_text" / "article-03.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nstray text\n", encoding="utf-8")
    git = ["git", "-c", "user.email=test@example.org", "-c", "user.name=test"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "code_text"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "broken"], cwd=project, check=True)
    result = run("diff", "HEAD:code_text", str(CODE_TEXT))
    assert result.exit_code == 1
    assert "HEAD:code_text/article-03.md:" in result.stderr and "[structure.stray]" in result.stderr
    assert "drafttools-rev-" not in result.stderr


# ------------------------------------------------------------------------------ version names: one resolver


def test_current_and_code_text_are_the_working_text_and_no_version_may_take_them(project):
    for reserved in ("current", "code_text"):
        refused = run("snapshot", reserved)
        assert refused.exit_code == 2 and f"'{reserved}' is not a version name" in refused.stderr
        assert "always mean the working text" in refused.stderr
    assert not (project / "versions").exists()
    stale = project / "versions" / "current"  # a folder of that name, from before the name was reserved
    shutil.copytree(project / "code_text", stale)
    article = stale / "article-03.md"
    article.write_text(article.read_text(encoding="utf-8").replace("voluntary", "binding", 1), encoding="utf-8")
    for name in ("current", "code_text", "2009-09-SEARO-RC62"):  # the last: the working text's manifest version
        result = run("diff", name, str(project / "code_text"))
        assert result.exit_code == 0 and result.stdout.strip().endswith("no changes"), (name, result.output)


def test_unknown_version_lists_each_known_name_once(project):
    assert run("snapshot", "v1").exit_code == 0
    shutil.copytree(project / "code_text", project / "versions" / "2009-09-SEARO-RC62")
    result = run("diff", "nope", "code_text")
    assert result.exit_code == 2
    assert "(versions: code_text, current, 2009-09-SEARO-RC62, v1)" in result.stderr, result.stderr


def test_snapshot_sets_a_version_written_as_a_literal_string(project):
    import tomllib

    manifest = project / "code_text" / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            'version = "2009-09-SEARO-RC62"', "version = '2009-09-SEARO-RC62'  # as sent"
        ),
        encoding="utf-8",
    )
    result = run("snapshot", "v-literal")
    assert result.exit_code == 0, result.output
    frozen = (project / "versions" / "v-literal" / "manifest.toml").read_text(encoding="utf-8")
    assert tomllib.loads(frozen)["instrument"]["version"] == "v-literal"
    assert 'version = "v-literal"  # as sent' in frozen
    assert run("versions").stdout.startswith("v-literal ")


def test_snapshot_refuses_a_version_it_cannot_set_on_one_line(project):
    manifest = project / "code_text" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace('version = "2009-09-SEARO-RC62"', 'version = """2009-09-SEARO-RC62"""'), encoding="utf-8"
    )
    result = run("snapshot", "v2")
    assert result.exit_code == 1
    assert "code_text/manifest.toml: cannot set the version to 'v2'" in result.stderr, result.stderr
    assert not (project / "versions").exists() or not any((project / "versions").iterdir())


def test_every_output_prints_article_headings_from_the_profile(tmp_path, monkeypatch):
    """A profile is data: copy the shipped one, call articles "Artikel", and every output says so."""
    from drafttools.source.profiles import SHIPPED

    profile = (SHIPPED / "who-code.toml").read_text(encoding="utf-8")
    profile = profile.replace('word = "Article"', 'word = "Artikel"').replace(
        'heading = "Article {number}"', 'heading = "Artikel {number}"'
    )
    for name in (OLD, NEW):
        folder = tmp_path / "versions" / name
        shutil.copytree(ROOT / "versions" / name, folder)
        (folder / "artikel.toml").write_text(profile, encoding="utf-8")
        manifest = folder / "manifest.toml"
        manifest.write_text(
            manifest.read_text(encoding="utf-8").replace("articles = [", 'profile = "artikel.toml"\narticles = [', 1),
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    text = run("diff", OLD, NEW)
    assert text.exit_code == 0 and "Artikel 6 (was 7) \u2013 Data gathering and research" in text.stdout
    assert "merged into Artikel 5" in text.stdout and "Article 7" not in text.stdout
    html = run("diff", OLD, NEW, "--format", "html", "--renumbering", "tracked").stdout
    assert '<h3 class="ahead s-renumbered">Artikel <del>7</del> <ins>6</ins> \u2013 ' in html and "(Artikel " in html
    assert "merged into Artikel 5" in html and "Article 7" not in html  # the renumbering table and the notes too
    quiet = run("diff", OLD, NEW, "--format", "html").stdout
    assert '<h3 class="ahead s-unchanged">Artikel 6 \u2013 ' in quiet and "<td>Artikel 7</td>" in quiet
    assert "Article 7" not in quiet
    synoptic = run("diff", OLD, NEW, "--format", "synoptic").stdout
    assert '<span class="lab">Artikel 1 \u2013</span>' in synoptic and '<span class="lab">Article' not in synoptic
    target = tmp_path / "r.docx"
    assert run("diff", OLD, NEW, "--format", "docx", "-o", str(target)).exit_code == 0
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "Artikel 1 \u2013 Objectives" in paragraphs and not any(t.startswith("Article 1 ") for t in paragraphs)


# ------------------------------------------------------------------------------------ the parse cache in diff


def test_diff_reads_versions_through_a_self_ignoring_parse_cache_and_never_a_stale_one(project):
    import subprocess

    shutil.copytree(ROOT / "versions", project / "versions")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    fresh = run("diff", OLD, NEW, "--format", "json", "--no-cache")
    assert fresh.exit_code == 0 and not (project / "build").exists()  # --no-cache writes nothing
    first = run("diff", OLD, NEW, "--format", "json")
    entries = list((project / "build" / ".cache" / "parse").rglob("*.pickle"))
    assert len(entries) == 22  # 11 articles in each version
    second = run("diff", OLD, NEW, "--format", "json")
    assert fresh.stdout == first.stdout == second.stdout
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "build/" not in status.stdout  # the cache folder ignores itself
    # an edited file of a version is parsed again, never served from the cache
    article = project / "versions" / NEW / "article-07.md"
    text = article.read_text(encoding="utf-8")
    assert "register of designated" in text
    article.write_text(text.replace("register of designated", "roster of designated"), encoding="utf-8")
    edited = run("diff", OLD, NEW, "--format", "json")
    assert edited.stdout == run("diff", OLD, NEW, "--format", "json", "--no-cache").stdout != second.stdout
    assert "roster" in edited.stdout


def test_json_on_stdout_and_in_a_file_are_the_utf8_bytes_of_the_render(tmp_path):
    """The CLI writes the JSON's bytes as they are made (no text is built of them): what a pipe and ``-o`` get
    is ``diff_json.render`` in UTF-8, non-ASCII text (the arrow of "renumbered 3.10 → 3.9") kept as written."""
    from drafttools.api import diff as api_diff
    from drafttools.render import diff_json

    expected = diff_json.render(api_diff.compare(OLD, NEW).diff, OLD, NEW).encode("utf-8")
    assert "\u2192".encode() in expected
    assert run("diff", OLD, NEW, "--format", "json").stdout_bytes == expected
    assert run("diff", OLD, NEW, "--format", "json", "-o", str(tmp_path / "d.json")).exit_code == 0
    assert (tmp_path / "d.json").read_bytes() == expected


def test_a_version_name_ending_in_a_newline_is_refused_as_a_name(project):
    """'v9\n' passed the name's pattern ('$' matches before a final newline) and failed later, exit 1."""
    result = run("snapshot", "v9\n")
    assert result.exit_code == 2 and "use ASCII letters (a-z, A-Z), digits" in result.stderr, result.output
    assert not (project / "versions").exists()
