"""`litlab topics`: fit (no subcommand), show, rename, merge. Parse, call one method, format."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from litlab.cli_common import open_corpus
from litlab.terminal import echo

topics_app = typer.Typer(help="Topics: BERTopic clusters of the corpus, named, mapped and over "
                              "time. `litlab topics --db X` fits them.")
DB_OPTION = typer.Option(Path("litlab.duckdb"), "--db", help="The corpus database file.",
                         envvar="LITLAB_DB")
OUT_OPTION = typer.Option(None, "--out", help="Folder for the figures (HTML and PNG; default "
                                              "<db name>.topics/ beside the database).")
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON.")


def _out(corpus, out: Optional[Path]) -> Path:
    return out or corpus.path.with_name(f"{corpus.path.stem}.topics")


def _print(report, as_json: bool) -> None:
    from litlab.topics.report import format_report

    echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str)
               if as_json else format_report(report))


@topics_app.callback(invoke_without_command=True)
def topics(
    ctx: typer.Context,
    db: Path = DB_OPTION,
    min_topic_size: Optional[int] = typer.Option(None, "--min-topic-size", help="Smallest topic "
                                                 "in records (default: grows with the corpus)."),
    nr_topics: Optional[str] = typer.Option(None, "--nr-topics", help="auto, or a number: merge "
                                            "similar topics down to it (default: as found)."),
    reduce_outliers: bool = typer.Option(False, "--reduce-outliers", help="Give each outlier "
                                         "the topic whose centroid is nearest."),
    seed: Optional[int] = typer.Option(None, "--seed", help="UMAP seed (default 42)."),
    llm_names: bool = typer.Option(False, "--llm-names", help="Names written by the LLM from "
                                   "representative titles (default: keyword names)."),
    backend: Optional[str] = typer.Option(None, "--backend", help="LLM backend for --llm-names: "
                                          "transformers | openai"),
    llm: Optional[str] = typer.Option(None, "--llm", help="LLM for --llm-names (default the "
                                      "bundled SmolLM2-135M)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server."),
    out: Optional[Path] = OUT_OPTION,
    as_json: bool = JSON_OPTION,
):
    """Fit topics on the stored embeddings, store them, print the table, write the figures."""
    if ctx.invoked_subcommand is not None:
        return
    with open_corpus(db, label={"backend": backend, "model": llm, "base_url": base_url}) as corpus:
        report = corpus.topics(min_topic_size=min_topic_size, nr_topics=nr_topics,
                               reduce_outliers=reduce_outliers, llm_names=llm_names,
                               out=_out(corpus, out), seed=seed)
    _print(report, as_json)


@topics_app.command()
def show(db: Path = DB_OPTION, run: Optional[int] = typer.Option(None, "--run"),
         out: Optional[Path] = OUT_OPTION, as_json: bool = JSON_OPTION):
    """The stored topics (latest run by default), figures written again (after renames, merges)."""
    with open_corpus(db) as corpus:
        report = corpus.topic_table(run)
        report.figures = corpus.topic_figures(_out(corpus, out), run)
    _print(report, as_json)


@topics_app.command()
def rename(topic_id: int = typer.Argument(..., help="The topic's id."),
           name: str = typer.Argument(..., help="Its new name."),
           db: Path = DB_OPTION, as_json: bool = JSON_OPTION):
    """Give a topic of the latest run a name of your own."""
    with open_corpus(db) as corpus:
        result = corpus.rename_topic(topic_id, name)
    echo(json.dumps(result) if as_json else
               f"topic {result['topic_id']}: {result['old_name']!r} -> {result['name']!r}")


@topics_app.command()
def merge(keep: int = typer.Argument(..., help="The topic that stays."),
          others: List[int] = typer.Argument(..., help="Topics merged into it."),
          db: Path = DB_OPTION, as_json: bool = JSON_OPTION):
    """Merge topics of the latest run into one; its keywords are recomputed."""
    with open_corpus(db) as corpus:
        result = corpus.merge_topics(keep, *others)
    echo(json.dumps(result) if as_json else
               f"merged {', '.join(map(str, result['merged']))} into topic {result['topic_id']} "
               f"({result['size']} records): {result['name']}; keywords: "
               f"{', '.join(result['keywords'][:8])}")
