"""Reading a code text from disk: the manifest, the files it names, and their bytes.

A code text is a folder with ``manifest.toml`` (the instrument's metadata and the article files in order) and
one MyST Markdown file per article.  This module owns decoding (UTF-8 only; a BOM and CRLF are reported and
tolerated), the manifest's rules, and the one rule every file a project reads obeys: once its links are
followed it lies inside the project (``outside``).  It knows nothing of MyST.  Standard library only.
"""

from __future__ import annotations

import errno
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drafttools.config import project_root, settings
from drafttools.diagnostics import Diagnostic, diag, toml_error_line
from drafttools.model.tree import Meta

MANIFEST = "manifest.toml"
LEDGER = "id-ledger.tsv"
REQUIRED_META = ("title", "version", "date", "status")
# Characters XML 1.0 cannot hold (so neither DOCX nor XHTML can): C0 controls other than tab and newline.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Every byte but those C0 controls: what ``bytes.translate`` deletes to leave only them (in UTF-8 each is its own
# single byte, and no other character's bytes fall below 0x80).  U+FFFE and U+FFFF are EF BF BE and EF BF BF.
_NOT_FORBIDDEN = bytes(b for b in range(256) if not (b <= 0x08 or b in (0x0B, 0x0C) or 0x0E <= b <= 0x1F))


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown in diagnostics (relative to the working folder when possible)
    text: str  # decoded, BOM removed, line endings normalised to LF
    crlf: bool = False
    bom: bool = False


@dataclass(frozen=True, slots=True)
class Manifest:
    path: str
    meta: Meta
    preamble: str | None
    articles: tuple[str, ...]  # the body's files, in order (``body``, or ``articles`` as the first texts named it)
    final: str | None = None
    annexes: tuple[str, ...] = ()
    profile: str = "who-code"  # a shipped profile's name, or a .toml file beside the manifest
    numbering: str | None = None  # overrides the profile's: "computed" or "given"
    key: str = "articles"  # which key listed the body's files
    outside: frozenset[str] = frozenset()  # files named that lead outside the project: refused, never read
    profile_line: int = 1  # the line naming the profile (where a profile that cannot be found is reported)

    def files(self) -> list[tuple[str, str]]:
        """(role, file name) of every file, in document order: preamble, body, final clauses, annexes."""
        found = [("preamble", self.preamble)] if self.preamble else []
        found += [("body", name) for name in self.articles]
        found += [("final", self.final)] if self.final else []
        found += [("annex", name) for name in self.annexes]
        return found


