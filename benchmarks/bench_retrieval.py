"""Retrieval quality of litlab's search modes on the shared science-of-science corpus.

    python benchmarks/bench_retrieval.py [--json] [--tune]

Ingests the 1,124-record Scopus CSV into a throw-away DuckDB file, runs `corpus.index()`
(embeds every record with the bundled all-MiniLM-L6-v2 model: about 1-2 minutes on CPU), then
scores each mode (hybrid, dense, bm25, and hybrid-rrf: the former default, reciprocal rank
fusion) on two query sets:

- topical: the 20 judged queries of `qrels_scisci.csv`; nDCG@10 with graded gains (gain =
  relevance: 1 relevant, 2 highly relevant) and recall@20 (the share of a query's relevant
  records in its top 20), averaged over queries;
- known-item: 40 distinctive passages pasted as queries, each 15 words from the middle of an
  abstract (abstracts of 60 words or more; passages that occur in another abstract are left
  out), drawn with a fixed seed; hit@5 (share whose record is in the top 5) and MRR (mean of
  1/rank of the record, 0 beyond rank 20).

`--tune` re-runs the choice of hybrid's BM25 weight on 200 *other* known-item passages
(another seed, disjoint from the 40 reported): the smallest weight whose hit@5 there is at
least BM25's. The topical queries play no part in that choice.

Judgements name records by DOI, or by exact title where a record has no DOI, never by
litlab's record_id (which depends on ingest order); they are mapped to record ids after ingest.
How they were made is in `qrels_scisci.md`.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import litlab
from litlab.index.searcher import Searcher
from litlab.settings import IndexSettings
from litlab.ingest.fields import normalise_doi, title_key

HERE = Path(__file__).resolve().parent
CSV = HERE.parents[1] / "shared" / "corpora" / "scisci" / "science_of_science.csv"
QRELS = HERE / "qrels_scisci.csv"
# mode name -> (search mode, settings changes)
MODES = {"hybrid": ("hybrid", {}), "hybrid-rrf": ("hybrid", {"fusion": "rrf"}),
         "dense": ("dense", {}), "bm25": ("bm25", {})}
NDCG_K, RECALL_K, HIT_K, MRR_K = 10, 20, 5, 20
PASSAGE_WORDS, MIN_ABSTRACT_WORDS = 15, 60
KNOWN_ITEMS, KNOWN_SEED = 40, 20261130  # reported
TUNE_ITEMS, TUNE_SEED = 200, 2  # for choosing the BM25 weight; disjoint from the reported
WEIGHTS = [round(0.30 + 0.05 * i, 2) for i in range(11)]  # 0.30 ... 0.80


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


def known_items(records) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(record id, passage) pairs: the reported set and the disjoint tuning set.

    A passage is 15 words from the middle of an abstract of at least 60 words; one that also
    occurs in another record's abstract (a repeated record) has no single right answer and is
    left out. Records in record_id order, which is the CSV's order for a fresh ingest.
    """
    with_abstract = records.dropna(subset=["abstract"]).sort_values("record_id")
    abstracts = [" ".join(a.split()) for a in with_abstract.abstract]  # one space between words
    pool = []
    for rid, abstract in zip(with_abstract.record_id, abstracts):
        words = abstract.split()
        if len(words) < MIN_ABSTRACT_WORDS:
            continue
        start = len(words) // 2 - PASSAGE_WORDS // 2
        passage = " ".join(words[start:start + PASSAGE_WORDS])
        if sum(passage in a for a in abstracts) == 1:
            pool.append((int(rid), passage))
    reported = random.Random(KNOWN_SEED).sample(pool, KNOWN_ITEMS)
    rest = [item for item in pool if item not in reported]
    return reported, random.Random(TUNE_SEED).sample(rest, TUNE_ITEMS)


