"""Calibration by the reviewer: a biased but well-ranking model's probabilities mapped to
labels that agree with the reviews, recorded in the run, reported by `calibrate` and
`evaluate`."""
from __future__ import annotations

import json

import numpy as np

from litlab.labeling import calibration


def _biased(n: int, seed: int):
    """A model that says TRUE to almost everything but ranks the true ones higher (as the
    Qwen2.5-Coder-1.5B does): P(TRUE) 0.90-0.97 for negatives, 0.97-0.999 for positives."""
    rng = np.random.default_rng(seed)
    gold = (rng.random(n) < 0.3).astype(int)
    p_true = np.where(gold == 1, rng.uniform(0.97, 0.999, n), rng.uniform(0.90, 0.975, n))
    probs = [[p, 1 - p - 1e-3, 1e-3] for p in p_true]
    return probs, [0 if g else 1 for g in gold]  # option 0 TRUE, option 1 FALSE


def test_calibration_turns_biased_probabilities_into_right_labels():
    probs, gold = _biased(40, 1)
    fitted = calibration.fit(probs, gold, 3)
    assert fitted["method"] in ("platt", "isotonic") and fitted["records"] == 40
    new_probs, new_gold = _biased(200, 2)
    raw_right = np.mean([int(np.argmax(p)) == g for p, g in zip(new_probs, new_gold)])
    right = np.mean([int(np.argmax(calibration.apply(fitted, p))) == g
                     for p, g in zip(new_probs, new_gold)])
    assert raw_right < 0.4 and right > 0.9
    stored = json.loads(json.dumps(fitted))  # as recorded in the run's parameters
    assert calibration.apply(stored, new_probs[0]) == calibration.apply(fitted, new_probs[0])


def test_few_reviews_fall_back_to_a_threshold_and_none_say_so():
    probs, gold = _biased(40, 3)
    few = [(p, g) for p, g in zip(probs, gold) if g == 0][:3] + \
          [(p, g) for p, g in zip(probs, gold) if g == 1][:8]
    fitted = calibration.fit([p for p, _ in few], [g for _, g in few], 3)
    assert fitted["method"] == "threshold"
    assert calibration.fit(probs[:5], [1] * 5, 3) is None
    text = calibration.format_calibration({"run_id": 4, "reviewed": 5, "calibration": None,
                                           "options": ["TRUE", "FALSE"], "dominant": {
                                               "option": "TRUE", "records": 39, "of": 40,
                                               "share": 0.975}})
    assert "UNCALIBRATED" in text and "10 reviews" in text and "TRUE takes 39 of 40" in text