# ------------------------------------------------------------------------------------- inside the project


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where the files a project reads must lie once their links are followed: below ``root``, the project's
    folder with its own links resolved; anywhere when ``root`` is None (``[tool.drafttools] allow_outside``)."""

    root: str | None


def bounds(start: Path) -> Bounds:
    """The bounds of the project holding the folder ``start`` (``config.project_root``: the folder holding
    pyproject.toml, else ``start``)."""
    root = project_root(start)
    allowed = (root / "pyproject.toml").is_file() and settings(root).allow_outside  # that file's own setting
    return Bounds(None if allowed else os.path.realpath(root))


def outside(path: Path, within: Bounds, where: str | None = None, line: int = 0) -> Diagnostic | None:
    """A ``source.outside`` error when ``path``, its links followed and its '..' taken, leads outside the project
    (at ``where``:``line`` when given, else at the path as written); None when it may be read.  The file itself
    is never opened."""
    if within.root is None:
        return None
    real = os.path.realpath(path)
    if real == within.root or real.startswith(within.root.rstrip(os.sep) + os.sep):
        return None
    shown = written(path)
    how = "is a link to" if os.path.islink(path) else "leads to"
    return diag(
        "source.outside",
        where or shown,
        line,
        f"{shown} {how} {real}, outside the project ({within.root}); it is not read",
        "copy the file into the project, or set allow_outside = true under [tool.drafttools] in pyproject.toml",
    )


def written(path: Path) -> str:
    """A path as written, not resolved (``display`` shows where links lead): relative to the working folder when
    it lies below it."""
    absolute, cwd = os.path.abspath(path), os.getcwd()
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd.rstrip(os.sep) + os.sep) else str(path)


# ----------------------------------------------------------------------------------------------- reading


def display(path: Path) -> str:
    """A path as a diagnostic shows it: relative to the working folder when it lies below it."""
    if _POSIX:
        # What ``_display`` computes, with plain strings (pathlib's objects cost twice as much, and every file
        # read asks).  ``realpath`` is what ``Path.resolve`` calls; it then stats the result only to raise on a
        # symbolic link loop, which ``_display`` does here too.
        real = os.path.realpath(path)
        try:
            os.stat(real)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return _display(path)  # raises as pathlib does
        shown = _below(real, os.getcwd())
        if shown is not None:
            return shown or str(path)
    return _display(path)


_POSIX = os.sep == "/" and not os.altsep


def _below(real: str, cwd: str) -> str | None:
    """``str(Path(real).relative_to(Path(cwd).resolve()))`` for a resolved path ``real``: "" when it does not
    lie below, None when only pathlib can tell.  A resolved path has no '.', '..' or repeated '/' in it, so
    "below" is a prefix test, except for a leading '//' (a root of its own) or the root as the working folder."""
    here = _resolved_text(cwd)
    if real.startswith("//") or here.startswith("//") or here == "/":
        return None
    if real == here:
        return "."
    return real[len(here) + 1 :] if real.startswith(here) and real[len(here)] == "/" else ""


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(_resolved(os.getcwd())))
    except ValueError:
        return str(path)


@lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    """The working folder with its links resolved, once per folder (``display`` asks for every file read)."""
    return Path(folder).resolve()


@lru_cache(maxsize=8)
def _resolved_text(folder: str) -> str:
    return str(_resolved(folder))


# The shown path of each file the manifest just read names, made from the one listing of the folder that
# checked the manifest (``_prepare_shown``): ``read_source`` takes its file's, once, instead of resolving the
# file's whole path again.  Each manifest read replaces them all.
_prepared: dict[str, tuple[str, str]] = {}  # the file's path -> (the working folder then, the shown path)


def read_source(path: Path, problems: list[Diagnostic]) -> SourceFile | None:
    """Decode one file, reporting (not raising on) bad encoding, BOMs, CRLF and XML-forbidden characters."""
    prepared = _prepared.pop(os.fspath(path), None)
    shown = prepared[1] if prepared is not None and prepared[0] == os.getcwd() else display(path)
    data = _read_bytes(path)
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        problems.append(
            diag("source.bom", shown, 1, "file starts with a UTF-8 byte-order mark", "save it as UTF-8 without BOM")
        )
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            diag(
                "source.encoding",
                shown,
                line,
                f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                "save the file as UTF-8",
            )
        )
        return None
    crlf = b"\r" in data and "\r\n" in text  # the bytes first: a search for one byte is ten times faster
    if crlf:
        line = text[: text.index("\r\n")].count("\n") + 1
        problems.append(
            diag("source.crlf", shown, line, "file uses CRLF line endings", "convert it to LF line endings")
        )
        text = text.replace("\r\n", "\n")
    if _may_hold_forbidden(data):
        for match in _XML_FORBIDDEN.finditer(text):
            line = text[: match.start()].count("\n") + 1
            problems.append(
                diag(
                    "source.control-char",
                    shown,
                    line,
                    f"control character U+{ord(match.group()):04X} cannot appear in a document",
                    "delete it",
                )
            )
    return SourceFile(shown, text, crlf=crlf, bom=bom)


def _read_bytes(path: Path) -> bytes:
    """``path.read_bytes()`` through ``os`` directly (a third of the cost, for every file of a code text); on any
    error, ``read_bytes`` itself, so that the same exception is raised."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return path.read_bytes()
    try:
        chunks = [os.read(fd, os.fstat(fd).st_size + 1)]
        while chunks[-1]:  # until the end of the file (it may have grown since fstat)
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    except OSError:
        pass
    finally:
        os.close(fd)
    return path.read_bytes()


def _prepare_shown(root: Path, names: list[str], entries: _Entries | None) -> None:
    """Fill ``_prepared`` for the regular files (no symbolic links) among ``names``: the resolved path of such a
    file is its resolved folder's and its name, so the folder is resolved once, not once per file."""
    _prepared.clear()
    if entries is None or not _POSIX:
        return
    cwd = os.getcwd()
    folder = os.path.realpath(root)
    prefix = str(root / "x")[:-1]  # ``str(root / name)`` is this and the name, for a name without '/'
    for name in names:
        if name in entries.plain_files:
            shown = _below(f"{folder}/{name}", cwd)
            if shown is None:
                _prepared.clear()
                return
            _prepared[prefix + name] = (cwd, shown or prefix + name)


