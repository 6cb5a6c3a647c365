"""BERTopic on stored embeddings: UMAP + HDBSCAN sized for the corpus, seeded, sampled when large.

The corpus is never embedded again: BERTopic gets the stored vectors (``embeddings=``), and
the KeyBERT-inspired representation reads the stored vectors of its representative records
too; only candidate keywords are embedded, by the already-loaded index model.
"""
from __future__ import annotations

import contextlib
import logging
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from litlab.errors import LitlabError
from litlab.settings import TopicSettings


@dataclass
class Fitted:
    """One fitted topic model, reduced to what litlab stores."""

    topics: np.ndarray  # per record, -1 = outlier
    probability: np.ndarray
    method: np.ndarray  # fit | transform | outlier_reduction
    coords: np.ndarray  # (n, 2) map positions
    keywords: dict[int, list[tuple[str, float]]]  # c-TF-IDF
    keybert: dict[int, list[str]]
    outliers_before: int
    fitted_on: int
    engine: str
    parameters: dict
    versions: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def parse_nr_topics(value) -> int | str | None:
    """``None``, ``"auto"`` or a number of topics (``"12"`` from the command line)."""
    if value is None or value == "auto" or (isinstance(value, int) and value > 1):
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 1:
        return int(value)
    raise LitlabError(f"--nr-topics {value!r}: give auto or a number of topics above 1")


