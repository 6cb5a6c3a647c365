"""Embedding throughput of `litlab index` against a bare SentenceTransformer.encode.

    python benchmarks/bench_index.py

Both sides embed the same texts (the 1,124 shared records: title, abstract, keywords) with the
same model on the same device, in one process, the model already loaded. litlab's figure covers
the whole index step for records (hashing, embedding, writing vectors to DuckDB, building FAISS
and BM25); the second figure is a re-index of the unchanged corpus (target under 2 s).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import litlab
from litlab.index.embedders import load_embedder
from litlab.index.vectors import texts

SCISCI = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "scisci"


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="litlab-bench-"))
    corpus = litlab.open(tmp / "bench.duckdb")
    corpus.ingest([SCISCI / "science_of_science.csv"])
    settings = corpus.settings.index
    embedder = load_embedder(settings.model, settings.device, settings.batch_size)
    items = [t for _, t in texts(corpus.con, "record")]
    embedder.model.encode(items[:64])  # warm-up for both sides

    start = time.perf_counter()
    embedder.model.encode(items, batch_size=settings.batch_size, normalize_embeddings=True)
    bare = time.perf_counter() - start

    start = time.perf_counter()
    corpus.index()
    first = time.perf_counter() - start

    start = time.perf_counter()
    report = corpus.index()
    second = time.perf_counter() - start
    assert report.granularities["record"]["embedded"] == 0

    n = len(items)
    print(f"Embedding {n} shared records with {settings.model} on {embedder.model.device}")
    print(f"  bare SentenceTransformer.encode  {n / bare:7.1f} records/s  ({bare:.1f} s)")
    print(f"  litlab index (whole step)        {n / first:7.1f} records/s  ({first:.1f} s)   "
          f"ratio {bare / first:.2f} of bare (target >= 0.90)")
    print(f"  litlab index, unchanged corpus   {second:7.2f} s (target < 2 s)")
    corpus.close()


if __name__ == "__main__":
    main()
