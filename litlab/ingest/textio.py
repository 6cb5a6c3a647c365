"""Turning an export file's bytes into text: encoding detection, binary refusal."""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from litlab.errors import UnknownFormat


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 kB mean this is not a text export."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.05


def decode(data: bytes, name: str) -> DecodedText:
    """Decode an export: UTF-8 (with or without BOM), UTF-16 with BOM, else detected."""
    if looks_binary(data):
        raise UnknownFormat(f"{name}: this is a binary file, not a bibliographic export")
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(data.decode("utf-16"), "utf-16")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:  # undecidable: keep every byte readable rather than fail
        return DecodedText(data.decode("cp1252", errors="replace"), "cp1252 (guessed)")
    return DecodedText(str(best), best.encoding)
