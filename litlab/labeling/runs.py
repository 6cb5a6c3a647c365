"""Label runs: created with their exact record set, executed in committed batches, resumable.

A run is a question with its options, a scope, a model and a prompt. Several questions
asked together become several runs executed in one pass, so that each article's context is
encoded once. Labels are written per batch in one transaction with the key (run, record):
after Ctrl-C, kill -9 or a crash, ``--resume`` labels exactly the records still missing.
"""
from __future__ import annotations

import json
import math
import random
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Callable

import duckdb

from litlab._version import __version__
from litlab.errors import LitlabError
from litlab.index.embedders import load_embedder
from litlab.index.filters import Filters
from litlab.labeling.backends import LLM_BACKENDS
from litlab.labeling.backends.answers import ANSWER_KEPT_CHARS
from litlab.labeling.context import build_contexts
from litlab.labeling.evidence import choose_evidence
from litlab.labeling.injection import FLAG as INJECTION_FLAG
from litlab.labeling.prompts import Question
from litlab.labeling.unscorable import UnscorableWatch, reason_for, score_problem
from litlab.settings import IndexSettings, LabelSettings
from litlab.store import transaction

COMMIT_EVERY = 16  # records per committed batch: at most this much work is lost to a kill
_NAME_STOPWORDS = set("""a an the does do did is are was were which what how whether article
    articles paper study studies use uses used using make makes made explicit this that of in on
    for to with by and or any kind type""".split())


@dataclass
class Rows:
    """What one batch writes: labels, and answers that could not be scored (no label)."""

    labels: list[tuple]
    unscorable: list[tuple]


@dataclass
class RunResult:
    run_ids: list[int]
    labeled: int
    status: str
    seconds: float
    unscorable: int = 0
    calibration: list[dict] = field(default_factory=list)  # per run, calibration.calibrate_run

    def to_dict(self) -> dict:
        data = asdict(self)
        data["run_id"] = self.run_ids[0] if len(self.run_ids) == 1 else self.run_ids
        return data


def run_name(question: str) -> str:
    """A short name for export columns: the question's first two content words."""
    words = [w for w in re.findall(r"[a-z0-9]+", question.lower()) if w not in _NAME_STOPWORDS]
    return "_".join(words[:2]) or "question"


def select_records(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int | None,
                   sample: int | None, seed: int) -> list[int]:
    """The records a run will label, fixed at creation."""
    sql, params = filters.sql()
    ids = [r for (r,) in con.execute(f"{sql} ORDER BY record_id", params).fetchall()]
    if sample is not None and sample < len(ids):
        ids = sorted(random.Random(seed).sample(ids, sample))
    return ids[:limit] if limit is not None else ids


def create_runs(con, questions: list[Question], scope: str, record_ids: list[int],
                backend_info: dict, settings: LabelSettings, names: list[str] | None = None
                ) -> list[int]:
    """Insert one run per question (status running) and return their ids."""
    if not record_ids:
        raise LitlabError("no records to label: the corpus is empty or the filter matches nothing")
    first = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM label_runs").fetchone()[0]
    parameters = {"batch_size": settings.batch_size, "max_context_tokens": settings.max_context_tokens,
                  "drop_instructions": settings.drop_instructions,
                  "fulltext_chunks": settings.fulltext_chunks, "scoring": "option log-probabilities "
                  "normalised over the options", "evidence": "similarity", "device":
                  backend_info.get("device"), "dtype": backend_info.get("dtype"),
                  "base_url": backend_info.get("base_url"),
                  # what a resume loads again: the model resolved (a "default" may name
                  # another model once a better one is installed), else --llm as given
                  "llm": backend_info.get("llm") or settings.model}
    # What `litlab label --resume RUN` alone needs to reach the same servers again.
    parameters.update({k: backend_info[k] for k in ("base_urls", "concurrency", "timeout_s")
                       if backend_info.get(k) is not None})
    ids = []
    for i, question in enumerate(questions):
        run_id = first + i
        asked = {**parameters, **criteria_parameters(question.criteria)}
        con.execute(
            "INSERT INTO label_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, ?, NULL)",
            [run_id, (names or [])[i] if names else run_name(question.text), question.text,
             list(question.options), scope, backend_info["backend"], backend_info["model_id"],
             backend_info.get("weights_sha256"), question.template, json.dumps(asked),
             __version__, record_ids, datetime.now()])
        ids.append(run_id)
    return ids


def criteria_parameters(criteria: str | None) -> dict:
    """A run's record of the eligibility criteria it was given (none: nothing recorded)."""
    if not criteria:
        return {}
    import hashlib

    return {"criteria": criteria,
            "criteria_sha256": hashlib.sha256(criteria.encode("utf-8")).hexdigest()}


def _probabilities(logprobs: list[float]) -> list[float]:
    """Softmax over the options (the caller has checked they are scorable)."""
    top = max(logprobs)
    weights = [math.exp(v - top) for v in logprobs]
    total = sum(weights)
    return [w / total for w in weights]


