"""The seal of a frozen version: ``frozen.sha256``, the SHA-256 of every file of the version as it was frozen.

A version is a record: ``snapshot``, ``import --as NAME`` and ``review clean --as NAME`` write the seal into the
folder just before putting it in place (``write``), and every reading of a sealed folder (``check``, ``diff``,
``build``, ``audit``, ``versions``) compares the files with it (``check``): a file edited, removed or added since
is a warning (``version.edited``), so a slip in a frozen text does not pass unseen.  The file is in ``sha256sum``
format ("HEX  NAME" a line), so ``sha256sum -c frozen.sha256`` checks it too.  A folder without a seal (an older
version, a working text) is not checked.  Standard library only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from drafttools.diagnostics import Diagnostic, diag
from drafttools.fsutil import is_staging
from drafttools.source.files import display

SEAL = "frozen.sha256"


def _files(folder: Path) -> dict[str, str]:
    """Each file of ``folder`` (not the seal, not a staging file) → its SHA-256."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != SEAL and not is_staging(path.name)
    }


def render(folder: Path) -> bytes:
    """The seal of ``folder`` as its files are now."""
    return "".join(f"{digest}  {name}\n" for name, digest in _files(folder).items()).encode()


def write(folder: Path) -> None:
    """Seal ``folder`` (a version about to be put in place: written before the rename that publishes it)."""
    (folder / SEAL).write_bytes(render(folder))


def check(folder: Path, working: Path | None = None) -> list[Diagnostic]:
    """A warning for each file of a sealed ``folder`` changed, removed or added since it was sealed; none for the
    working text (``working``: a frozen version's files put in place of code_text's to go on from it are meant to
    be edited)."""
    if working is not None and folder.resolve() == working.resolve():
        return []
    seal = folder / SEAL
    try:
        text = seal.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # no seal: nothing to check (an unreadable one is a seal no longer)
    recorded: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, name = line.partition("  ")
        if name:
            recorded[name.lstrip("*")] = (digest.strip().lower(), number)
    try:
        now = _files(folder)
    except OSError:
        return []
    found: list[Diagnostic] = []
    shown = display(folder)
    fix = (
        f"a frozen version is a record: put it back as it was (git checkout -- {shown}), or freeze the text you "
        "edited under a new name (drafttools snapshot NAME)"
    )
    for name, (digest, number) in recorded.items():
        if name not in now:
            found.append(diag("version.edited", display(seal), number, f"{name} was frozen here and is gone", fix))
        elif now[name] != digest:
            found.append(
                diag("version.edited", display(folder / name), 0, f"{name} has been edited since it was frozen", fix)
            )
    for name in now.keys() - recorded.keys():
        found.append(diag("version.edited", display(folder / name), 0, f"{name} was added after it was frozen", fix))
    return found
