"""PDF through headless LibreOffice: the DOCX files a build has just rendered, converted in one private call.

This module owns the one subprocess call to LibreOffice (``soffice``).  The DOCX bytes are written to a private
temporary folder (never the output folder, never a file a previous build left), converted there with a private
user profile (``-env:UserInstallation``, so that parallel conversions and a user's open LibreOffice do not
collide), and the PDF bytes read back; the folder goes with whatever LibreOffice left half-written.  Only a
build that asks for PDF calls it: nothing else in drafttools needs LibreOffice.

What the PDF holds comes from the DOCX: the headings' outline levels give the bookmarks, the document's language
(``w:lang``) the catalog's ``/Lang``, its core properties the title and author.  The export filter is asked for
bookmarks and for every font embedded, the standard ones too.

Reproducible where LibreOffice allows: LibreOffice 7.4 stamps the PDF with the time of the conversion
(``/CreationDate``, and ``/ID`` and ``/DocChecksum``, which hash it) and ignores SOURCE_DATE_EPOCH.  So the date
is replaced by the DOCX's own creation date (the paper's date) and the two hashes by one of the rest of the file,
each by a string of the same length, so that the cross-reference table's byte offsets still hold.  Everything
else LibreOffice writes is the same for the same DOCX on the same LibreOffice and fonts; another version or
other installed fonts may give other bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

# How long one conversion (all the papers of a build) may take before it is stopped.
TIMEOUT_SECONDS = 300.0

FILTER_OPTIONS = {
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "EmbedStandardFonts": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
}
FILTER = "pdf:writer_pdf_Export:" + json.dumps(FILTER_OPTIONS, separators=(",", ":"))


class LibreOfficeMissing(Exception):
    """No ``soffice`` (nor ``libreoffice``) on PATH."""


@dataclass(frozen=True, slots=True)
class Converted:
    """One document's PDF bytes, or, when LibreOffice made none, what it said (``failure``)."""

    pdf: bytes | None
    failure: str = ""


def soffice() -> str:
    """The LibreOffice program to run; raises LibreOfficeMissing when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise LibreOfficeMissing("LibreOffice (soffice) is not installed or not on PATH")
    return found


def convert(documents: dict[str, bytes]) -> dict[str, Converted]:
    """Each DOCX (by name, a file name stem) as PDF, in one LibreOffice call."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="drafttools-pdf-") as work:
        folder = Path(work)
        (folder / "in").mkdir()
        sources = []
        for name, data in documents.items():
            sources.append(folder / "in" / f"{name}.docx")
            sources[-1].write_bytes(data)
        argv = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            FILTER,
            "--outdir",
            str(folder / "out"),
            *map(str, sources),
        ]
        said = _run(argv, folder)
        found: dict[str, Converted] = {}
        for name, data in documents.items():
            pdf = folder / "out" / f"{name}.pdf"
            made = pdf.read_bytes() if pdf.is_file() else b""
            if made.startswith(b"%PDF-") and made.rstrip().endswith(b"%%EOF"):
                found[name] = Converted(settle(made, created(data)))
            else:
                found[name] = Converted(None, said or "LibreOffice wrote no PDF and said nothing")
        return found


def _run(argv: list[str], folder: Path) -> str:
    """Run LibreOffice in its own process group (its launcher starts a second process, which a timeout must stop
    too); returns what it said on stderr (else stdout), and its exit status when that was not 0."""
    env = {**os.environ, "HOME": str(folder)}  # nothing of the user's settings, nothing written to their home
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot run {argv[0]}: {exc.strerror or exc}"
    try:
        out, err = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill(process)
        process.communicate()
        return f"LibreOffice did not finish within {TIMEOUT_SECONDS:.0f} s and was stopped"
    finally:
        if process.poll() is None:  # interrupted: leave no LibreOffice behind
            _kill(process)
            process.wait()
    said = _said(err) or _said(out)
    return f"{said} (exit status {process.returncode})" if process.returncode else said


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _said(stream: bytes) -> str:
    """LibreOffice's message, without the java launcher's warning it prints on every run."""
    lines = stream.decode("utf-8", "replace").splitlines()
    return " ".join(line.strip() for line in lines if line.strip() and "javaldx" not in line)


def created(docx: bytes) -> str:
    """The DOCX's creation date (core properties ``dcterms:created``) as a PDF date, ``D:YYYYMMDDHHmmSSZ``."""
    try:
        with zipfile.ZipFile(BytesIO(docx)) as package:
            core = package.read("docProps/core.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return ""
    found = re.search(r"<dcterms:created[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)", core)
    return "D:" + "".join(found.groups()) + "Z" if found else ""


_DATE = re.compile(rb"/CreationDate\(D:[^)]*\)")
_HASHES = re.compile(rb"(/ID \[ ?<)([0-9A-F]{32})(>\s*<)([0-9A-F]{32})(> ?\]\s*/DocChecksum /)([0-9A-F]{32})")


def settle(pdf: bytes, date: str) -> bytes:
    """The conversion's time replaced by ``date`` and the hashes that cover it by a hash of the rest; each by as
    many bytes, so that the offsets of the cross-reference table hold.  Bytes of another shape are left as made."""
    if date:
        # LibreOffice writes (D:...Z'), which some readers (pypdf) refuse; the space keeps the length
        stamp = f"/CreationDate ({date})".encode("ascii")
        pdf = _DATE.sub(lambda m: stamp if len(stamp) == len(m[0]) else m[0], pdf)
    blank = _HASHES.sub(lambda m: m[1] + b"0" * 32 + m[3] + b"0" * 32 + m[5] + b"0" * 32, pdf)
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode("ascii")
    return _HASHES.sub(lambda m: m[1] + digest + m[3] + digest + m[5] + digest, pdf)
