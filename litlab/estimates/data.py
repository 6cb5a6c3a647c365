"""The table every estimate starts from: one row per record a run labeled, with its covariates,
the run's label and probability of the option, and, for the validation sample, the inclusion
probability and the settled review.

Covariates are named as a user types them in ``--by`` and in formulas: ``year``,
``open_access`` (1/0), ``type``, ``source``, ``language``, ``n_authors``, ``cited_by``,
``topic`` (the latest topic run's name) and ``label_<name>`` (another question's latest
labels, 1 where TRUE).
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from litlab.errors import LitlabError

# --by / formula name -> SQL over records r (None: computed in Python below).
FIELDS = {
    "year": "r.year", "type": "r.document_type", "source": "r.source_title",
    "language": "r.language", "cited_by": "r.cited_by", "n_authors": "len(r.authors)",
    "open_access": "CASE WHEN r.open_access IS NULL OR trim(r.open_access) = '' THEN 0 "
                   "ELSE 1 END",
    "publisher": "r.publisher",
}


def covariates(con: duckdb.DuckDBPyConnection, record_ids: list[int]) -> pd.DataFrame:
    """``record_id`` and every covariate above for ``record_ids``."""
    select = ", ".join(f"{sql} AS {name}" for name, sql in FIELDS.items())
    frame = con.execute(f"SELECT r.record_id, {select} FROM records r WHERE r.record_id IN "
                        "(SELECT unnest(?)) ORDER BY r.record_id", [list(record_ids)]).df()
    from litlab.topics.store import with_topic_columns

    frame = with_topic_columns(con, frame).drop(columns=["topic"]).rename(
        columns={"topic_name": "topic"})
    for name, values in other_labels(con).items():
        frame[name] = frame.record_id.map(values).astype(float)
    return frame


def other_labels(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, float]]:
    """``label_<name>`` -> record -> 1.0 where the latest finished run of that name says
    TRUE (0.0 otherwise), for every question with a TRUE option."""
    rows = con.execute("""
        SELECT r.name, l.record_id, (l.label = 'TRUE')::DOUBLE FROM labels l JOIN label_runs r
        USING (run_id) WHERE r.run_id IN (SELECT max(run_id) FROM label_runs
                                          WHERE status = 'done' AND list_contains(options, 'TRUE')
                                          GROUP BY name)""").fetchall()
    out: dict[str, dict[int, float]] = {}
    for name, record_id, value in rows:
        out.setdefault(f"label_{name}", {})[int(record_id)] = value
    return out


def strata_values(con: duckdb.DuckDBPyConnection, record_ids: list[int], field: str) -> pd.Series:
    """Each record's value of ``field`` as a stratum name (``FIELD=VALUE``; '(none)' if empty)."""
    frame = covariates(con, record_ids)
    if field not in frame.columns:
        raise LitlabError(f"cannot stratify by {field!r}; use label or one of: "
                          f"{', '.join(c for c in frame.columns if c != 'record_id')}")
    values = frame.set_index("record_id")[field].reindex(record_ids)
    return pd.Series([f"{field}={_text(v)}" for v in values], index=range(len(record_ids)))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "(none)"
    return str(int(value)) if isinstance(value, (float, np.floating)) and value == int(value) \
        else str(value)


def design_of(strata: pd.Series) -> str:
    """How a stored sample was drawn, in words: 'simple random' or 'stratified by X'."""
    names = set(strata)
    if names == {"all"}:
        return "simple random"
    fields = {s.split("=", 1)[0] for s in names if "=" in s}
    by_field = len(fields) == 1 and all("=" in s for s in names)
    return f"stratified by {fields.pop() if by_field else 'label'}"


