"""`litlab review` and `litlab simulate`: parse, call one library function, format.

Registered on the main app with ``app.add_typer(litlab.review.cli.app)`` (top-level commands).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False)
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")


def _review_settings(**changes):
    from litlab.review.settings import ReviewSettings

    return ReviewSettings(**{k: v for k, v in changes.items() if v is not None})


def _open(db: Path):
    import litlab
    from litlab.review.schema import ensure_review_schema

    corpus = litlab.open(db)
    ensure_review_schema(corpus.con)  # a no-op once the migration is in litlab.schema
    return corpus


@app.command()
def review(
    question: str = typer.Argument(..., help="The question the reviews answer."),
    db: Path = DB_OPTION,
    import_file: Optional[Path] = typer.Option(None, "--import", help="CSV of human labels: "
                                               "record_id or doi, and label."),
    label_column: str = typer.Option("label", "--label-column"),
    mode: str = typer.Option("uncertain", "--mode", help="uncertain (labeling) | relevant "
                             "(screening: most likely TRUE first)"),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Stored with each decision."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Review articles one at a time (t/f/u/s/q), or import human labels from a CSV."""
    from litlab.review import service
    from litlab.review.terminal import review_loop

    settings = _review_settings(reviewer=reviewer, mode=mode)
    with _open(db) as corpus:
        if import_file is not None:
            result = service.import_reviews(corpus.con, question, import_file, settings,
                                            label_column).to_dict()
        else:
            session = service.review_session(corpus.con, question, settings,
                                             corpus.settings.index)
            result = review_loop(session)
    if import_file is not None:
        skipped = "".join(f"\n  line {line}: {why}" for line, why in result["skipped"])
        typer.echo(json.dumps(result) if as_json else
                   f"imported {result['imported']} reviews ("
                   + ", ".join(f"{v} {k}" for k, v in result["by_label"].items())
                   + f"); {len(result['skipped'])} rows skipped{skipped}")
    elif as_json:
        typer.echo(json.dumps(result))


def _priors(text: str) -> tuple[int, int]:
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts) or len(parts) not in (1, 2):
        raise typer.BadParameter("--priors is N (N relevant and N irrelevant) or R,I")
    return (int(parts[0]), int(parts[-1]))


@app.command()
def simulate(
    file: Path = typer.Argument(..., help="A fully labeled CSV (title, abstract, label column), "
                                "or a corpus .duckdb with --question (its reviews as truth)."),
    label_column: str = typer.Option("label_included", "--label-column"),
    repeat: int = typer.Option(5, "--repeat", help="Repetitions, each with its own priors."),
    seed: int = typer.Option(535, "--seed", help="Seed of the first repetition (then +1, ...)."),
    priors: str = typer.Option("1,1", "--priors", help="Relevant,irrelevant priors per run."),
    mode: str = typer.Option("relevant", "--mode", help="relevant | uncertain"),
    question: Optional[str] = typer.Option(None, "--question", help="With a .duckdb FILE."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Recall curve PNG "
                                        "(default FILE-stem.recall.png here)."),
    as_json: bool = typer.Option(False, "--json", help="Means and per-repetition metrics."),
):
    """How much screening would active learning have saved? WSS@95, WSS@100, RRF@10."""
    from litlab.review import service
    from litlab.settings import IndexSettings

    relevant, irrelevant = _priors(priors)
    settings = _review_settings(repeat=repeat, seed=seed, prior_relevant=relevant,
                                prior_irrelevant=irrelevant)
    plot = plot or Path(f"{file.stem}.recall.png")
    if file.suffix == ".duckdb":
        if not question:
            raise typer.BadParameter("simulating on a corpus needs --question")
        with _open(file) as corpus:
            report = service.simulate_reviews(corpus.con, question, settings,
                                              corpus.settings.index, mode, plot)
    else:
        report = service.simulate_file(file, settings, IndexSettings(), label_column, mode, plot)
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_text())
