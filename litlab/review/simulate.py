"""Screening simulations on fully labeled data: the live review's loop, replayed with seeds.

Each repetition draws its priors (a few relevant and irrelevant records) from its own seed,
then screens the rest in the order the learner proposes, retraining after every record and
reading the known label, until every relevant record is found. The stopping rule is then
replayed on the same order: where it would have said stop, the recall reached there, and
the work it saved.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from litlab.errors import LitlabError
from litlab.review.classifier import fit_decision, next_indices
from litlab.review.features import Features, build_features
from litlab.review.labels import normalise_label
from litlab.review.metrics import screening_metrics
from litlab.review.settings import ReviewSettings
from litlab.review.stopping import StoppingRule

TEXT_VERSION = "t2"  # bump when the embedded text of a row changes, so caches are not reused
METRICS = ("wss@95", "wss@100", "rrf@10", "recall@10%", "loss", "screened_for_95%",
           "screened_for_100%")
# Label columns ASReview LAB recognises, in its order of preference.
LABEL_COLUMNS = ("asreview_label", "included", "label", "final_included", "label_included",
                 "included_label", "included_final", "included_flag", "include")


@dataclass
class LabeledFile:
    """A simulation file read: one text and one boolean per usable row."""

    path: Path
    sha256: str
    texts: list[str]
    truth: np.ndarray
    dropped: int  # rows without a label
    label_column: str


def read_labeled_file(path: Path, label_column: str | None = None) -> LabeledFile:
    """Read an ASReview-layout CSV: title, abstract, and a 0/1 label column (by default the
    first of ASReview's label column names the file has)."""
    path = Path(path)
    if not path.exists():
        raise LitlabError(f"no such file: {path}")
    data = path.read_bytes()
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LitlabError(f"{path.name} is not a readable CSV ({type(exc).__name__})") from None
    if label_column is None:
        label_column = next((c for c in LABEL_COLUMNS if c in table.columns), None)
        if label_column is None:
            raise LitlabError(f"{path.name} has no label column ({', '.join(LABEL_COLUMNS[:5])}"
                              f"...; columns: {', '.join(table.columns)}); name it with "
                              "--label-column")
    if label_column not in table.columns:
        raise LitlabError(f"{path.name} has no {label_column!r} column (columns: "
                          f"{', '.join(table.columns)}); name it with --label-column")
    if not {"title", "abstract"} & set(table.columns):
        raise LitlabError(f"{path.name} needs a title or abstract column to screen on")
    raw = table[label_column].str.strip()
    table = table[raw != ""]
    labels = table[label_column].map(normalise_label)
    bad = table[labels.isna() | (labels == "UNCLEAR")]
    if len(bad):
        raise LitlabError(f"{path.name}: {len(bad)} rows have a {label_column} that is not 0/1 "
                          f"or TRUE/FALSE (first: {bad[label_column].iloc[0]!r})")
    truth = (labels == "TRUE").to_numpy()
    if not truth.any():
        raise LitlabError(f"{path.name} has no relevant records ({label_column} is never 1): "
                          "a simulation needs at least one to find")
    if truth.all():
        raise LitlabError(f"{path.name} has no irrelevant records: nothing to screen out")
    title = table.get("title", pd.Series("", index=table.index))
    abstract = table.get("abstract", pd.Series("", index=table.index))
    # ASReview's text: title and abstract joined by a space.
    texts = [" ".join(p for p in (t.strip(), a.strip()) if p) for t, a in zip(title, abstract)]
    return LabeledFile(path, hashlib.sha256(data).hexdigest(), texts, truth,
                       int((raw == "").sum()), label_column)


def embed_cached(texts: list[str], key: str, model: str, embed) -> np.ndarray:
    """Vectors for a file's texts, kept under the litlab cache dir by the file's SHA-256."""
    from litlab.labeling.backends.local import cache_root

    slug = "".join(c if c.isalnum() else "-" for c in model)
    path = cache_root() / "simulate" / f"{key}-{TEXT_VERSION}-{slug}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = np.asarray(embed(texts), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp.npy")
    np.save(partial, vectors)
    partial.replace(path)  # atomic: a killed run never leaves half a cache
    return vectors


@dataclass
class Repetition:
    seed: int
    priors: list[int]
    found: np.ndarray  # per screened record after the priors: was it relevant
    metrics: dict
    stop: dict  # where the chosen stopping rule said stop, and what it had reached there
    seconds: float
    order: np.ndarray | None = None  # every row in the order screened, priors first
    estimates: dict = field(default_factory=dict)  # records screened -> model's (mean, var) left
    stops: dict = field(default_factory=dict)  # rule name -> its outcome (with --stopping all)
    cold_start: int = 0  # records ranked by the zero-shot signal before the learner could train


