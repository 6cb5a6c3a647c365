"""The `litlab` command: parse, call one library function, format. No logic lives here."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from litlab.cli_common import open_corpus as _open
from litlab.cli_common import read_only_unless_writable, reported_interrupt
from litlab.errors import LitlabError
from litlab.terminal import echo, error_line

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn a literature search into a labeled, searchable corpus.")
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")


MODEL_OPTION = typer.Option(None, "--model", help="Embedding model: a sentence-transformers "
                            "name or a local folder (default all-MiniLM-L6-v2, bundled).")
DEVICE_OPTION = typer.Option("auto", "--device", help="auto | cpu | cuda")


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Export files (Scopus/WoS/RIS/BibTeX/OpenAlex) "
                                                 "and PDF files or folders."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
):
    """Read exports and PDFs into the corpus, deduplicated and linked."""
    from litlab.formatting import format_ingest_report, tqdm_progress

    with _open(db, create=True) as corpus:
        report = corpus.ingest(paths, progress=None if as_json else tqdm_progress)
    echo(json.dumps(report.to_dict(), indent=2, default=str) if as_json
               else format_ingest_report(report))
    if any(i.status == "failed" for i in report.imports):
        raise typer.Exit(2)


@app.command()
def info(db: Path = DB_OPTION,
         as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")):
    """Summarise the corpus: records by year, type and source; imports; PDFs."""
    from litlab.formatting import format_stats

    with _open(db, read_only=True) as corpus:
        stats = corpus.stats()
    echo(json.dumps(stats, indent=2, default=str) if as_json else format_stats(stats))


@app.command()
def index(db: Path = DB_OPTION, model: Optional[str] = MODEL_OPTION, device: str = DEVICE_OPTION,
          as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")):
    """Embed records and PDF chunks (only what is new or changed); build FAISS and BM25."""
    from litlab.formatting import format_index_report, tqdm_progress

    with _open(db, model=model, device=device) as corpus:
        report = corpus.index(progress=None if as_json else tqdm_progress)
    echo(json.dumps(report.to_dict(), indent=2) if as_json else format_index_report(report))


def _filters(year, types, sources, has_pdf, languages) -> dict:
    return {"year": year, "type": types, "source": sources, "has_pdf": has_pdf,
            "language": languages} if any((year, types, sources, has_pdf is not None,
                                            languages)) else {}


def _print_results(frame, as_json: bool, as_csv: bool) -> None:
    from litlab.formatting import format_results, results_records

    if as_csv:
        from litlab.spreadsheet import escape_frame

        echo(escape_frame(frame).to_csv(index=False), nl=False)
    elif as_json:
        echo(json.dumps(results_records(frame), indent=2, ensure_ascii=False))
    else:
        echo(format_results(frame))
    if frame.attrs.get("query_cut"):
        cut = frame.attrs["query_cut"]
        echo(f"note: the query was cut to its first {cut['used']:,} of {cut['given']:,} "
             "characters (search cannot use more)", err=True)


@app.command()
def search(
    query: str = typer.Argument(..., help="What to look for."),
    db: Path = DB_OPTION,
    k: int = typer.Option(10, "--k", help="How many records."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | dense | bm25"),
    year: Optional[str] = typer.Option(None, "--year", help="2019, 2015-2024, 2015- or -2010"),
    types: Optional[List[str]] = typer.Option(None, "--type", help="Document type (repeatable)."),
    sources: Optional[List[str]] = typer.Option(None, "--source", help="Source title contains."),
    has_pdf: Optional[bool] = typer.Option(None, "--has-pdf/--no-pdf", help="Only with/without PDF."),
    languages: Optional[List[str]] = typer.Option(None, "--language"),
    model: Optional[str] = MODEL_OPTION, device: str = DEVICE_OPTION,
    as_json: bool = typer.Option(False, "--json"), as_csv: bool = typer.Option(False, "--csv"),
):
    """Find the most relevant records; where a PDF is attached, its best passage and page."""
    with _open(db, read_only=read_only_unless_writable(db), model=model,
               device=device) as corpus:
        frame = corpus.search(query, k=k, mode=mode,
                              filters=_filters(year, types, sources, has_pdf, languages))
    _print_results(frame, as_json, as_csv)


@app.command()
def similar(
    record_id: int = typer.Argument(..., help="The record to start from."),
    db: Path = DB_OPTION, k: int = typer.Option(10, "--k"),
    model: Optional[str] = MODEL_OPTION, device: str = DEVICE_OPTION,
    as_json: bool = typer.Option(False, "--json"), as_csv: bool = typer.Option(False, "--csv"),
):
    """The records nearest to a given one (for snowballing)."""
    with _open(db, read_only=read_only_unless_writable(db), model=model,
               device=device) as corpus:
        frame = corpus.similar(record_id, k=k)
    _print_results(frame, as_json, as_csv)


runs_app = typer.Typer(help="Label runs: list them, or describe one for a methods section.")
app.add_typer(runs_app, name="runs")


def _register_review_commands() -> None:
    from litlab.review.cli import app as review_commands

    app.add_typer(review_commands)


_register_review_commands()
from litlab.prisma.cli import app as _prisma_commands, asreview_app  # noqa: E402 (typer only)
app.add_typer(_prisma_commands)
app.add_typer(asreview_app, name="asreview")
from litlab.topics.cli import topics_app  # noqa: E402 (typer only; the work loads lazily)
app.add_typer(topics_app, name="topics")
from litlab.estimates.cli import app as _estimate_commands  # noqa: E402 (typer only)
app.add_typer(_estimate_commands)
from litlab.labeling.models_cli import models_app  # noqa: E402 (typer only)
app.add_typer(models_app, name="models")


@app.command()
def label(
    question: Optional[str] = typer.Argument(None, help="The question to ask about every article."),
    db: Path = DB_OPTION,
    options: Optional[str] = typer.Option(None, "--options", help="Comma-separated answers "
                                          "(default TRUE,FALSE,UNCLEAR)."),
    questions: Optional[Path] = typer.Option(None, "--questions", help="A file, one question per "
                                             "line: all asked in one pass."),
    scope: str = typer.Option("auto", "--scope", help="abstract | fulltext | auto"),
    resume: Optional[int] = typer.Option(None, "--resume", help="Continue this run."),
    from_reviews: bool = typer.Option(False, "--from-reviews", help="Label every record with a "
                                      "classifier trained on your reviews of QUESTION."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Label at most N records."),
    sample: Optional[int] = typer.Option(None, "--sample", help="A seeded random sample of N."),
    year: Optional[str] = typer.Option(None, "--year"),
    types: Optional[List[str]] = typer.Option(None, "--type"),
    backend: Optional[str] = typer.Option(None, "--backend", help="llama.cpp | transformers | "
                                          "openai | vllm"),
    llm: Optional[str] = typer.Option(None, "--llm", help="Model: a catalogue name, .gguf file, "
                                      "HF folder/id, the served model name, or ollama:NAME "
                                      "(default: the best installed, else SmolLM2-135M). "
                                      "`litlab models` lists them."),
    base_url: Optional[List[str]] = typer.Option(None, "--base-url", help="OpenAI-compatible "
                                                 "server; repeat for several."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", help="Requests in flight "
                                              "across all servers (default 32)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Seconds without an answer "
                                            "before a server counts as hung (default 90)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size"),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="Eligibility criteria (a "
                                           "text file or the text), stored with the question "
                                           "and given to the model before it."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Label every article: a probability for every option and a verbatim evidence sentence."""
    from litlab.formatting import tqdm_progress
    from litlab.labeling.service import read_questions

    asked = read_questions(questions) if questions else ([question] if question else [])
    if from_reviews:
        if not question:
            raise typer.BadParameter("--from-reviews needs the QUESTION you reviewed")
        with _open(db) as corpus:
            run = corpus.label_from_reviews(question)
        echo(json.dumps(run.to_dict()) if as_json else
                   f"run {run.to_dict()['run_id']}: {run.to_dict()['labeled']} records labeled "
                   f"from {run.to_dict()['reviewed']} reviews")
        return
    if not asked and resume is None:
        raise typer.BadParameter("give a QUESTION, --questions FILE or --resume RUN")
    settings = {"backend": backend, "model": llm, "base_urls": tuple(base_url or ()) or None,
                "concurrency": concurrency, "timeout_s": timeout, "batch_size": batch_size}
    with reported_interrupt(), _open(db, label=settings) as corpus:
        progress = None if as_json else tqdm_progress
        result = (corpus.resume(resume, progress=progress) if resume is not None else
                  corpus.label(asked, options, scope, _filters(year, types, None, None, None),
                               limit, sample, progress=progress, criteria=criteria))
    from litlab.formatting import format_run_result

    echo(json.dumps(result.to_dict()) if as_json else format_run_result(result))


