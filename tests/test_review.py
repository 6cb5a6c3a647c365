"""Human reviews, the classifier that learns from them, and the terminal review, on real data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import litlab
from conftest import DEMO, copy_corpus
from litlab.errors import LitlabError
from litlab.review import service
from litlab.review.classifier import NotEnoughReviews
from litlab.review.labels import add_review, current_reviews, review_history
from litlab.review.settings import ReviewSettings

QUESTION = "Does the article use bibliometric analysis?"


@pytest.fixture(scope="module")
def demo(indexed_demo_file, tmp_path_factory):
    """The demo corpus, indexed (embeddings of every record), a copy of its own."""
    corpus = litlab.open(copy_corpus(indexed_demo_file, tmp_path_factory.mktemp("review")))
    yield corpus
    corpus.close()


@pytest.fixture(scope="module")
def truth(demo):
    """Gold labels of the demo records: record_id -> True/False."""
    gold = pd.read_csv(DEMO / "demo_truth.csv", dtype=str)
    ids = dict(demo.con.execute("SELECT doi, record_id FROM records WHERE doi IS NOT NULL").fetchall())
    return {ids[d]: v == "TRUE" for d, v in zip(gold.doi, gold.uses_bibliometrics) if d in ids}


def _reviewed_sample(truth, n_true, n_false, seed=7):
    rng = np.random.default_rng(seed)
    true = rng.choice(sorted(r for r, t in truth.items() if t), n_true, replace=False)
    false = rng.choice(sorted(r for r, t in truth.items() if not t), n_false, replace=False)
    return [int(r) for r in np.concatenate([true, false])]


def _clear(corpus, question=QUESTION):
    corpus.con.execute("DELETE FROM reviews WHERE question = ?", [question])


def test_a_correction_is_a_new_row_and_the_latest_counts(demo):
    question = "Is this a correction test?"
    add_review(demo.con, question, 5, "TRUE", "alice")
    add_review(demo.con, question, 5, "f", "alice")  # alice corrects herself
    add_review(demo.con, question, 6, "unclear", "alice")
    current = current_reviews(demo.con, question).set_index("record_id")
    assert current.loc[5, "label"] == "FALSE" and current.loc[5, "reviewer"] == "alice"
    assert current.loc[5, "n_decisions"] == 2 and current.loc[6, "label"] == "UNCLEAR"
    assert not current.disputed.any()
    # A second reviewer who disagrees makes the record disputed until somebody settles it.
    add_review(demo.con, question, 5, "TRUE", "bob")
    assert current_reviews(demo.con, question).set_index("record_id").loc[5, "disputed"]
    add_review(demo.con, question, 5, "FALSE", "carol", source="settle")
    settled = current_reviews(demo.con, question).set_index("record_id").loc[5]
    assert settled.label == "FALSE" and not settled.disputed and settled.n_reviewers == 2
    history = review_history(demo.con, question, 5)
    assert history.label.tolist() == ["TRUE", "FALSE", "TRUE", "FALSE"]
    assert history.reviewer.tolist() == ["alice", "alice", "bob", "carol"]
    assert history.created_at.is_monotonic_increasing
    with pytest.raises(LitlabError, match="not one of TRUE, FALSE, UNCLEAR"):
        add_review(demo.con, question, 5, "perhaps", "alice")
    with pytest.raises(LitlabError, match="no record 99999"):
        add_review(demo.con, question, 99999, "TRUE", "alice")
    with pytest.raises(LitlabError, match="19,999 characters; keep it under 2,000"):
        add_review(demo.con, "why " * 5000, 5, "TRUE", "alice")


def test_import_reviews_by_record_id_and_doi_through_the_cli(demo, tmp_path):
    from litlab.review.cli import app

    doi = demo.con.execute("SELECT doi FROM records WHERE record_id = 8").fetchone()[0]
    csv = tmp_path / "mine.csv"
    csv.write_text("record_id,doi,label\n7,,TRUE\n,%s,0\n,10.9999/not.here,1\n9,,maybe not\n"
                   % doi.upper())
    # In one process DuckDB shares the open database with the CLI's own connection.
    result = CliRunner().invoke(app, ["review", "Imported question?", "--import", str(csv),
                                      "--db", str(demo.path), "--reviewer", "dana"])
    assert result.exit_code == 0, result.output
    assert "imported 2 reviews (1 TRUE, 1 FALSE); 2 rows skipped" in result.output
    assert "line 4: names no record of this corpus" in result.output
    assert "line 5: label 'maybe not' is not one of TRUE/FALSE/UNCLEAR" in result.output
    kept = demo.con.execute("SELECT line, reason FROM review_rejects WHERE question = "
                            "'Imported question?' ORDER BY line").fetchall()
    assert [line for line, _ in kept] == [4, 5]
    current = current_reviews(demo.con, "Imported question?").set_index("record_id")
    assert current.label.to_dict() == {7: "TRUE", 8: "FALSE"}
    assert set(current.reviewer) == {"dana"} and set(current.source) == {"import"}


def test_one_class_only_says_how_many_of_each_it_needs(demo, truth):
    _clear(demo)
    for record_id in _reviewed_sample(truth, 3, 0):
        add_review(demo.con, QUESTION, record_id, "TRUE", "me")
    with pytest.raises(NotEnoughReviews, match="has 3 TRUE and 0 FALSE: review 1 more FALSE"):
        service.label_from_reviews(demo.con, QUESTION, ReviewSettings(), demo.settings.index)
    _clear(demo)


def test_no_embeddings_and_no_run_says_what_to_run(tmp_path):
    with litlab.open(tmp_path / "bare.duckdb") as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
        with pytest.raises(LitlabError, match="run `litlab index`"):
            service.review_session(corpus.con, QUESTION, ReviewSettings(), corpus.settings.index)


def test_labels_from_30_reviews_agree_with_the_gold_labels(demo, truth, tmp_path):
    _clear(demo)
    reviewed = _reviewed_sample(truth, 15, 15)
    for record_id in reviewed:
        add_review(demo.con, QUESTION, record_id, "TRUE" if truth[record_id] else "FALSE", "me")
    result = service.label_from_reviews(demo.con, QUESTION, ReviewSettings(), demo.settings.index)
    run = demo.runs().set_index("run_id").loc[result.run_id]
    n_records = demo.con.execute("SELECT count(*) FROM records").fetchone()[0]
    assert run.model_id.startswith("linear SVMs") and run.status == "done"
    assert run.labeled == run.records == n_records == result.labeled
    assert demo.con.execute("SELECT backend FROM label_runs WHERE run_id = ?",
                            [result.run_id]).fetchone()[0] == "classifier"
    labels = demo.labels(result.run_id).set_index("record_id")
    assert (labels.loc[reviewed, "method"] == "reviewed").all()
    held_out = [r for r in truth if r not in set(reviewed) and r in labels.index]
    from sklearn.metrics import cohen_kappa_score, f1_score

    gold = ["TRUE" if truth[r] else "FALSE" for r in held_out]
    predicted = labels.loc[held_out, "label"].tolist()
    kappa, f1 = cohen_kappa_score(gold, predicted), f1_score(gold, predicted, pos_label="TRUE")
    print(f"\ndemo, 30 reviews: held-out n={len(held_out)} kappa={kappa:.3f} F1(TRUE)={f1:.3f}")
    assert kappa > 0.6 and f1 > 0.7
    # It evaluates and exports like an LLM run.
    evaluation = demo.evaluate(result.run_id, DEMO / "demo_truth.csv",
                               label_column="uses_bibliometrics")
    assert evaluation["n"] >= len(truth) and evaluation["kappa"] > 0.6
    # Without a gold file, agreement is with the stored reviews (the UI's button).
    against_reviews = demo.evaluate(result.run_id)
    assert against_reviews["n"] == 30 and against_reviews["accuracy"] == 1.0
    out = demo.export(tmp_path / "labels.csv", runs=[result.run_id])
    table = pd.read_csv(out["path"])
    assert table[f"{run['name']}:label"].notna().sum() == len(labels)
    from litlab.labeling.methods import describe_run
    from litlab.review.runs import classifier_methods_paragraph

    text = classifier_methods_paragraph(describe_run(demo.con, result.run_id))
    assert "30 human reviews (15 TRUE, 15 FALSE" in text and "criteria_match" not in text
    assert "Platt scaling fitted on 5-fold out-of-fold decision values" in text


def test_session_ranks_zero_shot_then_learns_and_applies_the_stopping_rule(demo, truth):
    _clear(demo)
    settings = ReviewSettings(reviewer="eve")
    session = service.review_session(demo.con, QUESTION, settings, demo.settings.index,
                                     mode="relevant")
    assert "no relevant record found yet" in session.stopping_message()
    first = session.next()
    assert "zero-shot (criteria_match)" in first.why and first.score is None
    assert "bibliometric" in (first.title + (first.abstract or "")).lower()
    session.decide(first.record_id, "TRUE")
    false_one = next(r for r, t in truth.items() if not t)
    session.decide(false_one, "FALSE")
    proposal = session.next()
    assert "trained on 1 TRUE and 1 FALSE" in proposal.why and proposal.score is not None
    assert proposal.record_id not in (first.record_id, false_one)
    # Relevant mode asks about the highest-scoring record first.
    candidates = session._candidates()
    assert proposal.score == pytest.approx(float(session.decision[candidates].max()))
    session.skip(proposal.record_id)
    assert session.next().record_id != proposal.record_id
    # Screen as a reviewer would, in the order proposed, until the rule says stop.
    screened = 2
    while not (session.stopping() and session.stopping().met):
        p = session.next()
        session.decide(p.record_id, "TRUE" if truth.get(p.record_id) else "FALSE")
        screened += 1
    verdict = session.stopping()
    assert "stopping criterion met" in verdict.message and verdict.recall_bound >= 0.95
    found = sum(1 for r, l in session.reviewed.items() if l == "TRUE")
    print(f"\ndemo: stopped after {screened} of {len(truth)} with {found} of "
          f"{sum(truth.values())} relevant")
    assert found >= 0.95 * sum(truth.values()) and screened < len(truth)
    # Uncertain mode asks where the classifier is least sure (balanced, 0 is the boundary).
    session.mode = "uncertain"
    session.refresh()
    picked = session.next()
    candidates = session._candidates()
    assert abs(picked.score) == pytest.approx(float(np.min(np.abs(session.decision[candidates]))))
    assert set(current_reviews(demo.con, QUESTION).reviewer) == {"eve"}
    _clear(demo)


def test_terminal_review_stores_keys_as_reviews(demo):
    from litlab.review.cli import app

    question = "Does the article study open access?"
    result = CliRunner().invoke(app, ["review", question, "--db", str(demo.path), "--reviewer",
                                      "carol"], input="tfxsuq")
    assert result.exit_code == 0, result.output
    assert "stored this session: 1 TRUE, 1 FALSE, 1 UNCLEAR (1 skipped)" in result.output
    assert "stopping criterion" not in result.output  # far from it after three decisions
    assert result.output.count("[t]rue  [f]alse") == 6  # 'x' is not a key: asked again
    history = review_history(demo.con, question)
    assert history.label.tolist() == ["TRUE", "FALSE", "UNCLEAR"]
    assert set(history.reviewer) == {"carol"} and set(history.source) == {"terminal"}
    first_title = demo.con.execute("SELECT title FROM records WHERE record_id = ?",
                                   [int(history.record_id[0])]).fetchone()[0]
    assert first_title in result.output


def test_llm_probabilities_join_the_features_and_show_in_the_review(demo, truth):
    _clear(demo)
    reviewed = _reviewed_sample(truth, 4, 4, seed=3)
    llm = demo.label(QUESTION, scope="abstract", filters={"record_ids": reviewed[:6] + [1, 2]})
    for record_id in reviewed:
        add_review(demo.con, QUESTION, record_id, "TRUE" if truth[record_id] else "FALSE", "me")
    features = service.features_for(demo.con, QUESTION, ReviewSettings(), demo.settings.index)
    assert features.groups == ["tfidf", "embeddings", "llm_p_true", "criteria_match"]
    assert features.details["llm_run"] == llm.run_ids[0]
    result = service.label_from_reviews(demo.con, QUESTION, ReviewSettings(), demo.settings.index)
    params = demo.con.execute("SELECT parameters FROM label_runs WHERE run_id = ?",
                              [result.run_id]).fetchone()[0]
    assert f'"llm_run": {llm.run_ids[0]}' in params
    assert '"calibration_inputs": ["ensemble", "llm_p_true"]' in params
    session = service.review_session(demo.con, QUESTION, ReviewSettings(), demo.settings.index)
    session.reviewed = {}  # show an already-labeled record: its LLM probabilities come along
    proposal = session._proposal(int(np.flatnonzero(features.ids == 1)[0]), "test")
    assert set(proposal.llm_probabilities) == {"TRUE", "FALSE", "UNCLEAR"}
    assert sum(proposal.llm_probabilities.values()) == pytest.approx(1.0)
    _clear(demo)
