"""Entry points for label runs, called by the Corpus (and so by the CLI and the UI)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.index.filters import Filters
from litlab.labeling.prompts import make_question
from litlab.labeling.runs import RunResult, create_runs, execute, select_records
from litlab.settings import LabelSettings, Settings

Progress = Callable[[str, int], Callable[[int], None]]


def read_questions(path: Path) -> list[str]:
    """One question per line; blank lines and lines starting with # are ignored."""
    if not path.exists():
        raise LitlabError(f"no such questions file: {path}")
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines()]
    questions = [l for l in lines if l and not l.startswith("#")]
    if not questions:
        raise LitlabError(f"{path} holds no questions")
    return questions


def check_request(con: duckdb.DuckDBPyConnection, settings: Settings, questions: list[str],
                  options=None, scope: str = "auto", filters: Filters | None = None,
                  limit: int | None = None, sample: int | None = None) -> None:
    """Refuse a bad question, options, scope, limit or an empty selection before the model
    loads (loading takes seconds to minutes; a typo should cost none of them)."""
    from litlab.labeling.context import SCOPES

    if not questions:
        raise LitlabError("no question: write the question the model should answer")
    for q in questions:
        make_question(q, options)
    if scope not in SCOPES:
        raise LitlabError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    for name, value in (("--limit", limit), ("--sample", sample)):
        if value is not None and value < 1:
            raise LitlabError(f"{name} must be at least 1 (got {value})")
    if not select_records(con, filters or Filters(), limit, sample, settings.label.seed):
        raise LitlabError("no records to label: the corpus is empty or the filter matches nothing")


def start(con: duckdb.DuckDBPyConnection, backend, settings: Settings, questions: list[str],
          options=None, scope: str = "auto", filters: Filters | None = None,
          limit: int | None = None, sample: int | None = None, names: list[str] | None = None,
          progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
          criteria: str | Path | None = None) -> RunResult:
    """Create one run per question over the selected records and label them in one pass.
    Each question is asked with its stored eligibility criteria; ``criteria`` (a file or the
    text) is first stored for every question."""
    import dataclasses

    from litlab.review.criteria import question_settings, set_question

    parsed = [make_question(q, options) for q in questions]
    if criteria is not None:
        for question in parsed:
            set_question(con, question.text, criteria)
    parsed = [dataclasses.replace(q, criteria=question_settings(con, q.text)["criteria"])
              for q in parsed]
    record_ids = select_records(con, filters or Filters(), limit, sample, settings.label.seed)
    run_ids = create_runs(con, parsed, scope, record_ids, backend.describe(), settings.label, names)
    result = execute(con, run_ids, backend, settings.label, settings.index, progress, should_stop)
    return calibrated(con, result)


def calibrated(con: duckdb.DuckDBPyConnection, result: RunResult) -> RunResult:
    """Each finished run calibrated on the reviews of its question (or told it is not)."""
    from litlab.labeling.calibration import calibrate_run

    if result.status == "done":
        result.calibration = [calibrate_run(con, run_id) for run_id in result.run_ids]
    return result


SERVED = ("openai", "vllm")  # backends whose run records how to reach the model again


