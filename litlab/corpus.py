"""The Corpus: the one object the CLI, the UI and Python users all work through."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable

import pandas as pd

from litlab.index.filters import Filters
from litlab.ingest.pipeline import ProgressFactory, ingest
from litlab.ingest.report import IngestReport
from litlab.prisma.api import SystematicReview
from litlab.settings import Settings
from litlab.stats import corpus_stats
from litlab.store import connect


MAX_K = 10_000


def check_k(k) -> int:
    """How many results a search returns: a whole number from 1 to ``MAX_K``."""
    from litlab.errors import LitlabError

    try:
        whole = int(k)
        if whole != float(k):
            raise ValueError
    except (TypeError, ValueError):
        raise LitlabError(f"k must be a whole number of results (got {k!r})") from None
    if not 1 <= whole <= MAX_K:
        raise LitlabError(f"k must be between 1 and {MAX_K:,} (got {whole:,})")
    return whole


class Corpus(SystematicReview):
    """A literature corpus stored in one DuckDB file."""

    def __init__(self, path: str | Path, settings: Settings | None = None,
                 read_only: bool = False, create: bool = True):
        self.path = Path(path)
        self.settings = settings or Settings()
        self.read_only = read_only
        self._root = connect(self.path, read_only=read_only, create=create)
        if not read_only:
            from litlab.labeling.runs import mark_orphaned_runs

            mark_orphaned_runs(self._root)
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._cursors: list = []
        self._searcher = None
        self._backends: dict = {}  # loaded LLM backends by their label settings
        self._backends_lock = threading.Lock()

    @property
    def con(self):
        """This thread's DuckDB connection. A connection must not be used by two threads at
        once, so threads other than the opening one (UI requests, background jobs) each get
        a cursor: same database, own transactions."""
        if threading.get_ident() == self._owner:
            return self._root
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._root.cursor()
            self._cursors.append(con)
        return con

    def ingest(self, paths: Iterable[str | Path],
               progress: ProgressFactory | None = None) -> IngestReport:
        """Add export files and PDFs (files or folders); identical inputs change nothing."""
        return ingest(self.con, [Path(p) for p in paths], self.settings.ingest, progress)

    @property
    def searcher(self):
        """The retrieval engine (loaded on first use; keeps FAISS indices in memory)."""
        if self._searcher is None:
            from litlab.index.searcher import Searcher

            self._searcher = Searcher(lambda: self.con, self.path, self.settings.index)
        return self._searcher

    def index(self, progress: ProgressFactory | None = None):
        """Embed what is new or changed; refresh the FAISS and BM25 indices."""
        from litlab.index.builder import build_index

        return build_index(self.con, self.path, self.settings.index, progress, self.searcher)

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: dict | Filters | None = None) -> pd.DataFrame:
        """The k most relevant records, one row each, with the best PDF passage and page."""
        k = check_k(k)
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        return self.searcher.search(query, k, mode, filters)

    def similar(self, record_id: int, k: int = 10,
                filters: dict | Filters | None = None) -> pd.DataFrame:
        """The records nearest to ``record_id`` (for snowballing)."""
        k = check_k(k)
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        return self.searcher.similar(record_id, k, filters)

    def filter_choices(self) -> dict:
        """Values the filters can take here: document types, run=label pairs, topics."""
        from litlab.index.filters import filter_choices

        return filter_choices(self.con)

    @property
    def backend(self):
        """The LLM backend of the label settings (loaded on first use, then kept)."""
        return self._backend_for(self.settings.label)

    def _backend_for(self, label):
        # The configured model and the last other one stay loaded (a UI that tries several
        # large models must not keep them all); one load at a time (a label job and the
        # Ask tab may ask at once).
        with self._backends_lock:
            if label not in self._backends:
                from litlab.labeling.runs import load_backend

                for old in [k for k in self._backends if k != self.settings.label]:
                    del self._backends[old]
                self._backends[label] = load_backend(label)
            return self._backends[label]

    def models(self):
        """What can label here (`litlab models`): the bundled model, the Hugging Face
        cache, the Ollama on this machine and the configured servers, probed."""
        from litlab.labeling.discovery import list_models

        return list_models(self.settings.label.urls(), api_key=self.settings.label.api_key,
                           models_dir=self.settings.label.models_dir)

    def _settings_for(self, model):
        """(backend, settings) for a model of `models()`, or the configured one (None)."""
        import dataclasses

        if model is None:
            return self.backend, self.settings
        label = dataclasses.replace(self.settings.label, backend=model.backend,
                                    model=model.llm, base_url=model.base_url, base_urls=())
        return self._backend_for(label), dataclasses.replace(self.settings, label=label)

    def label(self, questions: str | list[str], options=None, scope: str = "auto",
              filters: dict | Filters | None = None, limit: int | None = None,
              sample: int | None = None, names: list[str] | None = None,
              progress: ProgressFactory | None = None, should_stop=None,
              criteria: str | Path | None = None, model=None):
        """Label every selected record for each question, asked with the question's stored
        eligibility criteria (``criteria``, a file or text, stores them first); ``model``, an
        entry of `models()`, instead of the configured model. Returns the runs' ids and
        counts."""
        from litlab.labeling import service

        if isinstance(questions, str):
            questions = [questions]
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        service.check_request(self.con, self.settings, questions, options, scope, filters, limit,
                              sample)
        backend, settings = self._settings_for(model)
        return service.start(self.con, backend, settings, questions, options, scope,
                             filters, limit, sample, names, progress, should_stop, criteria)

    def resume(self, run_id: int, progress: ProgressFactory | None = None, should_stop=None):
        """Continue an interrupted or paused run; no record is labeled twice."""
        import dataclasses

        from litlab.labeling import service

        label = service.resume_settings(self.con, run_id, self.settings.label)
        # A served run resumes with its own servers and model, as recorded.
        settings = dataclasses.replace(self.settings, label=label)
        return service.resume(self.con, self._backend_for(label), settings, run_id, progress,
                              should_stop)

    def runs(self) -> pd.DataFrame:
        """Every label run with its status and progress."""
        from litlab.labeling.service import runs_table

        return runs_table(self.con, orphans_interrupted=self.read_only)

    def labels(self, run_id: int) -> pd.DataFrame:
        """A run's labels: label, per-option probabilities, evidence and page per record."""
        from litlab.labeling.service import labels_table

        return labels_table(self.con, run_id)

    def evaluate(self, run_id: int, gold_path=None, plot_path=None,
                 label_column: str = "label") -> dict:
        """Agreement of a run with human labels: a CSV (record_id or doi, and label), or
        without one the reviews stored for the run's question."""
        from litlab.labeling.evaluate import evaluate_run

        return evaluate_run(self.con, run_id, Path(gold_path) if gold_path else None,
                            plot_path, label_column)

    def export(self, path, runs: list[int] | None = None,
               filters: dict | Filters | None = None, included: str | None = None) -> dict:
        """Write the labeled table (CSV, XLSX, Parquet, RIS or BibTeX by extension); with
        ``included`` (a question), only the records included in that review."""
        from litlab.labeling.export import export

        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        return export(self.con, Path(path), runs, filters, included)

    def labeled_table(self, runs: list[int] | None = None,
                      filters: dict | Filters | None = None):
        """(table, runs): what ``export`` writes, as DataFrames (one row per record)."""
        from litlab.labeling.export import labeled_table

        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        return labeled_table(self.con, runs, filters)

    def ask(self, question: str, filters: dict | Filters | None = None, k: int | None = None,
            max_tokens: int | None = None, attribute: bool = True):
        """Answer a question from the corpus with numbered citations (records and pages);
        with ``attribute``, sentences the model left uncited are matched to the most similar
        passage (marked ``by: "similarity"``)."""
        from litlab.ask.answer import ask

        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        settings = self.settings.ask
        k = check_k(k) if k is not None else settings.k
        return ask(self, question, filters, k, max_tokens or settings.max_tokens,
                   settings.attribution_threshold if attribute else None)

    def reviews(self, question: str, stage: str | None = None) -> pd.DataFrame:
        """Human labels for a question, latest decision per record, at a screening stage
        (title_abstract by default, or full_text with each exclusion's reason)."""
        from litlab.review import service

        return service.reviews(self.con, question, stage)

    def review_session(self, question: str, reviewer: str | None = None,
                       mode: str | None = None, source: str = "api", stage: str | None = None):
        """A live review: next record to decide (a run's validation sample first), decisions
        stored, classifier retrained, the stopping rule; ``source`` (terminal, ui, api) is
        stored with each decision; mode ``disagreements`` settles disputed records; stage
        ``full_text`` assesses the records included at title and abstract."""
        import dataclasses

        from litlab.review import service

        settings = dataclasses.replace(self.settings.review, **{
            k: v for k, v in {"reviewer": reviewer, "mode": mode}.items() if v})
        return service.review_session(self.con, question, settings, self.settings.index,
                                      source=source, stage=stage)

    def validate(self, run_id: int, n: int, seed: int | None = None, stratify: bool | str = False,
                 redraw: bool = False):
        """Draw ``n`` of a finished run's records at random into the review queue; once
        reviewed, ``evaluate(run_id)`` reports agreement and corrected shares with 95% CIs."""
        from litlab.review import service

        return service.validate(self.con, run_id, n, seed, stratify, redraw)

    def reviewer_agreement(self, question: str) -> dict:
        """Cohen's kappa (95% CI) between every pair of reviewers of a question."""
        from litlab.review import service

        return service.agreement(self.con, question)

    def disagreements(self, question: str) -> pd.DataFrame:
        """Records whose reviewers disagree, not settled yet."""
        from litlab.review import service

        return service.disagreements(self.con, question)

    def stopping(self, question: str) -> dict:
        """The stopping rule (target recall with confidence) on the reviews so far."""
        from litlab.review import service

        return service.stopping(self.con, question, self.settings.review)

    def label_from_reviews(self, question: str):
        """Train the classifier on the reviews and label every record as a run of its own."""
        from litlab.review import service

        return service.label_from_reviews(self.con, question, self.settings.review,
                                          self.settings.index)

    def records(self) -> pd.DataFrame:
        """Every stored record, one row each, list fields as Python lists."""
        return self.con.execute(
            "SELECT * EXCLUDE (raw, title_key) FROM records ORDER BY record_id"
        ).df()

    def documents(self) -> pd.DataFrame:
        """Every PDF with its status and linked record."""
        return self.con.execute(
            "SELECT d.document_id, d.path, d.status, d.error, d.n_pages, d.record_id, "
            "d.link_method, d.link_score, r.title, r.doi, "
            "(SELECT count(*) FROM chunks c WHERE c.document_id = d.document_id) AS n_chunks "
            "FROM documents d LEFT JOIN records r USING (record_id) ORDER BY d.document_id"
        ).df()

    def rejects(self) -> pd.DataFrame:
        """Rows that could not be read, with file, line, reason and raw text."""
        return self.con.execute(
            "SELECT i.file, x.line, x.reason, x.raw FROM rejects x JOIN imports i USING (import_id) "
            "ORDER BY x.import_id, x.line"
        ).df()

    def duplicates(self) -> pd.DataFrame:
        """Rows merged into an existing record, with the reason and the fields they filled."""
        return self.con.execute(
            "SELECT i.file, d.line, d.duplicate_of, r.title, d.reason, d.similarity, d.enriched "
            "FROM duplicates d JOIN imports i USING (import_id) "
            "JOIN records r ON r.record_id = d.duplicate_of ORDER BY d.import_id, d.line"
        ).df()

    def record(self, record_id: int) -> dict:
        """One record's fields and its linked PDFs."""
        from litlab.records import record_detail

        return record_detail(self.con, record_id)

    def page_image(self, record_id: int, page: int, highlight: str | None = None,
                   zoom: float = 1.5) -> tuple[bytes, int]:
        """A linked PDF page as PNG with ``highlight`` marked, and how many of its pieces
        were found on the page."""
        from litlab.errors import RecordNotFound
        from litlab.records import render_page

        documents = [d for d in self.record(record_id)["documents"]
                     if d["n_pages"] and Path(d["path"]).exists()]
        if not documents:
            raise RecordNotFound(f"record {record_id} has no linked PDF on this machine")
        return render_page(documents[0]["path"], page, highlight, zoom)

    def stats(self) -> dict:
        """The corpus summary printed by ``litlab info``."""
        return corpus_stats(self.con)

    def close(self) -> None:
        """Release the database file (safe to call twice)."""
        for cursor in self._cursors:
            cursor.close()
        self._root.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def topics(self, min_topic_size: int | None = None, nr_topics: int | str | None = None,
               reduce_outliers: bool | None = None, llm_names: bool = False,
               out: str | Path | None = None, **options):
        """Fit BERTopic topics on the stored record embeddings and store them as a new run;
        with ``out``, write the figures there. Returns a ``TopicsReport``."""
        from litlab.topics.service import run_topics

        return run_topics(self.con, self.settings, self.backend if llm_names else None,
                          Path(out) if out is not None else None, min_topic_size=min_topic_size,
                          nr_topics=nr_topics, reduce_outliers=reduce_outliers, **options)

    def topic_table(self, run_id: int | None = None):
        """A topic run (the latest by default): ``.table`` (DataFrame), ``.to_dict()``."""
        from litlab.topics.service import table

        return table(self.con, run_id)

    def rename_topic(self, topic_id: int, name: str, run_id: int | None = None) -> dict:
        """Give a topic of the latest run a name of your own."""
        from litlab.topics.service import rename

        return rename(self.con, topic_id, name, run_id)

    def merge_topics(self, keep: int, *others: int, run_id: int | None = None) -> dict:
        """Merge topics ``others`` into ``keep``; keywords and representatives are recomputed."""
        from litlab.topics.service import merge

        return merge(self.con, self.settings, keep, list(others), run_id)

    def topic_figures(self, out: str | Path | None = None, run_id: int | None = None):
        """The run's figures: plotly figures by name, or (with ``out``) the files written."""
        from litlab.topics import service, store
        from litlab.topics.figures import figures

        if out is not None:
            return service.write_figures(self.con, self.settings, Path(out), run_id)
        run_id = store.resolve_run(self.con, run_id)
        return figures(store.topic_table(self.con, run_id), store.assignments(self.con, run_id),
                       self.settings.topics)
