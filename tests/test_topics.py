"""Topics on the bundled demo corpus (six known themes) with the real model, BERTopic, UMAP,
HDBSCAN and the bundled LLM; the shared scisci corpus for stability (slow)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import litlab
from conftest import DEMO
from litlab.errors import LitlabError
from litlab.topics.naming import tidy
from litlab.topics.text import BIBLIOGRAPHIC_NOISE

DEMO_INPUTS = [DEMO / "scopus_demo.csv", DEMO / "extra.ris", DEMO / "pdfs"]
THEMES = pd.read_csv(DEMO / "demo_truth.csv")[["doi", "theme"]]


def litlab_cli(*args):
    return subprocess.run([sys.executable, "-m", "litlab", *map(str, args)],
                          capture_output=True, text=True, timeout=900)


def assignments(corpus, run_id: int) -> pd.DataFrame:
    return corpus.con.execute(
        "SELECT a.*, r.doi, r.year, r.title FROM topic_assignments a JOIN records r "
        "USING (record_id) WHERE topic_run_id = ? ORDER BY record_id", [run_id]).df()


def theme_table(corpus, run_id: int) -> pd.DataFrame:
    return assignments(corpus, run_id).merge(THEMES, on="doi")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo corpus ingested, indexed and given topics once (run 1, figures written)."""
    folder = tmp_path_factory.mktemp("topics")
    with litlab.open(folder / "demo.duckdb") as corpus:
        corpus.ingest(DEMO_INPUTS)
        corpus.index()
        report = corpus.topics(out=folder / "figures")
    return folder / "demo.duckdb", report


@pytest.fixture(scope="module")
def second_run(demo):
    """The same corpus again from the command line, same seed, names by the bundled LLM."""
    path, _ = demo
    out = litlab_cli("topics", "--db", path, "--json", "--llm-names", "--out",
                     path.parent / "figures2")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_topics_recover_the_six_demo_themes(demo):
    path, report = demo
    assert 6 <= report.n_topics <= 16
    with litlab.open(path, read_only=True) as corpus:
        table = theme_table(corpus, 1)
    table = table[table.topic_id >= 0]
    majority = table.groupby("topic_id").theme.agg(lambda s: s.value_counts().iloc[0] / len(s))
    sizes = table.groupby("topic_id").size()
    assert (majority * sizes).sum() / sizes.sum() >= 0.9  # records share their topic's theme
    leading = table.groupby("topic_id").theme.agg(lambda s: s.value_counts().index[0])
    assert set(leading) == set(THEMES.theme)  # every theme leads at least one topic


def test_keywords_leave_out_stop_words_and_bibliographic_noise(demo):
    path, report = demo
    with litlab.open(path, read_only=True) as corpus:
        texts = " ".join(t for (t,) in corpus.con.execute(
            "SELECT lower(concat_ws(' ', title, abstract)) FROM records").fetchall())
    for noise in ("study", "paper", "authors", "results"):
        assert f" {noise} " in texts  # the words are there to be left out
    words = {w for t in report.to_dict()["topics"] for k in t["keywords"] for w in k.split()}
    assert words and not words & (BIBLIOGRAPHIC_NOISE | {"the", "of", "and", "we", "2020"})
    protein = next(t for t in report.to_dict()["topics"] if "protein" in t["keywords"][:3])
    assert protein["size"] >= 40 and protein["keybert"]


def test_every_record_is_stored_with_topic_probability_and_map_position(demo):
    path, report = demo
    with litlab.open(path, read_only=True) as corpus:
        rows = assignments(corpus, 1)
        assert len(rows) == len(corpus.records()) == report.run["n_records"]
    assert rows.probability.between(0, 1).all()
    assert np.isfinite(rows[["x", "y"]]).all().all() and rows.x.std() > 0 and rows.y.std() > 0
    for topic in report.table[report.table.topic_id >= 0].itertuples():
        members = rows[rows.topic_id == topic.topic_id]
        assert topic.size == len(members)
        assert (topic.first_year, topic.last_year) == (members.year.min(), members.year.max())
        assert set(topic.representative_ids) <= set(members.record_id)
        # a topic's records sit together on the map: nearer their own centre than the map's
        spread = np.hypot(members.x - members.x.mean(), members.y - members.y.mean()).mean()
        assert spread < np.hypot(rows.x - rows.x.mean(), rows.y - rows.y.mean()).mean()


