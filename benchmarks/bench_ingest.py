"""Ingest speed against the plain baselines named in the issue, side by side in one run.

    python benchmarks/bench_ingest.py [--repeat 5]

1. The shared Scopus-derived CSV: `litlab` ingest (detect, parse, clean, deduplicate, write
   in one transaction) against a bare `pandas.read_csv` of the same file.
2. The 27 shared PDFs: pages/s of litlab's whole PDF step (extract in worker processes,
   chunk, link, store) against a bare single-process PyMuPDF `get_text` loop.
Medians over --repeat runs; each litlab run writes a fresh database file.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
import pymupdf

import litlab

SCISCI = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "scisci"
CSV = SCISCI / "science_of_science.csv"
PDFS = SCISCI / "pdfs"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bare_pdf_loop() -> int:
    pages = 0
    for path in sorted(PDFS.glob("*.pdf")):
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="litlab-bench-"))

    def ingest_csv(i: int) -> None:
        with litlab.open(tmp / f"csv{i}.duckdb") as corpus:
            corpus.ingest([CSV])

    pd.read_csv(CSV)  # warm the page cache and imports for both sides
    ingest_csv(-1)
    pandas_s = statistics.median(timed(lambda: pd.read_csv(CSV)) for _ in range(args.repeat))
    litlab_s = statistics.median(timed(lambda i=i: ingest_csv(i)) for i in range(args.repeat))
    print(f"CSV ingest, {CSV.name} (1,124 rows), median of {args.repeat}")
    print(f"  pandas.read_csv      {pandas_s * 1000:8.1f} ms")
    print(f"  litlab ingest        {litlab_s * 1000:8.1f} ms   ratio {litlab_s / pandas_s:5.1f}x "
          f"(target <= 3x)")

    pages = bare_pdf_loop()
    bare_s = statistics.median(timed(bare_pdf_loop) for _ in range(max(1, args.repeat // 2)))
    runs = []
    for i in range(max(1, args.repeat // 2)):
        with litlab.open(tmp / f"pdf{i}.duckdb") as corpus:
            corpus.ingest([CSV])
            runs.append(timed(lambda: corpus.ingest([PDFS])))
    step_s = statistics.median(runs)
    print(f"PDF step, {pages} pages in 27 PDFs, median of {len(runs)}")
    print(f"  bare get_text loop   {pages / bare_s:8.0f} pages/s ({bare_s:.2f} s)")
    print(f"  litlab PDF step      {pages / step_s:8.0f} pages/s ({step_s:.2f} s)   "
          f"ratio {bare_s / step_s:4.2f}x of the bare loop (target >= 0.5x)")


if __name__ == "__main__":
    main()
