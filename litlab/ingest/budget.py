"""One memory setting for an import, shared between DuckDB and the Python batches.

``IngestSettings.memory_limit`` is what one import may use on top of what the process held
before it. DuckDB gets most of it as its ``memory_limit`` (past which the staging table and
the joins spill to ``<db>.tmp``); Python readers get the rest as the size of their batches.
A file larger than the budget is streamed, never refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from litlab.errors import LitlabError

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
DUCKDB_SHARE = 0.6  # of the budget; DuckDB's own buffers stay below its limit
BATCH_SHARE = 0.1  # of the budget, for one batch of a Python reader (held about 3 times over)
# What a query holds outside DuckDB's limit whatever the file's size: its vectors (2,048 rows
# of every column at every step of the cleaning SELECT, per thread) and the UDFs' Arrow batches,
# measured at ~85 MB for rows of 2.7 kB on 2 threads.
WORKING = 96 << 20
MIN_DUCKDB = 64 << 20  # less, and DuckDB cannot pin the blocks a CSV scan needs
RECORD_BYTES = 16_000  # a generous record with its raw JSON, as Python objects and Arrow
MIN_BATCH, MAX_BATCH = 200, 20_000
SMALL_FILE = 64 << 20  # below this (and a tenth of the budget), DuckDB's limit is not set


def parse_size(text: str | int) -> int:
    """Bytes from ``"2GB"``, ``"512MiB"``, ``"1.5 GB"`` or a number of bytes."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", str(text))
    unit = match.group(2).upper() if match else None
    if unit not in _UNITS:
        raise LitlabError(f"memory limit {text!r} is not a size: give e.g. 2GB or 512MB")
    return int(float(match.group(1)) * _UNITS[unit])


@dataclass(frozen=True)
class Budget:
    """How one import's memory is shared."""

    total: int  # bytes

    @classmethod
    def of(cls, setting: str | int | None) -> "Budget | None":
        """The budget for a setting (None: no limit)."""
        return None if setting in (None, "") else cls(parse_size(setting))

    @property
    def duckdb_limit(self) -> str:
        """DuckDB's ``memory_limit``: its share, less what queries hold outside it."""
        share = min(int(self.total * DUCKDB_SHARE),
                    self.total - WORKING - int(self.total * BATCH_SHARE))
        return f"{max(MIN_DUCKDB, share) >> 20}MiB"

    @property
    def max_line(self) -> int:
        """The longest row DuckDB's readers take (each of its threads holds two buffers of
        it); a longer one sends the file to the Python reader."""
        return max(1 << 20, min(16 << 20, self.total // 32))

    @property
    def batch_rows(self) -> int:
        """Records a Python reader stages at a time."""
        return max(MIN_BATCH, min(MAX_BATCH, int(self.total * BATCH_SHARE) // RECORD_BYTES))

    def limits_file(self, size: int) -> bool:
        """Whether DuckDB's limit is worth setting for a file of ``size`` bytes (setting it
        costs a few milliseconds; a small file never comes near it)."""
        return size > min(SMALL_FILE, self.total // 10)
