"""Versions of the code text: frozen folders under ``versions/NAME/`` and git revisions ``REV:code_text``.

A version is a folder with the layout of ``code_text/`` (``manifest.toml``, the article files, the ID
ledger).  ``snapshot`` freezes the current text into a new version folder (written to a temporary folder
beside it, then renamed, so a version appears whole or not at all, and never over an existing one); the ID
ledger with the IDs the version lacks retired goes into the version and, under the commit lock with the rename,
over the working ledger (a failed ledger write takes the version back).
``locate`` is the one place a version *name* is given its meaning (``code_text`` and ``current`` are the working
text, then ``versions/NAME/``, then the working text again when its manifest's ``version`` is NAME); ``build``
uses it for a paper's ``annex:``, and ``resolve`` for what a user typed to ``diff`` and ``import`` (a name, a
folder, or ``REV:PATH``), which it turns into a parsed model.  A git revision is read with ``git archive`` into a
temporary folder.  This module owns the subprocess calls to git.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from drafttools.config import settings
from drafttools.diagnostics import Diagnostic, DraftError, SourceError, UsageError, diag
from drafttools.fsutil import staging_prefix, write_atomic
from drafttools.model.tree import Instrument
from drafttools.source import files as sources
from drafttools.source import lock, seal
from drafttools.source.parse import load

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")  # \Z: "$" would let a final newline through
WORKING = ("code_text", "current")
# Beside versions/: the project's resolutions and decisions, one folder per text (a Board's draft, the adopted
# text), each laid out like code_text/ in the "resolution" profile; their names are version names too.
RESOLUTIONS = "resolutions"  # names that always mean the working text, so no frozen version may take them
# One line of a TOML table: its header, or a version key with a basic ("...") or literal ('...') string value.
_TABLE = re.compile(r"^\s*\[\s*(?P<name>[^\[\]]+?)\s*\]\s*(#.*)?$")
_VERSION = re.compile(
    r"""^(?P<key>\s*(version|"version"|'version')\s*=\s*)(?P<value>"([^"\\]|\\.)*"|'[^']*')(?P<rest>\s*(#.*)?)$"""
)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One row of ``drafttools versions``."""

    name: str
    path: str
    date: str
    status: str
    note: str
    articles: int
    kind: str = "version"  # "version" (versions/NAME/) or "resolution" (resolutions/NAME/)
    edited: int = 0  # files edited, removed or added since it was frozen (``seal``)


@dataclass(frozen=True)
class Resolved:
    """A version read and parsed: what the user called it, where it came from, the model and the problems."""

    spec: str
    origin: str  # "version", "folder" or "git"
    where: str  # the folder, or "REV:PATH"
    instrument: Instrument | None
    diagnostics: tuple[Diagnostic, ...]


def list_versions(folder: Path, kind: str = "version") -> list[VersionInfo]:
    """Every version folder under ``folder`` (sorted by name), read from its manifest; ``kind`` says what they
    are ("version", or "resolution" for the folders of resolutions/)."""
    found: list[VersionInfo] = []
    if not folder.is_dir():
        return found
    # NAME leaves out the staging folders (".NAME.import-...") of an import or snapshot killed midway
    for path in sorted(
        p for p in folder.iterdir() if NAME.match(p.name) and p.is_dir() and (p / sources.MANIFEST).is_file()
    ):
        problems: list[Diagnostic] = []
        manifest = sources.read_manifest(path, problems)
        if manifest is None:
            found.append(
                VersionInfo(
                    path.name,
                    sources.display(path),
                    "?",
                    "unreadable",
                    problems[0].message if problems else "",
                    0,
                    kind,
                )
            )
            continue
        found.append(
            VersionInfo(
                path.name,
                sources.display(path),
                manifest.meta.date,
                manifest.meta.status,
                manifest.meta.note,
                len(manifest.articles),
                kind,
                len(seal.check(path)),
            )
        )
    return found


def locate(name: str, versions: Path, source: Path) -> Path | None:
    """The code text folder a version name means, or None: ``code_text``/``current`` → ``source``; a frozen
    ``versions/NAME/``; a resolution ``resolutions/NAME/`` (beside versions/); else ``source`` when its manifest's
    version is NAME.  A path is never a name."""
    if name in WORKING:
        return source
    if not NAME.match(name):
        return None
    for folder in (versions, versions.parent / RESOLUTIONS):
        if (folder / name / sources.MANIFEST).is_file():
            return folder / name
    return source if _version_of(source) == name else None


def known(versions: Path, source: Path) -> list[str]:
    """Every version name ``locate`` accepts, each once, in the order it tries them."""
    names = [*WORKING, *filter(None, [_version_of(source)])]
    for folder in (versions, versions.parent / RESOLUTIONS):
        if folder.is_dir():
            names += sorted(p.name for p in folder.iterdir() if NAME.match(p.name) and (p / sources.MANIFEST).is_file())
    return list(dict.fromkeys(names))


def _version_of(folder: Path) -> str | None:
    manifest = sources.read_manifest(folder, [])
    return manifest.meta.version if manifest is not None else None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a new frozen version (None when it can)."""
    if not NAME.match(name):
        return (
            "use ASCII letters (a-z, A-Z), digits, '.', '_' and '-', starting with a letter or digit "
            "(e.g. 2009-01-EB124)"
        )
    if name in WORKING:
        return f"{' and '.join(WORKING)} always mean the working text; choose another name (e.g. 2009-01-EB124)"
    return None


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` (the versions folder, or a code text to replace) cannot hold a version: it exists and is
    not a folder.  None when it can (or does not exist yet, and will be made)."""
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        return f"{sources.display(folder)} is a file, not a folder"
    return None


def snapshot(source: Path, versions: Path, name: str, ledger: bytes | None = None) -> Path:
    """Freeze the code text in ``source`` as ``versions/NAME/``; refuses an existing name.  Returns the folder.
    ``ledger``: the ID ledger as it reads once this version is frozen (its missing IDs retired), written into
    the version and, once the version is in place, over the working text's."""
    if (why := name_problem(name)) is not None:
        raise UsageError(f"'{name}' is not a version name: {why}")
    if (problem := folder_problem(versions)) is not None:
        raise DraftError(f"cannot freeze '{name}': {problem}; each version is a folder in it", str(versions))
    target = versions / name
    if target.exists():
        raise DraftError(
            f"version '{name}' already exists at {sources.display(target)}; versions are frozen, choose another name",
            str(target),
        )
    problems: list[Diagnostic] = []
    manifest = sources.read_manifest(source, problems)
    if manifest is None:
        raise SourceError(problems[0].message if problems else f"{source} is not a code text", str(source))
    frozen_manifest = with_version(source / sources.MANIFEST, name)
    files = [sources.MANIFEST, *(file for _, file in manifest.files())]
    if manifest.profile.endswith(".toml"):  # the text's own profile travels with it
        files.append(manifest.profile)
    if (source / sources.LEDGER).is_file() and ledger is None:
        files.append(sources.LEDGER)
    try:
        versions.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(name, "snapshot"), dir=versions))
    except OSError as exc:
        raise DraftError(f"cannot write {sources.display(versions)}: {exc.strerror or exc}", str(versions)) from None
    try:
        for file in files:
            shutil.copy2(source / file, staging / file)
        (staging / sources.MANIFEST).write_text(frozen_manifest, encoding="utf-8")
        if ledger is not None:
            (staging / sources.LEDGER).write_bytes(ledger)
        seal.write(staging)
        with lock.committing():
            staging.rename(target)
            if ledger is not None:
                try:
                    write_atomic(source / sources.LEDGER, ledger, through_links=True)
                except DraftError:
                    target.rename(staging)  # no version frozen whose retired IDs the working ledger lacks
                    raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DraftError(f"cannot write version '{name}': {exc.strerror or exc}", str(target)) from None
    except DraftError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def with_version(manifest: Path, name: str) -> str:
    """The text of ``manifest`` with ``version`` in [instrument] set to NAME, comments and layout kept.  Refuses
    (DraftError) a manifest where that is not a one-line edit which leaves every other value as it was."""
    text = manifest.read_text(encoding="utf-8-sig")
    lines, table = text.split("\n"), ""
    for number, line in enumerate(lines):
        if (header := _TABLE.match(line)) is not None:
            table = header["name"]
        elif table == "instrument" and (found := _VERSION.match(line)) is not None:
            lines[number] = f'{found["key"]}"{name}"{found["rest"]}'
            edited = "\n".join(lines)
            if _same_but_version(text, edited, name):
                return edited
            break
    shown = sources.display(manifest)
    raise DraftError(
        f"cannot set the version to '{name}' in {shown}: write it as one line version = \"...\" under [instrument]",
        shown,
    )


def _same_but_version(before: str, after: str, name: str) -> bool:
    try:
        old, new = tomllib.loads(before), tomllib.loads(after)
    except tomllib.TOMLDecodeError:
        return False
    instrument = old.get("instrument")
    return isinstance(instrument, dict) and new == {**old, "instrument": {**instrument, "version": name}}


def resolve(
    spec: str, versions: Path, repo: Path, source: Path | None = None, cache_dir: Path | None = None
) -> Resolved:
    """A version name (as ``locate`` reads it), a folder, or a git revision ``REV:PATH`` → the parsed model (or a
    clear error).  ``source`` is the working text (default: the code text of the project holding ``repo``);
    with ``cache_dir``, a folder's unchanged files are read from the parse cache (``parsecache``)."""
    source = source if source is not None else settings(repo).source
    named = locate(spec, versions, source)
    path = Path(spec)
    if named is not None or path.is_dir():
        folder = named if named is not None else path
        loaded = load(folder, cache_dir=cache_dir)
        return Resolved(
            spec,
            "version" if named is not None else "folder",
            sources.display(folder),
            loaded.instrument,
            (*loaded.diagnostics, *seal.check(folder, source)),
        )
    if ":" in spec and not path.exists():
        return _from_git(spec, repo)
    listed = ", ".join(known(versions, source))
    raise UsageError(
        f"'{spec}' is neither a version, a code text folder nor a git revision REV:PATH (versions: {listed})"
    )


@dataclass(frozen=True, slots=True)
class GitStatus:
    changed: tuple[str, ...] = ()  # paths below the folder holding work git has not recorded
    failure: str = ""  # git could not be run (not installed, timed out)
    refusal: str = ""  # git ran and refused (not a work tree): its message


def uncommitted(folder: Path) -> GitStatus:
    """What ``git status`` says of ``folder``: its uncommitted paths, or why it cannot tell."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return GitStatus(failure=str(exc))
    if done.returncode != 0:
        return GitStatus(refusal=done.stderr.strip()[:200])
    return GitStatus(tuple(line[3:] for line in done.stdout.splitlines() if line.strip()))


def _git(repo: Path, *argv: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *argv], capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed, so a git revision cannot be read") from None


def _from_git(spec: str, repo: Path) -> Resolved:
    revision, _, inside = spec.partition(":")
    inside = inside.strip("/") or "code_text"
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        raise UsageError(
            f"'{revision}' is not a revision of the git repository at {sources.display(repo)} (in '{spec}')"
        )
    listing = _git(repo, "ls-tree", "--name-only", f"{revision}:{inside}") if inside else None
    if (
        listing is None
        or listing.returncode != 0
        or sources.MANIFEST not in listing.stdout.decode("utf-8", "replace").split("\n")
    ):
        problem = diag(
            "version.no-code-text",
            spec,
            0,
            f"revision {revision} holds no code text at {inside}/ (no {inside}/{sources.MANIFEST})",
            "name the folder that held the code text at that revision: REV:PATH",
        )
        return Resolved(spec, "git", spec, None, (problem,))
    archive = _git(repo, "archive", "--format=tar", revision, "--", inside)
    if archive.returncode != 0:
        raise SourceError(
            f"git archive {revision} {inside} failed: {archive.stderr.decode('utf-8', 'replace').strip()}", spec
        )
    with tempfile.TemporaryDirectory(prefix="drafttools-rev-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(scratch, filter="data")
        folder = Path(scratch) / inside
        loaded = load(folder)
    # Diagnostics name the file as REV:PATH/file, not the temporary folder it was read from.
    prefixes = (sources.display(folder), str(folder))
    shown = tuple(
        replace(d, path=f"{revision}:{inside}{d.path[len(p) :]}")
        if (p := next((x for x in prefixes if d.path.startswith(x)), ""))
        else d
        for d in loaded.diagnostics
    )
    return Resolved(spec, "git", spec, loaded.instrument, shown)