def _may_hold_forbidden(data: bytes) -> bool:
    """False only when the text ``data`` decodes to holds nothing ``_XML_FORBIDDEN`` matches (its UTF-8 bytes
    would be in ``data``; turning CRLF into LF removes only carriage returns).  Some eight times faster than
    the character scan, which then runs only on a file that may hold one."""
    return bool(data.translate(None, _NOT_FORBIDDEN)) or (
        not data.isascii() and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
    )


def is_listable(name: str) -> bool:
    """A name the manifest may list: a Markdown file directly in the code text folder."""
    return "/" not in name and "\\" not in name and not name.startswith(".") and name.endswith(".md")


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else 1


def read_manifest(root: Path, problems: list[Diagnostic]) -> Manifest | None:
    """Read and validate ``root/manifest.toml``; None (with diagnostics) when it cannot be used."""
    path = root / MANIFEST
    shown = display(path)
    if not path.is_file():
        problems.append(
            diag(
                "source.not-code-text",
                display(root),
                0,
                f"{display(root)} is not a code text: it has no {MANIFEST}",
                f"create {MANIFEST} naming the article files, or point at a code text folder",
            )
        )
        return None
    within = bounds(root)
    refused = outside(root, within) or outside(path, within)
    if refused is not None:
        problems.append(refused)
        return None
    source = read_source(path, problems)
    if source is None:
        return None
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(diag("manifest.syntax", shown, toml_error_line(exc, source.text), f"not valid TOML: {exc}"))
        return None
    entries = _entries(root)
    manifest = _validate_manifest(data, source, root, problems, entries, within)
    if manifest is not None:
        _prepare_shown(root, [name for _, name in manifest.files()], entries)
    return manifest


def _field_error(problems: list[Diagnostic], source: SourceFile, message: str, needle: str) -> None:
    problems.append(diag("manifest.field", source.path, _line_of(source.text, needle), message))


def _validate_manifest(
    data: dict[str, object],
    source: SourceFile,
    root: Path,
    problems: list[Diagnostic],
    entries: _Entries | None = None,
    within: Bounds = Bounds(None),
) -> Manifest | None:
    before = len(problems)
    instrument = data.get("instrument")
    if not isinstance(instrument, dict):
        _field_error(
            problems, source, "missing table [instrument] (title, version, date, status, articles)", "[instrument]"
        )
        return None
    for key in REQUIRED_META:
        if not isinstance(instrument.get(key), str) or not instrument.get(key):
            _field_error(problems, source, f'[instrument] needs {key} = "..." (a non-empty string)', key)
    key = "body" if "body" in instrument else "articles"
    if "body" in instrument and "articles" in instrument:
        _field_error(problems, source, "[instrument] lists its files under 'body' or 'articles', not both", "articles")
    articles = instrument.get(key)
    if not isinstance(articles, list) or not articles or not all(isinstance(a, str) for a in articles):
        _field_error(
            problems, source, f'[instrument] needs {key} = ["article-01.md", ...] (a non-empty list of file names)', key
        )
        articles = []
    preamble = instrument.get("preamble")
    if preamble is not None and not isinstance(preamble, str):
        _field_error(problems, source, "preamble must be a file name", "preamble")
        preamble = None
    final = instrument.get("final")
    if final is not None and not isinstance(final, str):
        _field_error(problems, source, "final must be a file name (the final clauses)", "final")
        final = None
    annexes = instrument.get("annexes", [])
    if not isinstance(annexes, list) or not all(isinstance(a, str) for a in annexes):
        _field_error(problems, source, "annexes must be a list of file names", "annexes")
        annexes = []
    profile = instrument.get("profile", "who-code")
    if not isinstance(profile, str) or not profile:
        _field_error(
            problems,
            source,
            "profile must be a profile's name (who-code, treaty, eu) or a .toml file beside the manifest",
            "profile",
        )
        profile = "who-code"
    if profile.endswith(".toml") and (
        refused := outside(root / profile, within, source.path, _line_of(source.text, f'"{profile}"'))
    ):
        problems.append(refused)
    numbering = instrument.get("numbering")
    if numbering is not None and numbering not in ("computed", "given"):
        _field_error(
            problems,
            source,
            'numbering must be "computed" (from order) or "given" (written in the source and kept)',
            "numbering",
        )
        numbering = None
    if len(problems) > before:
        return None
    listed = ([preamble] if preamble else []) + list(articles) + ([final] if final else []) + list(annexes)
    refused_files = _check_files(listed, source, root, problems, entries, within)
    meta = Meta(
        title=str(instrument["title"]),
        version=str(instrument["version"]),
        date=str(instrument["date"]),
        status=str(instrument["status"]),
        language=str(instrument.get("language", "en")),
        note=str(instrument.get("note", "")),
    )
    named = re.search(r"^\s*profile\s*=", source.text, re.MULTILINE)
    profile_line = source.text[: named.start()].count("\n") + 1 if named else 1
    return Manifest(
        source.path,
        meta,
        preamble,
        tuple(articles),
        final,
        tuple(annexes),
        profile,
        numbering,
        key,
        refused_files,
        profile_line,
    )


