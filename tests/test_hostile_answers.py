"""Hostile and broken servers: an answer litlab cannot score is never a label.

Every server here is a real HTTP server on 127.0.0.1 written in the test (tests/servers.py):
it answers text that names no option, log-probabilities without the options or with NaN,
HTTP 500 and HTML pages for every request, answers of hundreds of MB, and 200,000 models.
What a user would check is checked: the labels table and `litlab info --json` before and
after, the line the command prints, its exit code, the export.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import math
import time

import pytest

import litlab
from conftest import DEMO, run_cli
from litlab.settings import LabelSettings, Settings
from servers import ScriptedServer, chat_answer, logprobs_answer

QUESTION = "Does the article use bibliometric analysis?"
GOOD = logprobs_answer([("TRUE", -0.2), ("FALSE", -1.9), ("UNCLEAR", -3.5)])


def user_text(body: dict) -> str:
    return body["messages"][-1]["content"]


def label_cli(db, server, *extra):
    return run_cli("label", QUESTION, "--db", db, "--backend", "openai", "--llm", "smollm2",
                   "--base-url", server.url, "--scope", "abstract", *extra)


def last_line(output: str) -> str:
    """What a terminal shows last: the progress bar is cleared (\\r), then the line."""
    lines = output.split("\r")[-1].strip().splitlines()
    assert len(lines) == 1, output[-2000:]
    return lines[0]


def table_counts(db) -> dict:
    with litlab.open(db, read_only=True) as corpus:
        return {t: corpus.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("records", "labels", "unscorable")}


def info(db) -> dict:
    out = run_cli("info", "--json", "--db", db)
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.mark.parametrize("answer, cause", [
    (chat_answer("Sure! Here is my analysis of the article."),
     "the model does not follow the answer format"),
    (logprobs_answer([("Sure", -0.1), ("Here", -2.5), ("The", -3.0)]),
     "log-probabilities hold none of the options"),
    (logprobs_answer([("TRUE", -math.inf), ("FALSE", -math.inf), ("UNCLEAR", -math.inf)]),
     "log-probabilities hold none of the options"),
], ids=["text", "no-option-in-logprobs", "all-minus-inf"])
def test_answers_naming_no_option_are_no_labels_and_a_run_of_them_pauses(demo_db, answer,
                                                                          cause):
    server = ScriptedServer(lambda body: (200, answer))
    before = info(demo_db)
    try:
        out = label_cli(demo_db, server, "--limit", 4)
    finally:
        server.close()
    assert out.exit_code == 2
    line = last_line(out.output)
    assert line.startswith("error: 4 of 4 answers could not be scored: ") and cause in line
    assert "the run is paused: resume with `litlab label --resume 1" in line
    # Asked twice each: once as usual, once with the prompt that insists on one option.
    posts = server.chat_posts()
    assert len(posts) == 8
    assert sum("Reply with exactly one word" in user_text(p) for p in posts) == 4
    counts = table_counts(demo_db)
    assert counts["labels"] == 0 and counts["unscorable"] == 4  # nothing invented
    with litlab.open(demo_db, read_only=True) as corpus:
        kept = corpus.con.execute("SELECT answer FROM unscorable").fetchall()
        assert corpus.runs().iloc[0].status == "paused"
    assert all(a and len(a) <= 300 for (a,) in kept)
    assert info(demo_db)["records"] == before["records"]


def test_one_unscorable_answer_among_good_ones_is_counted_named_and_asked_again(demo_db):
    with litlab.open(demo_db, read_only=True) as corpus:
        odd = corpus.con.execute("SELECT title FROM records WHERE record_id = 3").fetchone()[0]
    fixed = {"now": False}
    server = ScriptedServer(lambda body: (200, GOOD if fixed["now"] or odd not in user_text(body)
                                          else chat_answer("I cannot tell from this text.")))
    try:
        out = label_cli(demo_db, server, "--limit", 10)
        assert out.exit_code == 0, out.output
        assert "9 records labeled" in out.output and "(done)" in out.output
        assert "1 answer named no option and got no label" in out.output
        shown = run_cli("runs", "show", 1, "--db", demo_db)
        assert "1 articles got no label: the model's answer named none of the allowed answers" \
            in shown.output
        assert "Labels: TRUE 9." in shown.output  # not TRUE 10
        listed = json.loads(run_cli("runs", "list", "--json", "--db", demo_db).output)
        assert listed[0]["unscorable"] == 1 and listed[0]["labeled"] == 9
        exported = run_cli("export", demo_db.parent / "labels.csv", "--db", demo_db)
        assert exported.exit_code == 0, exported.output
        with open(demo_db.parent / "labels.csv", newline="", encoding="utf-8") as f:
            rows = {r["record_id"]: r for r in csv.DictReader(f)}
        assert rows["3"]["bibliometric_analysis:label"] == ""  # no label, not TRUE
        assert rows["4"]["bibliometric_analysis:label"] == "TRUE"
        # The server is fixed: a resume asks the unscorable record again.
        fixed["now"] = True
        again = run_cli("label", "--resume", 1, "--db", demo_db)
        assert again.exit_code == 0, again.output
    finally:
        server.close()
    counts = table_counts(demo_db)
    assert counts["labels"] == 10 and counts["unscorable"] == 0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "very likely"],
                         ids=["nan", "plus-inf", "text"])
def test_nan_inf_and_text_log_probabilities_are_malformed_never_labels(demo_db, value):
    server = ScriptedServer(lambda body: (200, logprobs_answer([("TRUE", value),
                                                                 ("FALSE", -1.0)])))
    try:
        out = label_cli(demo_db, server, "--limit", 2, "--timeout", 3)
    finally:
        server.close()
    assert out.exit_code == 2
    line = last_line(out.output)
    assert "malformed answer (a log-probability that is not a number" in line, line
    assert table_counts(demo_db)["labels"] == 0


def test_a_corpus_holding_unreadable_label_rows_exports_and_names_them(demo_db, tmp_path):
    server = ScriptedServer(lambda body: (200, GOOD))
    try:
        assert label_cli(demo_db, server, "--limit", 4).exit_code == 0
    finally:
        server.close()
    with litlab.open(demo_db) as corpus:  # as an older litlab stored them
        corpus.con.execute("UPDATE labels SET probabilities = [] WHERE record_id = 1")
        corpus.con.execute("UPDATE labels SET probabilities = ['nan'::DOUBLE, 0.5, 0.5] "
                           "WHERE record_id = 2")
    for suffix in (".csv", ".xlsx", ".parquet", ".ris", ".bib"):
        out = run_cli("export", tmp_path / f"labels{suffix}", "--db", demo_db)
        assert out.exit_code == 0, out.output
        assert "warning: Run 1: 2 stored labels have unreadable probabilities and were left " \
               "blank (records 1, 2)" in out.output
    with open(tmp_path / "labels.csv", newline="", encoding="utf-8") as f:
        rows = {r["record_id"]: r for r in csv.DictReader(f)}
    assert rows["1"]["bibliometric_analysis:label"] == "" and \
        rows["3"]["bibliometric_analysis:label"] == "TRUE"
    with litlab.open(demo_db, read_only=True) as corpus:
        table, _ = corpus.labeled_table()
        assert table.loc[table.record_id == 3, "bibliometric_analysis:p_TRUE"].notna().all()
        assert len(corpus.labels(1)) == 2
    evaluated = run_cli("evaluate", 1, "--gold", DEMO / "demo_truth.csv", "--label-column",
                        "uses_bibliometrics", "--db", demo_db)
    assert evaluated.exit_code == 0, evaluated.output
    assert "against 2 human labels" in evaluated.output
    assert "left out: 2 stored labels with unreadable probabilities (records 1, 2)" \
        in evaluated.output


@pytest.mark.parametrize("status, body, timeout", [
    (500, b"Internal Server Error", None),  # the default --timeout and --concurrency
    (200, b'{"choices": [ not json', 5),
    (200, json.dumps({"id": "x", "choices": []}).encode(), 5),
    (200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", 5),
], ids=["http-500", "invalid-json", "no-choices", "html-page"])
def test_a_server_failing_every_request_pauses_the_run_within_minutes(demo_db, status, body,
                                                                      timeout):
    server = ScriptedServer(lambda b: (status, body))
    began = time.monotonic()
    try:
        out = label_cli(demo_db, server, "--limit", 30,
                        *(["--timeout", timeout] if timeout else []))
    finally:
        server.close()
    waited = time.monotonic() - began
    assert out.exit_code == 2 and waited < 180, (waited, out.output[-500:])
    line = last_line(out.output)
    assert line.startswith("error: every request failed for ")
    assert f"; the last: {server.url}: " in line  # the server's last error, whatever it was
    assert "failing:" in out.output  # the progress line said so while it happened
    assert table_counts(demo_db)["labels"] == 0


def test_an_answer_of_hundreds_of_megabytes_is_not_read_whole(demo_db):
    def huge(body):
        return 200, (b" " * 1_000_000 for _ in range(300))

    server = ScriptedServer(huge)
    try:
        out = label_cli(demo_db, server, "--limit", 2, "--timeout", 3)
    finally:
        server.close()
    assert out.exit_code == 2
    assert "an answer larger than 4 MB" in last_line(out.output)
    posts = len(server.chat_posts())
    assert posts and server.sent_bytes / posts < 40_000_000  # read up to the limit, then dropped


def test_models_lists_200000_names_at_once_and_probes_a_bounded_number():
    names = tuple(f"model-{i:06d}" for i in range(200_000))
    server = ScriptedServer(lambda body: (200, GOOD), models=names)
    began = time.monotonic()
    try:
        out = run_cli("models", "--base-url", server.url, "--json")
    finally:
        server.close()
    assert out.exit_code == 0, out.output[-500:]
    assert time.monotonic() - began < 90
    entries = [e for e in json.loads(out.output) if e["source"] == "server"]
    assert len(entries) == 200_000 and entries[-1]["llm"] == "model-199999"
    assert sum(e["scoring"] == "option_logprobs" for e in entries) == 16
    assert len(server.chat_posts()) == 16
    assert "199984 of the 200000 models listed were not probed" in entries[-1]["detail"]


def test_a_resume_on_new_servers_does_not_inherit_a_short_time_out(demo_db):
    from litlab.labeling.service import resume_settings

    broken = ScriptedServer(lambda b: (500, b"down"))
    try:
        assert label_cli(demo_db, broken, "--limit", 2, "--timeout", 3).exit_code == 2
    finally:
        broken.close()
    moved = dataclasses.replace(Settings().label, base_urls=("http://127.0.0.1:9/v1",))
    with litlab.open(demo_db, read_only=True) as corpus:
        assert resume_settings(corpus.con, 1, moved).timeout_s == LabelSettings.timeout_s
        assert resume_settings(corpus.con, 1, Settings().label).timeout_s == 3
