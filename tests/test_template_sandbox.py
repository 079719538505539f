"""Templates are files others send in, so they render sandboxed (issue 18, items 3 and 7): a reach for Python's
objects, for a global or filter drafttools does not give, or for a file outside annex_templates/ is a located
template.* error, and nothing is built; the shipped papers and diffs render as before."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafttools.cli.main import main
from drafttools.render import html

TEMPLATE = "annex_templates/executive-board/paper.html.j2"
BASE = "annex_templates/_base/page.html.j2"


def build(project: Path, *args: str) -> Result:
    html._environment.cache_clear()  # each project's templates are read afresh
    with contextlib.chdir(project):
        return CliRunner().invoke(main, ["build", "papers/eb124-13.md", "-o", "out", *args])


def put_line(project: Path, template: str, text: str, after: str = "{% block first_page %}") -> int:
    """Put ``text`` on a line of its own after the line holding ``after``; returns its line number."""
    path = project / template
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if after in line) + 1
    lines.insert(at, text + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return at + 1


def assert_refused(result: Result, project: Path, where: str, code: str, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"{where}: error:" in result.stderr and f"[{code}]" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    out = project / "out"
    assert not out.exists() or not any(out.iterdir()), "nothing built"


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ paper.__class__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{{ body.__html__() }}",
    "{{ paper.clear() }}",  # the immutable sandbox: no method that changes data
    "{{ paper.pop('symbol') }}",
    "{{ 'x' * 1000000000 }}",
    "{{ 2 ** 100000 }}",
    "{{ '{0.__class__}'.format(paper) }}",
    "{{ ('%020000000d' % 1)[:5] }}",  # a 20 MB string made by a printf width
    "{{ '{:>20000000}'.format(1)[:5] }}",  # and by a format width
    "{{ '{x:>20000000}'.format_map(paper) }}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_reach_for_python_objects_is_refused_at_its_line(shipped_project: Path, escape: str) -> None:
    line = put_line(shipped_project, TEMPLATE, escape)
    result = build(shipped_project)
    assert_refused(result, shipped_project, f"{TEMPLATE}:{line}", "template.unsafe")


@pytest.mark.parametrize(
    "name",
    [
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ namespace.__init__.__globals__.os.environ }}",
        "{% for x in range(10) %}{{ x }}{% endfor %}",
        "{{ dict(a=1) }}",
    ],
)
def test_jinja_globals_are_not_given(shipped_project: Path, name: str) -> None:
    line = put_line(shipped_project, TEMPLATE, name)
    assert_refused(build(shipped_project), shipped_project, f"{TEMPLATE}:{line}", "template.unsafe", "given")


@pytest.mark.parametrize("name", ["config", "request"])
def test_another_framework_name_is_a_field_not_given(shipped_project: Path, name: str) -> None:
    line = put_line(shipped_project, TEMPLATE, "{{ " + name + " }}")
    result = build(shipped_project)
    assert_refused(
        result, shipped_project, f"{TEMPLATE}:{line}", "template.field", f"'{name}', which is not defined", "given"
    )


def test_a_reach_in_the_shared_base_is_located_there(shipped_project: Path) -> None:
    line = put_line(shipped_project, BASE, "{{ ''.__class__.__mro__ }}", after="<main>")
    result = build(shipped_project)
    assert_refused(result, shipped_project, f"{BASE}:{line}", "template.unsafe", "__class__")


@pytest.mark.parametrize(
    "used",
    [
        "{{ paper.symbol|attr('__class__') }}",
        "{{ paper|length }}",
        "{{ paper.title|upper }}",
        "{{ paper.title|format() }}",
        "{% if paper is string %}x{% endif %}",
    ],
)
def test_filters_and_tests_beyond_the_few_given_are_refused(shipped_project: Path, used: str) -> None:
    line = put_line(shipped_project, TEMPLATE, used)
    result = build(shipped_project)
    assert_refused(result, shipped_project, f"{TEMPLATE}:{line}", "template.syntax", "No ", "What a template may use")


@pytest.mark.parametrize(
    "include",
    [
        '{% include "../../pyproject.toml" %}',
        '{% include "/etc/passwd" %}',
        '{% import "../papers/eb124-13.md" as m %}',
        '{% include "code/nothing.j2" %}',
    ],
)
def test_a_refused_include_is_reported_at_its_line(shipped_project: Path, include: str) -> None:
    line = put_line(shipped_project, TEMPLATE, include)
    assert line == 4  # not line 1, where the error used to be reported
    result = build(shipped_project)
    assert_refused(result, shipped_project, f"{TEMPLATE}:{line}", "template.missing", "no template in annex_templates")


def test_what_a_template_may_use_still_works(shipped_project: Path) -> None:
    allowed = (
        "{% if paper.subtitle is defined and paper.nothing is undefined %}{{ paper.symbol.upper() }}{% endif %}"
        "{% set parts = paper.symbol.split('/') %}{% for p in parts %}[{{ loop.index }}:{{ p }}]{% endfor %}"
        "{{ annex.version }}|{{ doctype.label }}"
    )
    put_line(shipped_project, TEMPLATE, f"<p class='probe'>{allowed}</p>")
    result = build(shipped_project, "--to", "html")
    assert result.exit_code == 0, result.output
    page = (shipped_project / "out" / "eb124-13.html").read_text(encoding="utf-8")
    assert "<p class='probe'>EB124/13[1:EB124][2:13]" in page
