"""Entry points behind ``Corpus.topics``, ``topic_table``, ``rename_topic`` and ``merge_topics``."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from litlab.errors import LitlabError
from litlab.settings import Settings
from litlab.topics import describe, naming, store
from litlab.topics.report import TopicsReport

OUTLIER_NAME = "outliers (no topic)"
LLM_TITLES = 5  # representative titles in the naming prompt


def load_inputs(con: duckdb.DuckDBPyConnection, model: str, min_records: int):
    """(ids, vectors, docs, titles) of every record; clear errors when they cannot be clustered."""
    from litlab.index.vectors import load_matrix
    from litlab.topics.text import documents

    ids, vectors = load_matrix(con, "record", model)
    total = con.execute("SELECT count(*) FROM records").fetchone()[0]
    if total == 0:
        raise LitlabError("the corpus has no records: run `litlab ingest FILES` first")
    if len(ids) == 0:
        raise LitlabError(f"no record embeddings for {model}: run `litlab index` first")
    if len(ids) < total:
        raise LitlabError(f"{total - len(ids)} of {total} records have no {model} embedding yet: "
                          "run `litlab index` first")
    if len(ids) < min_records:
        raise LitlabError(f"only {len(ids)} records: too few to find topics "
                          f"(at least {min_records} are needed)")
    docs, titles, _ = documents(con, ids)
    return ids, vectors, docs, titles


def run_topics(con: duckdb.DuckDBPyConnection, settings: Settings, backend=None,
               out: Path | None = None, **overrides) -> TopicsReport:
    """Fit topics on the stored record embeddings, name them, store the run, write figures.

    ``overrides`` replace fields of ``settings.topics`` (min_topic_size, nr_topics,
    reduce_outliers, seed...); ``backend`` (an LLM backend) writes the names when given.
    """
    from litlab.index.embedders import load_embedder
    from litlab.topics.fit import fit, parse_nr_topics, scaled

    start = time.perf_counter()
    options = dataclasses.replace(settings.topics, **{k: v for k, v in overrides.items()
                                                      if v is not None})
    parse_nr_topics(options.nr_topics)  # a bad value fails before any work
    if options.min_topic_size is not None and options.min_topic_size < 2:
        raise LitlabError("--min-topic-size must be at least 2")
    model = settings.index.model
    need = max(options.min_records, 2 * scaled(options.min_records, options)["min_topic_size"])
    ids, vectors, docs, titles = load_inputs(con, model, need)
    word_model = load_embedder(model, settings.index.device, settings.index.batch_size).model
    fitted = fit(docs, vectors, options, word_model)
    topics = fitted.topics
    centres = describe.centroids(vectors, topics)
    probability = fitted.probability.copy()
    moved = fitted.method == "outlier_reduction"
    probability[moved] = describe.similarity_to_centroid(vectors, topics, centres)[moved]
    reps = describe.representatives(vectors, topics, ids, centres)
    title_of = dict(zip(ids.tolist(), titles))
    name_model = backend.describe().get("model_id") if backend is not None else None
    rows = []
    for topic in sorted(centres):
        words = fitted.keywords.get(topic, [])
        row = {"topic_id": topic, "size": int((topics == topic).sum()),
               "keywords": [w for w, _ in words], "keyword_scores": [s for _, s in words],
               "keybert": fitted.keybert.get(topic, []), "representative_ids": reps[topic],
               "name": naming.keyword_name([w for w, _ in words]), "name_source": "keywords"}
        if topic < 0:
            row["name"] = OUTLIER_NAME
        elif backend is not None:
            name = naming.llm_name(backend, row["keywords"],
                                   [title_of[i] for i in reps[topic][:LLM_TITLES]])
            if name:
                row.update(name=name, name_source="llm", name_model=name_model)
        rows.append(row)
    frame = pd.DataFrame({"record_id": ids, "topic_id": topics, "probability": probability,
                          "method": fitted.method.astype(str), "x": fitted.coords[:, 0],
                          "y": fitted.coords[:, 1]})
    parameters = fitted.parameters | {"llm_names": backend is not None,
                                      "stage_seconds": {k: round(v, 2) for k, v in fitted.seconds.items()}}
    run_id = store.save_run(con, {
        "embedding_model": model, "parameters": parameters, "n_records": len(ids),
        "fitted_on": fitted.fitted_on, "outliers_before": fitted.outliers_before,
        "outliers_after": int((topics < 0).sum()), "engine": fitted.engine,
        "versions": fitted.versions, "seconds": time.perf_counter() - start}, rows, frame)
    report = table(con, run_id)
    if out is not None:
        report.figures = write_figures(con, settings, out, run_id)
    return report


def table(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> TopicsReport:
    """A stored run (the latest by default) and its topic table."""
    run_id = store.resolve_run(con, run_id)
    return TopicsReport(store.run_info(con, run_id), store.topic_table(con, run_id))


def rename(con: duckdb.DuckDBPyConnection, topic_id: int, name: str,
           run_id: int | None = None) -> dict:
    """Rename a topic of the latest run (or of ``run_id``)."""
    return store.rename(con, store.resolve_run(con, run_id), topic_id, name)


def merge(con: duckdb.DuckDBPyConnection, settings: Settings, keep: int, others: list[int],
          run_id: int | None = None) -> dict:
    """Merge ``others`` into ``keep``: its records, keywords (c-TF-IDF recomputed over the run's
    topics), KeyBERT-inspired words, representatives and, for a keyword name, its name."""
    from litlab.index.embedders import load_embedder
    from litlab.index.vectors import load_matrix
    from litlab.topics.text import ctfidf, documents

    run_id = store.resolve_run(con, run_id)
    others = sorted(set(others) - {keep})
    if not others:
        raise LitlabError("give at least one topic to merge into another")
    kept = store.topic_row(con, run_id, keep)
    for topic in [keep, *others]:
        if topic < 0:
            raise LitlabError("topic -1 holds the outliers; re-run with --reduce-outliers instead")
        store.topic_row(con, run_id, topic)
    current = store.assignments(con, run_id)
    ids = current.record_id.to_numpy(np.int64)
    labels = current.topic_id.to_numpy(np.int64).copy()
    labels[np.isin(labels, others)] = keep
    docs, _, _ = documents(con, ids)
    top_n = settings.topics.top_n_words
    words = ctfidf(docs, labels, max(top_n, 30))[keep]
    stored_ids, vectors = load_matrix(con, "record", settings.index.model)
    members = np.isin(stored_ids, ids[labels == keep])
    centre = describe.centroids(vectors[members], np.zeros(int(members.sum()), dtype=np.int64))[0]
    reps = describe.representatives(vectors[members], np.zeros(int(members.sum()), dtype=np.int64),
                                    stored_ids[members], {0: centre})[0]
    word_model = load_embedder(settings.index.model, settings.index.device).model
    keep_name = kept["name_source"] != "keywords"
    keywords = [w for w, _ in words[:top_n]]
    update = {"keywords": keywords, "keyword_scores": [s for _, s in words[:top_n]],
              "keybert": describe.keybert_words(word_model, [w for w, _ in words], centre, top_n),
              "size": int((labels == keep).sum()), "representative_ids": reps,
              "name": kept["name"] if keep_name else naming.keyword_name(keywords),
              "name_source": kept["name_source"] if keep_name else "keywords",
              "name_model": kept["name_model"] if keep_name and isinstance(kept["name_model"], str) else None}
    store.apply_merge(con, run_id, keep, others, update)
    return {"run_id": run_id, "topic_id": keep, "merged": others, "size": update["size"],
            "name": update["name"], "keywords": keywords}


def write_figures(con: duckdb.DuckDBPyConnection, settings: Settings, out: Path,
                  run_id: int | None = None) -> list[str]:
    """The run's figures as self-contained HTML and PNG files in ``out``; their paths."""
    from litlab.topics.figures import write_all

    run_id = store.resolve_run(con, run_id)
    return write_all(store.topic_table(con, run_id), store.assignments(con, run_id),
                     Path(out), settings.topics)
