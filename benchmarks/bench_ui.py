"""Search latency through the web UI's API against the library call, side by side.

    python benchmarks/bench_ui.py [--queries 60] [--json]

Ingests and indexes the shared science-of-science CSV (1,124 records; about 1-2 minutes) into
a throw-away DuckDB file, serves the UI on a loopback port, and times the same hybrid searches
(k=10) three ways:

- ``library``: ``corpus.search()`` in this process (the baseline);
- ``ui x1``: one gradio_client calling the UI's ``/search`` endpoint, one query at a time;
- ``ui x20``: twenty clients at once (each its own gradio_client, one thread each).

For each, p50 and p95 round-trip milliseconds and the ratio to the library's p50/p95. The UI
runs searches 8 at a time (its concurrency limit), so at 20 clients some requests queue.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import litlab

HERE = Path(__file__).resolve().parent
CSV = HERE.parents[1] / "shared" / "corpora" / "scisci" / "science_of_science.csv"
WORDS = ("citation", "bibliometric", "collaboration", "gender", "peer review", "altmetrics",
         "funding", "mobility", "novelty", "impact factor", "open access", "preprints")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "n": len(ordered)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(call, query) -> float:
    start = time.perf_counter()
    result = call(query)
    assert len(result) > 0, f"no result for {query!r}"
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from gradio_client import Client

    from litlab.ui.server import launch

    queries = [f"{WORDS[i % len(WORDS)]} {['analysis', 'trends', 'effects', 'measures'][i % 4]}"
               for i in range(args.queries)]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = litlab.open(Path(tmp) / "scisci.duckdb")
        log("ingesting and indexing the shared CSV ...")
        corpus.ingest([CSV])
        corpus.index()
        corpus.search("warm up", 10)
        ctx, app, url = launch(corpus, port=free_port(), quiet=True)
        try:
            results = {}
            library = [timed(lambda q: corpus.search(q, 10), q) for q in queries]
            results["library"] = percentiles(library)
            client = Client(url, verbose=False)
            client.predict("warm up", "hybrid", 10, api_name="/search")
            api = lambda c: (lambda q: c.predict(q, "hybrid", 10, api_name="/search"))  # noqa: E731
            results["ui x1"] = percentiles([timed(api(client), q) for q in queries])
            clients = [Client(url, verbose=False) for _ in range(20)]
            rounds = max(1, args.queries // 20)
            with ThreadPoolExecutor(20) as pool:
                times = []
                for r in range(rounds):
                    times += list(pool.map(lambda pair: timed(api(pair[0]), pair[1]),
                                           [(c, queries[(r * 20 + i) % len(queries)])
                                            for i, c in enumerate(clients)]))
            results["ui x20"] = percentiles(times)
        finally:
            ctx.jobs.shutdown()
            app.close()
            corpus.close()
    base = results["library"]
    for row in results.values():
        row["p50_ratio"] = round(row["p50_ms"] / base["p50_ms"], 1)
        row["p95_ratio"] = round(row["p95_ms"] / base["p95_ms"], 1)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'search (k=10, hybrid)':<24}{'p50 ms':>10}{'p95 ms':>10}{'p50 x lib':>11}"
          f"{'p95 x lib':>11}{'n':>6}")
    for name, row in results.items():
        print(f"{name:<24}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['p50_ratio']:>11}"
              f"{row['p95_ratio']:>11}{row['n']:>6}")


if __name__ == "__main__":
    main()
