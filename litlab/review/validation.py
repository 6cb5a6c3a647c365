"""Validation samples: records of a finished run drawn at random into the review queue, and
what their reviews tell about the whole run (agreement with intervals, corrected shares).

A sample is drawn once per run (seeded), simple random or stratified by the run's label or
a record field such as the year (equal numbers per stratum where the strata allow, which
measures rare labels and thin years better). Each sampled record keeps its inclusion
probability, so estimates weight it correctly. A label stratum is stored as the label; a field
stratum as ``FIELD=VALUE`` (``year=2015``), which tells the design without a schema change. While a
sample is reviewed the model's label is hidden from the reviewer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from litlab.errors import LitlabError
from litlab.review.estimates import agreement, corrected_share
from litlab.review.labels import current_reviews, title_abstract_only
from litlab.store import transaction


@dataclass
class DrawnSample:
    run_id: int
    question: str
    drawn: int
    population: int
    strata: dict  # stratum -> [drawn, size]
    seed: int
    stratified: bool
    stratified_by: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _run(con, run_id: int) -> tuple[str, list[str], str, int]:
    row = con.execute("SELECT question, options, status, len(record_ids) FROM label_runs "
                      "WHERE run_id = ?", [run_id]).fetchone()
    if row is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    return row[0], list(row[1]), row[2], row[3]


def _allocate(sizes: dict, n: int) -> dict:
    """Equal numbers per stratum, what a small stratum cannot take going to the others."""
    take = {s: 0 for s in sizes}
    left = n
    while left:
        open_ = [s for s in sizes if take[s] < sizes[s]]
        if not open_:
            break
        share = max(1, left // len(open_))
        for s in sorted(open_, key=lambda s: sizes[s] - take[s]):
            extra = min(share, sizes[s] - take[s], left)
            take[s] += extra
            left -= extra
            if not left:
                break
    return take


def draw(con: duckdb.DuckDBPyConnection, run_id: int, n: int, seed: int = 20261130,
         stratify: bool | str | None = False, redraw: bool = False) -> DrawnSample:
    """Draw ``n`` of the run's labeled records into the review queue (one sample per run;
    ``redraw`` replaces it, keeping every review already made). ``stratify``: False (simple
    random), True or 'label' (by the run's label), or a field: year, type, source, ..."""
    question, _, status, _ = _run(con, run_id)
    if status != "done":
        raise LitlabError(f"run {run_id} is {status}: finish it first (`litlab label --resume "
                          f"{run_id}`), then validate it")
    labels = con.execute("SELECT record_id, coalesce(label, '(none)') AS label FROM labels "
                         "WHERE run_id = ? ORDER BY record_id", [run_id]).df()
    if n < 1:
        raise LitlabError("--sample must be at least 1")
    if n > len(labels):
        raise LitlabError(f"run {run_id} labeled {len(labels):,} records; a validation sample "
                          f"can take at most that many (asked for {n:,})")
    existing = con.execute("SELECT count(*), min(drawn_at) FROM validation_samples "
                           "WHERE run_id = ?", [run_id]).fetchone()
    if existing[0] and not redraw:
        raise LitlabError(f"run {run_id} already has a validation sample of {existing[0]} "
                          f"(drawn {existing[1]:%Y-%m-%d %H:%M}); --redraw replaces it (reviews "
                          "are kept)")
    rng = np.random.default_rng(seed)
    field = "label" if stratify is True else (stratify or None)
    if field == "label":
        strata = labels.label
    elif field:
        from litlab.estimates.data import strata_values

        strata = strata_values(con, labels.record_id.tolist(), field)
    else:
        strata = pd.Series("all", index=labels.index)
    sizes = strata.value_counts().to_dict()
    take = _allocate(sizes, n) if field else {"all": n}
    rows, now = [], datetime.now()
    for stratum, k in take.items():
        members = labels.record_id[strata == stratum].to_numpy()
        for record_id in rng.choice(members, k, replace=False):
            rows.append([run_id, int(record_id), stratum, k / sizes[stratum]])
    order = rng.permutation(len(rows))  # reviewed in random order, strata mixed
    with transaction(con):
        con.execute("DELETE FROM validation_samples WHERE run_id = ?", [run_id])
        con.executemany("INSERT INTO validation_samples VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [rows[i] + [position, seed, now] for position, i in enumerate(order)])
    return DrawnSample(run_id, question, len(rows), len(labels),
                       {s: [take[s], int(sizes[s])] for s in take}, seed, bool(field),
                       field)


def pending(con: duckdb.DuckDBPyConnection, question: str, reviewer: str) -> list[tuple[int, int]]:
    """(run, record) of validation samples of this question that ``reviewer`` has not
    reviewed yet, in their random order (each reviewer reviews the whole sample)."""
    return con.execute(f"""
        SELECT v.run_id, v.record_id FROM validation_samples v JOIN label_runs r USING (run_id)
        WHERE r.question = ? AND NOT EXISTS (
            SELECT 1 FROM reviews w WHERE w.question = r.question AND w.record_id = v.record_id
              AND w.reviewer = ? {title_abstract_only(con, "w.")})
        ORDER BY v.run_id, v.position""", [question, reviewer]).fetchall()


def sample_of(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """The run's validation sample with each record's label and settled review (if any)."""
    question, _, _, _ = _run(con, run_id)
    sample = con.execute("""
        SELECT v.record_id, v.stratum, v.inclusion_probability, v.position, v.seed, v.drawn_at,
               coalesce(l.label, '(none)') AS label
        FROM validation_samples v JOIN labels l ON l.run_id = v.run_id AND
             l.record_id = v.record_id
        WHERE v.run_id = ? ORDER BY v.position""", [run_id]).df()
    current = current_reviews(con, question)
    settled = current[~current.disputed][["record_id", "label"]].rename(
        columns={"label": "reviewed"})
    sample = sample.merge(settled, on="record_id", how="left")
    sample["disputed"] = sample.record_id.isin(set(current.record_id[current.disputed]))
    return sample


def report(con: duckdb.DuckDBPyConnection, run_id: int) -> dict | None:
    """Agreement on the reviewed part of the run's validation sample, with 95% intervals,
    and every option's corrected share of the run; None when the run has no sample."""
    question, options, _, _ = _run(con, run_id)
    sample = sample_of(con, run_id)
    if sample.empty:
        return None
    done = sample[sample.reviewed.notna()]
    info = {"run_id": run_id, "question": question, "drawn": int(len(sample)),
            "reviewed": int(len(done)), "disputed": int(sample.disputed.sum()),
            "stratified": bool((sample.stratum != "all").any()),
            "seed": int(sample.seed.iloc[0]), "drawn_at": str(sample.drawn_at.iloc[0])}
    if done.empty:
        raise LitlabError(
            f"no record of run {run_id}'s validation sample is reviewed yet ({len(sample)} drawn"
            + (f", {info['disputed']} disputed" if info["disputed"] else "")
            + f"): review them with `litlab review \"{question}\"`")
    unknown = sorted(set(done.reviewed) - set(options))
    if unknown:
        raise LitlabError(f"reviews {unknown} are not options of run {run_id} ({options})")
    labels = con.execute("SELECT record_id, coalesce(label, '(none)') AS label FROM labels "
                         "WHERE run_id = ?", [run_id]).df()
    from litlab.estimates.data import design_of, strata_values

    info["design"] = design = design_of(sample.stratum)
    if design == "stratified by label":
        sizes = labels.label.value_counts().to_dict()
    elif info["stratified"]:  # by a field: every stratum, drawn from or not
        sizes = strata_values(con, labels.record_id.tolist(),
                              design.removeprefix("stratified by ")).value_counts().to_dict()
    else:
        sizes = {"all": int(len(labels))}
    weights = 1.0 / done.inclusion_probability.to_numpy()
    info["agreement"] = agreement(done.reviewed.tolist(), done.label.tolist(), options,
                                  weights, done.stratum.tolist())
    info["shares"] = {}
    for option in options:
        info["shares"][option] = corrected_share(
            (labels.label == option).to_numpy(dtype=float), sizes, done.stratum.tolist(),
            (done.reviewed == option).to_numpy(dtype=float),
            (done.label == option).to_numpy(dtype=float))
    info["n_labels"] = int(len(labels))
    return info