def resolve_run(con: duckdb.DuckDBPyConnection, question: str, run_id: int | None) -> int:
    """The run to correct: ``run_id`` when it asks ``question``, else the question's latest
    finished run that has a validation sample (else its latest finished run)."""
    from litlab.review.labels import normalise_question

    asked = normalise_question(question)
    if run_id is not None:
        row = con.execute("SELECT question FROM label_runs WHERE run_id = ?", [run_id]).fetchone()
        if row is None:
            raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
        if normalise_question(row[0]) != asked:
            raise LitlabError(f"run {run_id} asks {row[0]!r}, not {question!r}: give a run of "
                              "this question (`litlab runs list`)")
        return run_id
    rows = con.execute("""
        SELECT r.run_id, EXISTS (SELECT 1 FROM validation_samples v WHERE v.run_id = r.run_id)
        FROM label_runs r WHERE r.status = 'done' AND r.question = ? ORDER BY r.run_id DESC""",
                       [asked]).fetchall()
    if not rows:
        raise LitlabError(f"no finished label run asks {question!r}: label it first "
                          f"(`litlab label \"{question}\"`)")
    return next((r for r, sampled in rows if sampled), rows[0][0])


def estimation_table(con: duckdb.DuckDBPyConnection, run_id: int, option: str
                     ) -> tuple[pd.DataFrame, dict]:
    """One row per record of the run: covariates, ``label`` (1 where the run says ``option``),
    ``surrogate`` (the run's probability of it), ``sampled``, ``pi`` and ``y`` (1 where the
    settled review says ``option``) for the reviewed part of the validation sample; and the
    run's facts (question, options, backend, design, drawn, reviewed)."""
    from litlab.review.validation import sample_of

    question, options, backend, status, name = con.execute(
        "SELECT question, options, backend, status, name FROM label_runs WHERE run_id = ?",
        [run_id]).fetchone()
    if status != "done":
        raise LitlabError(f"run {run_id} is {status}: finish it first (`litlab label --resume "
                          f"{run_id}`)")
    if option not in options:
        raise LitlabError(f"{option!r} is not an option of run {run_id} ({', '.join(options)})")
    at = list(options).index(option)
    labels = con.execute("SELECT record_id, label, probabilities FROM labels WHERE run_id = ? "
                         "ORDER BY record_id", [run_id]).df()
    sample = sample_of(con, run_id)
    hint = (f"draw one with `litlab validate {run_id} --sample 200` (add --stratify year for "
            f"trends) and review it with `litlab review \"{question}\"`")
    if sample.empty:
        raise LitlabError(f"run {run_id} has no validation sample yet: {hint}")
    done = sample[sample.reviewed.notna()]
    if done.empty:
        raise LitlabError(f"none of run {run_id}'s validation sample ({len(sample)} drawn) is "
                          f"reviewed yet: review it with `litlab review \"{question}\"`")
    # The reviewed part of a stratum is a random part of it (the sample is reviewed in random
    # order), so its inclusion probability is reviewed / stratum size.
    drawn = sample.groupby("stratum").agg(n=("record_id", "size"),
                                          p=("inclusion_probability", "first"))
    size = drawn.n / drawn.p
    reviewed = done.groupby("stratum").size()
    pi = done.stratum.map(reviewed / size)
    table = covariates(con, labels.record_id.tolist()).merge(labels, on="record_id")
    same = [c for c in table.columns if c == f"label_{name}"]  # this question's own labels
    table = table.drop(columns=same)
    table["label"] = (table.pop("label") == option).astype(float)
    table["surrogate"] = [float(p[at]) if p is not None and len(p) > at else np.nan
                          for p in table.pop("probabilities")]
    table["surrogate"] = table.surrogate.fillna(table.label)
    by_record = pd.DataFrame({"record_id": done.record_id.to_numpy(), "pi": pi.to_numpy(),
                              "y": (done.reviewed == option).astype(float).to_numpy(),
                              "stratum": done.stratum.to_numpy()})
    table = table.merge(by_record, on="record_id", how="left")
    table["sampled"] = table.pi.notna()
    facts = {"run_id": int(run_id), "question": question, "options": list(options),
             "option": option, "backend": backend, "design": design_of(sample.stratum),
             "drawn": int(len(sample)), "reviewed": int(len(done)),
             "disputed": int(sample.disputed.sum()), "n_records": int(len(table)),
             "seed": int(sample.seed.iloc[0])}
    return table, facts