def draw_priors(truth: np.ndarray, settings: ReviewSettings, seed: int) -> np.ndarray:
    """The prior rows of one repetition: relevant first, then irrelevant, from ``seed``."""
    rng = np.random.default_rng(seed)
    relevant, irrelevant = np.flatnonzero(truth), np.flatnonzero(~truth)
    if len(relevant) <= settings.prior_relevant or len(irrelevant) <= settings.prior_irrelevant:
        raise LitlabError(f"too few records for {settings.prior_relevant} relevant and "
                          f"{settings.prior_irrelevant} irrelevant priors plus some to find")
    return np.concatenate([rng.choice(relevant, settings.prior_relevant, replace=False),
                           rng.choice(irrelevant, settings.prior_irrelevant, replace=False)]
                          ).astype(np.int64)


def run_repetition(features: Features, truth: np.ndarray, settings: ReviewSettings, seed: int,
                   mode: str = "relevant", rules: list[str] | None = None) -> Repetition:
    """One seeded screening run from random priors until every relevant record is found."""
    start = time.perf_counter()
    return replay(features, truth, settings, draw_priors(truth, settings, seed), mode, seed,
                  start, rules)


def expected_left(features: Features, rows: np.ndarray, truth: np.ndarray,
                  settings: ReviewSettings, unscreened: np.ndarray) -> tuple[float, float]:
    """The learner's estimate of the relevant records not yet screened: the sum of its
    calibrated probabilities over them, and the variance of that sum."""
    from litlab.review.classifier import calibrated_probabilities

    p = calibrated_probabilities(features, rows, truth[rows], settings).p_true[unscreened]
    return float(p.sum()), float((p * (1 - p)).sum())


def _next_row(features: Features, truth: np.ndarray, settings: ReviewSettings,
              labeled: list[int], candidates: np.ndarray, mode: str):
    """The next row to screen: the learner's choice once both classes are known, the
    zero-shot ranking before (the cold start); and the decision values, when trained."""
    rows = np.array(labeled, dtype=np.int64)
    n_true = int(truth[rows].sum()) if len(rows) else 0
    need = max(1, settings.min_per_class)
    if n_true >= need and len(rows) - n_true >= need:
        decision = fit_decision(features, rows, truth[rows], settings,
                                screening=mode == "relevant")
        order_by = "relevant" if mode == "relevant" else "uncertain"
        return int(next_indices(decision, candidates, order_by)[0]), decision
    if features.prior is None:
        raise LitlabError("a cold start (--priors 0) needs a zero-shot signal: give the "
                          "question (and criteria) to rank by")
    return int(next_indices(features.prior, candidates, "relevant")[0]), None


def replay(features: Features, truth: np.ndarray, settings: ReviewSettings, priors: np.ndarray,
           mode: str, seed: int = 0, start: float | None = None,
           rules: list[str] | None = None) -> Repetition:
    """Screen from given priors (row indices; none for a cold start), retraining after every
    record; the loop a live review runs, with the known labels as the reviewer. Every
    ``settings.estimate_every`` records the learner's estimate of the relevant left is kept
    for the model stopping rule; after the last relevant record screening goes on, in
    batches of that size, until that rule would have stopped."""
    from litlab.review.stopreplay import all_outcomes, full_order
    from litlab.review.stoprules import STOPPING_RULES, History

    start = start or time.perf_counter()
    names = list(dict.fromkeys([settings.stopping_rule, *(rules or [])]))
    estimating = "model" in names
    reviewed = np.zeros(len(truth), dtype=bool)
    reviewed[priors] = True
    labeled = [int(p) for p in priors]
    to_find = int(truth.sum() - truth[priors].sum())
    every = max(1, settings.estimate_every)
    found, hits, cold, estimates = [], 0, 0, {}
    while hits < to_find:
        index, decision = _next_row(features, truth, settings, labeled,
                                    np.flatnonzero(~reviewed), mode)
        cold += decision is None
        reviewed[index] = True
        labeled.append(index)
        found.append(bool(truth[index]))
        hits += bool(truth[index])
        if estimating and decision is not None and len(labeled) % every == 0 and \
                (~reviewed).any():
            estimates[len(labeled)] = expected_left(features, np.array(labeled), truth,
                                                    settings, ~reviewed)
    model = STOPPING_RULES.create("model")
    target, confidence = settings.target_recall, settings.confidence
    while estimating and (~reviewed).any():
        rows = np.array(labeled)
        last = estimates.get(max(estimates)) if estimates else None
        if last and model.check(History(truth[rows], len(truth), target, confidence,
                                        last)).met:
            break
        decision = fit_decision(features, rows, truth[rows], settings, screening=True)
        batch = next_indices(decision, np.flatnonzero(~reviewed), "relevant", every)
        reviewed[batch] = True
        labeled.extend(int(b) for b in batch)
        if (~reviewed).any():
            estimates[len(labeled)] = expected_left(features, np.array(labeled), truth,
                                                    settings, ~reviewed)
    screened = np.zeros(len(truth) - len(priors), dtype=bool)
    screened[:len(found)] = found
    order = full_order(priors, labeled[len(priors):], len(truth))
    stops = all_outcomes(truth, order, target, confidence, estimates, seed, names)
    return Repetition(seed, [int(p) for p in priors], screened,
                      screening_metrics(screened, to_find), stops[settings.stopping_rule],
                      round(time.perf_counter() - start, 2), order, estimates, stops, cold)


