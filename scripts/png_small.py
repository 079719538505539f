"""Write a greyscale PGM (what `pdftoppm -gray` renders) as a small PNG: 16 levels of grey, 4 bits a pixel.

    python scripts/png_small.py PAGE.pgm PAGE.png

A page of black text at 60 dpi needs no more: anti-aliased edges keep their look, and the file is a third of an
8-bit PNG's size, so that each preview in docs/papers/ stays under 100 KB.  Standard library only.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:  # magic, width, height, maxval; comments start with '#'
        while data[at : at + 1].isspace():
            at += 1
        if data[at : at + 1] == b"#":
            at = data.index(b"\n", at) + 1
            continue
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    if fields[0] != b"P5" or int(fields[3]) != 255:
        raise SystemExit(f"{path}: not an 8-bit binary PGM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[at + 1 : at + 1 + width * height]


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png4(width: int, height: int, pixels: bytes) -> bytes:
    rows = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        levels = [(v * 15 + 127) // 255 for v in row] + [0]
        packed = bytes((levels[x] << 4) | levels[x + 1] for x in range(0, width, 2))
        rows.append(b"\0" + packed)
    header = struct.pack(">IIBBBBB", width, height, 4, 0, 0, 0, 0)  # 4-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    source, target = map(Path, sys.argv[1:3])
    Path(target).write_bytes(png4(*read_pgm(source)))
