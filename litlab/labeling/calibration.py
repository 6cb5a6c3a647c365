"""A label run's probabilities calibrated by the reviewer's decisions on the same question.

An instruct model ranks abstracts well but its raw option probabilities are biased (the
Qwen2.5-Coder-1.5B answers TRUE for 99% of abstracts). Reviewed records of the question fix
that: for two reviewed options the raw log-odds ``log p(a) - log p(b)`` are mapped to a
probability by Platt scaling (logistic regression) or isotonic regression, whichever has the
lower cross-validated log-loss; with too few reviews of an option for cross-validation, by
a threshold (the raw log-odds shifted so that P=0.5 falls where the reviews are split best).
With three or more reviewed options, a multinomial logistic regression on the raw log-
probabilities. The fitted calibration is stored in the run's parameters (its provenance)
and applied when labels are read; the raw probabilities stay as the model gave them.
"""
from __future__ import annotations

import json
import math

import duckdb
import numpy as np

MIN_PER_OPTION = 5  # reviews of each option before cross-validated calibration
DOMINANT = 0.95  # one option taking this share of the labels is reported


def _reviews(con: duckdb.DuckDBPyConnection, run_id: int, options: list[str], question: str):
    """(raw probabilities, reviewed option index) of the run's reviewed records."""
    from litlab.review.labels import current_reviews

    reviews = current_reviews(con, question)
    reviews = reviews[~reviews.disputed]
    lookup = {o.lower(): i for i, o in enumerate(options)}
    gold = {int(r): lookup[str(l).strip().lower()] for r, l in zip(reviews.record_id,
                                                                     reviews.label)
            if str(l).strip().lower() in lookup}
    rows = con.execute("SELECT record_id, probabilities FROM labels WHERE run_id = ? AND "
                       "method <> 'no_text'", [run_id]).fetchall()
    pairs = [(list(p), gold[r]) for r, p in rows if r in gold]
    return [p for p, _ in pairs], [g for _, g in pairs]


def _log(p) -> np.ndarray:
    return np.log(np.clip(np.asarray(p, dtype=float), 1e-12, 1.0))


def fit(probabilities: list[list[float]], gold: list[int], n_options: int) -> dict | None:
    """The calibration for raw ``probabilities`` given the reviewed option indices, or None
    where the reviews cannot calibrate (fewer than two options reviewed)."""
    counts = {c: gold.count(c) for c in set(gold)}
    classes = sorted(counts, key=lambda c: (-counts[c], c))
    if len(classes) < 2:
        return None
    logs = _log(probabilities)
    if len(classes) > 2 and min(counts.values()) >= MIN_PER_OPTION:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(max_iter=1000).fit(logs[:, classes], gold)
        return {"method": "multinomial-platt", "classes": [int(c) for c in model.classes_],
                "inputs": [int(c) for c in classes], "coef": model.coef_.tolist(),
                "intercept": model.intercept_.tolist(), "records": len(gold),
                "per_option": {int(c): counts[c] for c in classes}}
    a, b = sorted(classes[:2])
    keep = [i for i, g in enumerate(gold) if g in (a, b)]
    x = logs[keep, a] - logs[keep, b]
    y = np.array([1 if gold[i] == a else 0 for i in keep])
    base = {"positive": a, "negative": b, "records": len(keep),
            "per_option": {a: int(y.sum()), b: int(len(y) - y.sum())}}
    if min(y.sum(), len(y) - y.sum()) < MIN_PER_OPTION:
        return {**base, "method": "threshold", "threshold": _best_threshold(x, y)}
    platt, isotonic, folds = _cross_validated(x, y)
    if isotonic < platt:
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(x, y)
        return {**base, "method": "isotonic", "x": iso.X_thresholds_.tolist(),
                "y": iso.y_thresholds_.tolist(), "cv_log_loss": round(isotonic, 4),
                "cv_log_loss_other": round(platt, 4), "folds": folds}
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e4, max_iter=1000).fit(x[:, None], y)
    return {**base, "method": "platt", "slope": float(model.coef_[0][0]),
            "intercept": float(model.intercept_[0]), "cv_log_loss": round(platt, 4),
            "cv_log_loss_other": round(isotonic, 4), "folds": folds}


def _best_threshold(x: np.ndarray, y: np.ndarray) -> float:
    """The cut between sorted raw log-odds that classifies the reviews best (midpoint)."""
    values = np.sort(np.unique(x))
    cuts = np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2, [values[-1] + 1]])
    accuracy = [((x > t) == y).mean() for t in cuts]
    return float(cuts[int(np.argmax(accuracy))])


