"""The classifier's labels as a label run of their own, beside the LLM runs.

Stored in ``label_runs``/``labels`` with backend ``classifier`` so that export, evaluate and
``--where label:...`` filters treat them like any run; the parameters say how many reviews,
which features and which embedding model and LLM run they came from.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import numpy as np

from litlab._version import __version__
from litlab.review.classifier import MODEL_ID, calibrated_probabilities, check_classes
from litlab.review.features import Features
from litlab.review.labels import current_reviews, normalise_question
from litlab.review.settings import ReviewSettings
from litlab.store import transaction

OPTIONS = ["TRUE", "FALSE", "UNCLEAR"]  # the LLM runs' default options, so columns line up
TEMPLATE = ("(no prompt) linear SVMs trained on the human reviews of the question, calibrated "
            "to probabilities; UNCLEAR and disputed reviews are not used and UNCLEAR is never "
            "predicted")


@dataclass
class ClassifierRun:
    run_id: int
    labeled: int
    reviewed: int
    predicted_true: int
    features: list[str]
    seconds: float
    status: str = "done"

    def to_dict(self) -> dict:
        return asdict(self)


def write_classifier_run(con: duckdb.DuckDBPyConnection, question: str, features: Features,
                         settings: ReviewSettings) -> ClassifierRun:
    """Train on the current reviews, label every record, store it all as one new run."""
    from litlab.labeling.runs import run_name

    start = time.perf_counter()
    question = normalise_question(question)
    reviews = current_reviews(con, question)
    reviews = reviews[~reviews.disputed]
    row_of = {int(r): i for i, r in enumerate(features.ids)}
    usable = reviews[reviews.label.isin(["TRUE", "FALSE"]) & reviews.record_id.isin(list(row_of))]
    rows = np.array([row_of[int(r)] for r in usable.record_id], dtype=np.int64)
    truth = (usable.label == "TRUE").to_numpy()
    check_classes(int(truth.sum()), int((~truth).sum()), settings)
    calibrated = calibrated_probabilities(features, rows, truth, settings)
    p_true = calibrated.p_true
    human = {int(r): (l, who) for r, l, who in zip(reviews.record_id, reviews.label,
                                                   reviews.reviewer)}
    parameters = {
        "reviewed": int(len(reviews)), "trained_on": {"TRUE": int(truth.sum()),
                                                      "FALSE": int((~truth).sum())},
        "features": features.groups, "embedding_model": features.details.get("embedding_model"),
        "llm_run": features.details.get("llm_run"), "tfidf_terms": features.details.get("tfidf_terms"),
        "tfidf_C": settings.tfidf_C, "embedding_C": settings.embedding_C,
        "embedding_weight": settings.embedding_weight, "class_weight": "balanced",
        "calibration": calibrated.method, "calibration_folds": calibrated.folds,
        "calibration_inputs": calibrated.inputs, "threshold": 0.5,
        "reviewers": sorted(set(reviews.reviewer)),
        "reviewed_records": "labeled with the human decision (method 'reviewed')",
    }
    run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM label_runs").fetchone()[0]
    now = datetime.now()
    labels = []
    for i, record_id in enumerate(features.ids):
        record_id, p = int(record_id), float(p_true[i])
        if record_id in human:
            label, who = human[record_id]
            probs = [1.0 if o == label else 0.0 for o in OPTIONS]
            labels.append((run_id, record_id, label, probs, None, None, None, "reviewed",
                           f"reviewed by {who}", None, False, None, now))
        else:
            labels.append((run_id, record_id, "TRUE" if p >= 0.5 else "FALSE", [p, 1.0 - p, 0.0],
                           None, None, None, "classifier", None, None, False, None, now))
    with transaction(con):
        con.execute(
            "INSERT INTO label_runs VALUES (?, ?, ?, ?, 'abstract', 'classifier', ?, NULL, ?, ?, ?, "
            "?, 'done', NULL, ?, ?)",
            [run_id, run_name(question), question, OPTIONS,
             f"{MODEL_ID}; features: {', '.join(features.groups)}", TEMPLATE,
             json.dumps(parameters), __version__, [int(i) for i in features.ids], now,
             datetime.now()])
        con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", labels)
    predicted = sum(1 for row in labels if row[7] == "classifier" and row[2] == "TRUE")
    return ClassifierRun(run_id, len(labels), int(len(reviews)), predicted, features.groups,
                         round(time.perf_counter() - start, 2))


def classifier_methods_paragraph(run: dict) -> str:
    """The methods-section paragraph of a classifier run (``describe_run``'s dict)."""
    p = run["parameters"]
    trained = p["trained_on"]
    members = {"tfidf": "TF-IDF of title, abstract and keywords (unigrams and bigrams)",
               "embeddings": f"the {p.get('embedding_model')} embeddings of title, abstract and "
                             "keywords"}
    used = [members[g] for g in p["features"] if g in members]
    llm = ("; the probability of TRUE from LLM label run "
           f"{p.get('llm_run')} was a second input of the calibration, weighted by the reviews"
           if "llm_p_true" in p.get("calibration_inputs", []) else "")
    calibration = (f"Platt scaling fitted on {p.get('calibration_folds')}-fold out-of-fold "
                   "decision values" if str(p.get("calibration", "")).startswith("platt") else
                   "the logistic function (too few reviews of a class to calibrate)")
    from litlab.labeling.methods import validation_sentences

    return " ".join([
        f"Articles were labeled with litlab {run['litlab_version']} by class-balanced linear "
        f"support vector machines on {' and on '.join(used)} (C = {p.get('tfidf_C')} and "
        f"{p.get('embedding_C')}; decision values standardised and summed, the embedding model "
        f"weighted {p.get('embedding_weight')}), trained on {trained['TRUE'] + trained['FALSE']} "
        f"human reviews ({trained['TRUE']} TRUE, {trained['FALSE']} FALSE; reviewers: "
        f"{', '.join(p['reviewers'])}) of the question \u201c{run['question']}\u201d.",
        f"Probabilities of TRUE come from {calibration}{llm}.",
        f"A record is labeled TRUE when its probability is at least {p['threshold']}; "
        f"the {p['reviewed']} reviewed records keep their human label.",
        f"The run (id {run['run_id']}) labeled {run['n_records']} articles. Labels: "
        + ", ".join(f"{k} {v}" for k, v in run["distribution"].items()) + ".",
        validation_sentences(run, "classifier"),
    ]).strip()
