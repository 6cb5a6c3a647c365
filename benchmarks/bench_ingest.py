"""Ingest speed against the plain baselines named in the issues, side by side in one run.

    python benchmarks/bench_ingest.py [--repeat 5] [--skip-big]

1. The shared Scopus-derived CSV (1,124 rows): `litlab` ingest (scan, detect, parse, clean,
   deduplicate, write in one transaction) against a bare `pandas.read_csv` of the same file.
   The corpus file is created before the clock starts; opening it is printed apart.
2. 1M-row Scopus CSV and 1M-record OpenAlex JSONL written by `make_big_corpus.py` (under
   build/big/; skipped with a message when absent): each ingested into one fresh corpus in a
   child process (CSV first, so the JSONL's duplicates of it are found), with seconds, peak
   resident memory and every row accounted for, against the targets (3 min, 3 GB) and
   against what the generator planted.
3. The 27 shared PDFs: pages/s of litlab's whole PDF step (extract and chunk in worker
   processes, link, store) against a bare single-process PyMuPDF `get_text` loop.
Medians over --repeat runs; each litlab run writes a fresh database file. The machine's load
average is printed with each section: other jobs on a shared machine slow both sides.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci"
CSV = SCISCI / "science_of_science.csv"
PDFS = SCISCI / "pdfs"
BIG = ROOT / "build" / "big"
BIG_FILES = (BIG / "scopus_1m.csv", BIG / "openalex_1m.jsonl")
TARGET_S, TARGET_GB = 180, 3.0


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def load() -> str:
    return "load average %.1f %.1f %.1f" % os.getloadavg()


def bare_pdf_loop() -> int:
    import pymupdf

    pages = 0
    for path in sorted(PDFS.glob("*.pdf")):
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages


def scisci_csv(tmp: Path, repeat: int) -> None:
    import pandas as pd

    import litlab

    def litlab_once(i: int) -> tuple[float, float]:
        started = time.perf_counter()
        with litlab.open(tmp / f"csv{i}.duckdb") as corpus:
            opened = time.perf_counter()
            corpus.ingest([CSV])
            return opened - started, time.perf_counter() - opened

    pd.read_csv(CSV)  # warm the page cache and imports for both sides
    litlab_once(-1)
    pandas_s = statistics.median(timed(lambda: pd.read_csv(CSV)) for _ in range(repeat))
    runs = [litlab_once(i) for i in range(repeat)]
    open_s, ingest_s = (statistics.median(r[k] for r in runs) for k in (0, 1))
    print(f"CSV ingest, {CSV.name} (1,124 rows), median of {repeat}; {load()}")
    print(f"  pandas.read_csv      {pandas_s * 1000:8.1f} ms")
    print(f"  litlab ingest        {ingest_s * 1000:8.1f} ms   ratio {ingest_s / pandas_s:5.1f}x "
          f"(target <= 3x)")
    print(f"  (creating the corpus file before it: {open_s * 1000:.0f} ms, not counted)")


def child(db: str, files: list[str]) -> None:
    """Ingest ``files`` one by one into ``db``; print one JSON line per file."""
    import litlab

    with litlab.open(db) as corpus:
        for path in files:
            started = time.perf_counter()
            imp = corpus.ingest([path]).imports[0]
            print(json.dumps({
                "file": Path(path).name, "seconds": time.perf_counter() - started,
                "status": imp.status, "rows_read": imp.rows_read, "stored": imp.stored,
                "duplicates": imp.duplicates, "rejected": imp.rejected,
                "duplicate_reasons": imp.duplicate_reasons,
                "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
            }), flush=True)


def big_files(tmp: Path) -> None:
    missing = [p for p in BIG_FILES if not p.exists()]
    if missing:
        print(f"1M-row files: skipped, {', '.join(p.name for p in missing)} not found. "
              f"Write them with `python benchmarks/make_big_corpus.py` (build/big/, ~12 GB, "
              f"~10 minutes).")
        return
    planted = json.loads((BIG / "manifest.json").read_text())
    print(f"1M-row files, each into one fresh corpus, CSV first; {load()} at start")
    out = subprocess.run([sys.executable, __file__, "--child", str(tmp / "big.duckdb"),
                          *map(str, BIG_FILES)], capture_output=True, text=True)
    if out.returncode:
        print("  the child process failed:\n" + out.stderr[-3000:])
        return
    for line, kind in zip(out.stdout.splitlines(), ("csv", "jsonl")):
        r = json.loads(line)
        truth = planted[kind]
        accounted = r["stored"] + r["duplicates"] + r["rejected"]
        print(f"  {r['file']:20s} {r['seconds']:7.1f} s  ratio {r['seconds'] / TARGET_S:4.2f} of "
              f"the 3-minute target; peak RSS so far {r['peak_rss_gb']:.2f} GiB "
              f"(target <= {TARGET_GB:.0f} GB)")
        print(f"    {r['rows_read']:,} rows read = {r['stored']:,} stored + {r['duplicates']:,} "
              f"duplicates + {r['rejected']:,} rejected "
              f"({'all accounted' if accounted == r['rows_read'] else 'NOT ACCOUNTED'}; "
              f"{truth['rows']:,} in the file)")
        print(f"    duplicates by reason {r['duplicate_reasons']}; planted "
              f"{sum(truth['duplicates'].values()):,} {truth['duplicates']}; rejects planted "
              f"{truth['rejects']:,}")
    print(f"  {load()} at the end")


def pdf_step(tmp: Path, repeat: int) -> None:
    import litlab

    pages = bare_pdf_loop()
    bare_s = statistics.median(timed(bare_pdf_loop) for _ in range(max(1, repeat // 2)))
    runs = []
    for i in range(max(1, repeat // 2)):
        with litlab.open(tmp / f"pdf{i}.duckdb") as corpus:
            corpus.ingest([CSV])
            runs.append(timed(lambda: corpus.ingest([PDFS])))
    step_s = statistics.median(runs)
    print(f"PDF step, {pages} pages in 27 PDFs, median of {len(runs)}; {load()}")
    print(f"  bare get_text loop   {pages / bare_s:8.0f} pages/s ({bare_s:.2f} s)")
    print(f"  litlab PDF step      {pages / step_s:8.0f} pages/s ({step_s:.2f} s)   "
          f"ratio {bare_s / step_s:4.2f}x of the bare loop (target >= 0.5x)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-big", action="store_true", help="leave out the 1M-row files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="litlab-bench-") as folder:
        tmp = Path(folder)  # the 1M corpus alone is ~15 GB: removed at the end
        scisci_csv(tmp, args.repeat)
        if args.skip_big:
            print("1M-row files: skipped (--skip-big)")
        else:
            big_files(tmp)
        pdf_step(tmp, args.repeat)


if __name__ == "__main__":
    main()
