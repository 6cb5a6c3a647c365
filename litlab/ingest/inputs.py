"""What the paths a user gives are: export files, PDFs, folders, or things litlab cannot read.

Everything is looked at with ``stat`` before any byte is read: opening a FIFO waits for a
writer forever and ``/dev/zero`` never ends, so such paths are refused by type, not by content.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from litlab.errors import InputNotFound

_PIPE = ("a pipe (a FIFO, or data piped in with <(...) or |): litlab reads saved files; "
         "write the data to a file and ingest that")


@dataclass
class SortedInputs:
    exports: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # inside folders: (path, why)
    refused: list[tuple[str, str]] = field(default_factory=list)  # given by the user: (path, why)


def is_pdf(path: Path) -> bool:
    """A PDF by extension or by its magic bytes (``path`` is a regular file)."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file or folder, or None when it can (or is missing)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop (the link points back to itself)"
        if os.path.islink(path):
            return f"a broken symbolic link (its target {os.readlink(path)} does not exist)"
        if exc.errno == errno.ENOENT:
            return None  # missing: reported by the caller as InputNotFound
        return f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return _PIPE
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def _folder(path: Path, into: SortedInputs) -> None:
    before = len(into.pdfs) + len(into.skipped)
    for child in sorted(path.rglob("*")):
        if child.name.startswith("."):
            continue
        why = unreadable(child)
        if why:
            into.skipped.append((str(child), why))
        elif child.is_dir():
            if child.is_symlink():
                into.skipped.append((str(child), "a link to a folder: not followed"))
        elif is_pdf(child):
            into.pdfs.append(child)
        else:
            into.skipped.append((str(child), "not a PDF (only PDFs are read from folders)"))
    if len(into.pdfs) + len(into.skipped) == before:
        into.skipped.append((str(path), "an empty folder: no files in it"))


def sort_inputs(paths: list[Path]) -> SortedInputs:
    """Split user paths into export files and PDFs; say why each other path is not read.

    A missing path raises InputNotFound before anything is read.
    """
    problems = {str(p): unreadable(p) for p in paths}
    missing = [str(p) for p in paths if not problems[str(p)] and not os.path.exists(p)]
    if missing:
        raise InputNotFound(f"no such file or folder: {', '.join(missing)}")
    sorted_inputs = SortedInputs()
    for path in paths:
        why = problems[str(path)]
        if why:
            sorted_inputs.refused.append((str(path), why))
        elif path.is_dir():
            _folder(path, sorted_inputs)
        elif is_pdf(path):
            sorted_inputs.pdfs.append(path)
        else:
            sorted_inputs.exports.append(path)
    return sorted_inputs