def scaled(n: int, settings: TopicSettings) -> dict:
    """UMAP and HDBSCAN parameters for ``n`` fitted records.

    The smallest topic grows with the square root of the corpus (10 records up to ~900, 75 at
    50k) so that a large corpus is not cut into thousands of slivers; min_samples, which sets
    how conservative HDBSCAN is about calling a record an outlier, stays small so that most
    records get a topic.
    """
    min_topic_size = settings.min_topic_size or max(10, round(math.sqrt(n) / 3))
    min_samples = settings.min_samples or max(2, min(min_topic_size // 2, 10))
    return {"min_topic_size": int(min_topic_size), "min_samples": int(min_samples),
            "n_neighbors": int(min(settings.n_neighbors, n - 1)),
            "n_components": int(min(settings.n_components, n - 2)),
            "nr_topics": parse_nr_topics(settings.nr_topics), "seed": settings.seed,
            "reduce_outliers": settings.reduce_outliers,
            "outlier_threshold": settings.outlier_threshold, "top_n_words": settings.top_n_words}


def engines(gpu: str):
    """(name, UMAP class, HDBSCAN class): cuML's on a GPU machine where it is installed."""
    if gpu != "off":
        try:
            from cuml.cluster import HDBSCAN
            from cuml.manifold import UMAP

            return "cuml", UMAP, HDBSCAN
        except Exception:  # not installed, or no usable GPU: the CPU libraries do the same job
            pass
    from hdbscan import HDBSCAN
    from umap import UMAP

    return "umap-learn+hdbscan", UMAP, HDBSCAN


def _umap(UMAP, engine: str, n_components: int, n_neighbors: int, seed: int, min_dist: float):
    extra = {"low_memory": True, "n_jobs": 1} if engine != "cuml" else {}
    return UMAP(n_neighbors=n_neighbors, n_components=n_components, min_dist=min_dist,
                metric="cosine", random_state=seed, **extra)


def stored_keybert(embeddings: np.ndarray, top_n: int, seed: int):
    """KeyBERTInspired that scores words against the stored vectors of representative records
    (BERTopic passes no embeddings to a representation given by name, as {"KeyBERT": ...},
    and KeyBERTInspired would then embed those records again)."""
    from bertopic.representation import KeyBERTInspired

    class StoredKeyBERT(KeyBERTInspired):
        def extract_topics(self, topic_model, documents, c_tf_idf, topics, embeddings=None):
            chosen = embeddings if embeddings is not None else self.stored
            return super().extract_topics(topic_model, documents, c_tf_idf, topics, chosen)

    # 30 candidates (BERTopic: 100) are plenty for 10 words; embedding them is the slow part.
    model = StoredKeyBERT(top_n_words=top_n, nr_candidate_words=30, random_state=seed)
    model.stored = embeddings
    return model


def topic_model_class():
    """BERTopic whose ``nr_topics`` counts real topics (BERTopic counts the outliers as one)."""
    from bertopic import BERTopic

    class TopicModel(BERTopic):
        def _reduce_topics(self, documents, use_ctfidf=False):
            wanted = self.nr_topics
            if isinstance(wanted, int) and self._outliers:
                self.nr_topics = wanted + 1
            try:
                return super()._reduce_topics(documents, use_ctfidf)
            finally:
                self.nr_topics = wanted

    return TopicModel


def fit(docs: list[str], vectors: np.ndarray, settings: TopicSettings, word_model) -> Fitted:
    """Fit BERTopic on ``vectors`` (one row per doc) and assign every record a topic.

    Above ``settings.sample_above`` records, UMAP and HDBSCAN see a seeded sample and the rest
    go through BERTopic's ``transform``. ``word_model`` (a loaded sentence-transformers model)
    embeds candidate keywords.
    """
    from litlab.topics.text import clean, vectorizer

    n = len(docs)
    rng = np.random.default_rng(settings.seed)
    sampled = n > settings.sample_above
    fit_idx = np.sort(rng.choice(n, settings.sample_size, replace=False)) if sampled else np.arange(n)
    params = scaled(len(fit_idx), settings)
    engine, UMAP, HDBSCAN = engines(settings.gpu)
    docs = [clean(d) for d in docs]
    fit_docs, fit_vectors = [docs[i] for i in fit_idx], vectors[fit_idx]
    keybert = stored_keybert(fit_vectors, params["top_n_words"], settings.seed)
    hdbscan_args = {"prediction_data": True} | ({"core_dist_n_jobs": 1} if engine != "cuml" else {})
    model = topic_model_class()(
        embedding_model=word_model,
        umap_model=_umap(UMAP, engine, params["n_components"], params["n_neighbors"],
                         settings.seed, 0.0),
        hdbscan_model=HDBSCAN(min_cluster_size=params["min_topic_size"],
                              min_samples=params["min_samples"], metric="euclidean",
                              cluster_selection_method="eom", **hdbscan_args),
        vectorizer_model=vectorizer(), representation_model={"KeyBERT": keybert},
        top_n_words=params["top_n_words"], nr_topics=params["nr_topics"],
        calculate_probabilities=False, verbose=False)
    seconds = {}
    start = time.perf_counter()
    with warnings.catch_warnings(), _quiet_bertopic():
        warnings.simplefilter("ignore")  # UMAP: a seed means one thread; numba notes
        fit_topics, fit_probs = model.fit_transform(fit_docs, embeddings=fit_vectors)
        seconds["fit"] = time.perf_counter() - start
        topics = np.full(n, -1, dtype=np.int64)
        probability = np.zeros(n, dtype=np.float64)
        method = np.full(n, "fit", dtype=object)
        topics[fit_idx] = fit_topics
        probability[fit_idx] = _best(fit_probs, len(fit_idx))
        if sampled:
            start = time.perf_counter()
            rest = np.setdiff1d(np.arange(n), fit_idx)
            rest_topics, rest_probs = model.transform([docs[i] for i in rest],
                                                      embeddings=vectors[rest])
            topics[rest], probability[rest] = rest_topics, _best(rest_probs, len(rest))
            method[rest] = "transform"
            seconds["transform"] = time.perf_counter() - start
        if not (topics >= 0).any():
            raise LitlabError(
                f"no topics found among {n} records: they are too alike or too few for topics "
                f"of at least {params['min_topic_size']} records; try a smaller --min-topic-size")
        outliers_before = int((topics == -1).sum())
        if settings.reduce_outliers and outliers_before:
            start = time.perf_counter()
            reduced = np.asarray(model.reduce_outliers(
                docs, topics.tolist(), strategy="embeddings", embeddings=vectors,
                threshold=settings.outlier_threshold))
            moved = (topics == -1) & (reduced >= 0)
            topics, method[moved] = reduced, "outlier_reduction"
            # c-TF-IDF keywords follow the new members (of the fitted sample, which they
            # describe); the KeyBERT-inspired words stay those of the clustered core (recomputing
            # them embeds every candidate word again, which doubled the time at 50k records).
            model.update_topics(fit_docs, topics=topics[fit_idx].tolist(),
                                top_n_words=params["top_n_words"], vectorizer_model=vectorizer())
            seconds["reduce_outliers"] = time.perf_counter() - start
        start = time.perf_counter()
        coords = map_coordinates(vectors, fit_idx, UMAP, engine, params["n_neighbors"], settings.seed)
        seconds["map"] = time.perf_counter() - start
    representations = model.get_topics(full=True)
    keywords = {int(t): [(w, float(s)) for w, s in words if w and s > 0]
                for t, words in representations["Main"].items()}
    keybert_words = {int(t): [w for w, s in words if w]
                     for t, words in representations.get("KeyBERT", {}).items()}
    return Fitted(topics=topics, probability=probability, method=method, coords=coords,
                  keywords=keywords, keybert=keybert_words, outliers_before=outliers_before,
                  fitted_on=len(fit_idx), engine=engine,
                  parameters=params | {"sampled": bool(sampled), "n_records": n,
                                       "embedding_input": "stored"},
                  versions=versions(), seconds=seconds)


@contextlib.contextmanager
def _quiet_bertopic():
    """Drop BERTopic's warning that assignments given to ``update_topics`` (after outlier
    reduction) must be the last step: they are. BERTopic resets its logger's level itself."""
    logger = logging.getLogger("BERTopic")
    only_errors = lambda record: record.levelno >= logging.ERROR  # noqa: E731
    logger.addFilter(only_errors)
    try:
        yield
    finally:
        logger.removeFilter(only_errors)


def _best(probabilities, n: int) -> np.ndarray:
    """HDBSCAN's membership strength per record (the largest, where a row holds several)."""
    if probabilities is None:
        return np.zeros(n)
    return np.asarray(probabilities, dtype=np.float64).reshape(n, -1).max(axis=1)


def map_coordinates(vectors: np.ndarray, fit_idx: np.ndarray, UMAP, engine: str,
                    n_neighbors: int, seed: int) -> np.ndarray:
    """A seeded 2-D UMAP of the same vectors (fitted on the same sample when sampled)."""
    reducer = _umap(UMAP, engine, 2, n_neighbors, seed, 0.1)
    coords = np.zeros((len(vectors), 2), dtype=np.float32)
    coords[fit_idx] = np.asarray(reducer.fit_transform(vectors[fit_idx]))
    if len(fit_idx) < len(vectors):
        rest = np.setdiff1d(np.arange(len(vectors)), fit_idx)
        coords[rest] = np.asarray(reducer.transform(vectors[rest]))
    return coords


def versions() -> dict:
    """Versions of the libraries that made a run (for its provenance)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("litlab", "bertopic", "umap-learn", "hdbscan", "cuml", "scikit-learn"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out
