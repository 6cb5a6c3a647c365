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


def _open(db: Path, read_only: bool = False):
    import litlab

    return litlab.open(db, read_only=read_only)


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