def _check_files(
    listed: list[str],
    source: SourceFile,
    root: Path,
    problems: list[Diagnostic],
    entries: _Entries | None = None,
    within: Bounds = Bounds(None),
) -> frozenset[str]:
    """Report names that are no file of the folder, named twice, or missing, and Markdown files not named;
    return the names that lead outside the project (reported, not to be read)."""
    seen: set[str] = set()
    refused: set[str] = set()
    entries = entries if entries is not None else _entries(root)
    for name in listed:
        if not is_listable(name):
            problems.append(
                diag(
                    "manifest.field",
                    source.path,
                    _line_of(source.text, f'"{name}"'),
                    f"{name!r} is not the name of a Markdown file in the code text folder",
                    'list plain file names such as "article-01.md"; a code text is one folder',
                )
            )
            seen.add(name)
            continue
        if name in seen:
            problems.append(
                diag(
                    "manifest.duplicate-file",
                    source.path,
                    _line_of(source.text, f'"{name}"'),
                    f"{name} is listed twice",
                )
            )
        seen.add(name)
        if not _is_file(root, name, entries):
            what = "is a folder, not a file" if (root / name).is_dir() else f"does not exist in {display(root)}"
            problems.append(
                diag(
                    "manifest.missing-file",
                    source.path,
                    _line_of(source.text, f'"{name}"'),
                    f"the manifest names {name}, which {what}",
                    f"create {name} or remove it from the manifest",
                )
            )
        elif entries is None or name not in entries.plain_files:  # a plain file of a folder inside stays inside
            found = outside(root / name, within, source.path, _line_of(source.text, f'"{name}"'))
            if found is not None:
                problems.append(found)
                refused.add(name)
    markdown = sorted(entries.regular_md if entries is not None else (p.name for p in root.glob("*.md")))
    for extra in markdown:
        if extra not in seen and extra.lower() != "readme.md":
            problems.append(
                diag(
                    "manifest.unlisted",
                    display(root / extra),
                    1,
                    f"{extra} is not named in {MANIFEST}, so it is not part of the code",
                    f'add "{extra}" to articles in {MANIFEST}, or move it out of the folder',
                )
            )
    return frozenset(refused)


@dataclass(frozen=True, slots=True)
class _Entries:
    """One listing of a code text folder: the names that are regular files and no symbolic link, and the names
    ``root.glob("*.md")`` yields (every entry whose name ends in ".md")."""

    plain_files: frozenset[str]
    regular_md: tuple[str, ...]


def _entries(root: Path) -> _Entries | None:
    """The folder listed once (instead of a ``stat`` per file named and a ``glob``), on POSIX, where pathlib's
    "*.md" is a case-sensitive match of the name's end; None elsewhere or when the folder cannot be listed."""
    if os.name != "posix" or not root.is_dir():
        return None
    try:
        with os.scandir(root) as listing:
            found = list(listing)
        plain = frozenset(e.name for e in found if not e.is_symlink() and e.is_file(follow_symlinks=False))
    except OSError:
        return None
    return _Entries(plain, tuple(e.name for e in found if e.name.endswith(".md")))


def _is_file(root: Path, name: str, entries: _Entries | None) -> bool:
    """``(root / name).is_file()``: from the listing when it names a regular file there (a symbolic link, or a
    name it does not hold, is asked of the file system itself)."""
    if entries is not None and name in entries.plain_files:
        return True
    return (root / name).is_file()