@app.command()
def calibrate(run_id: int, db: Path = DB_OPTION, as_json: bool = typer.Option(False, "--json")):
    """Calibrate a run's probabilities on the reviews of its question (recorded in the run)."""
    from litlab.labeling.calibration import calibrate_run, format_calibration

    with _open(db) as corpus:
        summary = calibrate_run(corpus.con, run_id)
    echo(json.dumps(summary, default=str) if as_json else format_calibration(summary))


@runs_app.command("list")
def runs_list(db: Path = DB_OPTION, as_json: bool = typer.Option(False, "--json")):
    """Every label run with its status and progress."""
    from litlab.formatting import results_records

    with _open(db, read_only=True) as corpus:
        frame = corpus.runs()
    if as_json:
        echo(json.dumps(results_records(frame), indent=2, default=str))
    else:
        echo(frame[["run_id", "name", "status", "records", "labeled", "scope", "question"]]
                   .to_string(index=False) if len(frame) else "No label runs yet.")


@runs_app.command("show")
def runs_show(run_id: int, db: Path = DB_OPTION, as_json: bool = typer.Option(False, "--json")):
    """A methods-ready description of a run."""
    from litlab.labeling.methods import describe_run, methods_paragraph

    with _open(db, read_only=True) as corpus:
        run = describe_run(corpus.con, run_id)
    echo(json.dumps(run, indent=2, default=str) if as_json else methods_paragraph(run))


