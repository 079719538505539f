"""The one parse of a code text folder: its files read, each file's parse (``doctree``) served from the parse
cache or made afresh (in worker processes when there are many), and the whole numbered into the document model.

``load`` is what every check, build, diff and import reads a code text through.  docutils and myst-parser are
imported (through ``doctree``) only when a file must be parsed: a run whose files are all in the parse cache
never loads them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from drafttools.source import files as sources
from drafttools.diagnostics import Diagnostic
from drafttools.model.tree import Article, Instrument, Paragraph, number_instrument


# ------------------------------------------------------------------------------------------------ code text


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed code text: the model (None when the folder could not be read at all) and what was found."""

    instrument: Instrument | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, sources.SourceFile]
    keys: dict[str, str] = field(default_factory=dict)  # each file's parse key (``parsecache.key``) by shown path


# ------------------------------------------------------------------------------------- parse cache, in parallel

# Below this many files still to parse, starting worker processes costs more than it saves.
PARALLEL_FROM_FILES = 24
_PREAMBLE, _ARTICLE = "preamble", "article"


def _parse_one(job: tuple[str, sources.SourceFile]) -> tuple[object, list[Diagnostic]]:
    """Parse one file: the unit that is cached and that runs in a worker process.  A pure function of the
    file's text and shown path (numbers are computed later, over the whole instrument)."""
    from drafttools.source import doctree

    role, source = job
    problems: list[Diagnostic] = []
    result = doctree.parse_preamble_file(source, problems) if role == _PREAMBLE else doctree.parse_article_file(source, problems)
    return result, problems


def _parse_all(jobs: list[tuple[str, sources.SourceFile]], cache_dir: Path | None, keys: list[str]) -> list[tuple[object, list[Diagnostic]]]:
    from drafttools.source import cache as parsecache

    with _collector_paused():  # unpickling makes only acyclic model nodes: nothing for the cycle collector
        results: list[tuple[object, list[Diagnostic]] | None] = [parsecache.load(cache_dir, k) if cache_dir else None for k in keys]
    missing = [i for i, r in enumerate(results) if r is None]
    todo = [(*jobs[i], keys[i], cache_dir) for i in missing]
    for i, fresh in zip(missing, _run(todo) if len(todo) < PARALLEL_FROM_FILES else _run_parallel(todo)):
        results[i] = fresh
    return [r for r in results if r is not None]


_Todo = tuple[str, sources.SourceFile, str, "Path | None"]  # role, file, parse-cache key, cache folder


def _parse_and_store(job: _Todo) -> tuple[object, list[Diagnostic]]:
    """Parse one file and store its parse in the cache: in the worker that parsed it, so that storing is
    parallel too."""
    from drafttools.source import cache as parsecache

    role, source, key, cache_dir = job
    fresh = _parse_one((role, source))
    if cache_dir is not None:
        parsecache.store(cache_dir, key, fresh)
    return fresh


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cycle collection while many acyclic objects are made: each collection would walk them all again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run(jobs: Iterable[_Todo]) -> Iterator[tuple[object, list[Diagnostic]]]:
    return map(_parse_and_store, jobs)


def _run_parallel(jobs: list[_Todo]) -> list[tuple[object, list[Diagnostic]]]:
    """Parse files in worker processes (forked, so they start with the parser already imported)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1), 8)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return list(_run(jobs))
    from drafttools.source import doctree

    doctree.register()  # before the fork, so the workers start with the parser imported and set up
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_parse_and_store, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    except (OSError, RuntimeError):  # no processes to be had (a sandbox, a resource limit): parse here
        return list(_run(jobs))


# ------------------------------------------------------------------------------------------------ code text


def load(root: Path, cache_dir: Path | None = None) -> Loaded:
    """Read, decode and parse a code text folder into a numbered model; problems become diagnostics.

    With ``cache_dir``, each file's parse is served from the parse cache when its text, its shown path and
    drafttools' own code are unchanged (see ``parsecache``); files still to parse are parsed in parallel when
    there are many of them.
    """
    problems: list[Diagnostic] = []
    manifest = sources.read_manifest(root, problems)
    if manifest is None:
        return Loaded(None, tuple(problems), {})
    read: dict[str, sources.SourceFile] = {}
    jobs: list[tuple[str, sources.SourceFile]] = []
    names = ([manifest.preamble] if manifest.preamble else []) + list(manifest.articles)
    for position, name in enumerate(names):
        path = root / name
        if not sources.is_listable(name) or not path.is_file():
            continue  # reported by the manifest check
        source = sources.read_source(path, problems)
        if source is None:
            continue
        read[source.path] = source
        jobs.append((_PREAMBLE if manifest.preamble and position == 0 else _ARTICLE, source))
    articles: list[Article] = []
    preamble: tuple[Paragraph, ...] = ()
    from drafttools.source import cache as parsecache

    keys = [parsecache.key(role, source) for role, source in jobs]
    for (role, _), (result, found) in zip(jobs, _parse_all(jobs, cache_dir, keys)):
        problems += found
        if role == _PREAMBLE:
            preamble = result  # type: ignore[assignment]
        elif result is not None:
            articles.append(result)  # type: ignore[arg-type]
    with _collector_paused():
        instrument = number_instrument(
            Instrument(manifest.meta, tuple(articles), preamble, root=str(root), files=tuple(read))
        )
    return Loaded(instrument, tuple(problems), read, {source.path: k for (_, source), k in zip(jobs, keys)})
