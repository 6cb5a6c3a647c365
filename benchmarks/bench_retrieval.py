"""Retrieval quality of litlab's three search modes on the shared science-of-science corpus.

    python benchmarks/bench_retrieval.py [--json]

Ingests the 1,124-record Scopus CSV into a throw-away DuckDB file, runs `corpus.index()`
(embeds every record with the bundled all-MiniLM-L6-v2 model: about 1-2 minutes on CPU), then
runs the 20 judged queries of `qrels_scisci.csv` in each mode (hybrid, dense, bm25) and reports,
averaged over the queries:

- nDCG@10 with graded gains (gain = relevance: 1 relevant, 2 highly relevant);
- recall@20, the share of a query's relevant records found in its top 20.

Judgements name records by DOI, or by exact title where a record has no DOI, never by
litlab's record_id (which depends on ingest order); they are mapped to record ids after ingest.
How they were made is in `qrels_scisci.md`.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import litlab
from litlab.ingest.fields import normalise_doi, title_key

HERE = Path(__file__).resolve().parent
CSV = HERE.parents[1] / "shared" / "corpora" / "scisci" / "science_of_science.csv"
QRELS = HERE / "qrels_scisci.csv"
MODES = ("hybrid", "dense", "bm25")
NDCG_K, RECALL_K = 10, 20


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_qrels(path: Path, records) -> tuple[dict[str, str], dict[str, dict[int, int]]]:
    """Query texts and, per query, {record_id: relevance} for the ingested corpus."""
    by_doi, by_title = defaultdict(list), defaultdict(list)
    for rid, doi, title in zip(records.record_id, records.doi, records.title):
        if doi := normalise_doi(doi):  # also None for pandas' NaN
            by_doi[doi].append(int(rid))
        else:  # title-only judgements refer to records without a DOI
            by_title[title_key(title)].append(int(rid))
    queries, qrels = {}, defaultdict(dict)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            queries[row["query_id"]] = row["query"]
            doi = normalise_doi(row["doi"])
            ids = by_doi.get(doi, []) if doi else by_title.get(title_key(row["title"]), [])
            if not ids:
                log(f"warning: {row['query_id']}: no record for {row['doi'] or row['title']!r}")
            for rid in ids:
                qrels[row["query_id"]][rid] = int(row["relevance"])
    return queries, qrels


def ndcg(ranked: list[int], rels: dict[int, int], k: int) -> float:
    dcg = sum(rels.get(rid, 0) / math.log2(i + 2) for i, rid in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    return dcg / sum(g / math.log2(i + 2) for i, g in enumerate(ideal))


def recall(ranked: list[int], rels: dict[int, int], k: int) -> float:
    return len(set(ranked[:k]) & rels.keys()) / len(rels)


def evaluate(corpus, queries: dict[str, str], qrels: dict[str, dict[int, int]]) -> dict:
    figures = {}
    for mode in MODES:
        ndcgs, recalls = [], []
        for qid, text in queries.items():
            ranked = [int(r) for r in corpus.search(text, k=RECALL_K, mode=mode).record_id]
            ndcgs.append(ndcg(ranked, qrels[qid], NDCG_K))
            recalls.append(recall(ranked, qrels[qid], RECALL_K))
        figures[mode] = {f"ndcg@{NDCG_K}": round(sum(ndcgs) / len(ndcgs), 4),
                         f"recall@{RECALL_K}": round(sum(recalls) / len(recalls), 4)}
    return figures


def compare(figures: dict) -> dict:
    """Hybrid against each single mode, per metric; equal to 3 decimals counts as a tie."""
    out = {}
    for mode in MODES[1:]:
        out[mode] = {}
        for metric, value in figures["hybrid"].items():
            diff = round(value - figures[mode][metric], 3)
            verdict = "beats" if diff > 0 else "ties" if diff == 0 else "loses to"
            out[mode][metric] = {"verdict": verdict, "difference": diff}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--csv", type=Path, default=CSV, help="the scisci corpus CSV")
    args = parser.parse_args()
    if not args.csv.exists():
        sys.exit(f"corpus not found: {args.csv}")

    with tempfile.TemporaryDirectory(prefix="litlab-retrieval-") as tmp:
        with litlab.open(Path(tmp) / "bench.duckdb") as corpus:
            start = time.perf_counter()
            corpus.ingest([args.csv])
            corpus.index()
            log(f"ingested and indexed in {time.perf_counter() - start:.0f} s")
            queries, qrels = load_qrels(QRELS, corpus.records())
            figures = evaluate(corpus, queries, qrels)

    result = {"queries": len(queries),
              "judged_relevant": sum(len(r) for r in qrels.values()),
              "modes": figures, "hybrid_vs": compare(figures)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    metrics = list(figures["hybrid"])
    print(f"Retrieval quality, {len(queries)} queries, {result['judged_relevant']} judged "
          f"relevant records (mean over queries)")
    print(f"{'mode':<8}" + "".join(f"{m:>12}" for m in metrics))
    for mode in MODES:
        print(f"{mode:<8}" + "".join(f"{figures[mode][m]:>12.3f}" for m in metrics))
    for mode, verdicts in result["hybrid_vs"].items():
        print(f"hybrid vs {mode}: " + ", ".join(
            f"{m} {v['verdict']} ({v['difference']:+.3f})" for m, v in verdicts.items()))


if __name__ == "__main__":
    main()
