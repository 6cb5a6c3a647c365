"""`litlab review`, `litlab validate` and `litlab simulate`: parse, call one library
function, format. Registered on the main app with ``app.add_typer(litlab.review.cli.app)``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from litlab.terminal import echo

app = typer.Typer(add_completion=False)
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")
MODES = "uncertain (labeling) | relevant (screening: most likely TRUE first) | disagreements " \
        "(settle records reviewers disagree on)"


def _review_settings(**changes):
    from litlab.review.settings import ReviewSettings

    return ReviewSettings(**{k: v for k, v in changes.items() if v is not None})


def _open(db: Path, read_only: bool = False):
    import litlab

    return litlab.open(db, read_only=read_only, create=False)


@app.command()
def review(
    question: str = typer.Argument(..., help="The question the reviews answer."),
    db: Path = DB_OPTION,
    import_file: Optional[Path] = typer.Option(None, "--import", help="CSV of human labels: "
                                               "record_id, doi or title; label; optionally "
                                               "reviewer."),
    label_column: str = typer.Option("label", "--label-column"),
    mode: str = typer.Option("uncertain", "--mode", help=MODES),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Stored with each decision "
                                           "(default: your user name)."),
    new_reviewers: Optional[List[str]] = typer.Option(None, "--new-reviewer", help="A reviewer "
                                                      "named in --import that this corpus has "
                                                      "not seen (repeatable)."),
    disagreements: bool = typer.Option(False, "--disagreements", help="List the records "
                                       "reviewers disagree on."),
    agreement: bool = typer.Option(False, "--agreement", help="Agreement between reviewers: "
                                   "Cohen's kappa with a 95% CI."),
    stopping: bool = typer.Option(False, "--stopping", help="The stopping rule on the reviews "
                                  "so far."),
    stopping_rule: Optional[str] = typer.Option(None, "--stopping-rule", help="With --stopping: "
                                                "a rule (buscar, knee, target, qbcb, safe, "
                                                "model) or all; default the chosen one."),
    stage: str = typer.Option("title-abstract", "--stage", help="title-abstract | full-text "
                              "(the records included at title/abstract; an exclusion takes a "
                              "reason)."),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="Eligibility criteria: a "
                                           "text file or the text. Stored with the question, "
                                           "shown beside every record, given to the LLM."),
    reasons: Optional[str] = typer.Option(None, "--reasons", help="Full-text exclusion "
                                          "reasons, comma-separated: \"wrong population,wrong "
                                          "design\"."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Review articles one at a time (keys), at title/abstract or full text; import decisions;
    set the question's eligibility criteria and exclusion reasons; or see agreement,
    disagreements and the stopping rule."""
    from litlab.review import report, service
    from litlab.review.terminal import review_loop

    settings = _review_settings(reviewer=reviewer, mode=mode)
    with _open(db, read_only=disagreements or agreement or stopping) as corpus:
        if criteria is not None or reasons is not None:
            result = service.set_question(corpus.con, question, criteria, reasons)
            text = report.format_question(result)
        elif import_file is not None:
            result = service.import_reviews(corpus.con, question, import_file, settings,
                                            label_column, tuple(new_reviewers or ()),
                                            stage).to_dict()
            text = report.format_import(result)
        elif disagreements:
            frame = service.disagreements(corpus.con, question)
            result, text = frame.to_dict("records"), report.format_disagreements(frame)
        elif agreement:
            result = service.agreement(corpus.con, question)
            text = report.format_agreement(result)
        elif stopping:
            rules = None if stopping_rule is None else [stopping_rule]
            result = service.stopping(corpus.con, question, settings, corpus.settings.index,
                                      rules)
            text = "\n".join([r["message"] for r in result["rules"] or [result]]
                             + [f"methods: {result['methods']}"])
        else:
            session = service.review_session(corpus.con, question, settings,
                                             corpus.settings.index, mode=mode, stage=stage)
            result, text = review_loop(session), None
    if as_json:
        echo(json.dumps(result, default=str))
    elif text:
        echo(text)