def execute(con: duckdb.DuckDBPyConnection, run_ids: list[int], backend, settings: LabelSettings,
            index_settings: IndexSettings,
            progress: Callable[[str, int], Callable[[int], None]] | None = None,
            should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Label every record of the runs that has no label yet; the runs share one pass."""
    start = time.perf_counter()
    runs = con.execute("SELECT run_id, question, options, scope, record_ids, parameters "
                       "FROM label_runs WHERE list_contains(?, run_id) ORDER BY run_id",
                       [run_ids]).fetchall()
    questions = [Question(q, tuple(o), json.loads(p).get("criteria"))
                 for _, q, o, _, _, p in runs]
    scope, record_ids = runs[0][3], runs[0][4]
    done = {(r, rec) for r, rec in con.execute(
        "SELECT run_id, record_id FROM labels WHERE list_contains(?, run_id)", [run_ids]).fetchall()}
    pending = [r for r in record_ids if any((run, r) not in done for run in run_ids)]
    embedder = load_embedder(index_settings.model, index_settings.device, index_settings.batch_size)
    advance = progress("labeling", len(pending)) if progress else None
    labeled, status = 0, "done"
    watch = UnscorableWatch(questions[0].options)
    con.execute("UPDATE label_runs SET status = 'running', message = NULL WHERE list_contains(?, run_id)",
                [run_ids])
    try:
        if hasattr(backend, "score_stream"):
            from litlab.labeling.streaming import label_streaming

            labeled, status = label_streaming(con, pending, run_ids, questions, scope, backend,
                                              embedder, settings, index_settings, done,
                                              advance, should_stop, watch)
        else:
            every = getattr(backend, "commit_every", COMMIT_EVERY)  # vLLM wants big calls
            for at in range(0, len(pending), every):
                if should_stop and should_stop():
                    status = "interrupted"
                    break
                batch = pending[at:at + every]
                rows = _label_batch(con, batch, run_ids, questions, scope, backend, embedder,
                                    settings, index_settings, done)
                commit_rows(con, rows, watch)
                labeled += len(batch)
                if advance:
                    advance(len(batch))
        if status == "done":
            watch.check(final=True)
    except KeyboardInterrupt:
        _finish(con, run_ids, "interrupted", "stopped by the user; resume with --resume")
        # The reason travels with the interrupt: the CLI prints it (Ctrl+C leaves a run to resume).
        raise KeyboardInterrupt(f"run {run_ids[0]} interrupted, its labels kept; resume with "
                                f"`{resume_command(con, run_ids[0])}`") from None
    except LitlabError as exc:
        getattr(advance, "close", lambda: None)()
        _finish(con, run_ids, "paused", str(exc))
        raise LitlabError(f"{exc}; the run is paused: resume with "
                          f"`{resume_command(con, run_ids[0])}`") from None
    _finish(con, run_ids, status, None if status == "done" else "stopped; resume with --resume")
    return RunResult(run_ids, labeled - watch.records_without_label(len(run_ids)), status,
                     round(time.perf_counter() - start, 2), watch.unscorable)


def resume_command(con: duckdb.DuckDBPyConnection, run_id: int) -> str:
    """The exact command that continues a run (with --db unless it is the default file)."""
    import os
    import shlex

    path = con.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()[0]
    default = os.path.abspath(os.environ.get("LITLAB_DB", "litlab.duckdb"))
    where = "" if not path or os.path.abspath(path) == default else f" --db {shlex.quote(path)}"
    return f"litlab label --resume {run_id}{where}"


ORPHANED = ("the process running it stopped (killed, crashed or switched off); resume it "
            "with `litlab label --resume RUN`")


def mark_orphaned_runs(con: duckdb.DuckDBPyConnection) -> int:
    """Runs still marked running when a process opens the corpus for writing are orphans:
    DuckDB lets one writer hold the file, so no other process is running them. They become
    interrupted (resumable); returns how many."""
    if not con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'label_runs'").fetchone()[0]:
        return 0
    return len(con.execute("UPDATE label_runs SET status = 'interrupted', message = ? "
                           "WHERE status = 'running' RETURNING run_id", [ORPHANED]).fetchall())


def commit_rows(con, rows: Rows, watch: UnscorableWatch | None = None) -> None:
    """Labels in one transaction; the key (run, record) keeps a record from being labeled
    twice however often a run is resumed. A record labeled now loses its unscorable row (a
    resume asked it again); one unscorable now keeps the latest answer."""
    with transaction(con):
        if rows.labels:
            con.executemany("INSERT OR IGNORE INTO labels VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.labels)
            con.executemany("DELETE FROM unscorable WHERE run_id = ? AND record_id = ?",
                            [row[:2] for row in rows.labels])
        if rows.unscorable:
            con.executemany("INSERT OR REPLACE INTO unscorable VALUES (?, ?, ?, ?, ?)",
                            rows.unscorable)
    if watch is not None:
        watch.add(rows.labels, rows.unscorable)
        watch.check()


def _finish(con, run_ids: list[int], status: str, message: str | None) -> None:
    con.execute("UPDATE label_runs SET status = ?, message = ?, finished_at = now() "
                "WHERE list_contains(?, run_id)", [status, message, run_ids])


def _label_batch(con, batch, run_ids, questions, scope, backend, embedder, settings,
                 index_settings, done) -> list[tuple]:
    contexts = build_contexts(con, batch, scope, " ".join(q.text for q in questions), embedder,
                              index_settings.model, settings.fulltext_chunks,
                              settings.drop_instructions)
    with_text = [c for c in contexts if c.text]
    began = time.perf_counter()
    scores = backend.score([c.text for c in with_text], questions) if with_text else []
    per_article_ms = 1000 * (time.perf_counter() - began) / max(1, len(with_text))
    return label_rows(contexts, with_text, scores, run_ids, questions, embedder, done,
                      per_article_ms)


def label_rows(contexts, with_text, scores, run_ids, questions, embedder, done,
               per_article_ms: float | None = None) -> Rows:
    """Rows for the labels table: ``scores`` belong to ``with_text``; every other context
    has no text. ``per_article_ms`` None: each score's own time (``extra['ms']``). An
    answer that names no option, or scores that are not numbers, make an unscorable row."""
    evidence = choose_evidence(with_text, [q.text for q in questions], embedder)
    by_record = {c.record_id: (c, s, e) for c, s, e in zip(with_text, scores, evidence)}
    now, rows, unscorable = datetime.now(), [], []
    for context in contexts:
        for qi, (run_id, question) in enumerate(zip(run_ids, questions)):
            if (run_id, context.record_id) in done:
                continue
            if context.record_id not in by_record:
                rows.append(_no_text_row(run_id, context.record_id, question, now))
                continue
            _, score, picks = by_record[context.record_id]
            if qi in score.unscorable:
                answer = score.unscorable[qi][:ANSWER_KEPT_CHARS]
                unscorable.append((run_id, context.record_id, answer, reason_for(answer), now))
                continue
            problem = score_problem(score.logprobs[qi] if qi < len(score.logprobs) else None,
                                    len(question.options))
            if problem:
                unscorable.append((run_id, context.record_id,
                                   repr(score.logprobs[qi:qi + 1])[:ANSWER_KEPT_CHARS],
                                   problem, now))
                continue
            flag = (f"{INJECTION_FLAG} ({context.removed} sentence"
                    f"{'s' if context.removed != 1 else ''})") if context.removed else None
            probs = _probabilities(score.logprobs[qi])
            best = max(range(len(probs)), key=probs.__getitem__)
            sentence = picks[qi]
            rows.append((run_id, context.record_id, question.options[best], probs,
                         sentence.text if sentence else None, sentence.page if sentence else None,
                         sentence.source if sentence else None, score.method, flag,
                         score.context_tokens, score.truncated,
                         score.extra.get("ms", 0.0) if per_article_ms is None else per_article_ms,
                         now))
    return Rows(rows, unscorable)


def _no_text_row(run_id: int, record_id: int, question: Question, now) -> tuple:
    """A record with neither abstract nor usable PDF text: UNCLEAR (or no label), never skipped."""
    options = [o.upper() for o in question.options]
    label = question.options[options.index("UNCLEAR")] if "UNCLEAR" in options else None
    probs = [1.0 if o == label else 0.0 for o in question.options] if label else \
        [1.0 / len(question.options)] * len(question.options)
    return (run_id, record_id, label, probs, None, None, None, "no_text", "no text", 0, False,
            0.0, now)


def load_backend(settings: LabelSettings):
    """The configured LLM backend, loaded once per call site (model loads take seconds)."""
    backend, model, urls = settings.backend, settings.model, settings.urls()
    if model.startswith("ollama:"):  # a model of the Ollama on this machine, by its name
        from litlab.labeling.discovery import resolve_ollama

        backend, model, urls = "openai", *resolve_ollama(model.removeprefix("ollama:"))
    if backend == "llama.cpp":
        from litlab.labeling.backends.llama_cpp_backend import runs_in_llama_cpp

        # A Hugging Face id or folder is not a GGUF: the transformers backend loads it.
        backend = backend if runs_in_llama_cpp(model) else "transformers"
    return LLM_BACKENDS.create(backend, model=model, device=settings.device,
                               base_url=urls[0] if urls else None, base_urls=urls,
                               api_key=settings.api_key,
                               max_context_tokens=settings.max_context_tokens,
                               batch_size=settings.batch_size, concurrency=settings.concurrency,
                               timeout_s=settings.timeout_s, retries=settings.retries,
                               models_dir=settings.models_dir, threads=settings.threads)