@app.command()
def evaluate(run_id: int, gold: Optional[Path] = typer.Option(
                 None, "--gold", help="CSV: record_id or doi (or title), and label. Default: "
                 "the reviews stored for the run's question."),
             db: Path = DB_OPTION,
             label_column: str = typer.Option("label", "--label-column"),
             plot: Optional[Path] = typer.Option(None, "--plot", help="Reliability plot PNG "
                                                 "(default next to the database)."),
             as_json: bool = typer.Option(False, "--json")):
    """Agreement with human labels: accuracy, P/R/F1 per option, kappa, calibration (ECE)."""
    from litlab.formatting import format_evaluation

    with _open(db, read_only=True) as corpus:
        plot = plot or corpus.path.with_name(f"{corpus.path.stem}.run{run_id}.reliability.png")
        result = corpus.evaluate(run_id, gold, plot, label_column)
    echo(json.dumps(result, indent=2) if as_json else format_evaluation(result))


@app.command()
def export(path: Path = typer.Argument(..., help="labels.csv|.xlsx|.parquet|.ris|.bib"),
           db: Path = DB_OPTION,
           runs: Optional[List[int]] = typer.Option(None, "--runs", help="Runs to include "
                                                    "(default: the latest run of each question)."),
           year: Optional[str] = typer.Option(None, "--year"),
           types: Optional[List[str]] = typer.Option(None, "--type"),
           included: Optional[str] = typer.Option(None, "--included", help="Only the records "
                                                  "included in the review of this question "
                                                  "(full text, else title/abstract)."),
           as_json: bool = typer.Option(False, "--json")):
    """Write the labeled table, one row per record, with each run's provenance."""
    with _open(db, read_only=True if included is None else read_only_unless_writable(db)
               ) as corpus:
        result = corpus.export(path, runs, _filters(year, types, None, None, None), included)
    from litlab.formatting import format_export

    echo(json.dumps(result) if as_json else format_export(result))


