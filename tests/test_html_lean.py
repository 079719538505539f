"""render.html.render_bytes is, byte for byte, render(...) in UTF-8: the page rendered around a mark with the annexed
code's UTF-8 put in its place (it only makes the HTML build leaner); a template that does not print the code
exactly once, as it is, is rendered whole instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafttools.api import build as use_case
from drafttools.render import html


def _jobs(root: Path) -> list:
    project = use_case.Project.here(root)
    problems: list = []
    versions = use_case._Versions(project, problems)
    jobs = [use_case._prepare(path, project, versions, problems, None) for path in use_case.default_papers(project)]
    # the shipped papers' only findings are warnings: the RC paper's placeholders and the EB paper's later annex
    assert {d.code for d in problems} <= {"paper.placeholder", "paper.annex-date"}, problems
    assert len(jobs) == len(use_case.default_papers(project)) >= 3 and all(jobs)
    return jobs


@pytest.fixture
def project(shipped_project: Path) -> Path:
    return shipped_project


def test_every_shipped_paper_with_and_without_the_render_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    cache_dir = project / "build" / ".cache"
    for job in _jobs(project):
        whole = html.render(job.paper, job.instrument, job.doctype, job.context, inserts=job.inserts).encode("utf-8")
        assert "\u2013".encode() in whole or not job.instrument.articles  # non-ASCII text, as in every article heading
        assert html.render_bytes(job.paper, job.instrument, job.doctype, job.context, inserts=job.inserts) == whole
        for _ in range(2):  # the cache filled, then served from it
            assert (
                html.render_bytes(job.paper, job.instrument, job.doctype, job.context, cache_dir, job.inserts) == whole
            )
        assert any((cache_dir / "render").iterdir())


# Templates have no filters (render.sandbox; '|length' and '|upper' are refused): methods stand for them, and
# some leave the marks as they are (lower(), count('<')), so the code is sealed: a template that opens it gets it whole.
@pytest.mark.parametrize(
    "printing",
    [
        "{{ code }}<hr>{{ code }}",
        "<p>{{ code.count('<') }} tags</p>",
        "",
        "{{ code.upper() }}",
        "{{ code.lower() }}",
        "{{ code[:20] }}",
        "{{ code }}<p>{{ code.count('<') }} tags</p>",
    ],
)
def test_a_template_printing_the_code_otherwise_is_rendered_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch, printing: str
) -> None:
    page = project / "annex_templates" / "_base" / "page.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ code }}", printing), encoding="utf-8")
    monkeypatch.chdir(project)
    html._environment.cache_clear()  # the templates are read afresh
    for job in _jobs(project):
        whole = html.render(job.paper, job.instrument, job.doctype, job.context, inserts=job.inserts).encode("utf-8")
        assert html.render_bytes(job.paper, job.instrument, job.doctype, job.context, inserts=job.inserts) == whole
