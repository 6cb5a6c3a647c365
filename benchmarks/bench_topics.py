"""Topics: time, topic count and outliers on the shared corpus; cost growth on synthetic
embeddings; topic coherence (NPMI) of litlab's topics against the seed workflow's baseline.

    python benchmarks/bench_topics.py [--sizes 50000,200000] [--db INDEXED.duckdb]
                                      [--skip-shared] [--json]

1. The 1,124 shared records (scisci), ingested and indexed first (embedding is not timed; give
   --db an already indexed copy to skip it): seconds of `corpus.topics(reduce_outliers=True)`
   (BERTopic fit on the stored vectors, KeyBERT-inspired words, outlier reduction, the 2-D
   map, storing), number of topics, outlier share before and after reduction.
2. Synthetic corpora of --sizes records (default 50k and 200k; 0 skips): 384-d unit vectors
   around 80 topic centres (lognormal sizes, sub-clusters, broad noise) with 40-word texts
   drawn from each topic's own and a shared vocabulary, written into a fresh DuckDB corpus.
   Each size runs in its own process: seconds of `corpus.topics(reduce_outliers=True)` and of
   writing the figures, that process's peak RSS, topics found and the adjusted Rand index
   against the true centres. Target on this machine: 200k under 10 minutes and 8 GB.
3. Coherence on the shared abstracts: NPMI of each topic's top-10 words, document
   co-occurrence over the abstracts (pairs with a word absent from the abstracts are left
   out; coverage shown), mean over topics, for litlab's topics (as found, and --nr-topics 5)
   against the seed workflow's baseline: PaCMAP to 3-d on the same stored vectors, KMeans
   k=5 on that projection, each cluster named by the author keywords of highest smoothed PMI
   (add-one) with the cluster; and the same clusters named by the words litlab counts, so the
   comparison does not hinge on author keywords being phrases that abstracts seldom repeat,
   and by c-TF-IDF as litlab names its own (to tell clustering from naming).
The load average is printed: this machine's 2 cores are shared, and timings move with it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

SCISCI = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "scisci"
DIM, CENTRES, WORDS = 384, 80, 40
TARGET_S, TARGET_GB = 600, 8


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- 1. the shared corpus -------------------------------------------------------------------
def shared_corpus(db: Path | None, tmp: Path):
    import litlab

    path = tmp / "scisci.duckdb"
    if db:
        shutil.copy(db, path)
    corpus = litlab.open(path)
    if not db:
        corpus.ingest([SCISCI / "science_of_science.csv"])
        corpus.index()
    start = time.perf_counter()
    report = corpus.topics(reduce_outliers=True)
    seconds = time.perf_counter() - start
    run = report.run
    return corpus, {"records": int(run["n_records"]), "seconds": round(seconds, 1),
                    "n_topics": report.n_topics,
                    "outliers_before": round(run["outliers_before"] / run["n_records"], 3),
                    "outliers_after": round(report.outlier_share, 3),
                    "stages": run["parameters"]["stage_seconds"], "run_id": int(run["topic_run_id"])}


# -- 2. synthetic corpora, one process each ----------------------------------------------------
def synthetic(n: int, seed: int = 7):
    """(vectors, texts, true topic) of n records."""
    rng = np.random.default_rng(seed)
    unit = lambda a: a / np.linalg.norm(a, axis=-1, keepdims=True)  # noqa: E731
    centres = unit(rng.standard_normal((CENTRES, DIM)))
    subs = unit(centres[np.repeat(np.arange(CENTRES), 4)] + 0.3 * unit(rng.standard_normal((CENTRES * 4, DIM))))
    weights = rng.lognormal(0, 0.8, CENTRES)
    truth = rng.choice(CENTRES, n, p=weights / weights.sum())
    sub = truth * 4 + rng.integers(0, 4, n)
    vectors = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 50_000):
        part = slice(start, min(n, start + 50_000))
        noise = rng.standard_normal((part.stop - part.start, DIM)).astype(np.float32) * 0.055
        vectors[part] = unit(subs[sub[part]] + noise)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.integers(4, 10))) for _ in range(CENTRES * 30 + 3000)]
    own, shared = np.array(vocab[:CENTRES * 30]).reshape(CENTRES, 30), np.array(vocab[CENTRES * 30:])
    pick_own = rng.random((n, WORDS)) < 0.5
    words = np.where(pick_own, own[truth[:, None], rng.integers(0, 30, (n, WORDS))],
                     shared[rng.integers(0, len(shared), (n, WORDS))])
    texts = [" ".join(row) for row in words]
    return vectors, texts, truth


def child(n: int, tmp: Path) -> dict:
    """Build a synthetic corpus of n records and time its topics (run in its own process)."""
    import pandas as pd
    import pyarrow as pa
    from sklearn.metrics import adjusted_rand_score

    import litlab

    vectors, texts, truth = synthetic(n)
    corpus = litlab.open(tmp / f"synthetic{n}.duckdb")
    frame = pd.DataFrame({"record_id": np.arange(1, n + 1), "import_id": 1,
                          "title": [t[:60] for t in texts], "abstract": texts,
                          "year": 2000 + np.arange(n) % 25})
    corpus.con.execute("INSERT INTO records (record_id, import_id, title, abstract, year) "
                       "SELECT * FROM frame")
    flat = pa.array(vectors.reshape(-1), type=pa.float32())
    arrow = pa.table({"granularity": ["record"] * n, "object_id": pa.array(np.arange(1, n + 1, dtype=np.int32)),
                      "model": [corpus.settings.index.model] * n, "text_hash": ["synthetic"] * n,
                      "vector": pa.ListArray.from_arrays(pa.array(np.arange(0, n * DIM + 1, DIM, dtype=np.int32)), flat)})
    corpus.con.register("arrow_vectors", arrow)
    corpus.con.execute("INSERT INTO embeddings SELECT * FROM arrow_vectors")
    corpus.con.unregister("arrow_vectors")
    del vectors, flat, arrow, frame
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    start = time.perf_counter()
    report = corpus.topics(reduce_outliers=True)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    corpus.topic_figures(tmp / f"figures{n}")
    figures = time.perf_counter() - start
    found = corpus.con.execute("SELECT topic_id FROM topic_assignments WHERE topic_run_id = 1 "
                               "ORDER BY record_id").fetchnumpy()["topic_id"]
    run = report.run
    return {"records": n, "seconds": round(seconds, 1), "figures_s": round(figures, 1),
            "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
            "peak_gb_before_topics": round(rss_before, 2), "n_topics": report.n_topics,
            "true_topics": CENTRES, "ari": round(adjusted_rand_score(truth, found), 3),
            "fitted_on": int(run["fitted_on"]),
            "outliers_before": round(run["outliers_before"] / n, 3),
            "outliers_after": round(report.outlier_share, 3),
            "stages": run["parameters"]["stage_seconds"]}


# -- 3. coherence -------------------------------------------------------------------------------
def clean(text: str) -> str:
    from litlab.topics.text import clean as bertopic_clean

    return " " + " ".join(bertopic_clean(text.lower()).split()) + " "


def npmi(topics: list[list[str]], documents: list[str]) -> tuple[float, float]:
    """(mean NPMI over topics, share of word pairs whose words both occur in the documents)."""
    presence: dict[str, np.ndarray] = {}
    for words in topics:
        for w in words:
            if w not in presence:
                term = clean(w)
                presence[w] = np.array([term in d for d in documents])
    n, scores, kept, total = len(documents), [], 0, 0
    for words in topics:
        pairs = []
        for a, b in combinations(words, 2):
            total += 1
            pa_, pb = presence[a].mean(), presence[b].mean()
            if pa_ == 0 or pb == 0:
                continue
            kept += 1
            joint = (presence[a] & presence[b]).sum() / n
            pairs.append(-1.0 if joint == 0 else
                         (1.0 if joint == 1 else np.log(joint / (pa_ * pb)) / -np.log(joint)))
        if pairs:
            scores.append(float(np.mean(pairs)))
    return float(np.mean(scores)), kept / max(total, 1)


def baseline_clusters(vectors: np.ndarray, k: int = 5, seed: int = 42) -> np.ndarray:
    """PaCMAP to 3-d, then KMeans with k clusters on the projection (the seed workflow)."""
    import pacmap
    from sklearn.cluster import KMeans

    projected = pacmap.PaCMAP(n_components=3, random_state=seed).fit_transform(vectors)
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(projected)


def pmi_names(labels: np.ndarray, terms: list[list[str]], top: int = 10) -> list[list[str]]:
    """Per cluster, the terms of highest add-one-smoothed PMI with it (seen at least twice)."""
    k = int(labels.max()) + 1
    vocab = sorted({w for ws in terms for w in ws})
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((k, len(vocab)))
    for label, ws in zip(labels, terms):
        for w in set(ws):
            counts[label, index[w]] += 1
    cluster_total, word_total = counts.sum(axis=1, keepdims=True), counts.sum(axis=0)
    pmi = (np.log((counts + 1) / (cluster_total + len(vocab)))
           - np.log((word_total + 1) / (counts.sum() + len(vocab))))
    pmi[counts < 2] = -np.inf  # a term seen once says little about a cluster
    return [[vocab[j] for j in np.argsort(-pmi[c])[:top]] for c in range(k)]


def coherence(corpus, run_id: int) -> list[tuple[str, int, float, float]]:
    from litlab.index.vectors import load_matrix

    rows = corpus.con.execute("SELECT abstract FROM records WHERE abstract IS NOT NULL").fetchall()
    documents = [clean(a) for (a,) in rows]
    out = []
    for label, run in (("litlab (topics as found)", run_id), ("litlab --nr-topics 5", None)):
        if run is None:
            corpus.topics(nr_topics=5, reduce_outliers=True)
        table = corpus.topic_table(run).table
        words = [t.keywords[:10] for t in table.itertuples() if t.topic_id >= 0]
        out.append((label, len(words), *npmi(words, documents)))
    ids, vectors = load_matrix(corpus.con, "record", corpus.settings.index.model)
    labels = baseline_clusters(vectors)
    keywords = dict(corpus.con.execute("SELECT record_id, author_keywords FROM records").fetchall())
    author = [[w.lower().strip() for w in (keywords.get(int(i)) or []) if w.strip()] for i in ids]
    words = pmi_names(labels, author)
    out.append(("baseline PaCMAP(3)+KMeans(5)+keyword PMI", len(words), *npmi(words, documents)))
    # The same clusters named from the words litlab counts (its stop words, 1-2 grams), so the
    # comparison of clusterings does not hinge on author keywords being phrases.
    from litlab.topics.text import clean as bertopic_clean, ctfidf, documents as record_texts
    from litlab.topics.text import vectorizer

    analyse = vectorizer().build_analyzer()
    texts, _, _ = record_texts(corpus.con, ids)
    words = pmi_names(labels, [analyse(bertopic_clean(t)) for t in texts])
    out.append(("  same clusters, PMI over words", len(words), *npmi(words, documents)))
    # ...and named as litlab names its own topics (c-TF-IDF): clustering vs naming.
    words = [[w for w, _ in ws] for ws in ctfidf(texts, labels, 10).values()]
    out.append(("  same clusters, c-TF-IDF words", len(words), *npmi(words, documents)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,200000")
    parser.add_argument("--db", type=Path, help="an indexed scisci corpus to copy (skips embedding)")
    parser.add_argument("--skip-shared", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.tmp)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="litlab-bench-topics-"))
    results: dict = {"load_start": load()}
    if not args.skip_shared:
        corpus, results["shared"] = shared_corpus(args.db, tmp)
        r = results["shared"]
        print(f"Shared corpus ({r['records']:,} records; embedding not timed; {load()})")
        print(f"  litlab topics --reduce-outliers   {r['seconds']:7.1f} s   {r['n_topics']} topics   "
              f"outliers {r['outliers_before']:.1%} before reduction, {r['outliers_after']:.1%} after")
        print(f"  stages (s): {r['stages']}")
        results["coherence"] = coherence(corpus, r["run_id"])
        corpus.close()
        print("Topic coherence on the shared abstracts (NPMI of top-10 words, mean over topics; "
              "-1..1, higher is better)")
        for label, k, score, coverage in results["coherence"]:
            print(f"  {label:<42} {k:>3} topics   NPMI {score:+.3f}   pairs scored {coverage:.0%}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip() and int(s)]
    if sizes:
        print(f"Synthetic corpora ({CENTRES} true topics; each size in its own process; "
              f"targets: 200k under {TARGET_S} s and {TARGET_GB} GB)")
        print(f"  {'records':>8} {'topics s':>9} {'figures s':>9} {'peak GB':>8} {'topics':>7} "
              f"{'ARI':>6} {'fitted on':>9} {'outliers before/after':>22}   load")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--tmp", str(tmp)],
                             capture_output=True, text=True)
        if out.returncode:
            print(f"  {n:>8,} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.setdefault("synthetic", []).append(r)
        print(f"  {n:>8,} {r['seconds']:>9.1f} {r['figures_s']:>9.1f} {r['peak_gb']:>8.2f} "
              f"{r['n_topics']:>7} {r['ari']:>6.3f} {r['fitted_on']:>9,} "
              f"{r['outliers_before']:>12.1%} / {r['outliers_after']:.1%}   {load()}")
        print(f"           stages (s): {r['stages']}")
    shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