@app.command()
def ask(
    question: str = typer.Argument(..., help="A question to answer from the corpus."),
    db: Path = DB_OPTION,
    where: Optional[List[str]] = typer.Option(None, "--where", help="label:NAME=VALUE, "
                                              "year:2015-2020, type:Article, topic:3 (repeatable)"),
    k: int = typer.Option(5, "--k", help="How many records to read."),
    backend: Optional[str] = typer.Option(None, "--backend", help="transformers | openai"),
    llm: Optional[str] = typer.Option(None, "--llm", help="The answering model."),
    base_url: Optional[str] = typer.Option(None, "--base-url"),
    attribute: bool = typer.Option(True, "--attribute/--no-attribute", help="Give sentences "
                                   "the model left uncited the most similar passage (marked)."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Answer across the papers; every claim should carry a numbered citation (checked)."""
    from litlab.formatting import format_answer
    from litlab.index.filters import parse_where

    settings = {"backend": backend, "model": llm, "base_url": base_url}
    with _open(db, label=settings) as corpus:
        answer = corpus.ask(question, parse_where(where), k, attribute=attribute)
    echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) if as_json
               else format_answer(answer))


@app.command()
def show(record_id: int, db: Path = DB_OPTION,
         page: Optional[int] = typer.Option(None, "--page", help="Render this PDF page (1-based)."),
         highlight: Optional[str] = typer.Option(None, "--highlight", help="Passage to mark."),
         png: Optional[Path] = typer.Option(None, "--png", help="Where to write the page image."),
         as_json: bool = typer.Option(False, "--json")):
    """One record in full, its linked PDFs, and optionally a PDF page with a passage marked."""
    from litlab.formatting import format_record

    with _open(db, read_only=True) as corpus:
        detail = corpus.record(record_id)
        if page is not None:
            image, found = corpus.page_image(record_id, page, highlight)
            png = png or Path(f"record{record_id}-p{page}.png")
            png.write_bytes(image)
            detail["page_image"] = {"path": str(png), "highlighted_pieces": found}
    echo(json.dumps(detail, indent=2, default=str) if as_json else format_record(detail))


@app.command()
def ui(db: Path = DB_OPTION,
       host: Optional[str] = typer.Option(None, "--host", help="Address to listen on (default "
                                          "127.0.0.1: this machine only)."),
       port: Optional[int] = typer.Option(None, "--port", help="Port (default 7860)."),
       auth: Optional[str] = typer.Option(None, "--auth", help="user:password required to log in."),
       no_auth: bool = typer.Option(False, "--no-auth", help="Serve beyond this machine "
                                    "without a login (not recommended)."),
       share: bool = typer.Option(False, "--share", help="Also open a public gradio.live link "
                                  "(sends traffic through Gradio's servers)."),
       max_upload_mb: Optional[int] = typer.Option(None, "--max-upload-mb"),
       backend: Optional[str] = typer.Option(None, "--backend", help="The Label and Ask tabs' "
                                             "model: transformers | openai | vllm"),
       llm: Optional[str] = typer.Option(None, "--llm", help="Their model (see `litlab models`)."),
       base_url: Optional[List[str]] = typer.Option(None, "--base-url", help="Your server(s); "
                                                    "Find models in the Label tab probes them.")):
    """Serve the web UI over the corpus until Ctrl+C."""
    from litlab.ui.server import check_exposure, check_port, serve

    check_port(port)  # before the corpus is opened (and locked)
    check_exposure(host or "127.0.0.1", auth, no_auth, share)
    label = {"backend": backend, "model": llm, "base_urls": tuple(base_url or ()) or None}
    serve(_open(db, create=True, label=label), host=host, port=port, auth=auth, share=share, max_upload_mb=max_upload_mb,
          no_auth=no_auth, announce=echo)


def main() -> None:
    """Console entry point: domain errors become one line and exit code 2."""
    try:
        code = app(standalone_mode=False)  # returns the code of a typer.Exit
    except LitlabError as exc:
        error_line(exc)
        raise SystemExit(2)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code)
    except typer.Abort:
        echo("aborted", err=True)
        raise SystemExit(130)
    except Exception as exc:
        # Usage errors (unknown option, bad value) come from the click that typer bundles,
        # which is not always the importable `click`: recognise them by what they offer.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            raise SystemExit(2)
        from litlab.errors import from_system_error

        known = from_system_error(exc)  # a full disk, a read-only file system
        if known is None:
            raise
        error_line(known)
        raise SystemExit(2)
    if isinstance(code, int) and code:
        raise SystemExit(code)
