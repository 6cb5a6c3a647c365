"""One streaming pass over an export's bytes before it is parsed.

It gives what every later step needs without holding the file in memory: the SHA-256 (to skip
a file imported before), whether the bytes are valid UTF-8 (so DuckDB may read the file in
place), how many lines it has (to check the line numbers DuckDB's parse implies), and whether
stray NUL bytes or lone carriage returns are present.
"""
from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

BLOCK = 16 << 20
HEAD = 65536


@dataclass(frozen=True)
class FileScan:
    path: Path
    size: int
    sha256: str
    head: bytes  # the first 64 kB
    utf8: bool  # every byte is valid UTF-8 (a BOM allowed)
    bom: bool  # starts with the UTF-8 BOM
    newlines: int  # line breaks: LF, CRLF, or a lone CR
    lone_cr: int  # CRs not followed by LF (old Mac files, stray CRs in fields)
    nul: bool  # holds a NUL byte somewhere
    trailing_newlines: int  # line breaks at the very end (a final newline is 1)


def scan_file(path: Path) -> FileScan:
    """Hash and characterise a file in one pass of 16 MB blocks."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    valid, nul, size = True, False, 0
    lf = cr = crlf = 0
    head = b""
    last = b""
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            if not head:
                head = block[:HEAD]
            digest.update(block)
            size += len(block)
            lf += block.count(b"\n")
            cr += block.count(b"\r")
            crlf += block.count(b"\r\n") + (last == b"\r" and block[:1] == b"\n")
            nul = nul or b"\x00" in block
            if valid and (not block.isascii() or utf8.getstate()[0]):
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    valid = False
            last = block[-1:]
            tail = (tail + block)[-4096:]
    if valid:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    stripped = tail.rstrip(b"\r\n")
    trailing = tail[len(stripped):]
    trailing_newlines = trailing.count(b"\n") + trailing.count(b"\r") - trailing.count(b"\r\n")
    return FileScan(path, size, digest.hexdigest(), head, valid,
                    head.startswith(codecs.BOM_UTF8), lf + cr - crlf, cr - crlf, nul,
                    trailing_newlines)
