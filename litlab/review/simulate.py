"""Screening simulations on fully labeled data: the live review's loop, replayed with seeds.

Each repetition draws its priors (a few relevant and irrelevant records) from its own seed,
then screens the rest in the order the classifier proposes, reading the known label at each
step, until every relevant record is found (the recall curve is flat after that).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from litlab.errors import LitlabError
from litlab.review.classifier import next_indices, scores, train
from litlab.review.features import Features, build_features
from litlab.review.labels import normalise_label
from litlab.review.metrics import screening_metrics
from litlab.review.settings import ReviewSettings

TEXT_VERSION = "t1"  # bump when the embedded text of a row changes, so caches are not reused
METRICS = ("wss@95", "wss@100", "rrf@10", "recall@10%", "screened_for_95%", "screened_for_100%")


@dataclass
class LabeledFile:
    """A simulation file read: one text and one boolean per usable row."""

    path: Path
    sha256: str
    texts: list[str]
    truth: np.ndarray
    dropped: int  # rows without a label


def read_labeled_file(path: Path, label_column: str = "label_included") -> LabeledFile:
    """Read an ASReview-layout CSV (title, abstract, and a 0/1 label column)."""
    path = Path(path)
    if not path.exists():
        raise LitlabError(f"no such file: {path}")
    data = path.read_bytes()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
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
    texts = [". ".join(p for p in (t.strip(), a.strip()) if p) for t, a in zip(title, abstract)]
    return LabeledFile(path, hashlib.sha256(data).hexdigest(), texts, truth,
                       int((raw == "").sum()))


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
    seconds: float


def run_repetition(features: Features, truth: np.ndarray, settings: ReviewSettings, seed: int,
                   mode: str = "relevant") -> Repetition:
    """One seeded screening run from random priors until every relevant record is found."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    relevant, irrelevant = np.flatnonzero(truth), np.flatnonzero(~truth)
    if len(relevant) <= settings.prior_relevant or len(irrelevant) <= settings.prior_irrelevant:
        raise LitlabError(f"too few records for {settings.prior_relevant} relevant and "
                          f"{settings.prior_irrelevant} irrelevant priors plus some to find")
    priors = np.concatenate([rng.choice(relevant, settings.prior_relevant, replace=False),
                             rng.choice(irrelevant, settings.prior_irrelevant, replace=False)])
    return replay(features, truth, settings, priors, mode, seed, start)


def replay(features: Features, truth: np.ndarray, settings: ReviewSettings, priors: np.ndarray,
           mode: str, seed: int = 0, start: float | None = None) -> Repetition:
    """Screen from given priors (row indices); the loop shared with a live review's ranking."""
    start = start or time.perf_counter()
    matrix = features.matrix
    reviewed = np.zeros(len(truth), dtype=bool)
    reviewed[priors] = True
    labeled = list(priors)
    to_find = int(truth.sum() - truth[priors].sum())
    found, hits = [], 0
    while hits < to_find:
        model = train(matrix, np.array(labeled), truth[labeled], settings,
                      screening=mode == "relevant")
        decision = scores(model, matrix)
        # Retrain after every label early on, then every n/20 labels (a label moves the model less).
        batch = 1 if len(labeled) < settings.retrain_every_label_until else len(labeled) // 20
        for index in next_indices(decision, np.flatnonzero(~reviewed), mode, batch):
            reviewed[index] = True
            labeled.append(int(index))
            found.append(bool(truth[index]))
            hits += bool(truth[index])
    screened = np.zeros(len(truth) - len(priors), dtype=bool)
    screened[:len(found)] = found
    return Repetition(seed, [int(p) for p in priors], screened,
                      screening_metrics(screened, to_find), round(time.perf_counter() - start, 2))


@dataclass
class SimulationReport:
    file: str
    records: int
    relevant: int
    mode: str
    features: list[str]
    repetitions: list[Repetition] = field(default_factory=list)
    plot: str | None = None
    seconds: float = 0.0

    def means(self) -> dict:
        return {m: float(np.mean([r.metrics[m] for r in self.repetitions])) for m in METRICS}

    def to_dict(self) -> dict:
        """Means over repetitions at the top level (percent), then each repetition."""
        return {**{m: round(v, 2) for m, v in self.means().items()}, "unit": "percent",
                "file": self.file, "records": self.records, "relevant": self.relevant,
                "mode": self.mode, "features": self.features, "plot": self.plot,
                "seconds": self.seconds,
                "repetitions": [{"seed": r.seed, "priors": r.priors, "seconds": r.seconds,
                                 **{m: round(r.metrics[m], 2) for m in METRICS}}
                                for r in self.repetitions]}

    def format_text(self) -> str:
        """A table: one line per repetition, then the means."""
        head = (f"{self.file}: {self.records} records, {self.relevant} relevant; {self.mode} "
                f"screening on {' + '.join(self.features)}; {len(self.repetitions)} repetitions "
                f"in {self.seconds:.1f} s")
        columns = ("wss@95", "wss@100", "rrf@10", "screened_for_95%")
        lines = [head, f"{'':>12}" + "".join(f"{c:>18}" for c in columns)]
        for r in self.repetitions:
            lines.append(f"{'seed ' + str(r.seed):>12}"
                         + "".join(f"{r.metrics[c]:>17.1f}%" for c in columns))
        means = self.means()
        lines.append(f"{'mean':>12}" + "".join(f"{means[c]:>17.1f}%" for c in columns))
        if self.plot:
            lines.append(f"recall curve: {self.plot}")
        return "\n".join(lines)


def simulate(features: Features, truth: np.ndarray, settings: ReviewSettings, name: str,
             mode: str = "relevant", plot_path: Path | None = None) -> SimulationReport:
    """``settings.repeat`` repetitions with seeds ``seed``, ``seed + 1``, ...; optional PNG."""
    from litlab.review.metrics import plot_recall

    if settings.repeat < 1:
        raise LitlabError("--repeat must be at least 1")
    start = time.perf_counter()
    report = SimulationReport(name, len(truth), int(truth.sum()), mode, features.groups)
    for i in range(settings.repeat):
        report.repetitions.append(run_repetition(features, truth, settings, settings.seed + i, mode))
    if plot_path:
        to_find = int(truth.sum()) - settings.prior_relevant
        report.plot = str(plot_recall([r.found for r in report.repetitions], to_find,
                                      f"{name}: {mode} screening, {settings.repeat} repetitions",
                                      Path(plot_path), report.means()))
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def file_features(labeled: LabeledFile, settings: ReviewSettings, embedding_model: str,
                  embed) -> Features:
    """TF-IDF and (cached) embeddings of a simulation file's rows."""
    vectors = embed_cached(labeled.texts, labeled.sha256, embedding_model, embed)
    features = build_features(labeled.texts, vectors, {}, settings)
    features.details["embedding_model"] = embedding_model
    return features
