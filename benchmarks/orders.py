"""litlab's screening orders on the shared reviews, simulated once and kept under
build/screening-orders/, so that the stopping-rule comparison and the learner benchmark
read the same runs instead of simulating again.

A cached run is keyed by the file's SHA-256, the learner's settings, the priors, the seed and
whether the model rule's estimates were recorded; bump VERSION when the replay changes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np

from litlab.review.metrics import screening_metrics
from litlab.review.settings import ReviewSettings
from litlab.review.simulate import replay

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "screening-orders"
VERSION = "o1"
LEARNER_FIELDS = ("learner", "tfidf_C", "screening_ratio", "embedding_C", "embedding_weight",
                  "max_tfidf_features", "min_per_class", "estimate_every")


def settings_key(settings: ReviewSettings, extra: dict | None = None) -> str:
    """A short digest of what changes a screening order."""
    fields = {f: getattr(settings, f) for f in LEARNER_FIELDS}
    fields.update(extra or {})
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()
                          ).hexdigest()[:10]


def cache_path(name: str, sha256: str, settings: ReviewSettings, priors, seed: int,
               estimates: bool = True, extra: dict | None = None) -> Path:
    tag = "-".join(map(str, priors)) or "cold"
    return CACHE / (f"{name}-{sha256[:12]}-{settings_key(settings, extra)}-{tag}-s{seed}"
                    f"{'-est' if estimates else ''}-{VERSION}.npz")


def cached_run(name: str, sha256: str, features, truth: np.ndarray, settings: ReviewSettings,
               priors: np.ndarray, seed: int, estimates: bool = True,
               extra: dict | None = None, run=None) -> dict:
    """One replay's full order (every row, priors first), the model rule's estimates (when
    asked), the screening metrics (priors not counted) and the seconds it took. ``run``
    replaces litlab's replay (a candidate learner) with the same signature."""
    path = cache_path(name, sha256, settings, priors, seed, estimates, extra)
    if path.exists():
        data = np.load(path)
        keys, means, variances = data["est_n"], data["est_mean"], data["est_var"]
        return {"order": data["order"], "estimates": {int(k): (float(m), float(v)) for k, m, v
                                                      in zip(keys, means, variances)},
                "metrics": json.loads(str(data["metrics"])), "seconds": float(data["seconds"]),
                "cold_start": int(data["cold"])}
    rules_settings = dataclasses.replace(settings, stopping_rule="model" if estimates
                                         else "buscar")
    rep = (run or replay)(features, truth, rules_settings, np.asarray(priors, dtype=np.int64),
                          "relevant", seed)
    found = truth[rep.order[len(priors):]]
    metrics = screening_metrics(found, int(truth.sum() - truth[priors].sum()))
    est = rep.estimates
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp.npz")
    np.savez(partial, order=rep.order, est_n=np.array(list(est), dtype=np.int64),
             est_mean=np.array([m for m, _ in est.values()]),
             est_var=np.array([v for _, v in est.values()]), metrics=json.dumps(metrics),
             seconds=rep.seconds, cold=rep.cold_start)
    partial.replace(path)
    return {"order": rep.order, "estimates": est, "metrics": metrics, "seconds": rep.seconds,
            "cold_start": rep.cold_start}