def test_figures_are_self_contained_html_and_png(demo):
    path, report = demo
    assert len(report.figures) == 8
    title = report.table.representative_titles[0][0]
    for name in ("map", "sizes", "over_time", "keywords"):
        html = (path.parent / "figures" / f"topics_{name}.html").read_text(encoding="utf-8")
        assert "<script src=" not in html  # plotly.js inlined: opens offline
        assert "Plotly.newPlot" in html and len(html) > 3_000_000
        png = (path.parent / "figures" / f"topics_{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    map_html = (path.parent / "figures" / "topics_map.html").read_text(encoding="utf-8")
    assert json.dumps(title[:60])[1:-1] in map_html  # hover shows titles


def test_same_seed_gives_the_same_topics(demo, second_run):
    path, first = demo
    assert {"n_topics", "outlier_share", "topics"} <= set(second_run)
    assert second_run["n_topics"] == first.n_topics
    assert second_run["outlier_share"] == round(first.outlier_share, 4)
    again = {t["id"]: (t["size"], t["keywords"]) for t in second_run["topics"]}
    assert again == {t["id"]: (t["size"], t["keywords"]) for t in first.to_dict()["topics"]}
    with litlab.open(path, read_only=True) as corpus:
        one, two = assignments(corpus, 1), assignments(corpus, 2)
    assert (one.topic_id.to_numpy() == two.topic_id.to_numpy()).all()
    assert np.allclose(one[["x", "y"]], two[["x", "y"]])


def test_llm_names_are_stored_with_the_model_that_wrote_them(demo, second_run):
    path, _ = demo
    named = [t for t in second_run["topics"] if t["id"] >= 0]
    llm = [t for t in named if t["name_source"] == "llm"]
    assert llm  # the bundled 135M model answers usably for some topics, not all
    assert all(0 < len(t["name"]) <= 60 and len(t["name"].split()) <= 10 for t in llm)
    # where its answer was not a name, the keyword name stays, marked as such
    assert all(t["name_model"] is None for t in named if t["name_source"] == "keywords")
    assert all("smollm2" in t["name_model"].lower() for t in llm)
    with litlab.open(path, read_only=True) as corpus:
        stored = corpus.con.execute("SELECT count(*) FROM topics WHERE topic_run_id = 2 AND "
                                    "name_source = 'llm' AND name_model IS NOT NULL").fetchone()[0]
    assert stored == len(llm)


@pytest.mark.parametrize("answer, name", [
    ('These articles share a topic called "Replication and Effect" but they', "Replication and Effect"),
    ("Here's a possible title for this topic:\n\nOpen Access Citation Advantage", "Open Access Citation Advantage"),
    ("- Title: Climate adaptation of smallholder farms.", "Climate adaptation of smallholder farms"),
    ("- 3", None),
    ("This article shares a research topic on GraphPred, which is a graph neural network", None),
])
def test_names_are_taken_from_what_small_models_answer(answer, name):
    # answers like those the bundled SmolLM2-135M gave to the naming prompt
    assert tidy(answer) == name


def test_rename_merge_then_filter_and_export_by_topic(demo, second_run, tmp_path):
    path, _ = demo
    open_access = [t for t in second_run["topics"] if "open access" in t["keywords"][:3]]
    assert len(open_access) >= 2  # the demo's open-access theme comes as several topics
    keep, others = open_access[0]["id"], [t["id"] for t in open_access[1:]]
    renamed = litlab_cli("topics", "rename", keep, "Open access", "--db", path)
    assert renamed.returncode == 0, renamed.stderr
    merged = litlab_cli("topics", "merge", keep, *others, "--db", path, "--json")
    assert merged.returncode == 0, merged.stderr
    result = json.loads(merged.stdout)
    total = sum(t["size"] for t in open_access)
    assert result["size"] == total and result["name"] == "Open access"
    assert "open access" in result["keywords"][:3]
    with litlab.open(path) as corpus:
        table = corpus.topic_table().table.set_index("topic_id")
        assert not set(others) & set(table.index) and table.loc[keep, "size"] == total
        assert table.loc[keep, "name_source"] == "user"
        members = set(assignments(corpus, 2).query(f"topic_id == {keep}").record_id)
        assert len(members) == total
        found = corpus.search("research", k=400, filters={"topic": keep})
        assert set(found.record_id) == members
        by_name = corpus.search("research", k=400, filters={"topic": "open access"})
        assert set(by_name.record_id) == members
        corpus.export(tmp_path / "labels.csv")
    exported = pd.read_csv(tmp_path / "labels.csv")
    assert set(exported.loc[exported.topic == keep, "record_id"]) == members
    assert (exported.loc[exported.topic == keep, "topic_name"] == "Open access").all()
    assert exported.topic.notna().all()
    for args, message in [(("rename", 99, "X"), "no topic 99 in topic run 2"),
                          (("merge", keep, others[0]), f"topic {others[0]} was merged into topic {keep}"),
                          (("merge", keep, 77), "no topic 77")]:
        bad = litlab_cli("topics", *args, "--db", path)
        assert bad.returncode == 2 and message in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_five_records_are_too_few_and_say_so(tmp_path):
    ris = "".join(f"TY  - JOUR\nTI  - Record {i} about open access citations and replication\n"
                  f"PY  - 2020\nDO  - 10.5555/five.{i}\nER  - \n\n" for i in range(5))
    (tmp_path / "five.ris").write_text(ris)
    with litlab.open(tmp_path / "five.duckdb") as corpus:
        corpus.ingest([tmp_path / "five.ris"])
        with pytest.raises(LitlabError, match="run `litlab index` first"):
            corpus.topics()
        corpus.index()
        with pytest.raises(LitlabError, match="only 5 records: too few to find topics"):
            corpus.topics()
        with pytest.raises(LitlabError, match="no topics yet"):
            corpus.rename_topic(0, "Anything")


def test_records_not_yet_embedded_say_what_to_run(demo, tmp_path):
    path, _ = demo
    shutil.copy(path, tmp_path / "copy.duckdb")
    extra = "TY  - JOUR\nTI  - A new record\nPY  - 2024\nDO  - 10.5555/new.1\nER  - \n"
    (tmp_path / "new.ris").write_text(extra)
    with litlab.open(tmp_path / "copy.duckdb") as corpus:
        corpus.ingest([tmp_path / "new.ris"])
        with pytest.raises(LitlabError, match=r"1 of \d+ records have no .* embedding yet: run "
                                              "`litlab index` first"):
            corpus.topics()


def test_titles_alone_still_give_topics_and_outliers_can_be_reduced(demo, tmp_path):
    path, _ = demo
    shutil.copy(path, tmp_path / "titles.duckdb")
    with litlab.open(tmp_path / "titles.duckdb") as corpus:
        corpus.con.execute("UPDATE records SET abstract = NULL, author_keywords = NULL")
        corpus.index()
        report = corpus.topics(reduce_outliers=True)
        rows = theme_table(corpus, report.run["topic_run_id"])
    assert report.n_topics >= 6 and report.run["outliers_before"] > 0
    assert report.outlier_share == 0 and (rows.topic_id >= 0).all()
    moved = rows[rows.method == "outlier_reduction"]
    assert len(moved) == report.run["outliers_before"] and moved.probability.between(0, 1).all()
    majority = rows.groupby("topic_id").theme.agg(lambda s: s.value_counts().iloc[0]).sum()
    assert majority / len(rows) >= 0.8


def test_identical_texts_land_in_one_topic(demo, tmp_path):
    path, _ = demo
    shutil.copy(path, tmp_path / "same.duckdb")
    ris = "".join("TY  - JOUR\nTI  - Gender differences in grant funding success\n"
                  "AB  - We compare grant success rates of women and men across funders.\n"
                  f"PY  - {2000 + i}\nDO  - 10.5555/same.{i}\nER  - \n\n" for i in range(24))
    (tmp_path / "same.ris").write_text(ris)
    with litlab.open(tmp_path / "same.duckdb") as corpus:
        corpus.ingest([tmp_path / "same.ris"])
        corpus.index()
        report = corpus.topics()
        rows = assignments(corpus, report.run["topic_run_id"])
    same = rows[rows.doi.str.startswith("10.5555/same.", na=False)]
    assert len(same) == 24 and same.topic_id.nunique() == 1 and same.topic_id.iloc[0] >= 0


def test_a_corpus_of_one_repeated_text_has_no_topics_and_says_so(tmp_path):
    ris = "".join("TY  - JOUR\nTI  - The same title\nAB  - The same abstract.\n"
                  f"PY  - 2020\nDO  - 10.5555/copy.{i}\nER  - \n\n" for i in range(25))
    (tmp_path / "copies.ris").write_text(ris)
    with litlab.open(tmp_path / "copies.duckdb") as corpus:
        corpus.ingest([tmp_path / "copies.ris"])
        corpus.index()
        with pytest.raises(LitlabError, match="no topics found among 25 records"):
            corpus.topics()


def test_bad_nr_topics_is_refused_before_any_work(demo):
    path, _ = demo
    with litlab.open(path) as corpus:
        with pytest.raises(LitlabError, match="--nr-topics 'many'"):
            corpus.topics(nr_topics="many")


@pytest.mark.slow
def test_shared_corpus_topics_are_the_same_on_a_second_run(scisci, tmp_path):
    with litlab.open(tmp_path / "scisci.duckdb") as corpus:
        corpus.ingest([scisci / "science_of_science.csv"])
        corpus.index()
        first = corpus.topics(reduce_outliers=True)
        second = corpus.topics(reduce_outliers=True)
        one, two = assignments(corpus, 1), assignments(corpus, 2)
    assert first.n_topics >= 10 and first.run["outliers_before"] > 0 == first.outlier_share
    assert (one.topic_id.to_numpy() == two.topic_id.to_numpy()).all()
    assert first.to_dict()["topics"] == second.to_dict()["topics"]
