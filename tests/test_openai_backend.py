"""The OpenAI-compatible backend against a real server: llama.cpp's, serving the same GGUF."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

import httpx
import pytest

import litlab
from conftest import DEMO, free_port
from litlab.errors import LitlabError
from litlab.labeling.backends.local import bundled_gguf
from litlab.settings import Settings

pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is installed by `make install`")
QUESTION = "Does the article use bibliometric analysis?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("server") / "llama-server.log", "w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()),
         "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "2048", "--logits_all", "true", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT)  # a pipe nobody reads would fill and block it
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        log.seek(0)
        pytest.fail(f"llama.cpp server did not start: {log.read()[-1000:]!r}")
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


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


def test_unreachable_server_pauses_the_run_and_resume_finishes_it(server, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    db = tmp_path / "p.duckdb"
    with litlab.open(db, settings_for(dead, retries=1)) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
        with pytest.raises(LitlabError, match="failed 2 times.*paused.*--resume 1"):
            corpus.label(QUESTION, scope="abstract", limit=3)
        run = corpus.runs().iloc[0]
        assert run.status == "paused" and run.labeled == 0
    with litlab.open(db, settings_for(server)) as corpus:
        result = corpus.resume(1)
        assert result.status == "done" and result.labeled == 3