def _cross_validated(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """Cross-validated log-loss of Platt and of isotonic calibration (stratified folds)."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    folds = int(min(5, y.sum(), len(y) - y.sum()))
    platt, iso = np.zeros(len(y)), np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
        platt[test] = LogisticRegression(C=1e4, max_iter=1000).fit(
            x[train, None], y[train]).predict_proba(x[test, None])[:, 1]
        iso[test] = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(
            x[train], y[train]).predict(x[test])
    clip = lambda p: np.clip(p, 1e-3, 1 - 1e-3)  # noqa: E731 (isotonic gives hard 0 and 1)
    return (float(log_loss(y, clip(platt), labels=[0, 1])),
            float(log_loss(y, clip(iso), labels=[0, 1])), folds)


def apply(calibration: dict | None, probabilities: list[float]) -> list[float]:
    """Calibrated probabilities of every option (the raw ones without a calibration)."""
    if not calibration:
        return list(probabilities)
    logs = _log(probabilities)
    out = [0.0] * len(probabilities)
    method = calibration["method"]
    if method == "multinomial-platt":
        z = np.asarray(calibration["coef"]) @ logs[calibration["inputs"]] + \
            np.asarray(calibration["intercept"])
        if len(calibration["classes"]) == 2:  # sklearn keeps one row for two classes
            z = np.array([-z[0], z[0]])
        e = np.exp(z - z.max())
        for c, p in zip(calibration["classes"], e / e.sum()):
            out[c] = float(p)
        return out
    a, b = calibration["positive"], calibration["negative"]
    x = float(logs[a] - logs[b])
    if method == "platt":
        p = 1 / (1 + math.exp(-(calibration["slope"] * x + calibration["intercept"])))
    elif method == "isotonic":
        p = float(np.interp(x, calibration["x"], calibration["y"]))
    else:  # threshold: the raw log-odds, shifted
        p = 1 / (1 + math.exp(-(x - calibration["threshold"])))
    out[a], out[b] = p, 1 - p
    return out


def stored(con: duckdb.DuckDBPyConnection, run_id: int) -> dict | None:
    """The calibration recorded in a run's parameters, or None."""
    row = con.execute("SELECT parameters FROM label_runs WHERE run_id = ?", [run_id]).fetchone()
    found = json.loads(row[0] or "{}").get("calibration") if row else None
    # A classifier run records its own (out-of-fold) calibration as text: not one of ours.
    return found if isinstance(found, dict) else None


def calibrate_run(con: duckdb.DuckDBPyConnection, run_id: int, write: bool = True) -> dict:
    """Fit the run's calibration on the current reviews of its question; record it in the
    run's parameters (``write``). Returns a summary for `label` and `calibrate`."""
    from litlab.errors import LitlabError

    row = con.execute("SELECT options, question, parameters FROM label_runs WHERE run_id = ?",
                      [run_id]).fetchone()
    if row is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    options, question, parameters = list(row[0]), row[1], json.loads(row[2] or "{}")
    probabilities, gold = _reviews(con, run_id, options, question)
    calibration = fit(probabilities, gold, len(options))
    summary = {"run_id": run_id, "reviewed": len(gold), "calibration": calibration,
               "options": options, "dominant": dominant_option(con, run_id, options)}
    if calibration is not None:
        calibration["options"] = options
        if write:
            parameters["calibration"] = calibration
            con.execute("UPDATE label_runs SET parameters = ? WHERE run_id = ?",
                        [json.dumps(parameters), run_id])
    return summary


def dominant_option(con: duckdb.DuckDBPyConnection, run_id: int, options: list[str],
                    calibration: dict | None = None) -> dict | None:
    """The option that takes nearly every record (raw labels, or calibrated), or None."""
    rows = con.execute("SELECT probabilities FROM labels WHERE run_id = ? AND method <> "
                       "'no_text'", [run_id]).fetchall()
    if len(rows) < 10:
        return None
    labels = [int(np.argmax(apply(calibration, p))) for (p,) in rows]
    top = max(set(labels), key=labels.count)
    share = labels.count(top) / len(labels)
    return {"option": options[top], "records": labels.count(top), "of": len(labels),
            "share": round(share, 3)} if share >= DOMINANT else None


def format_calibration(summary: dict) -> str:
    """One or two lines: what the calibration is, or why there is none and what would make one."""
    c, run = summary["calibration"], summary["run_id"]
    lines = []
    if c is None:
        lines.append(f"run {run}: probabilities are UNCALIBRATED ({summary['reviewed']} reviewed "
                     f"records of the question); review at least {MIN_PER_OPTION} records of "
                     f"each of two options ({2 * MIN_PER_OPTION} reviews) and run "
                     f"`litlab calibrate {run}`")
    else:
        counts = ", ".join(f"{summary['options'][int(k)]} {v}" for k, v in c["per_option"].items())
        detail = {"platt": lambda: f"slope {c['slope']:.3f}, intercept {c['intercept']:.3f}",
                  "isotonic": lambda: f"{len(c['x'])} steps",
                  "threshold": lambda: f"raw log-odds threshold {c['threshold']:.3f}; fewer "
                                       f"than {MIN_PER_OPTION} reviews of an option for "
                                       "cross-validation",
                  "multinomial-platt": lambda: f"{len(c['classes'])} options"}[c["method"]]()
        lines.append(f"run {run}: calibrated on {c['records']} reviewed records ({counts}) by "
                     f"{c['method']} ({detail})")
    if summary.get("dominant"):
        d = summary["dominant"]
        lines.append(f"warning: {d['option']} takes {d['records']} of {d['of']} records "
                     f"({100 * d['share']:.0f}%) by the raw probabilities: "
                     + ("calibrate them on reviews before using these labels" if c is None
                        else "the calibrated labels correct for it"))
    return "\n".join(lines)


def calibrated_figures(con: duckdb.DuckDBPyConnection, run_id: int, both, options: list[str]
                       ) -> dict:
    """For `evaluate`: the raw ranking (AUC) and the calibrated labels' agreement with the
    gold labels in ``both`` (record_id, gold, probabilities): over all of them, and over
    those not among the reviews the calibration was fitted on (the honest figure)."""
    from sklearn.metrics import cohen_kappa_score, roc_auc_score

    from litlab.labeling.evaluate import expected_calibration_error
    from litlab.review.labels import current_reviews

    out: dict = {}
    gold_index = both.gold.map({o: i for i, o in enumerate(options)}).to_numpy()
    logs = _log(np.stack(both.probabilities.map(list).to_numpy()))
    reviewed_options = sorted(set(gold_index))
    if len(reviewed_options) == 2:
        a, b = reviewed_options
        y = gold_index == a
        if 0 < y.sum() < len(y):
            out["auc"] = {"option": options[a], "value": float(roc_auc_score(
                y, logs[:, a] - logs[:, b]))}
    calibration = stored(con, run_id)
    if calibration is None:
        row = con.execute("SELECT question FROM label_runs WHERE run_id = ?", [run_id]).fetchone()
        probabilities, gold = _reviews(con, run_id, options, row[0])
        calibration = fit(probabilities, gold, len(options))
    if calibration is None:
        return {**out, "calibrated": None}
    reviewed = set(current_reviews(con, con.execute(
        "SELECT question FROM label_runs WHERE run_id = ?", [run_id]).fetchone()[0]).record_id)
    calibrated = [apply(calibration, list(p)) for p in both.probabilities]
    labels = np.array([options[int(np.argmax(p))] for p in calibrated])
    confidence = np.array([max(p) for p in calibrated])

    def figures(mask) -> dict | None:
        if not mask.any():
            return None
        import warnings

        gold, pred = both.gold.to_numpy()[mask], labels[mask]
        correct = (gold == pred).astype(float)
        with warnings.catch_warnings():  # one option only: kappa is undefined (None)
            warnings.simplefilter("ignore")
            kappa = float(cohen_kappa_score(gold, pred, labels=options))
        return {"n": int(mask.sum()), "accuracy": float(correct.mean()),
                "kappa": None if math.isnan(kappa) else kappa,
                "ece": expected_calibration_error(confidence[mask], correct)[0]}

    held_out = ~both.record_id.isin(reviewed).to_numpy()
    out["calibrated"] = {"method": calibration["method"], "fitted_on": calibration["records"],
                         "all": figures(np.ones(len(both), dtype=bool)),
                         "held_out": figures(held_out)}
    return out


def format_figures(result: dict) -> list[str]:
    """`evaluate`'s lines on the ranking and the calibrated labels."""
    lines = []
    if result.get("auc"):
        lines.append(f"ranking by the raw probabilities: AUC {result['auc']['value']:.3f} "
                     f"({result['auc']['option']})")
    c = result.get("calibrated")
    if c is None:
        lines.append("calibrated: none (the probabilities are uncalibrated; no reviews of two "
                     "options for this question)")
        return lines
    for key, what in (("all", "every gold record"),
                      ("held_out", "gold records not among the reviews fitted on")):
        f = c[key]
        if f:
            lines.append(f"calibrated ({c['method']} on {c['fitted_on']} reviews), {what} "
                         f"(n={f['n']}): accuracy {f['accuracy']:.3f}, Cohen's kappa "
                         + (f"{f['kappa']:.3f}" if f["kappa"] is not None else
                            "undefined (one option only)") + f", ECE {f['ece']:.3f}")
    return lines
