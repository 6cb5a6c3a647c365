"""Time to compute the PRISMA counts and draw the diagram on the shared scisci corpus.

    python benchmarks/bench_prisma.py [--repeat 5]

The corpus (1,124 records and the 27 PDFs) is ingested into a fresh file, then screened by
script so every box has a number: every record decided at title/abstract (a seeded 12%
included), the included ones assessed at full text with a reason for each exclusion. The
clock covers `corpus.prisma` (every count's query) and `corpus.prisma_diagram` per format;
medians over --repeat runs. The machine's load average is printed: other jobs slow it.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci"
QUESTION = "Does the article study how science itself works?"
REASONS = ["wrong population", "wrong design", "no empirical data"]


def screen(corpus, seed: int = 7) -> None:
    """Decisions for every record, written in two statements (the setup, not timed)."""
    rng = random.Random(seed)
    corpus.set_question(QUESTION, "Include: empirical studies of science.", REASONS)
    ids = [r for (r,) in corpus.con.execute("SELECT record_id FROM records").fetchall()]
    now = datetime.now()
    included = [r for r in ids if rng.random() < 0.12]
    rows = [(QUESTION, r, "TRUE" if r in included else "FALSE", "bench", "import", None, now,
             "title_abstract", None) for r in ids]
    rows += [(QUESTION, r, "FALSE" if i % 3 == 0 else "TRUE", "bench", "import", None, now,
              "full_text", REASONS[i % len(REASONS)] if i % 3 == 0 else None)
             for i, r in enumerate(included) if i % 5]  # every fifth: not assessed
    corpus.con.executemany("INSERT INTO reviews (question, record_id, label, reviewer, source, "
                           "note, created_at, stage, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import litlab

    if not (SCISCI / "science_of_science.csv").exists():
        raise SystemExit(f"the shared scisci corpus is not at {SCISCI}")
    with tempfile.TemporaryDirectory() as folder:
        with litlab.open(Path(folder) / "scisci.duckdb") as corpus:
            corpus.ingest([SCISCI / "science_of_science.csv", SCISCI / "pdfs"])
            screen(corpus)
            counts = corpus.prisma(QUESTION)
            print(f"records {counts['records']:,}, screened {counts['screened']:,}, sought "
                  f"{counts['sought']}, assessed {counts['assessed']}, included "
                  f"{counts['included']}; load average {os.getloadavg()[0]:.1f}")
            began = time.perf_counter()  # the first draw imports matplotlib
            corpus.prisma_diagram(QUESTION, Path(folder) / "first.png")
            print(f"first diagram (.png, matplotlib imported): {time.perf_counter() - began:.2f} s")
            timings: dict[str, list[float]] = {"counts": [], ".png": [], ".svg": [], ".pdf": []}
            for i in range(args.repeat):
                began = time.perf_counter()
                corpus.prisma(QUESTION)
                timings["counts"].append(time.perf_counter() - began)
                for suffix in (".png", ".svg", ".pdf"):
                    began = time.perf_counter()
                    corpus.prisma_diagram(QUESTION, Path(folder) / f"flow{i}{suffix}")
                    timings[suffix].append(time.perf_counter() - began)
    for name, values in timings.items():
        what = "counts (16 queries)" if name == "counts" else f"counts + diagram {name}"
        print(f"{what}: median {statistics.median(values):.3f} s (min {min(values):.3f}, "
              f"max {max(values):.3f}, n={len(values)})")


if __name__ == "__main__":
    main()
