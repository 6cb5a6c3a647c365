"""`ask`: answers from the corpus through llama-index, every citation checked, everything stored."""
from __future__ import annotations

import json

import pytest

import litlab
from conftest import DEMO
from litlab.ask.answer import cited_numbers
from litlab.errors import LitlabError


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    corpus = litlab.open(tmp_path_factory.mktemp("ask") / "demo.duckdb")
    corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "pdfs"])
    corpus.index()
    yield corpus
    corpus.close()


def test_citation_numbers_are_read_in_order_of_use():
    assert cited_numbers("Open access helps [2]. Not always [1, 3]; see [2].") == [2, 1, 3]
    assert cited_numbers("No citation here.") == []


@pytest.mark.slow
def test_answer_is_stored_with_its_checks(demo):
    answer = demo.ask("Do open access articles receive more citations?", k=3, max_tokens=60)
    assert answer.answer and answer.answer_id == 1
    ids = set(demo.records().record_id)
    for citation in answer.citations:  # whatever the small model cites must resolve
        assert citation["record_id"] in ids and citation["verified"]
    uncited = [s for s in answer.uncited_sentences]
    assert all("[" not in s for s in uncited)
    stored = demo.con.execute("SELECT question, answer, citations, model_id FROM answers").fetchone()
    assert stored[0] == "Do open access articles receive more citations?"
    assert stored[1] == answer.answer and json.loads(stored[2]) == answer.citations
    assert "SmolLM2" in stored[3]


def test_uncited_sentences_get_the_most_similar_passage_or_none():
    from litlab.ask.attribution import attribute
    from litlab.index.embedders import load_embedder

    embed = load_embedder("all-MiniLM-L6-v2", "cpu", 16).encode
    passages = ["Open access articles received 18% more citations than closed ones.",
                "We trained a graph neural network to predict protein contacts."]
    found = attribute(["Open access papers are cited more often.",
                       "The weather in Lisbon was sunny."], passages, embed, 0.5)
    assert [(s, n) for s, n, _ in found] == [("Open access papers are cited more often.", 1)]
    assert found[0][2] >= 0.5


def test_ask_with_a_filter_matching_nothing_or_an_empty_question(demo):
    with pytest.raises(LitlabError, match="no record matches"):
        demo.ask("open access", filters={"year": "1800"})
    with pytest.raises(LitlabError, match="empty question"):
        demo.ask("  ")


def test_ask_on_an_empty_corpus(tmp_path):
    with litlab.open(tmp_path / "empty.duckdb") as corpus:
        with pytest.raises(LitlabError, match="corpus is empty"):
            corpus.ask("anything at all")