def resume_settings(con: duckdb.DuckDBPyConnection, run_id: int, label: LabelSettings
                    ) -> LabelSettings:
    """The label settings that continue ``run_id``: a run records its backend, model and
    (served) servers and concurrency, so `litlab label --resume RUN` alone reaches them
    again. Servers given now replace the recorded ones when they are for this run's model
    (it moved): the same model named, or none (the default)."""
    row = con.execute("SELECT backend, model_id, parameters FROM label_runs WHERE run_id = ?",
                      [run_id]).fetchone()
    if row is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    backend, model, parameters = row[0], row[1], json.loads(row[2] or "{}")
    if backend not in SERVED:  # the model it loaded, whatever is configured now
        llm = parameters.get("llm")
        return dataclasses.replace(label, backend=backend, model=llm) if llm else label
    if label.backend == backend and label.model == model and label.urls():
        return label
    recorded = tuple(parameters.get("base_urls") or
                     ([parameters["base_url"]] if parameters.get("base_url") else []))
    other_model = label.model not in (model, parameters.get("llm"), LabelSettings.model)
    urls = recorded if other_model or not label.urls() else label.urls()
    given = label.backend == backend or label.concurrency != LabelSettings.concurrency
    concurrency = label.concurrency if given else parameters.get("concurrency", label.concurrency)
    # A time-out chosen for the servers the run had (perhaps short, to catch a hung one)
    # stays with them: servers given now get the one given now, else the default.
    moved = urls != recorded
    timeout_s = (label.timeout_s if label.timeout_s != LabelSettings.timeout_s or moved
                 else parameters.get("timeout_s", label.timeout_s))
    return dataclasses.replace(label, backend=backend, model=model, base_url=None,
                               base_urls=urls, concurrency=concurrency, timeout_s=timeout_s)


def resume(con: duckdb.DuckDBPyConnection, backend, settings: Settings, run_id: int,
           progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
           ) -> RunResult:
    """Continue a run (and the runs started with it) where it stopped."""
    row = con.execute("SELECT started_at, model_id FROM label_runs WHERE run_id = ?",
                      [run_id]).fetchone()
    if row is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    if row[1] != backend.describe()["model_id"]:
        raise LitlabError(f"run {run_id} was made with {row[1]}; resume it with the same model")
    siblings = [r for (r,) in con.execute(
        "SELECT run_id FROM label_runs WHERE started_at = ? ORDER BY run_id", [row[0]]).fetchall()]
    return calibrated(con, execute(con, siblings, backend, settings.label, settings.index,
                                   progress, should_stop))


def runs_table(con: duckdb.DuckDBPyConnection, orphans_interrupted: bool = False
               ) -> pd.DataFrame:
    """Every run with its progress. ``orphans_interrupted``: a read-only reader knows that no
    process holds the corpus for writing, so a run marked running is not running."""
    from litlab.store import has_table

    status = ("CASE WHEN r.status = 'running' THEN 'interrupted' ELSE r.status END"
              if orphans_interrupted else "r.status")
    unscorable = ("(SELECT count(*) FROM unscorable u WHERE u.run_id = r.run_id)"
                  if has_table(con, "unscorable") else "0")
    return con.execute(f"""
        SELECT r.run_id, r.name, r.question, r.options, r.scope, r.model_id,
               {status} AS status, len(r.record_ids) AS records, count(l.record_id) AS labeled,
               {unscorable} AS unscorable,
               r.started_at, r.finished_at
        FROM label_runs r LEFT JOIN labels l USING (run_id)
        GROUP BY ALL ORDER BY r.run_id""").df()


def labels_table(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """One row per labeled record: label, probability of every option, evidence and page."""
    options = con.execute("SELECT options FROM label_runs WHERE run_id = ?", [run_id]).fetchone()
    if options is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    from litlab.labeling.unscorable import usable_sql

    # Rows with unreadable probabilities (stored by an older litlab) are left out here;
    # `litlab runs show` names them.
    frame = con.execute(f"""
        SELECT l.record_id, r.title, r.year, r.doi, l.label, l.probabilities, l.evidence,
               l.evidence_page AS page, l.evidence_source, l.method, l.reason, l.truncated
        FROM labels l JOIN records r USING (record_id) WHERE l.run_id = ?
        AND {usable_sql('l.probabilities')} ORDER BY l.record_id""",
                        [run_id, len(options[0])]).df()
    for i, option in enumerate(options[0]):
        frame[f"p_{option}"] = frame.probabilities.map(lambda p, i=i: p[i])
    frame["confidence"] = frame.probabilities.map(max)
    return frame.drop(columns="probabilities")
