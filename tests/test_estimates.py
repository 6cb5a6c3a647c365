"""Labels as data: shares per group and regressions three ways (naive, classical, corrected),
on the demo corpus with its known truth, DSL checked against ppi-python, and bad input."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import litlab
from conftest import copy_corpus, demo_truth, run_cli
from litlab.estimates.base import ESTIMATORS, Problem
from litlab.review.labels import add_review

QUESTION = "Does the article use bibliometric analysis?"


@pytest.fixture(scope="module")
def demo(indexed_demo_file, tmp_path_factory):
    corpus = litlab.open(copy_corpus(indexed_demo_file, tmp_path_factory.mktemp("estimates")))
    yield corpus
    corpus.close()


@pytest.fixture(scope="module")
def truth(demo):
    return demo_truth(demo)


def _run(corpus, question, truth, wrong_every=4):
    """A finished run over every record whose labels are wrong for every ``wrong_every``-th
    FALSE record (they say TRUE): the labels overstate the share, as a lenient model does."""
    con = corpus.con
    run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM label_runs").fetchone()[0]
    con.execute("INSERT INTO label_runs VALUES (?, 'bibliometric_analysis', ?, "
                "['TRUE', 'FALSE', 'UNCLEAR'], 'abstract', 'test', 'hand-made', NULL, '', '{}', "
                "'0', ?, 'done', NULL, now(), now())", [run_id, question, sorted(truth)])
    rows = []
    for r in sorted(truth):
        says = truth[r] or r % wrong_every == 0
        p = 0.8 if says else 0.15
        rows.append((run_id, r, "TRUE" if says else "FALSE", [p, 1 - p, 0.0]))
    con.executemany("INSERT INTO labels (run_id, record_id, label, probabilities, method, "
                    "created_at) VALUES (?, ?, ?, ?, 'test', now())", rows)
    return run_id


def _review_sample(corpus, run_id, truth, question=QUESTION):
    for (record_id,) in corpus.con.execute("SELECT record_id FROM validation_samples WHERE "
                                           "run_id = ?", [run_id]).fetchall():
        add_review(corpus.con, question, record_id, "TRUE" if truth[record_id] else "FALSE",
                   "ana")


def _clear(corpus):
    corpus.con.execute("DELETE FROM reviews")
    corpus.con.execute("DELETE FROM validation_samples")


def test_dsl_agrees_with_ppi_python_on_a_simple_random_sample():
    import ppi_py

    rng = np.random.default_rng(3)
    N, n = 4000, 400
    x = rng.normal(size=N)
    truth = (rng.random(N) < 1 / (1 + np.exp(-(-0.8 + 0.7 * x)))).astype(float)
    surrogate = np.clip(np.where(truth == 1, rng.beta(4, 2, N), rng.beta(2, 4, N)), 0, 1)
    sampled = np.zeros(N, bool)
    sampled[rng.choice(N, n, replace=False)] = True
    pi, y = np.where(sampled, n / N, np.nan), np.where(sampled, truth, np.nan)
    X = np.column_stack([np.ones(N), x])
    for family, design in (("linear", X[:, :1]), ("linear", X), ("logistic", X)):
        problem = Problem(design, ["c"] * design.shape[1], (surrogate >= 0.5).astype(float),
                          surrogate, sampled, pi, y, family=family)
        # With the outcome model fixed at the run's probabilities, DSL's estimating equation
        # is PPI's with lambda = 1 over all N records: the same numbers for a mean and a
        # logistic fit (PPI's OLS rectifies with the sample's X'X, DSL with all N's: close).
        fixed = ESTIMATORS.create("dsl").estimate(
            Problem(**{**problem.__dict__, "g": surrogate.copy()}))
        args = (design[sampled], truth[sampled], surrogate[sampled], design, surrogate)
        if family == "logistic":
            theirs = ppi_py.ppi_logistic_pointestimate(*args, lam=1)
        else:
            theirs = ppi_py.ppi_ols_pointestimate(*args, lam=1)
        exact = family == "logistic" or design.shape[1] == 1
        assert fixed.coef == pytest.approx(np.atleast_1d(theirs), abs=1e-6 if exact else 0.02)
        # Cross-fitted DSL beside power-tuned PPI++ (the package's intervals): within a
        # fraction of a standard error. DSL's interval is narrower: it is for this corpus
        # (design-based, 10% of it reviewed), PPI++'s for a superpopulation.
        dsl, ppi = (ESTIMATORS.create(name).estimate(problem) for name in ("dsl", "ppi"))
        assert np.all(np.abs(dsl.coef - ppi.coef) < 0.75 * ppi.se)
        assert np.all((dsl.se / ppi.se > 0.7) & (dsl.se / ppi.se < 1.0))


def test_validate_stratifies_by_year_and_stores_inclusion_probabilities(demo, truth):
    _clear(demo)
    run_id = _run(demo, QUESTION, truth)
    out = run_cli("validate", run_id, "--sample", 120, "--stratify", "year", "--seed", 4,
                  "--db", demo.path, "--json")
    assert out.exit_code == 0, out.output
    drawn = json.loads(out.output)
    assert drawn["stratified_by"] == "year" and drawn["drawn"] == 120
    sample = demo.con.execute("SELECT v.stratum, v.inclusion_probability, r.year FROM "
                              "validation_samples v JOIN records r USING (record_id) WHERE "
                              "v.run_id = ?", [run_id]).df()
    assert (sample.stratum == "year=" + sample.year.astype(str)).all()
    years = demo.con.execute("SELECT year, count(*) AS n FROM records GROUP BY year").df()
    size = dict(zip(years.year, years.n))
    drawn_per_year = sample.groupby("year").size()
    for row in sample.itertuples():
        assert row.inclusion_probability == pytest.approx(drawn_per_year[row.year] /
                                                          size[row.year])
    assert sample.inclusion_probability.nunique() > 1  # unequal: thin years fully drawn
    bad = run_cli("validate", run_id, "--sample", 10, "--stratify", "colour", "--redraw",
                  "--db", demo.path)
    assert bad.exit_code == 2 and "cannot stratify by 'colour'" in bad.output
    _clear(demo)


def test_estimate_by_year_three_ways_with_a_plot_csv_and_json(demo, truth, tmp_path):
    _clear(demo)
    run_id = _run(demo, QUESTION, truth)
    demo.validate(run_id, 150, seed=8, stratify="year")
    _review_sample(demo, run_id, truth)
    overall = json.loads(run_cli("estimate", QUESTION, "--run", run_id, "--json",
                                 "--db", demo.path).output)
    true_share = np.mean(list(truth.values()))
    row = overall["rows"][0]
    assert overall["corrected"] == "dsl" and "stratified by year" in overall["methods"]
    assert row["naive"]["estimate"] > true_share + 0.1  # the labels overstate it
    assert row["corrected"]["ci_low"] <= true_share <= row["corrected"]["ci_high"]
    width = lambda e: e["ci_high"] - e["ci_low"]  # noqa: E731
    assert width(row["corrected"]) < width(row["classical"])
    plot = tmp_path / "trend.png"
    out = run_cli("estimate", QUESTION, "--run", run_id, "--by", "year", "--plot", plot,
                  "--db", demo.path)
    assert out.exit_code == 0, out.output
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "corrected (DSL)" in out.output and "We estimated the share of articles" in out.output
    csv = run_cli("estimate", QUESTION, "--run", run_id, "--by", "year", "--csv",
                  "--db", demo.path).output
    frame = pd.read_csv(pd.io.common.StringIO(csv))
    years = demo.con.execute("SELECT count(DISTINCT year) FROM records").fetchone()[0]
    assert len(frame) == 3 * years and set(frame.role) == {"naive", "classical", "corrected"}
    assert frame.n_reviewed.groupby(frame.group).first().sum() == 150
    html = tmp_path / "types.html"
    assert run_cli("estimate", QUESTION, "--run", run_id, "--by", "type", "--skip-empty",
                   "--plot", html, "--db", demo.path).exit_code == 0
    assert "plotly" in html.read_text()[:5000].lower()
    _clear(demo)


def test_regress_gives_every_coefficient_three_ways(demo, truth):
    _clear(demo)
    run_id = _run(demo, QUESTION, truth)
    demo.validate(run_id, 120, seed=2)
    _review_sample(demo, run_id, truth)
    out = run_cli("regress", QUESTION, "~ I(year - 2015) + open_access", "--run", run_id,
                  "--json", "--db", demo.path)
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["corrected"] == "ppi" and "simple random sample" in result["why"]
    assert [r["term"] for r in result["rows"]] == ["Intercept", "I(year - 2015)", "open_access"]
    for row in result["rows"]:
        for role in ("naive", "classical", "corrected"):
            e = row[role]
            assert e["ci_low"] < e["estimate"] < e["ci_high"]
    assert "logistic regression of the label" in result["methods"]
    text = run_cli("regress", QUESTION, "~ year", "--family", "linear", "--estimator", "dsl",
                   "--run", run_id, "--db", demo.path).output
    assert "corrected (DSL)" in text and "year" in text
    _clear(demo)


def test_bad_input_is_one_line_and_exit_2(demo, truth):
    _clear(demo)
    run_id = _run(demo, QUESTION, truth)
    other = _run(demo, "Is it about proteins?", truth)

    def refused(*args):
        out = run_cli(*args, "--db", demo.path)
        assert out.exit_code == 2 and len(out.output.strip().splitlines()) == 1, out.output
        return out.output

    assert f"run {run_id} has no validation sample yet: draw one with `litlab validate " \
        f"{run_id} --sample 200" in refused("estimate", QUESTION, "--run", run_id)
    assert "asks 'Is it about proteins?'" in refused("estimate", QUESTION, "--run", other)
    demo.validate(run_id, 30, seed=1)
    _review_sample(demo, run_id, truth)
    assert "formula '~ year + colour' names an unknown column 'colour'" in refused(
        "regress", QUESTION, "~ year + colour", "--run", run_id)
    assert "columns: year" in refused("regress", QUESTION, "~ year + colour", "--run", run_id)
    message = refused("estimate", QUESTION, "--run", run_id, "--by", "source")
    assert "no reviewed record in" in message and "--stratify source --redraw" in message
    assert "cannot group by 'colour'" in refused("estimate", QUESTION, "--run", run_id,
                                                 "--by", "colour")
    assert "unknown estimators 'magic'" in refused("estimate", QUESTION, "--run", run_id,
                                                   "--estimator", "magic")
    _clear(demo)


def test_a_group_reviewed_in_full_is_known_exactly_by_every_corrected_estimator():
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    problem = Problem(np.ones((5, 1)), ["share"], np.zeros(5), np.full(5, 0.3),
                      np.ones(5, bool), np.ones(5), y)
    for name in ("classical", "dsl", "ppi"):
        e = ESTIMATORS.create(name).estimate(problem)
        assert e.coef[0] == pytest.approx(0.4) and e.ci[0].tolist() == pytest.approx([0.4, 0.4])