@app.command()
def validate(
    run_id: int = typer.Argument(..., help="The label run to validate."),
    sample: int = typer.Option(..., "--sample", help="How many of its records to draw."),
    db: Path = DB_OPTION,
    stratify: Optional[str] = typer.Option(None, "--stratify", help="label | year | type | "
                                           "source | language | open_access | topic: equal "
                                           "numbers per stratum (rare labels, thin years "
                                           "measured better); weighted in the estimates."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the draw."),
    redraw: bool = typer.Option(False, "--redraw", help="Replace the run's sample (reviews "
                                "are kept)."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Draw a random sample of a run's records into the review queue, for estimates a methods
    section can report (`litlab evaluate RUN` once reviewed)."""
    from litlab.review import report, service

    with _open(db) as corpus:
        drawn = service.validate(corpus.con, run_id, sample, seed, stratify, redraw).to_dict()
    echo(json.dumps(drawn) if as_json else report.format_sample(drawn))


def _priors(text: str) -> tuple[int, int]:
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts) or len(parts) not in (1, 2):
        raise typer.BadParameter("--priors is N (N relevant and N irrelevant) or R,I; 0 is a "
                                 "cold start from --question and --criteria")
    if (int(parts[0]) == 0) != (int(parts[-1]) == 0):
        raise typer.BadParameter("--priors: a cold start is 0 (none of either); otherwise "
                                 "give at least one relevant and one irrelevant")
    return (int(parts[0]), int(parts[-1]))


@app.command()
def simulate(
    file: Path = typer.Argument(..., help="A fully labeled CSV (title, abstract, label column), "
                                "or a corpus .duckdb with --question (its reviews as truth)."),
    label_column: Optional[str] = typer.Option(None, "--label-column", help="Default: the "
                                               "first of ASReview's label columns present."),
    repeat: int = typer.Option(5, "--repeat", help="Repetitions, each with its own priors."),
    seed: int = typer.Option(535, "--seed", help="Seed of the first repetition (then +1, ...)."),
    priors: str = typer.Option("1,1", "--priors", help="Relevant,irrelevant priors per run."),
    mode: str = typer.Option("relevant", "--mode", help="relevant | uncertain"),
    target_recall: float = typer.Option(0.95, "--target-recall", help="The stopping rule's "
                                        "target."),
    confidence: float = typer.Option(0.95, "--confidence", help="The stopping rule's "
                                     "confidence."),
    learner: str = typer.Option("tfidf", "--learner", help="tfidf (ASReview's ELAS u4 recipe) | "
                                "ensemble (plus embeddings)"),
    question: Optional[str] = typer.Option(None, "--question", help="The review's question: "
                                           "needed with a .duckdb FILE; with a CSV it ranks "
                                           "the cold start (--priors 0)."),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="With a CSV: eligibility "
                                           "criteria (a text file or the text) for the cold "
                                           "start."),
    stopping: Optional[str] = typer.Option(None, "--stopping", help="The stopping rule to "
                                           "report (buscar, knee, target, qbcb, safe, model; "
                                           "default the chosen one), or all of them."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Recall curve PNG "
                                        "(default FILE-stem.recall.png here)."),
    as_json: bool = typer.Option(False, "--json", help="Means and per-repetition metrics."),
):
    """How much screening would active learning have saved, and where would the stopping
    rule have stopped? WSS@95, WSS@100, recall after 10%, loss; per seed."""
    from litlab.formatting import tqdm_progress
    from litlab.review import service
    from litlab.settings import IndexSettings

    from litlab.review.stoprules import rule_names

    relevant, irrelevant = _priors(priors)
    every = rule_names() if stopping == "all" else None
    settings = _review_settings(repeat=repeat, seed=seed, prior_relevant=relevant,
                                prior_irrelevant=irrelevant, target_recall=target_recall,
                                confidence=confidence, learner=learner,
                                stopping_rule=None if stopping in (None, "all") else stopping)
    plot = plot or Path(f"{file.stem}.recall.png")
    progress = None if as_json else tqdm_progress
    if file.suffix == ".duckdb":
        if not question:
            raise typer.BadParameter("simulating on a corpus needs --question")
        with _open(file) as corpus:
            report = service.simulate_reviews(corpus.con, question, settings,
                                              corpus.settings.index, mode, plot, progress, every)
    else:
        report = service.simulate_file(file, settings, IndexSettings(), label_column, mode, plot,
                                       progress, question, criteria, every)
    echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_text())
