"""Screening simulations on real labeled data: the Nagtegaal (2019) systematic review."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from litlab.errors import LitlabError
from litlab.review import service
from litlab.review.settings import ReviewSettings
from litlab.settings import IndexSettings

NAGTEGAAL = SHARED / "asreview-nagtegaal" / "Nagtegaal_2019.csv"


@pytest.fixture(scope="module")
def nagtegaal():
    if not NAGTEGAAL.exists():
        pytest.skip("the shared Nagtegaal data is not beside this checkout")
    return NAGTEGAAL


def test_nagtegaal_simulation_saves_most_of_the_screening(nagtegaal, tmp_path):
    # The first run embeds the 2,019 abstracts (cached by the file's SHA-256 for later runs).
    report = service.simulate_file(nagtegaal, ReviewSettings(repeat=2), IndexSettings(),
                                   plot_path=tmp_path / "recall.png")
    # ASReview LAB 3.0.8's own runs from the same priors (benchmarks/bench_simulate.py).
    assert [round(r.metrics["wss@95"], 1) for r in report.repetitions] == [74.0, 73.4]
    means = report.means()
    print(f"\nNagtegaal 2019, 2 repetitions: WSS@95 {means['wss@95']:.1f}%  "
          f"WSS@100 {means['wss@100']:.1f}%  RRF@10 {means['rrf@10']:.1f}%  "
          f"screened for 95%: {means['screened_for_95%']:.1f}%")
    assert report.records == 2019 and report.relevant == 101
    assert report.features == ["tfidf"]  # the default learner, ASReview's ELAS u4 recipe
    # Random screening has WSS@95 near 0 and finds 10% of relevant records in the first 10%.
    assert means["wss@95"] > 55 and means["rrf@10"] > 50
    assert means["screened_for_95%"] < 40
    assert [r.seed for r in report.repetitions] == [535, 536]
    assert report.repetitions[0].priors != report.repetitions[1].priors
    for r in report.repetitions:
        assert int(r.found.sum()) == 100  # every relevant record but the prior is found
        assert r.stop["stopped"] and r.stop["recall"] >= 0.95  # the stopping rule held
    assert (tmp_path / "recall.png").stat().st_size > 10_000
    again = service.simulate_file(nagtegaal, ReviewSettings(repeat=1, seed=536), IndexSettings())
    assert again.repetitions[0].metrics == report.repetitions[1].metrics  # same seed, same run


def test_simulate_cli_json_has_means_repetitions_and_the_stop(tmp_path):
    from litlab.review.cli import app

    wilson = SHARED / "screening" / "Appenzeller-Herzog_2020_wilson.csv"
    if not wilson.exists():
        pytest.skip("the shared screening reviews are not beside this checkout")
    result = CliRunner().invoke(app, ["simulate", str(wilson), "--repeat", "1", "--seed", "7",
                                      "--priors", "2,3", "--json",
                                      "--plot", str(tmp_path / "c.png")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("wss@95", "wss@100", "rrf@10", "recall@10%"):
        assert 0 < data[key] <= 100 and data[key] == data["repetitions"][0][key]
    assert 0 < data["loss"] < 0.2 and data["stopping"]["reached_target"] == 1.0
    assert len(data["repetitions"][0]["priors"]) == 5 and data["repetitions"][0]["seed"] == 7
    assert data["repetitions"][0]["stop"]["recall"] >= 0.95
    text = CliRunner().invoke(app, ["simulate", str(wilson), "--repeat", "1", "--plot",
                                    str(tmp_path / "d.png"), "--target-recall", "0.9"])
    assert "WSS@95" in text.output.upper() and "mean" in text.output
    assert "stopping rule buscar (statistical; recall 90% with 95% confidence)" in text.output


def test_bad_simulation_files_say_what_is_wrong(tmp_path):
    settings, index = ReviewSettings(repeat=1), IndexSettings()
    no_label = tmp_path / "no_label.csv"
    no_label.write_text("title,abstract\nA,b\nC,d\n")
    with pytest.raises(LitlabError, match="no label column.*--label-column"):
        service.simulate_file(no_label, settings, index)
    with pytest.raises(LitlabError, match="no 'decision' column.*--label-column"):
        service.simulate_file(no_label, settings, index, label_column="decision")
    none_relevant = tmp_path / "none.csv"
    none_relevant.write_text("title,abstract,label_included\nA,b,0\nC,d,0\n")
    with pytest.raises(LitlabError, match="no relevant records"):
        service.simulate_file(none_relevant, settings, index)
    odd = tmp_path / "odd.csv"
    odd.write_text("title,abstract,label_included\nA,b,1\nC,d,yes please\n")
    with pytest.raises(LitlabError, match="1 rows have a label_included that is not 0/1"):
        service.simulate_file(odd, settings, index)
    with pytest.raises(LitlabError, match="no such file"):
        service.simulate_file(tmp_path / "missing.csv", settings, index)
