"""Ingest speed and memory against the plain baselines named in the issues, side by side in one run.

    python benchmarks/bench_ingest.py [--repeat 5] [--rows 200000,1000000]
        [--layouts scisci,scopus,wos_tab,ris,openalex_jsonl] [--skip-big] [--skip-pdfs]

1. The shared Scopus-derived CSV (1,124 rows): `litlab` ingest (scan, detect, parse, clean,
   deduplicate, write in one transaction) against a bare `pandas.read_csv` of the same file.
   The corpus file is created before the clock starts; opening it is printed apart.
2. Each layout at each size (`make_layouts.py` writes it under build/layouts/ from the real
   scisci rows, with unique identifiers and planted duplicates; deleted after its run): the
   baseline reads the file in a child process (`pandas.read_csv` for the CSV and tab-delimited
   layouts, `rispy.load` for RIS, `json.loads` per line for JSON Lines), then litlab ingests
   it into a fresh corpus in another child process: seconds (imports and opening outside),
   peak resident memory of that process, every row accounted for (read = stored + merged +
   rejected) against what was planted. Targets: peak RSS <= 2.5 GB; time <= 10x the baseline.
3. The 27 shared PDFs: pages/s of litlab's whole PDF step (extract and chunk in worker
   processes, link, store) against a bare single-process PyMuPDF `get_text` loop.
Medians over --repeat runs for 1 and 3; each litlab run writes a fresh database file. The
machine's load average is printed with each line: other jobs on a shared machine slow both sides.
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
LAYOUT_DIR = ROOT / "build" / "layouts"
LAYOUTS = ("scisci", "scopus", "wos_tab", "ris", "openalex_jsonl")
TARGET_RATIO, TARGET_GB = 10, 2.5


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
          f"(target: under 500 ms)")
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
                "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
            }), flush=True)


def baseline(layout: str, path: str) -> None:
    """Read the file with the plain library alone; print its seconds as JSON (imports outside)."""
    import csv

    import pandas as pd
    import rispy

    started = time.perf_counter()
    if layout in ("scisci", "scopus"):
        n = len(pd.read_csv(path, dtype=str, on_bad_lines="skip"))
        name = "pandas.read_csv"
    elif layout == "wos_tab":
        n = len(pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, index_col=False,
                            on_bad_lines="skip"))
        name = "pandas.read_csv (tab)"
    elif layout == "ris":
        with open(path, encoding="utf-8") as fh:
            n = len(rispy.load(fh))
        name = "rispy.load"
    else:
        n = 0
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    json.loads(line)
                    n += 1
                except ValueError:
                    pass
        name = "json.loads per line"
    print(json.dumps({"baseline": name, "seconds": time.perf_counter() - started, "rows": n,
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}))


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def layouts(tmp: Path, names: list[str], sizes: list[int]) -> list[dict]:
    """Each layout at each size: baseline, then litlab, each in its own process."""
    results = []
    print(f"Layouts: {', '.join(names)} at {', '.join(f'{n:,}' for n in sizes)} rows "
          f"(peak RSS of the ingesting process; time against the plain reader)")
    for n in sizes:
        for layout in names:
            path = LAYOUT_DIR / f"{layout}_{n}.dat"
            made = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_layouts.py"),
                                   layout, str(n), str(path)], capture_output=True, text=True,
                                  check=True)
            planted = json.loads(made.stdout.strip().splitlines()[-1])
            try:
                base = _child("--baseline", layout, str(path))
                db = tmp / f"{layout}_{n}.duckdb"
                r = _child("--child", str(db), str(path))
            finally:
                path.unlink(missing_ok=True)
                for leftover in tmp.glob(f"{layout}_{n}.duckdb*"):
                    leftover.unlink()
            accounted = r["stored"] + r["duplicates"] + r["rejected"]
            ratio = r["seconds"] / base["seconds"]
            r.update(layout=layout, n=n, bytes=planted["bytes"], baseline=base["baseline"],
                     baseline_s=base["seconds"], ratio=ratio, planted=planted,
                     accounted=accounted == r["rows_read"] == n)
            results.append(r)
            print(f"  {layout:15s} {n:>9,} rows {planted['bytes'] / 1e9:5.2f} GB  litlab "
                  f"{r['seconds']:7.1f} s vs {base['baseline']} {base['seconds']:6.1f} s = "
                  f"{ratio:5.1f}x (target <= {TARGET_RATIO}x); peak RSS {r['peak_rss_gb']:.2f} GB "
                  f"(target <= {TARGET_GB} GB); {load()}")
            print(f"    {r['rows_read']:,} read = {r['stored']:,} stored + {r['duplicates']:,} "
                  f"merged + {r['rejected']:,} rejected "
                  f"({'all accounted' if r['accounted'] else 'NOT ACCOUNTED'}); planted "
                  f"{planted['doi']:,} by DOI + {planted['title_year']:,} by title and year, "
                  f"{planted['rejects']:,} broken; found {r['duplicate_reasons']}", flush=True)
    return results


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
    if len(sys.argv) > 1 and sys.argv[1] == "--baseline":
        baseline(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", default="200000,1000000")
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--skip-big", action="store_true", help="leave out the layouts")
    parser.add_argument("--skip-pdfs", action="store_true", help="leave out the PDF step")
    parser.add_argument("--json", type=Path, help="also write the layout results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="litlab-bench-", dir=ROOT / "build") as folder:
        tmp = Path(folder)  # a 1M-row corpus is several GB: removed after each run
        scisci_csv(tmp, args.repeat)
        if not args.skip_big:
            results = layouts(tmp, args.layouts.split(","), [int(n) for n in args.rows.split(",")])
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
        if not args.skip_pdfs:
            pdf_step(tmp, args.repeat)


if __name__ == "__main__":
    main()
