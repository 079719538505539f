"""The one parse of a code text folder: its manifest and numbering profile read, each file's parse (``doctree``)
served from the parse cache or made afresh (in worker processes when there are many), the body assembled
(``model.structure``) and the whole numbered into the document model (``model.numbering``; the numbers replayed
from ``numbering_cache`` while the text's skeleton, which each file's parse carries its part of, is unchanged).

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

from drafttools.diagnostics import Diagnostic
from drafttools.model.numbering import Mismatch, computed_numbers, number_instrument
from drafttools.model.profile import Profile
from drafttools.model.structure import assemble
from drafttools.model.tree import Element, Instrument
from drafttools.source import files as sources
from drafttools.source import numbering_cache, profiles

# ------------------------------------------------------------------------------------------------ code text


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed code text: the model (None when the folder could not be read at all) and what was found."""

    instrument: Instrument | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, sources.SourceFile]
    keys: dict[str, str] = field(default_factory=dict)  # each file's parse key (``parsecache.key``) by shown path
    skeleton: str = ""  # what numbering and reference resolution read of it (``numbering_cache.skeleton``)
    cache_dir: Path | None = None  # the cache it was loaded with (None: no cache)


# ------------------------------------------------------------------------------------- parse cache, in parallel

# Below this many files still to parse, starting worker processes costs more than it saves.
PARALLEL_FROM_FILES = 24
# The profile the files being parsed are read by: set before worker processes are forked, so they inherit it.
_profile: Profile | None = None


_Parsed = tuple[tuple[Element, ...], list[Diagnostic], str]  # a file's elements, its diagnostics, its ``shape``


def _parse_one(job: tuple[str, sources.SourceFile]) -> _Parsed:
    """Parse one file: the unit that is cached and that runs in a worker process.  A pure function of the
    file's text, its shown path, its role and the profile (numbers are computed later, over the whole
    instrument)."""
    from drafttools.source import doctree

    role, source = job
    problems: list[Diagnostic] = []
    assert _profile is not None
    elements = doctree.parse_file(source, role, _profile, problems)
    return elements, problems, numbering_cache.shape(elements)


def _parse_all(jobs: list[tuple[str, sources.SourceFile]], cache_dir: Path | None, keys: list[str]) -> list[_Parsed]:
    from drafttools.source import cache as parsecache

    with _no_cycle_collection():
        results: list[_Parsed | None] = [parsecache.load(cache_dir, k) if cache_dir else None for k in keys]
    missing = [i for i, r in enumerate(results) if r is None]
    todo = [(*jobs[i], keys[i], cache_dir) for i in missing]
    for i, fresh in zip(missing, _run(todo) if len(todo) < PARALLEL_FROM_FILES else _run_parallel(todo), strict=False):
        results[i] = fresh
    return [r for r in results if r is not None]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while cached parses are read and the model is assembled and numbered: those
    make a few hundred thousand objects that all live on and hold no cycle, so each collection they triggered
    walked the whole growing model again for nothing (a tenth of a rebuild after one article changed, at 10,000
    paragraphs).  Not while files are parsed: a doctree is a web of cycles (``doctree.parse_file``)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_Todo = tuple[str, sources.SourceFile, str, "Path | None"]  # role, file, parse-cache key, cache folder


def _parse_and_store(job: _Todo) -> _Parsed:
    """Parse one file and store its parse in the cache: in the worker that parsed it, so that storing is
    parallel too."""
    from drafttools.source import cache as parsecache

    role, source, key, cache_dir = job
    fresh = _parse_one((role, source))
    if cache_dir is not None:
        parsecache.store(cache_dir, key, fresh)
    return fresh


def _run(jobs: Iterable[_Todo]) -> Iterator[_Parsed]:
    return map(_parse_and_store, jobs)


def _run_parallel(jobs: list[_Todo]) -> list[_Parsed]:
    """Parse files in worker processes (forked, so they start with the parser already imported)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1), 8)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return list(_run(jobs))
    from drafttools.source import doctree
    from drafttools.workers import die_with_parent

    doctree.register(frozenset(_profile.kinds) if _profile else frozenset())  # before the fork: workers start set up
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,  # so that a killed parse leaves no worker behind
            initargs=(os.getpid(),),
        ) as pool:
            return list(pool.map(_parse_and_store, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    except (OSError, RuntimeError):  # no processes to be had (a sandbox, a resource limit): parse here
        return list(_run(jobs))


# ------------------------------------------------------------------------------------------------ code text


def load(root: Path, cache_dir: Path | None = None) -> Loaded:
    """Read, decode and parse a code text folder into a numbered model; problems become diagnostics.

    With ``cache_dir``, each file's parse is served from the parse cache when its text, its shown path, its
    profile and drafttools' own code are unchanged (see ``parsecache``); files still to parse are parsed in
    parallel when there are many of them.
    """
    global _profile
    problems: list[Diagnostic] = []
    manifest = sources.read_manifest(root, problems)
    if manifest is None:
        return Loaded(None, tuple(problems), {})
    profile, found, fingerprint = profiles.load(
        manifest.profile, root, manifest.path, manifest.numbering, manifest.profile_line
    )
    problems += found
    if profile is None:
        return Loaded(None, tuple(problems), {})
    read: dict[str, sources.SourceFile] = {}
    jobs: list[tuple[str, sources.SourceFile]] = []
    for role, name in manifest.files():
        path = root / name
        if not sources.is_listable(name) or name in manifest.outside or not path.is_file():
            continue  # reported by the manifest check
        source = sources.read_source(path, problems)
        if source is None:
            continue
        read[source.path] = source
        jobs.append((role, source))
    from drafttools.source import cache as parsecache

    context = f"{fingerprint}\0{','.join(sorted(profiles.SHIPPED_KINDS | set(profile.kinds)))}"
    keys = [parsecache.key(f"{role}\0{context}", source) for role, source in jobs]
    _profile = profile
    regions: dict[str, list[Element]] = {"preamble": [], "body": [], "final": [], "annex": []}
    shapes: list[tuple[str, str, str]] = []
    for (role, source), (result, found_here, shape) in zip(jobs, _parse_all(jobs, cache_dir, keys), strict=False):
        problems += found_here
        regions[role] += result
        shapes.append((role, source.path, shape))
    skeleton = numbering_cache.skeleton(context, shapes)
    with _no_cycle_collection():
        body, assembled = assemble(tuple(regions["body"]), profile)
        unnumbered = Instrument(
            manifest.meta,
            profile,
            tuple(regions["preamble"]),
            body,
            tuple(regions["final"]),
            tuple(regions["annex"]),
            root=str(root),
            files=tuple(read),
        )
        instrument = _numbered(unnumbered, skeleton, cache_dir)
    problems += assembled
    keys_by_path = {source.path: k for (_, source), k in zip(jobs, keys, strict=False)}
    return Loaded(instrument, tuple(problems), read, keys_by_path, skeleton, cache_dir)


def _numbered(unnumbered: Instrument, skeleton: str, cache_dir: Path | None) -> Instrument:
    """The instrument numbered: the numbers stored under its skeleton replayed (``numbering_cache``), or counted
    afresh (and stored) when there are none or they do not fit."""
    replay = numbering_cache.load(cache_dir, unnumbered.root, skeleton) if cache_dir is not None else None
    if replay is not None:
        try:
            return number_instrument(unnumbered, replay)
        except Mismatch:
            pass
    numbered = number_instrument(unnumbered)
    if cache_dir is not None:
        numbering_cache.store(cache_dir, unnumbered.root, skeleton, computed_numbers(numbered))
    return numbered
