"""Turning an export file's bytes into text: encoding detection, refusal of what is not text."""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from litlab.errors import UnknownFormat

# Bytes a file starts with, and what a user should be told the file is instead of an export.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Excel or Word file, or a zipped export): unpack it, or "
                    "save the sheet as CSV, and ingest the file inside"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file: decompress it first"),
    (b"BZh", "a bzip2-compressed file: decompress it first"),
    (b"\xfd7zXZ\x00", "an xz-compressed file: decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
    (b"%PDF-", "a PDF (give PDFs a .pdf name, or put them in a folder)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls/.doc): save it as CSV"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
# A few stray NUL bytes are damage inside a text file (the rows holding them are rejected);
# more than this share of the head means the file is not text at all.
_MAX_NUL_SHARE = 0.01


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the head is UTF-16 text that lost its BOM, else None.

    Mostly-Latin text in UTF-16 has a NUL in every other byte: the high byte of each unit.
    """
    pairs = len(head) // 2
    if pairs < 8:
        return None
    odd = head[1 : 2 * pairs : 2].count(0) / pairs
    even = head[0 : 2 * pairs : 2].count(0) / pairs
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high > 0.3 and low < 0.02:
            try:
                head[: 2 * pairs - 2].decode(encoding)  # the last unit may be half a pair
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def refuse_binary(data: bytes, name: str) -> None:
    """Raise UnknownFormat, naming what the file is, when its head is not text."""
    head = data[:8192]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnknownFormat(f"{name}: this is {what}, not a bibliographic export")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(head):
        return
    if head.count(0) > _MAX_NUL_SHARE * len(head):
        raise UnknownFormat(f"{name}: this is a binary file, not a bibliographic export")
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and controls / len(head) > 0.05:
        raise UnknownFormat(f"{name}: this is a binary file, not a bibliographic export")


def decode(data: bytes, name: str) -> DecodedText:
    """Decode an export: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else detected.

    Stray NUL bytes stay in the text: the rows that hold them are rejected, not the file.
    """
    refuse_binary(data, name)
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(data.decode("utf-16", errors="replace"), "utf-16")
    bare_utf16 = utf16_without_bom(data[:8192])
    if bare_utf16:
        return DecodedText(data.decode(bare_utf16, errors="replace"), bare_utf16)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:  # undecidable: keep every byte readable rather than fail
        return DecodedText(data.decode("cp1252", errors="replace"), "cp1252 (guessed)")
    return DecodedText(str(best), best.encoding)


# Encoding detection reads at most this much of a file that is not UTF-8 (all of a smaller one,
# so that a small file is decoded exactly as a whole-file detection would).
DETECT_SAMPLE = 8 << 20


def detect_encoding(path, head: bytes, utf8: bool) -> tuple[str, str]:
    """(codec to open the file with, encoding to report) without reading the whole file.

    The same rules as ``decode``; charset_normalizer judges the first ``DETECT_SAMPLE`` bytes.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    bare_utf16 = utf16_without_bom(head[:8192])
    if bare_utf16:
        return bare_utf16, bare_utf16
    if utf8:
        return "utf-8", "utf-8"
    from charset_normalizer import from_bytes

    with open(path, "rb") as fh:
        sample = fh.read(DETECT_SAMPLE)
    best = from_bytes(sample).best()
    if best is None:  # undecidable: keep every byte readable rather than fail
        return "cp1252", "cp1252 (guessed)"
    return best.encoding, best.encoding


def open_text(path, codec: str):
    """The file as text, decoded as it is read (undecodable bytes replaced, line ends kept)."""
    return open(path, encoding=codec, errors="replace", newline="")


def lf_lines(fh, block: int = 1 << 20):
    """The lines of a text stream split at LF only (a CR is kept), without the LF, as
    ``text.split("\\n")`` gives them, read a block at a time."""
    rest = ""
    while chunk := fh.read(block):
        lines = (rest + chunk).split("\n")
        rest = lines.pop()
        yield from lines
    yield rest
