"""FAISS indices: derived files next to the database, rebuilt from DuckDB whenever stale.

Small corpora get an exact inner-product index. Above a threshold an IVF index is built with
its list count chosen from the corpus size and ``nprobe`` raised until recall@10 against
exact search, measured on a sample of the corpus's own vectors, reaches the target.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from litlab.errors import LitlabError

TUNE_QUERIES = 200
NPROBES = (4, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512)


@dataclass
class IndexInfo:
    model: str
    granularity: str
    fingerprint: str
    kind: str  # flat | ivf
    count: int
    dim: int
    nprobe: int | None = None
    recall_at_10: float | None = None


def index_paths(db_path: Path, model: str, granularity: str) -> tuple[Path, Path]:
    """The index file and its metadata sidecar for one (model, granularity)."""
    folder = db_path.parent / f"{db_path.stem}.litlab-index"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")[-80:]
    return folder / f"{slug}.{granularity}.faiss", folder / f"{slug}.{granularity}.json"


def _faiss():
    import faiss

    return faiss


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row indices of the k largest inner products per query (numpy, for ground truth)."""
    scores = queries @ vectors.T
    k = min(k, vectors.shape[0])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(top, order, axis=1)


def recall_at_10(index, vectors: np.ndarray, ids: np.ndarray, sample: np.ndarray) -> float:
    """Share of the exact top 10 that the index returns, over the sampled queries."""
    # Ground truth in slices of queries: a full queries x corpus score matrix at 1M is gigabytes.
    truth = np.concatenate([ids[exact_top_k(vectors, vectors[sample[i:i + 16]], 10)]
                            for i in range(0, len(sample), 16)])
    _, found = index.search(vectors[sample], 10)
    return float(np.mean([len(set(t) & set(f)) / len(t) for t, f in zip(truth, found)]))


def build(ids: np.ndarray, vectors: np.ndarray, exact_threshold: int, target_recall: float,
          seed: int = 0):
    """An index over the vectors (ids as labels) and what was chosen for it."""
    faiss = _faiss()
    n, dim = vectors.shape
    if n <= exact_threshold:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        index.add_with_ids(vectors, ids)
        return index, "flat", None, 1.0
    nlist = int(min(65536, max(64, 4 * np.sqrt(n))))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    train = vectors[rng.choice(n, size=min(n, nlist * 64), replace=False)]
    index.train(train)
    index.add_with_ids(vectors, ids)
    sample = rng.choice(n, size=min(n, TUNE_QUERIES), replace=False)
    recall = 0.0
    for nprobe in NPROBES:
        if nprobe > nlist:
            break
        index.nprobe = nprobe
        recall = recall_at_10(index, vectors, ids, sample)
        if recall >= target_recall + 0.01:  # a margin: the sample is an estimate
            break
    return index, "ivf", index.nprobe, recall


def save(index, info: IndexInfo, db_path: Path) -> None:
    """Write the index and its sidecar atomically (a crash never leaves a torn file)."""
    faiss = _faiss()
    index_file, meta_file = index_paths(db_path, info.model, info.granularity)
    index_file.parent.mkdir(parents=True, exist_ok=True)
    for target, write in ((index_file, lambda p: faiss.write_index(index, str(p))),
                          (meta_file, lambda p: Path(p).write_text(json.dumps(info.__dict__)))):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)


def load(db_path: Path, model: str, granularity: str, fingerprint: str):
    """The stored index if it exists, is readable and matches the vectors; else None."""
    index_file, meta_file = index_paths(db_path, model, granularity)
    try:
        info = IndexInfo(**json.loads(meta_file.read_text()))
        if info.fingerprint != fingerprint or info.model != model:
            return None
        index = _faiss().read_index(str(index_file))
    except (OSError, ValueError, TypeError, RuntimeError):
        return None  # missing, corrupt or from another version: rebuilt by the caller
    if index.ntotal != info.count:
        return None
    if info.nprobe:
        index.nprobe = info.nprobe
    return index, info


def search_one(index, query: np.ndarray, k: int):
    """A single query on one thread: on a small exact index, thread start-up costs more than
    the search (36 ms against 0.3 ms measured on two busy cores)."""
    faiss = _faiss()
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(query, k)
    finally:
        faiss.omp_set_num_threads(threads)


def to_device(index, device: str):
    """Move an index to the GPU when faiss reports one (or when asked); CPU otherwise."""
    if device == "cpu":
        return index
    faiss = _faiss()
    gpus = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    if gpus == 0:
        if device == "cuda":
            raise LitlabError("--device cuda: faiss sees no GPU (install the `gpu` extra, "
                              "faiss-gpu, on a machine with CUDA)")
        return index
    return faiss.index_cpu_to_all_gpus(index)