@dataclass
class SimulationReport:
    file: str
    records: int
    relevant: int
    mode: str
    features: list[str]
    rule: StoppingRule = field(default_factory=StoppingRule)
    repetitions: list[Repetition] = field(default_factory=list)
    plot: str | None = None
    seconds: float = 0.0
    stopping_rule: str = "buscar"  # the rule whose stop each repetition reports
    rules: list[str] = field(default_factory=list)  # every rule replayed (--stopping all)
    cold_start: str | None = None  # the zero-shot signal that ranked before any prior

    def means(self) -> dict:
        return {m: float(np.mean([r.metrics[m] for r in self.repetitions])) for m in METRICS}

    def rule_summary(self, name: str) -> dict:
        """Over repetitions: mean recall at the stop, share that reached the target, mean
        work saved, and that saving as a share of the oracle's (stopping at the target)."""
        from litlab.review.stopreplay import oracle

        stops = [r.stops[name] for r in self.repetitions]
        saved = float(np.mean([s["work_saved"] for s in stops]))
        best = float(np.mean([r.stops["oracle"]["work_saved"] for r in self.repetitions]))
        return {"rule": name, "mean_recall": float(np.mean([s["recall"] for s in stops])),
                "reached_target": float(np.mean([s["reached"] for s in stops])),
                "mean_work_saved": saved, "oracle_work_saved": best,
                "share_of_oracle": saved / best if best else float("nan")}

    def stopping_summary(self) -> dict:
        """The chosen rule over repetitions (see ``rule_summary``)."""
        return {"target_recall": self.rule.recall, "confidence": self.rule.confidence,
                **self.rule_summary(self.stopping_rule)}

    def to_dict(self) -> dict:
        """Means over repetitions at the top level (percent; loss as a fraction), then the
        stopping rule's outcome (every rule's with --stopping all), then each repetition."""
        return {**{m: round(v, 4 if m == "loss" else 2) for m, v in self.means().items()},
                "unit": "percent (loss: a fraction, lower is better)",
                "file": self.file, "records": self.records, "relevant": self.relevant,
                "mode": self.mode, "features": self.features, "plot": self.plot,
                "cold_start": self.cold_start, "seconds": self.seconds,
                "stopping": self.stopping_summary(),
                "stopping_rules": [self.rule_summary(n) for n in self.rules] or None,
                "repetitions": [{"seed": r.seed, "priors": r.priors, "seconds": r.seconds,
                                 "cold_start_records": r.cold_start,
                                 **{m: round(r.metrics[m], 4 if m == "loss" else 2)
                                    for m in METRICS},
                                 "stop": r.stop,
                                 "stops": {n: r.stops[n] for n in self.rules} or None}
                                for r in self.repetitions]}

    def format_text(self) -> str:
        """A table: one line per repetition, then the means, then the stopping rule(s)."""
        from litlab.review.stoprules import STOPPING_RULES

        start = (f"; cold start ranked by {self.cold_start}" if self.cold_start else "")
        head = (f"{self.file}: {self.records} records, {self.relevant} relevant; {self.mode} "
                f"screening on {' + '.join(self.features)}{start}; {len(self.repetitions)} "
                f"repetitions in {self.seconds:.1f} s")
        columns = ("wss@95", "wss@100", "recall@10%", "loss")
        stop_columns = ("stop at", "recall", "saved")
        lines = [head, f"{'':>12}" + "".join(f"{c:>12}" for c in columns)
                 + "".join(f"{c:>10}" for c in stop_columns)]
        for r in self.repetitions:
            lines.append(f"{'seed ' + str(r.seed):>12}"
                         + "".join(f"{r.metrics[c]:>12.4f}" if c == "loss" else
                                   f"{r.metrics[c]:>11.1f}%" for c in columns)
                         + f"{r.stop['screened']:>10}{100 * r.stop['recall']:>9.1f}%"
                         f"{100 * r.stop['work_saved']:>9.1f}%")
        means = self.means()
        lines.append(f"{'mean':>12}" + "".join(f"{means[c]:>12.4f}" if c == "loss" else
                                               f"{means[c]:>11.1f}%" for c in columns))
        s = self.stopping_summary()
        guarantee = STOPPING_RULES.create(self.stopping_rule).guarantee.split(":")[0]
        lines.append(
            f"stopping rule {self.stopping_rule} ({guarantee}; recall "
            f"{100 * s['target_recall']:.0f}% with {100 * s['confidence']:.0f}% confidence): "
            f"stopped at {100 * s['mean_recall']:.1f}% recall on average, reached the target "
            f"in {100 * s['reached_target']:.0f}% of repetitions, saved "
            f"{100 * s['mean_work_saved']:.1f}% of the screening ({100 * s['share_of_oracle']:.0f}%"
            f" of the {100 * s['oracle_work_saved']:.1f}% stopping at the target would save)")
        if self.rules:
            lines.append(f"{'rule':>12}{'recall':>10}{'reached':>10}{'saved':>10}"
                         f"{'of oracle':>11}  guarantee")
            for name in self.rules:
                t = self.rule_summary(name)
                kind = STOPPING_RULES.create(name).guarantee.split(":")[0]
                lines.append(f"{name:>12}{100 * t['mean_recall']:>9.1f}%"
                             f"{100 * t['reached_target']:>9.0f}%{100 * t['mean_work_saved']:>9.1f}%"
                             f"{100 * t['share_of_oracle']:>10.0f}%  {kind}")
        if self.plot:
            lines.append(f"recall curve: {self.plot}")
        return "\n".join(lines)


