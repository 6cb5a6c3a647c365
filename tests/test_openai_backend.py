"""The OpenAI-compatible backend against a real server: llama.cpp's, serving the same GGUF."""
from __future__ import annotations

import dataclasses
import time

import pytest

import litlab
from conftest import DEMO, free_port
from litlab.errors import LitlabError
from litlab.settings import Settings

pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is installed by `make install`")
QUESTION = "Does the article use bibliometric analysis?"


@pytest.fixture
def server(llama_server):
    return llama_server.url


def settings_for(url: str, **extra) -> Settings:
    base = Settings()
    return dataclasses.replace(base, label=dataclasses.replace(
        base.label, backend="openai", model="smollm2", base_url=url, concurrency=4, **extra))


def test_label_run_through_a_server_with_logprobs(server, tmp_path):
    with litlab.open(tmp_path / "s.duckdb", settings_for(server)) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
        result = corpus.label(QUESTION, scope="abstract", limit=6)
        labels = corpus.labels(result.run_ids[0])
        assert len(labels) == 6 and (labels.method == "option_logprobs").all()
        probs = labels[["p_TRUE", "p_FALSE", "p_UNCLEAR"]]
        assert ((probs.sum(axis=1) - 1).abs() < 1e-6).all()
        assert (probs.max(axis=1) < 1.0).all()  # real distributions, not parsed text
        from litlab.labeling.methods import describe_run, methods_paragraph

        assert f"served at {server}" in methods_paragraph(describe_run(corpus.con, result.run_ids[0]))


def test_an_unreachable_server_is_refused_before_a_run_is_created(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    db = tmp_path / "p.duckdb"
    with litlab.open(db, settings_for(dead, retries=1)) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
        began = time.monotonic()
        with pytest.raises(LitlabError, match=f"no server can label with .*{dead}: ConnectError"):
            corpus.label(QUESTION, scope="abstract", limit=3)
        assert time.monotonic() - began < 15  # not minutes of retries
        assert corpus.runs().empty  # nothing to resume that could never work
