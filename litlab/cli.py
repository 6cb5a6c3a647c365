"""The `litlab` command: parse, call one library function, format. No logic lives here."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from litlab.errors import LitlabError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn a literature search into a labeled, searchable corpus.")
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")


MODEL_OPTION = typer.Option(None, "--model", help="Embedding model: a sentence-transformers "
                            "name or a local folder (default all-MiniLM-L6-v2, bundled).")
DEVICE_OPTION = typer.Option("auto", "--device", help="auto | cpu | cuda")


def _open(db: Path, read_only: bool = False, model: str | None = None, device: str = "auto"):
    import dataclasses

    import litlab
    from litlab.settings import Settings

    settings = Settings()
    settings = dataclasses.replace(settings, index=dataclasses.replace(
        settings.index, model=model or settings.index.model, device=device))
    return litlab.open(db, settings, read_only=read_only)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Export files (Scopus/WoS/RIS/BibTeX/OpenAlex) "
                                                 "and PDF files or folders."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
):
    """Read exports and PDFs into the corpus, deduplicated and linked."""
    from litlab.formatting import format_ingest_report, tqdm_progress

    with _open(db) as corpus:
        report = corpus.ingest(paths, progress=None if as_json else tqdm_progress)
    typer.echo(json.dumps(report.to_dict(), indent=2, default=str) if as_json
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
    typer.echo(json.dumps(stats, indent=2, default=str) if as_json else format_stats(stats))


@app.command()
def index(db: Path = DB_OPTION, model: Optional[str] = MODEL_OPTION, device: str = DEVICE_OPTION,
          as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")):
    """Embed records and PDF chunks (only what is new or changed); build FAISS and BM25."""
    from litlab.formatting import format_index_report, tqdm_progress

    with _open(db, model=model, device=device) as corpus:
        report = corpus.index(progress=None if as_json else tqdm_progress)
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else format_index_report(report))


def _filters(year, types, sources, has_pdf, languages) -> dict:
    return {"year": year, "type": types, "source": sources, "has_pdf": has_pdf,
            "language": languages} if any((year, types, sources, has_pdf is not None,
                                            languages)) else {}


def _print_results(frame, as_json: bool, as_csv: bool) -> None:
    from litlab.formatting import format_results, results_records

    if as_csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    elif as_json:
        typer.echo(json.dumps(results_records(frame), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_results(frame))


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
    with _open(db, model=model, device=device) as corpus:
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
    with _open(db, model=model, device=device) as corpus:
        frame = corpus.similar(record_id, k=k)
    _print_results(frame, as_json, as_csv)


def main() -> None:
    """Console entry point: domain errors become one line and exit code 2."""
    try:
        code = app(standalone_mode=False)  # returns the code of a typer.Exit
    except LitlabError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        raise SystemExit(2)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        raise SystemExit(130)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(2)
        raise
    if isinstance(code, int) and code:
        raise SystemExit(code)