def simulate(features: Features, truth: np.ndarray, settings: ReviewSettings, name: str,
             mode: str = "relevant", plot_path: Path | None = None, progress=None,
             rules: list[str] | None = None) -> SimulationReport:
    """``settings.repeat`` repetitions with seeds ``seed``, ``seed + 1``, ...; optional PNG.
    ``rules`` names stopping rules to replay beside the chosen one (``settings.stopping_rule``)."""
    from litlab.review.metrics import plot_recall
    from litlab.review.stoprules import STOPPING_RULES

    if settings.repeat < 1:
        raise LitlabError("--repeat must be at least 1")
    for rule in [settings.stopping_rule, *(rules or [])]:
        STOPPING_RULES.create(rule)  # an unknown name fails here, listing the others
    if settings.prior_relevant + settings.prior_irrelevant == 0 and features.prior is None:
        raise LitlabError("a cold start (--priors 0) ranks by the question and its criteria: "
                          "give --question (and --criteria)")
    start = time.perf_counter()
    report = SimulationReport(name, len(truth), int(truth.sum()), mode, features.groups,
                              StoppingRule(settings.target_recall, settings.confidence),
                              stopping_rule=settings.stopping_rule, rules=list(rules or []),
                              cold_start=features.prior_name if not settings.prior_relevant
                              else None)
    advance = progress("repetitions", settings.repeat) if progress else None
    for i in range(settings.repeat):
        report.repetitions.append(run_repetition(features, truth, settings, settings.seed + i,
                                                 mode, rules))
        if advance:
            advance(1)
    if plot_path:
        to_find = int(truth.sum()) - settings.prior_relevant
        report.plot = str(plot_recall([r.found for r in report.repetitions], to_find,
                                      f"{name}: {mode} screening, {settings.repeat} repetitions",
                                      Path(plot_path), report.means()))
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def file_features(labeled: LabeledFile, settings: ReviewSettings, embedding_model: str,
                  embed, mode: str = "relevant", question: str | None = None,
                  criteria: str | None = None) -> Features:
    """TF-IDF of a simulation file's rows, and their (cached) embeddings where the learner
    reads them (learner ensemble, or the labels' learner in uncertain mode). With a
    ``question`` (and ``criteria``) the cold-start signal ranks the rows before any prior."""
    from litlab.review import coldstart

    learns = settings.learner == "ensemble" or mode != "relevant"
    wanted = learns or question is not None
    vectors = embed_cached(labeled.texts, labeled.sha256, embedding_model, embed) if wanted \
        else None
    signals = {}
    if question is not None:
        query = coldstart.query_text(question, criteria)
        signals[coldstart.NAME] = coldstart.criteria_signal(labeled.texts, vectors,
                                                            embed([query])[0], query)
    features = build_features(labeled.texts, vectors if learns else None, signals, settings)
    features.details["embedding_model"] = embedding_model if wanted else None
    return features
