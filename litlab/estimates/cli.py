"""`litlab estimate` and `litlab regress`: parse, call one function, format."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from litlab.cli_common import open_corpus
from litlab.terminal import echo

app = typer.Typer()
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")
RUN_OPTION = typer.Option(None, "--run", help="The label run to correct (default: the "
                          "question's latest finished run with a validation sample).")
OPTION_OPTION = typer.Option("TRUE", "--option", help="The option whose share is estimated.")
ESTIMATOR_OPTION = typer.Option("auto", "--estimator", help="The corrected estimator: auto "
                                "(PPI++ on a simple random sample, else DSL) | dsl | ppi")


def _print(result, as_json: bool, as_csv: bool) -> None:
    from litlab.estimates.report import format_result

    if as_csv:
        from litlab.spreadsheet import escape_frame

        echo(escape_frame(result.frame()).to_csv(index=False), nl=False)
    elif as_json:
        echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        echo(format_result(result))


@app.command()
def estimate(
    question: str = typer.Argument(..., help="The question the run labeled."),
    db: Path = DB_OPTION, run: Optional[int] = RUN_OPTION,
    by: Optional[str] = typer.Option(None, "--by", help="year | source | type | language | "
                                     "topic | open_access | label_NAME | any covariate"),
    option: str = OPTION_OPTION, estimator: str = ESTIMATOR_OPTION,
    width: float = typer.Option(0.2, "--width", help="Interval width the sample-size advice "
                                "aims at (0.2: +/-10 points)."),
    skip_empty: bool = typer.Option(False, "--skip-empty", help="Leave out groups with no "
                                    "reviewed record (listed) instead of refusing."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Write the figure: out.png | "
                                        "out.html (a trend for years, else a group plot)."),
    as_json: bool = typer.Option(False, "--json"), as_csv: bool = typer.Option(False, "--csv"),
):
    """An option's share per group: labels alone, reviewed sample alone, and corrected
    (DSL / PPI++), each with its 95% interval and the number reviewed."""
    from litlab.estimates.analysis import estimate_shares

    with open_corpus(db, read_only=True) as corpus:
        result = estimate_shares(corpus.con, question, run, by, option, estimator, width,
                                 skip_empty)
    if plot is not None:
        from litlab.estimates.plot import write_plot

        echo(f"wrote {write_plot(result, plot)}", err=True)
    _print(result, as_json, as_csv)


@app.command()
def regress(
    question: str = typer.Argument(..., help="The question the run labeled."),
    formula: str = typer.Argument(..., help="\"~ year + open_access + C(type)\" (the label is "
                                  "the outcome; R / formulaic syntax)."),
    family: str = typer.Option("logistic", "--family", help="logistic | linear"),
    db: Path = DB_OPTION, run: Optional[int] = RUN_OPTION, option: str = OPTION_OPTION,
    estimator: str = ESTIMATOR_OPTION,
    as_json: bool = typer.Option(False, "--json"), as_csv: bool = typer.Option(False, "--csv"),
):
    """Regress the label on record covariates: every coefficient three ways with its 95%
    interval (naive, classical, corrected)."""
    from litlab.estimates.analysis import regress as fit

    with open_corpus(db, read_only=True) as corpus:
        result = fit(corpus.con, question, formula, family, run, option, estimator)
    _print(result, as_json, as_csv)
