"""`litlab prisma` and `litlab asreview`: parse, call one library function, format.
Registered on the main app like the review commands."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from litlab.cli_common import open_corpus, read_only_unless_writable
from litlab.terminal import echo

app = typer.Typer(add_completion=False)
asreview_app = typer.Typer(help="Files for ASReview LAB: the screening state out, its "
                                "results in.")
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")


@app.command()
def prisma(
    question: str = typer.Argument(..., help="The screening question the reviews answer."),
    db: Path = DB_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", help="Draw the diagram: flow.svg, "
                                       "flow.png or flow.pdf."),
    as_json: bool = typer.Option(False, "--json", help="The counts and their SQL as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="The counts as CSV (box, n, query)."),
    sql: bool = typer.Option(False, "--sql", help="Print the SQL behind every count (runs in "
                             "the DuckDB CLI)."),
):
    """The PRISMA 2020 flow diagram of a question: identification per source, duplicates,
    screening, full-text retrieval and assessment, exclusions by reason, included."""
    from litlab.prisma.report import format_counts
    from litlab.prisma.queries import as_script
    from litlab.spreadsheet import escape_frame

    with open_corpus(db, read_only=read_only_unless_writable(db)) as corpus:
        counts = corpus.prisma(question)
        if out:
            corpus.prisma_diagram(question, out)
    if sql:
        echo(as_script(counts.question), nl=False)
    elif as_json:
        echo(json.dumps(counts.to_dict() | ({"path": str(out)} if out else {}), indent=2))
    elif as_csv:
        echo(escape_frame(counts.table()).to_csv(index=False), nl=False)
    else:
        echo(format_counts(counts) + (f"\ndiagram written to {out}" if out else ""))


@asreview_app.command("export")
def asreview_export(question: str = typer.Argument(...), path: Path = typer.Argument(
                        ..., help="The CSV to write (ASReview LAB: Import dataset)."),
                    db: Path = DB_OPTION, as_json: bool = typer.Option(False, "--json")):
    """Every record with title, abstract, authors, DOI, year, keywords and label_included
    (1 included, 0 excluded, empty not screened) at title/abstract."""
    with open_corpus(db, read_only=read_only_unless_writable(db)) as corpus:
        result = corpus.export_asreview(question, path)
    echo(json.dumps(result) if as_json else
               f"wrote {result['rows']} records to {result['path']}: {result['included']} "
               f"included, {result['excluded']} excluded, {result['unlabeled']} not screened")


@asreview_app.command("import")
def asreview_import(question: str = typer.Argument(...), path: Path = typer.Argument(
                        ..., help="ASReview LAB's exported results (CSV)."),
                    db: Path = DB_OPTION,
                    reviewer: Optional[str] = typer.Option(None, "--reviewer"),
                    new_reviewers: Optional[List[str]] = typer.Option(None, "--new-reviewer"),
                    as_json: bool = typer.Option(False, "--json")):
    """Store ASReview's decisions as title/abstract reviews (records matched by DOI, then
    title); records ASReview did not screen are passed over."""
    from litlab.review.report import format_import

    with open_corpus(db) as corpus:
        result = corpus.import_asreview(question, path, reviewer,
                                        tuple(new_reviewers or ())).to_dict()
    echo(json.dumps(result) if as_json else format_import(result) +
               f"; {result['unlabeled']} rows not screened in ASReview")
