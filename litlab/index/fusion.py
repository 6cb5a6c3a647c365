"""How hybrid search combines the BM25 and dense rankings into one.

The default, ``convex``, adds the retrievers' scores after scaling each per query: a
retriever's best record scores 1 and its record at rank ``floor_rank`` scores 0; BM25 weighs
``bm25_weight``, dense the rest. Reciprocal rank fusion (``rrf``, the former default) reads
ranks only, so BM25's exact match on a pasted passage, far ahead of its second hit, counted
no more than a marginal first place, and a weak dense ranking pushed it out of the top 5
(`benchmarks/bench_retrieval.py`, known-item queries). Scaled scores keep the size of a lead.

Each retriever ranks *units* (a record's own text, or a chunk of its PDF): a record scores by
its best unit, and its passage is the chunk that fuses best.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

# (record id, chunk id or None, raw score), best first.
Units = list[tuple[int, int | None, float]]
FUSIONS = ("convex", "rrf")


@dataclass
class Fused:
    score: dict[int, float]  # record id -> fused score
    best: dict[str, dict[int, float]]  # retriever -> record id -> its best raw score
    passages: dict[int, int]  # record id -> the chunk shown for it

    def top(self, k: int) -> list[int]:
        return sorted(self.score, key=lambda r: (-self.score[r], r))[:k]


def best_per_record(hits: Units) -> dict[int, float]:
    """Each record's best raw score, in rank order."""
    best: dict[int, float] = {}
    for record_id, _, value in hits:
        best.setdefault(record_id, value)
    return best


def scaler(ranked: list[float], floor_rank: int,
           no_match: float | None) -> Callable[[float], float]:
    """Raw score -> 1 at the best record, 0 at the record ranked ``floor_rank``.

    Fewer records than ``floor_rank``: the floor is the score of a record that does not match
    at all (BM25: 0) where the retriever has one, else the last record's. Not clipped, so the
    order of a single retriever survives beyond the floor.
    """
    top = ranked[0]
    if len(ranked) >= floor_rank:
        floor = ranked[floor_rank - 1]
    else:
        floor = no_match if no_match is not None else ranked[-1]
    span = top - floor
    if span <= 0:  # one record, or all tied: nothing to tell apart
        return lambda value: 1.0
    return lambda value: (value - floor) / span


def convex(units: dict[str, Units], bm25_weight: float, floor_rank: int) -> Fused:
    """Weighted sum of per-query scaled scores; a record (or chunk) a retriever did not return
    counts as its last returned record."""
    weights = {"bm25": bm25_weight, "dense": 1.0 - bm25_weight}
    present = [kind for kind, hits in units.items() if hits]
    total = sum(weights[kind] for kind in present)
    if total <= 0:  # only a retriever weighted 0 answered (BM25 finds no query word): use it
        weights, total = {kind: 1.0 for kind in present}, float(len(present))
    best = {kind: best_per_record(hits) for kind, hits in units.items()}
    chunks = {kind: {c: v for _, c, v in hits if c is not None} for kind, hits in units.items()}
    chunk_owner = {c: r for hits in units.values() for r, c, _ in hits if c is not None}
    records = set().union(*best.values())
    score: dict[int, float] = defaultdict(float)
    chunk_score: dict[int, float] = defaultdict(float)
    for kind in present:
        ranked = list(best[kind].values())
        scale = scaler(ranked, floor_rank, 0.0 if kind == "bm25" else None)
        weight, missing = weights[kind] / total, ranked[-1]
        for record_id in records:
            score[record_id] += weight * scale(best[kind].get(record_id, missing))
        for chunk_id in chunk_owner:
            chunk_score[chunk_id] += weight * scale(chunks[kind].get(chunk_id, missing))
    return Fused(dict(score), _ensure(best), _passages(chunk_score, chunk_owner))


def rrf(units: dict[str, Units], rrf_k: int) -> Fused:
    """Reciprocal rank fusion of the retrievers' record rankings."""
    best = {kind: best_per_record(hits) for kind, hits in units.items()}
    score: dict[int, float] = defaultdict(float)
    chunk_score: dict[int, float] = defaultdict(float)
    chunk_owner: dict[int, int] = {}
    for kind, hits in units.items():
        for rank, record_id in enumerate(best[kind], start=1):
            score[record_id] += 1 / (rrf_k + rank)
        for unit_rank, (record_id, chunk_id, _) in enumerate(hits, start=1):
            if chunk_id is not None:
                chunk_score[chunk_id] += 1 / (rrf_k + unit_rank)
                chunk_owner[chunk_id] = record_id
    return Fused(dict(score), _ensure(best), _passages(chunk_score, chunk_owner))


def _ensure(best: dict[str, dict[int, float]]) -> dict[str, dict[int, float]]:
    return {"dense": best.get("dense", {}), "bm25": best.get("bm25", {})}


def _passages(chunk_score: dict[int, float], chunk_owner: dict[int, int]) -> dict[int, int]:
    """Each record's best-fused chunk."""
    passages: dict[int, int] = {}
    for chunk_id in sorted(chunk_score, key=lambda c: (-chunk_score[c], c)):
        passages.setdefault(chunk_owner[chunk_id], chunk_id)
    return passages
