"""Embeddings, FAISS, BM25 and hybrid search on the bundled demo corpus, with the real model."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pandas as pd
import pytest

import litlab
from conftest import DEMO
from litlab.errors import LitlabError, ModelNotAvailable
from litlab.index.vector_index import index_paths
from litlab.settings import Settings

DEMO_INPUTS = [DEMO / "scopus_demo.csv", DEMO / "extra.ris", DEMO / "pdfs"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo corpus, ingested and indexed once for this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    corpus = litlab.open(path)
    corpus.ingest(DEMO_INPUTS)
    report = corpus.index()
    yield corpus, report
    corpus.close()


def test_index_embeds_records_and_chunks_then_nothing_when_unchanged(demo):
    corpus, report = demo
    records = report.granularities["record"]
    assert records["objects"] == len(corpus.records()) and records["embedded"] == records["objects"]
    assert report.granularities["chunk"]["embedded"] > 0
    again = corpus.index()
    assert all(g["embedded"] == 0 for g in again.granularities.values())
    assert not again.bm25_rebuilt


def test_changed_abstract_is_re_embedded_alone(demo):
    corpus, _ = demo
    record_id = int(corpus.records().record_id.iloc[5])
    corpus.con.execute("UPDATE records SET abstract = abstract || ' Updated.', updated_at = now() "
                       "WHERE record_id = ?", [record_id])
    report = corpus.index()
    assert report.granularities["record"]["embedded"] == 1
    assert report.bm25_rebuilt


def test_a_title_finds_its_record_first(demo):
    corpus, _ = demo
    rec = corpus.records().iloc[40]
    results = corpus.search(rec.title, k=5)
    assert results.record_id.iloc[0] == rec.record_id
    assert results.record_id.is_unique


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_ranks_the_theme_of_the_query_first(demo, mode):
    corpus, _ = demo
    results = corpus.search("co-citation analysis of Web of Science publications", k=10, mode=mode)
    assert len(results) == 10
    assert results.title.str.contains("ibliometric|itation|cientometric|co-author", regex=True).sum() >= 7


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_one_retriever_keeps_its_order_deep_in_the_list(demo, mode):
    corpus, _ = demo
    results = corpus.search("citation analysis of research publications", k=150, mode=mode)
    assert len(results) > 100  # deeper than the 100 records the fusion scales scores by
    assert results[f"{mode}_score"].is_monotonic_decreasing
    assert results.score.is_monotonic_decreasing


def test_hybrid_answers_with_dense_alone_when_bm25_matches_no_word(demo):
    corpus, _ = demo
    from litlab.index.searcher import Searcher

    query = "xylophones of quasars"  # no record holds these words
    assert corpus.search(query, mode="bm25").empty
    dense = corpus.search(query, k=5, mode="dense").record_id.tolist()
    for weight in (0.65, 1.0):  # even when BM25 was to decide everything
        settings = dataclasses.replace(corpus.settings.index, bm25_weight=weight)
        hybrid = Searcher(corpus.con, corpus.path, settings).search(query, k=5)
        assert hybrid.record_id.tolist() == dense
    settings = dataclasses.replace(corpus.settings.index, bm25_weight=1.5)
    with pytest.raises(LitlabError, match="bm25_weight must lie between 0 and 1"):
        Searcher(corpus.con, corpus.path, settings).search(query)


def test_pdf_passage_comes_with_its_page(demo):
    corpus, _ = demo
    page = corpus.con.execute(
        "SELECT p.text, p.page, d.record_id FROM pages p JOIN documents d USING (document_id) "
        "WHERE d.record_id IS NOT NULL AND p.page = 2 LIMIT 1").fetchone()
    sentence = " ".join(page[0].split()[20:45])
    hit = corpus.search(sentence, k=3).iloc[0]
    assert hit.record_id == page[2]
    assert hit.page <= 2 <= hit.page_end
    assert " ".join(sentence.split()[:5]) in " ".join(hit.passage.split())


def test_filters_restrict_results(demo):
    corpus, _ = demo
    by_year = corpus.search("replication of psychology experiments", k=20,
                            filters={"year": "2015-2018"})
    assert len(by_year) > 0 and by_year.year.between(2015, 2018).all()
    reviews = corpus.search("citation analysis", k=50, filters={"type": "Review"})
    assert len(reviews) > 0 and (reviews.document_type == "Review").all()
    with_pdf = corpus.search("bibliometric mapping", k=10, filters={"has_pdf": True})
    linked = set(corpus.documents().record_id.dropna().astype(int))
    assert set(with_pdf.record_id) <= linked and with_pdf.page.notna().all()
    nothing = corpus.search("citation analysis", filters={"year": "1800-1801"})
    assert nothing.empty


def test_similar_records_exclude_the_seed(demo):
    corpus, _ = demo
    seed = int(corpus.search("protein structure prediction with deep learning", k=1).record_id[0])
    near = corpus.similar(seed, k=5)
    assert len(near) == 5 and seed not in near.record_id.tolist()
    assert near.dense_score.is_monotonic_decreasing


def test_bad_queries(demo):
    corpus, _ = demo
    with pytest.raises(LitlabError, match="empty query"):
        corpus.search("   ")
    assert corpus.search("the of and ... !!", mode="bm25").empty
    assert len(corpus.search("the of and ... !!", k=3)) == 3  # dense still answers
    long = corpus.search("open access citation advantage " * 700, k=3)
    assert len(long) == 3


def test_model_that_cannot_be_loaded_names_the_model(tmp_path):
    settings = dataclasses.replace(Settings(), index=dataclasses.replace(
        Settings().index, model="no-such-org/no-such-model"))
    with litlab.open(tmp_path / "x.duckdb", settings) as corpus:
        corpus.ingest([DEMO / "extra.ris"])
        with pytest.raises(ModelNotAvailable, match="no-such-org/no-such-model.*local folder"):
            corpus.index()


def test_index_from_another_model_is_detected(demo):
    corpus, _ = demo
    other = dataclasses.replace(corpus.settings.index, model="some-other-model")
    from litlab.index.searcher import Searcher

    with pytest.raises(LitlabError, match="indexed with all-MiniLM-L6-v2, not some-other-model"):
        Searcher(corpus.con, corpus.path, other).search("citation")


def test_deleted_or_corrupt_index_file_is_rebuilt(demo):
    corpus, _ = demo
    index_file, _ = index_paths(corpus.path, corpus.settings.index.model, "record")
    expected = corpus.search("open access citation advantage", k=5).record_id.tolist()
    from litlab.index.searcher import Searcher

    index_file.write_bytes(b"garbage")
    fresh = Searcher(corpus.con, corpus.path, corpus.settings.index)
    assert fresh.search("open access citation advantage", k=5).record_id.tolist() == expected
    index_file.unlink()
    fresh = Searcher(corpus.con, corpus.path, corpus.settings.index)
    assert fresh.search("open access citation advantage", k=5).record_id.tolist() == expected
    assert index_file.exists()


def test_empty_corpus_says_what_to_run(tmp_path):
    with litlab.open(tmp_path / "empty.duckdb") as corpus:
        with pytest.raises(LitlabError, match="litlab ingest"):
            corpus.search("anything")


def test_cli_search_json_and_csv(demo):
    corpus, _ = demo
    corpus.close()  # one process owns the file: hand it to the CLI (this test runs last)
    out = subprocess.run([sys.executable, "-m", "litlab", "search", "bibliometric mapping",
                          "--db", str(corpus.path), "--k", "3", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 3
    assert {"record_id", "title", "year", "doi", "score", "passage", "page"} <= set(rows[0])
    csv_out = subprocess.run([sys.executable, "-m", "litlab", "search", "bibliometric mapping",
                              "--db", str(corpus.path), "--k", "3", "--csv", "--year", "2010-"],
                             capture_output=True, text=True, timeout=300)
    assert csv_out.stdout.splitlines()[0].startswith("rank,record_id,title,year")
