"""Stopping rules behind one seam, a cold start from the question and its criteria, and the
simulation that replays every rule, on a real review (a slice of the Wilson disease review:
all 23 included records and 277 excluded ones, so that it embeds and screens in seconds)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import litlab
from conftest import SHARED, copy_corpus, demo_truth, run_cli
from litlab.errors import LitlabError
from litlab.review.labels import add_review
from litlab.review.stopreplay import all_outcomes, outcome, target_sample
from litlab.review.stoprules import STOPPING_RULES, History, knee_ratio

WILSON = SHARED / "screening" / "Appenzeller-Herzog_2020_wilson.csv"
QUESTION = ("Does the study compare the effectiveness or safety of treatments for Wilson "
            "disease?")
CRITERIA = ("Include: patients with Wilson disease treated with D-penicillamine, trientine, "
            "zinc or liver transplantation; comparative studies with clinical outcomes.")


@pytest.fixture(scope="module")
def wilson_slice(tmp_path_factory):
    if not WILSON.exists():
        pytest.skip("the shared screening reviews are not beside this checkout")
    table = pd.read_csv(WILSON)
    rows = pd.concat([table[table.included == 1],
                      table[table.included == 0].sample(277, random_state=3)]).sample(
        frac=1, random_state=4)
    path = tmp_path_factory.mktemp("wilson") / "wilson_slice.csv"
    rows.to_csv(path, index=False)
    return path


def test_every_rule_is_registered_and_an_unknown_one_lists_them():
    assert STOPPING_RULES.names()[:6] == ["buscar", "knee", "target", "qbcb", "safe", "model"]
    for name in STOPPING_RULES.names():
        rule = STOPPING_RULES.create(name)
        assert rule.guarantee.split(":")[0] in ("statistical", "heuristic") and rule.reference
    with pytest.raises(LitlabError, match="available: buscar, knee, target, qbcb, safe, model"):
        STOPPING_RULES.create("patience")


def test_rules_stop_where_their_papers_say():
    # 60 relevant early, then only irrelevant ones: the gain curve bends at record 80.
    labels = np.array([1] * 60 + [0] * 20 + [0] * 400, dtype=bool)
    ratio, knee = knee_ratio(labels)
    assert knee == 60 and ratio > 96  # 156 - min(60, 150) is what the knee method needs
    knee_rule, safe = STOPPING_RULES.create("knee"), STOPPING_RULES.create("safe")
    assert knee_rule.check(History(labels, 2000)).met
    assert not knee_rule.check(History(labels[:140], 2000)).met  # fewer than 150 screened
    assert safe.check(History(labels, 2000)).met  # 420 irrelevant in a row, 24% screened
    assert not safe.check(History(labels[:100], 2000)).met  # only 5% screened
    model = STOPPING_RULES.create("model")
    assert model.check(History(labels, 2000, expected_left=(0.5, 0.4))).met
    verdict = model.check(History(labels, 2000, expected_left=(6.0, 5.0)))
    assert not verdict.met and "at most 9.7 left" in verdict.detail
    target = STOPPING_RULES.create("target")
    assert "needs a random sample holding 59 relevant records" in target.check(
        History(labels, 2000)).detail  # the sample T for recall 95% with 95% confidence
    assert target.check(History(labels, 2000, targets=59, targets_found=59)).met
    assert not STOPPING_RULES.create("qbcb").check(
        History(labels, 2000, targets=100, targets_found=98)).met  # needs 99 of 100


def test_replay_counts_a_target_sample_as_read_and_the_oracle_stops_at_95_percent():
    rng = np.random.default_rng(0)
    truth = np.zeros(3000, dtype=bool)
    truth[rng.choice(3000, 300, replace=False)] = True
    order = np.argsort(-(truth * 2.5 + rng.normal(size=3000)), kind="stable")
    out = all_outcomes(truth, order, 0.95, 0.95, seed=1)
    assert out["oracle"]["recall"] == pytest.approx(0.95, abs=0.004)
    assert set(out) == {"buscar", "knee", "target", "qbcb", "safe", "model", "oracle"}
    sample = target_sample(truth, 59, 1)
    assert truth[sample].sum() == 59 and truth[sample[:-1]].sum() == 58
    target = out["target"]
    assert target["stopped"] and target["recall"] >= 0.95
    # Everything read: the ranked records up to the stop plus the sample's others.
    assert target["screened"] >= max(len(sample), out["oracle"]["screened"])
    # The hypergeometric test is conservative: past the oracle. The knee is a heuristic: on
    # this curve, which bends gradually, it stops before 95% are found.
    assert out["buscar"]["reached"] and out["buscar"]["screened"] >= out["oracle"]["screened"]
    assert out["knee"]["stopped"] and not out["knee"]["reached"]
    assert outcome(STOPPING_RULES.create("model"), truth, order, 0.95, 0.95)["stopped"] is False


def test_cold_start_and_every_rule_through_the_cli(wilson_slice):
    result = run_cli("simulate", str(wilson_slice), "--priors", "0", "--question", QUESTION,
                     "--criteria", CRITERIA, "--repeat", "1", "--stopping", "all", "--json",
                     "--plot", str(wilson_slice.with_suffix(".png")))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rep = data["repetitions"][0]
    assert data["cold_start"] == "criteria_match" and rep["priors"] == []
    # The criteria found a relevant record among the first ranked: the learner took over.
    assert rep["cold_start_records"] < 30
    assert data["wss@95"] > 40 and data["recall@10%"] > 40
    assert [r["rule"] for r in data["stopping_rules"]] == STOPPING_RULES.names()
    assert data["stopping"]["rule"] == "buscar" and rep["stop"] == rep["stops"]["buscar"]
    assert rep["stops"]["buscar"]["recall"] >= 0.95
    text = run_cli("simulate", str(wilson_slice), "--priors", "0", "--question", QUESTION,
                   "--repeat", "1", "--stopping", "knee", "--plot",
                   str(wilson_slice.with_suffix(".knee.png"))).output
    assert "cold start ranked by criteria_match" in text and "stopping rule knee (heuristic" in text
    refused = run_cli("simulate", str(wilson_slice), "--priors", "0", "--repeat", "1",
                      "--plot", str(wilson_slice.with_suffix(".x.png")))
    assert refused.exit_code == 2 and "a cold start (--priors 0) ranks by the question" in \
        refused.output
    unknown = run_cli("simulate", str(wilson_slice), "--repeat", "1", "--stopping", "nope",
                      "--plot", str(wilson_slice.with_suffix(".y.png")))
    assert unknown.exit_code == 2 and "available: buscar, knee" in unknown.output


def test_review_stopping_names_the_rule_and_lists_all_on_request(indexed_demo_file, tmp_path):
    corpus = litlab.open(copy_corpus(indexed_demo_file, tmp_path))
    question = "Does the article use bibliometric analysis?"
    truth = demo_truth(corpus)
    for record_id, relevant in list(truth.items())[:40]:
        add_review(corpus.con, question, record_id, "TRUE" if relevant else "FALSE", "ana")
    path = corpus.path
    corpus.close()
    chosen = run_cli("review", question, "--stopping", "--db", path)
    assert chosen.exit_code == 0 and chosen.output.startswith("keep screening (buscar, "
                                                             "statistical)")
    every = run_cli("review", question, "--stopping", "--stopping-rule", "all", "--db", path)
    *lines, methods = every.output.strip().splitlines()
    assert every.exit_code == 0 and len(lines) == 6
    assert methods.startswith("methods: Screening was stopped by the buscar rule (Callaghan and "
                              "Müller-Hansen (2020)") and "its guarantee is statistical" in methods
    assert [line.split("(")[1].split(",")[0] for line in lines] == STOPPING_RULES.names()
    assert "needs a random sample" in lines[2] and "40 of 310 screened" in lines[5]
    data = json.loads(run_cli("review", question, "--stopping", "--stopping-rule", "model",
                              "--json", "--db", path).output)
    assert data["rule"] == "buscar" and data["rules"][1]["rule"] == "model"
    assert "estimated recall" in data["rules"][1]["detail"]
