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
from litlab.review.stopping import StoppingRule, first_stop

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
    stop: dict  # where the stopping rule said stop, and what it had reached there
    seconds: float


def draw_priors(truth: np.ndarray, settings: ReviewSettings, seed: int) -> np.ndarray:
    """The prior rows of one repetition: relevant first, then irrelevant, from ``seed``."""
    rng = np.random.default_rng(seed)
    relevant, irrelevant = np.flatnonzero(truth), np.flatnonzero(~truth)
    if len(relevant) <= settings.prior_relevant or len(irrelevant) <= settings.prior_irrelevant:
        raise LitlabError(f"too few records for {settings.prior_relevant} relevant and "
                          f"{settings.prior_irrelevant} irrelevant priors plus some to find")
    return np.concatenate([rng.choice(relevant, settings.prior_relevant, replace=False),
                           rng.choice(irrelevant, settings.prior_irrelevant, replace=False)])


def run_repetition(features: Features, truth: np.ndarray, settings: ReviewSettings, seed: int,
                   mode: str = "relevant") -> Repetition:
    """One seeded screening run from random priors until every relevant record is found."""
    start = time.perf_counter()
    return replay(features, truth, settings, draw_priors(truth, settings, seed), mode, seed,
                  start)


def stopping_outcome(truth: np.ndarray, priors: np.ndarray, found: np.ndarray,
                     rule: StoppingRule) -> dict:
    """Replay the stopping rule on a finished screening order: the records screened when it
    first said stop (priors included), the recall there (every relevant record counted, the
    priors too), and the share of records left unread."""
    order = np.concatenate([truth[priors], found])  # found is all-False after the last hit
    total, relevant = len(truth), int(truth.sum())
    at = first_stop(order, total, rule)
    if at is None:
        return {"screened": total, "recall": 1.0, "work_saved": 0.0, "reached": True,
                "stopped": False}
    recall = float(order[:at].sum()) / relevant
    return {"screened": int(at), "recall": recall, "work_saved": 1 - at / total,
            "reached": recall >= rule.recall, "stopped": True}


def replay(features: Features, truth: np.ndarray, settings: ReviewSettings, priors: np.ndarray,
           mode: str, seed: int = 0, start: float | None = None) -> Repetition:
    """Screen from given priors (row indices), retraining after every record; the loop a live
    review runs, with the known labels as the reviewer."""
    start = start or time.perf_counter()
    order_by = "relevant" if mode == "relevant" else "uncertain"
    reviewed = np.zeros(len(truth), dtype=bool)
    reviewed[priors] = True
    labeled = list(priors)
    to_find = int(truth.sum() - truth[priors].sum())
    found, hits = [], 0
    while hits < to_find:
        rows = np.array(labeled)
        decision = fit_decision(features, rows, truth[rows], settings,
                                screening=mode == "relevant")
        index = int(next_indices(decision, np.flatnonzero(~reviewed), order_by)[0])
        reviewed[index] = True
        labeled.append(index)
        found.append(bool(truth[index]))
        hits += bool(truth[index])
    screened = np.zeros(len(truth) - len(priors), dtype=bool)
    screened[:len(found)] = found
    rule = StoppingRule(settings.target_recall, settings.confidence)
    return Repetition(seed, [int(p) for p in priors], screened,
                      screening_metrics(screened, to_find),
                      stopping_outcome(truth, priors, screened, rule),
                      round(time.perf_counter() - start, 2))


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

    def means(self) -> dict:
        return {m: float(np.mean([r.metrics[m] for r in self.repetitions])) for m in METRICS}

    def stopping_summary(self) -> dict:
        """Over repetitions: mean recall at the stop, share that reached the target, mean
        work saved."""
        stops = [r.stop for r in self.repetitions]
        return {"target_recall": self.rule.recall, "confidence": self.rule.confidence,
                "mean_recall": float(np.mean([s["recall"] for s in stops])),
                "reached_target": float(np.mean([s["reached"] for s in stops])),
                "mean_work_saved": float(np.mean([s["work_saved"] for s in stops]))}

    def to_dict(self) -> dict:
        """Means over repetitions at the top level (percent; loss as a fraction), then the
        stopping rule's outcome, then each repetition."""
        return {**{m: round(v, 4 if m == "loss" else 2) for m, v in self.means().items()},
                "unit": "percent (loss: a fraction, lower is better)",
                "file": self.file, "records": self.records, "relevant": self.relevant,
                "mode": self.mode, "features": self.features, "plot": self.plot,
                "seconds": self.seconds, "stopping": self.stopping_summary(),
                "repetitions": [{"seed": r.seed, "priors": r.priors, "seconds": r.seconds,
                                 **{m: round(r.metrics[m], 4 if m == "loss" else 2)
                                    for m in METRICS},
                                 "stop": r.stop} for r in self.repetitions]}

    def format_text(self) -> str:
        """A table: one line per repetition, then the means, then the stopping rule."""
        head = (f"{self.file}: {self.records} records, {self.relevant} relevant; {self.mode} "
                f"screening on {' + '.join(self.features)}; {len(self.repetitions)} repetitions "
                f"in {self.seconds:.1f} s")
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
        lines.append(
            f"stopping rule (recall {100 * s['target_recall']:.0f}% with "
            f"{100 * s['confidence']:.0f}% confidence): stopped at {100 * s['mean_recall']:.1f}% "
            f"recall on average, reached the target in {100 * s['reached_target']:.0f}% of "
            f"repetitions, saved {100 * s['mean_work_saved']:.1f}% of the screening")
        if self.plot:
            lines.append(f"recall curve: {self.plot}")
        return "\n".join(lines)


def simulate(features: Features, truth: np.ndarray, settings: ReviewSettings, name: str,
             mode: str = "relevant", plot_path: Path | None = None, progress=None
             ) -> SimulationReport:
    """``settings.repeat`` repetitions with seeds ``seed``, ``seed + 1``, ...; optional PNG."""
    from litlab.review.metrics import plot_recall

    if settings.repeat < 1:
        raise LitlabError("--repeat must be at least 1")
    start = time.perf_counter()
    report = SimulationReport(name, len(truth), int(truth.sum()), mode, features.groups,
                              StoppingRule(settings.target_recall, settings.confidence))
    advance = progress("repetitions", settings.repeat) if progress else None
    for i in range(settings.repeat):
        report.repetitions.append(run_repetition(features, truth, settings, settings.seed + i, mode))
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
                  embed, mode: str = "relevant") -> Features:
    """TF-IDF of a simulation file's rows, and their (cached) embeddings where the learner
    reads them (learner ensemble, or the labels' learner in uncertain mode)."""
    wanted = settings.learner == "ensemble" or mode != "relevant"
    vectors = embed_cached(labeled.texts, labeled.sha256, embedding_model, embed) if wanted \
        else None
    features = build_features(labeled.texts, vectors, {}, settings)
    features.details["embedding_model"] = embedding_model if wanted else None
    return features
