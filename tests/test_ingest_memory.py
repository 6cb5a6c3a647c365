"""A file larger than the memory setting is streamed through, every row kept, memory bounded.

The import runs in a child process so that its peak resident memory (VmHWM) is its own: the
growth from just before the import to the peak is measured. Known gap (issue 25): at a
setting this small the growth is about 2.2 times the setting (411-422 MB for 192 MB, DuckDB's
own limit 68 MB): what DuckDB holds outside its limit while it inserts into and commits the
stored tables was not found yet; the test holds it to 2.5 times so that it cannot grow.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MB = 192
ROWS = 75_000  # x ~2.7 kB, about the width of a real Scopus row: over the setting
WORDS = ("citation network journal impact science author field novelty team funding policy "
         "review data model metric evidence career mobility gender patent preprint").split()

CHILD = """
import json, re, sys
from pathlib import Path
import duckdb, numpy, pyarrow, rapidfuzz  # loaded before the baseline: not the import's memory
import litlab
from litlab.settings import IngestSettings, Settings
from litlab.ingest.formats import bibtex, openalex, ris, tabular, wos  # noqa: F401

def hwm(key):
    return int(re.search(key + r":\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) << 10

settings = Settings(ingest=IngestSettings(memory_limit=sys.argv[3]))
with litlab.open(sys.argv[1], settings=settings) as corpus:
    before = hwm("VmRSS")
    imp = corpus.ingest([sys.argv[2]]).imports[0]
    print(json.dumps({"before": before, "peak": hwm("VmHWM"), "status": imp.status,
                      "format": imp.format, "read": imp.rows_read, "stored": imp.stored,
                      "merged": imp.duplicates, "rejected": imp.rejected,
                      "message": imp.message}))
"""


def _title(i: int) -> str:
    # Titles that differ in most of their words: no two are near-duplicates.
    return " ".join(WORDS[(i // len(WORDS) ** k) % len(WORDS)] for k in range(4)) + f" {i}"


def _abstract(i: int) -> str:
    # ~2.6 kB of varied words, unique per row (so nothing compresses to nothing).
    words = [WORDS[(i * 7 + k * k) % len(WORDS)] for k in range(350)]
    return f"Study {i}: " + " ".join(words) + "."


def _csv(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("title,abstract,year,doi\n")
        for i in range(ROWS):
            fh.write(f'"{_title(i)}","{_abstract(i)}",{2000 + i % 25},10.5555/mem.{i}\n')
        fh.write(f'"{_title(7)}","again",2007,10.5555/mem.7\n')  # a duplicate by DOI
        fh.write("a row,with,too many,fields,here\n")  # rejected
    return path


def _ris(path: Path) -> Path:
    with open(path, "w", encoding="latin-1", newline="") as fh:  # not UTF-8: the Python reader
        for i in range(ROWS):
            fh.write(f"TY  - JOUR\nAU  - Müller, A.\nTI  - {_title(i)}\n"
                     f"PY  - {2000 + i % 25}\nAB  - {_abstract(i)}\n"
                     f"DO  - 10.5555/ris.{i}\nER  - \n\n")
        fh.write(f"TY  - JOUR\nTI  - {_title(3)}\nDO  - 10.5555/ris.3\nER  - \n\n")  # by DOI
        fh.write("TY  - JOUR\nAU  - Nobody\nER  - \n")  # no title, no DOI: rejected
    return path


@pytest.mark.parametrize("make, reader", [(_csv, "csv"), (_ris, "ris")])
def test_a_file_larger_than_the_memory_setting_is_streamed_and_every_row_kept(
        tmp_path, make, reader):
    path = make(tmp_path / f"big.{reader}")
    assert path.stat().st_size > 1.05 * LIMIT_MB * 10**6
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "c.duckdb"), str(path),
                          f"{LIMIT_MB}MB"], capture_output=True, text=True, timeout=300,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert (r["status"], r["format"]) == ("done", reader), r["message"]
    assert r["read"] == ROWS + 2
    assert (r["stored"], r["merged"], r["rejected"]) == (ROWS, 1, 1)
    grew_mb = (r["peak"] - r["before"]) / 10**6
    assert grew_mb < 2.5 * LIMIT_MB, f"the import grew the process by {grew_mb:.0f} MB"