def ndcg(ranked: list[int], rels: dict[int, int], k: int) -> float:
    dcg = sum(rels.get(rid, 0) / math.log2(i + 2) for i, rid in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    return dcg / sum(g / math.log2(i + 2) for i, g in enumerate(ideal))


def recall(ranked: list[int], rels: dict[int, int], k: int) -> float:
    return len(set(ranked[:k]) & rels.keys()) / len(rels)


def searcher(corpus, **changes) -> Searcher:
    return Searcher(corpus.con, corpus.path,
                    dataclasses.replace(corpus.settings.index, **changes))


def ranked(engine: Searcher, query: str, mode: str, k: int) -> list[int]:
    return [int(r) for r in engine.search(query, k=k, mode=mode).record_id]


def topical(engine: Searcher, mode: str, queries: dict[str, str],
            qrels: dict[str, dict[int, int]]) -> dict:
    ndcgs, recalls = [], []
    for qid, text in queries.items():
        found = ranked(engine, text, mode, RECALL_K)
        ndcgs.append(ndcg(found, qrels[qid], NDCG_K))
        recalls.append(recall(found, qrels[qid], RECALL_K))
    return {f"ndcg@{NDCG_K}": round(sum(ndcgs) / len(ndcgs), 4),
            f"recall@{RECALL_K}": round(sum(recalls) / len(recalls), 4)}


def known_item(engine: Searcher, mode: str, items: list[tuple[int, str]]) -> dict:
    hits, reciprocal = 0, 0.0
    for record_id, passage in items:
        found = ranked(engine, passage, mode, MRR_K)
        rank = found.index(record_id) + 1 if record_id in found else None
        hits += rank is not None and rank <= HIT_K
        reciprocal += 1 / rank if rank else 0.0
    return {f"known hit@{HIT_K}": round(hits / len(items), 4),
            "known MRR": round(reciprocal / len(items), 4)}


def evaluate(corpus, queries, qrels, items) -> dict:
    figures = {}
    for name, (mode, changes) in MODES.items():
        engine = searcher(corpus, **changes)
        figures[name] = {**topical(engine, mode, queries, qrels),
                         **known_item(engine, mode, items)}
        log(f"{name}: {figures[name]}")
    return figures


def tune(corpus, items: list[tuple[int, str]], queries, qrels) -> dict:
    """hit@5 and MRR of hybrid per BM25 weight on the tuning passages, BM25's own, and the
    weight chosen: the smallest whose hit@5 is at least BM25's.

    As a check on that choice (not an input to it): topical nDCG@10 per weight, and a
    leave-one-out estimate for choosing among the allowed weights on topical queries, each
    query scored with the weight that is best on the other 19.
    """
    bm25 = known_item(searcher(corpus), "bm25", items)
    grid = {w: known_item(searcher(corpus, bm25_weight=w), "hybrid", items) for w in WEIGHTS}
    key = f"known hit@{HIT_K}"
    allowed = [w for w in WEIGHTS if grid[w][key] >= bm25[key]]
    per_query = {w: [ndcg(ranked(searcher(corpus, bm25_weight=w), text, "hybrid", NDCG_K),
                          qrels[qid], NDCG_K) for qid, text in queries.items()] for w in WEIGHTS}
    for w in WEIGHTS:
        grid[w][f"topical ndcg@{NDCG_K}"] = round(sum(per_query[w]) / len(per_query[w]), 4)
    held_out = []
    for i in range(len(queries)):
        rest = {w: sum(v for j, v in enumerate(per_query[w]) if j != i) for w in allowed}
        held_out.append(per_query[max(allowed, key=lambda w: (rest[w], -w))][i] if allowed else 0)
    return {"bm25": bm25, "grid": grid, "chosen": allowed[0] if allowed else None,
            f"leave_one_out_ndcg@{NDCG_K}": round(sum(held_out) / len(held_out), 4)}


def compare(figures: dict) -> dict:
    """Hybrid against each other mode, per metric; equal to 3 decimals counts as a tie."""
    out = {}
    for mode in list(MODES)[1:]:
        out[mode] = {}
        for metric, value in figures["hybrid"].items():
            diff = round(value - figures[mode][metric], 3)
            verdict = "beats" if diff > 0 else "ties" if diff == 0 else "loses to"
            out[mode][metric] = {"verdict": verdict, "difference": diff}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--tune", action="store_true",
                        help="also choose hybrid's BM25 weight on the tuning passages")
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
            records = corpus.records()
            queries, qrels = load_qrels(QRELS, records)
            items, tuning = known_items(records)
            figures = evaluate(corpus, queries, qrels, items)
            tuned = tune(corpus, tuning, queries, qrels) if args.tune else None

    result = {"queries": len(queries), "judged_relevant": sum(len(r) for r in qrels.values()),
              "known_items": len(items), "known_seed": KNOWN_SEED,
              "bm25_weight": IndexSettings().bm25_weight,
              "modes": figures, "hybrid_vs": compare(figures), "tuning": tuned}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    metrics = list(figures["hybrid"])
    print(f"Retrieval quality: {len(queries)} topical queries ({result['judged_relevant']} judged "
          f"relevant records) and {len(items)} known-item passages (seed {KNOWN_SEED}); "
          f"means over queries; hybrid's BM25 weight {result['bm25_weight']}")
    print(f"{'mode':<11}" + "".join(f"{m:>14}" for m in metrics))
    for mode in MODES:
        print(f"{mode:<11}" + "".join(f"{figures[mode][m]:>14.3f}" for m in metrics))
    for mode, verdicts in result["hybrid_vs"].items():
        print(f"hybrid vs {mode}: " + ", ".join(
            f"{m} {v['verdict']} ({v['difference']:+.3f})" for m, v in verdicts.items()))
    if tuned:
        print(f"\nTuning: {TUNE_ITEMS} other known-item passages (seed {TUNE_SEED}); "
              f"bm25 hit@{HIT_K} {tuned['bm25'][f'known hit@{HIT_K}']:.3f}, "
              f"MRR {tuned['bm25']['known MRR']:.3f}")
        for weight, got in tuned["grid"].items():
            print(f"  hybrid, bm25_weight {weight:.2f}: hit@{HIT_K} "
                  f"{got[f'known hit@{HIT_K}']:.3f}, MRR {got['known MRR']:.3f}   "
                  f"(check, not used: topical nDCG@{NDCG_K} {got[f'topical ndcg@{NDCG_K}']:.3f})")
        print(f"  chosen: {tuned['chosen']} (the smallest weight at least as good as bm25)")
        print(f"  check: choosing among the allowed weights on 19 topical queries, nDCG@{NDCG_K} "
              f"of the 20th (leave-one-out): {tuned[f'leave_one_out_ndcg@{NDCG_K}']:.3f}")


if __name__ == "__main__":
    main()
