"""Progress of one export file: bytes read, rows read, rows/s, and where the rows went.

The caller's progress factory (tqdm in the CLI, the job's progress in the UI) gets one stage
per file, counted in bytes of the file; the counts so far go to its ``status`` line when it
has one. Python readers report after every batch; DuckDB's readers, which read the whole file
in one statement, after each step (staged, deduplicated, stored).
"""
from __future__ import annotations

import time
from typing import Callable

ProgressFactory = Callable[[str, int], Callable[[int], None]]


class FileProgress:
    """Counts for one file, passed on to a progress bar (or nowhere)."""

    def __init__(self, factory: ProgressFactory | None, name: str, size: int):
        self._advance = factory(f"reading {name}", size) if factory else None
        self._started = time.perf_counter()
        self.size, self.bytes_done = size, 0
        self.rows = self.stored = self.merged = self.rejected = 0

    def read(self, rows: int, rejected: int = 0, upto: int | None = None) -> None:
        """``rows`` more rows read (``rejected`` of them refused); the file read to byte
        ``upto`` (the end when None)."""
        self.rows += rows
        self.rejected += rejected
        self._bytes(self.size if upto is None else upto)

    def deduplicated(self, merged: int, rejected: int) -> None:
        """The rows found to duplicate others, and all those rejected."""
        self.merged, self.rejected = merged, rejected
        self._status()

    def done(self, stored: int, merged: int, rejected: int) -> None:
        """The file's final counts."""
        self.stored, self.merged, self.rejected = stored, merged, rejected
        self._bytes(self.size)
        self._status()
        close = getattr(self._advance, "close", None)
        if close:
            close()

    def status(self) -> str:
        """One line: rows read, rows/s, stored / merged / rejected so far."""
        seconds = max(time.perf_counter() - self._started, 1e-9)
        return (f"{self.rows:,} rows, {self.rows / seconds:,.0f} rows/s; {self.stored:,} stored, "
                f"{self.merged:,} merged, {self.rejected:,} rejected")

    def _bytes(self, upto: int) -> None:
        self._status()  # first: the bar's update below draws it
        if self._advance and upto > self.bytes_done:
            self._advance(upto - self.bytes_done)
            self.bytes_done = upto

    def _status(self) -> None:
        show = getattr(self._advance, "status", None)
        if show:
            show(self.status())
