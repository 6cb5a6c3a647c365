"""Served labeling as a user meets it: many requests in flight, several servers, hung and
broken servers, a server that dies mid-run, `litlab models`, `ollama:` names, vLLM absent.

Every server here is real: llama.cpp's serving the bundled GGUF, a socket that accepts and
never answers, and small stdlib HTTP servers answering malformed JSON, text without
log-probabilities, or an Ollama's model list."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time

import pytest

import litlab
from conftest import free_port, run_cli
from litlab.errors import LitlabError
from litlab.settings import Settings
from servers import CannedServer, LlamaServer, SilentServer, chat_answer

QUESTION = "Does the article use bibliometric analysis?"


def served(url, **extra) -> Settings:
    base = Settings()
    return dataclasses.replace(base, label=dataclasses.replace(
        base.label, **{"backend": "openai", "model": "smollm2", "base_url": url, **extra}))


def label_counts(db) -> list[tuple[int, int]]:
    with litlab.open(db, read_only=True) as corpus:
        return corpus.con.execute("SELECT record_id, count(*) FROM labels "
                                  "GROUP BY 1 ORDER BY 1").fetchall()


def test_one_run_across_two_servers_and_a_dead_one(llama_server, second_llama_server, demo_db):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    before = (llama_server.completions(), second_llama_server.completions())
    out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "openai", "--llm", "smollm2",
                  "--base-url", llama_server.url, "--base-url", second_llama_server.url,
                  "--base-url", dead, "--limit", 6, "--scope", "abstract", "--concurrency", 4,
                  "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.strip().splitlines()[-1])["status"] == "done"
    # Both live servers did part of the work; the dead one was taken out, not fatal.
    assert llama_server.completions() > before[0]
    assert second_llama_server.completions() > before[1]
    counts = label_counts(demo_db)
    assert len(counts) == 6 and all(n == 1 for _, n in counts)
    shown = run_cli("runs", "show", 1, "--db", demo_db)
    assert f"served at {llama_server.url}, {second_llama_server.url}, {dead}" in shown.output


def test_hung_server_pauses_the_run_quickly_and_resume_reaches_a_live_one(llama_server, demo_db):
    hung = SilentServer()
    try:
        began = time.monotonic()
        out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "openai", "--llm",
                      "smollm2", "--base-url", hung.url, "--limit", 3, "--scope", "abstract",
                      "--timeout", 3)
        waited = time.monotonic() - began
    finally:
        hung.close()
    assert out.exit_code == 2
    # What a terminal shows: the progress bar is cleared (\r), then one line.
    lines = out.output.split("\r")[-1].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert f"no answer from {hung.url.rstrip('/')} in 3 s" in lines[0]
    assert f"resume with `litlab label --resume 1 --db {demo_db}`" in lines[0]
    assert waited < 60  # reported after the time-out, not after minutes of retries
    with litlab.open(demo_db, read_only=True) as corpus:
        assert corpus.runs().iloc[0].status == "paused"
    # The server moved: the recorded model and backend, the new address.
    again = run_cli("label", "--resume", 1, "--db", demo_db, "--base-url", llama_server.url)
    assert again.exit_code == 0, again.output
    assert "3 records labeled" in again.output and "(done)" in again.output


def test_a_hung_server_beside_a_live_one_is_taken_out(llama_server, demo_db):
    hung = SilentServer()
    try:
        out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "openai", "--llm",
                      "smollm2", "--base-url", hung.url, "--base-url", llama_server.url,
                      "--limit", 3, "--scope", "abstract", "--timeout", 30, "--concurrency", 4)
    finally:
        hung.close()
    assert out.exit_code == 0, out.output
    assert "3 records labeled" in out.output and "(done)" in out.output
    counts = label_counts(demo_db)
    assert len(counts) == 3 and all(n == 1 for _, n in counts)


def test_a_server_with_a_small_context_gets_the_article_cut_and_marked(tmp_path, demo_db):
    from litlab.labeling.methods import describe_run, methods_paragraph

    small = LlamaServer(tmp_path, n_ctx=256)  # an abstract and the question need ~450 tokens
    try:
        with litlab.open(demo_db, served(small.url)) as corpus:
            result = corpus.label(QUESTION, scope="abstract", limit=3)
            rows = corpus.con.execute("SELECT truncated, context_tokens FROM labels "
                                      "WHERE run_id = ?", [result.run_ids[0]]).fetchall()
            paragraph = methods_paragraph(describe_run(corpus.con, result.run_ids[0]))
    finally:
        small.stop()
    assert result.status == "done" and len(rows) == 3
    assert all(truncated and tokens < 200 for truncated, tokens in rows)
    assert "context window) were truncated (3 articles)" in paragraph


def test_malformed_answers_pause_the_run_with_the_reason(demo_db):
    broken = CannedServer(post_body=b'{"choices": [ not json')
    try:
        with litlab.open(demo_db, served(broken.url, retries=1)) as corpus:
            with pytest.raises(LitlabError, match="malformed answer.*paused.*--resume 1"):
                corpus.label(QUESTION, scope="abstract", limit=2)
            assert corpus.runs().iloc[0].status == "paused"
            assert corpus.runs().iloc[0].labeled == 0
    finally:
        broken.close()


def test_server_without_logprobs_gives_generated_answers_article_first(demo_db):
    canned = CannedServer(post_body=chat_answer("FALSE"), models=("canned",))
    try:
        with litlab.open(demo_db, served(canned.url, model="canned")) as corpus:
            result = corpus.label([QUESTION, "Is it about citations?"], scope="abstract", limit=2)
            labels = corpus.labels(result.run_ids[0])
        probe = run_cli("models", "--base-url", canned.url, "--json")
    finally:
        canned.close()
    assert (labels.method == "generated").all() and (labels.label == "FALSE").all()
    assert (labels.p_FALSE == 1.0).all()
    # Prefix caching on purpose: the article opens the prompt; both questions share it.
    bodies = [b for b in canned.posted if isinstance(b, dict) and b.get("messages")][:4]
    assert all(b["cache_prompt"] is True for b in bodies)
    users = [b["messages"][-1]["content"] for b in bodies]
    assert all(u.startswith("<article>\n") for u in users)
    prefix = users[0].split("</article>")[0]
    assert sum(u.startswith(prefix) for u in users) >= 2
    entry = [e for e in json.loads(probe.output) if e["source"] == "server"][0]
    assert entry["llm"] == "canned" and entry["scoring"] == "generated"


def test_server_killed_mid_run_then_resume_alone_labels_every_record_once(tmp_path, demo_db):
    n = 6
    server = LlamaServer(tmp_path)
    port = server.port
    proc = subprocess.Popen(
        [sys.executable, "-m", "litlab", "label", QUESTION, "--db", str(demo_db), "--backend",
         "openai", "--llm", "smollm2", "--base-url", server.url, "--limit", str(n), "--scope",
         "abstract", "--concurrency", "2", "--timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        from test_label_resume import wait_for

        wait_for(proc, f" 2/{n} ".encode(), timeout=300)
        server.stop(kill=True)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2
    message = err.decode().strip().splitlines()[-1]
    assert "the run is paused" in message
    assert message.endswith(f"resume with `litlab label --resume 1 --db {demo_db}`")
    committed = len(label_counts(demo_db))
    assert 2 <= committed < n
    restarted = LlamaServer(tmp_path, port=port)
    try:
        done = subprocess.run([sys.executable, "-m", "litlab", "label", "--resume", "1",
                               "--db", str(demo_db)], capture_output=True, text=True, timeout=300)
    finally:
        restarted.stop()
    assert done.returncode == 0, done.stderr
    assert f"{n - committed} records labeled" in done.stdout and "(done)" in done.stdout
    counts = label_counts(demo_db)
    assert len(counts) == n and all(c == 1 for _, c in counts)


def test_mistyped_addresses_models_and_time_outs_fail_at_once_with_one_line(llama_server,
                                                                            demo_db):
    root = llama_server.url.removesuffix("/v1")
    for args, message in [
        (["--llm", "nosuchmodel", "--base-url", llama_server.url],
         f"{llama_server.url} serves smollm2, not nosuchmodel"),
        (["--llm", "smollm2", "--base-url", root], "does the address end in /v1?"),
        (["--llm", "smollm2", "--base-url", root.removeprefix("http://") + "/v1"],
         "is not an http(s) address"),
        (["--llm", "smollm2", "--base-url", "ftp://127.0.0.1/v1"], "is not an http(s) address"),
        (["--llm", "smollm2", "--base-url", llama_server.url, "--timeout", "nan"],
         "the time-out must be positive seconds"),
    ]:
        began = time.monotonic()
        out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "openai", "--limit", 2,
                      *args)
        assert out.exit_code == 2 and message in out.output, (args, out.output)
        assert "Traceback" not in out.output and time.monotonic() - began < 20
    with litlab.open(demo_db, read_only=True) as corpus:
        assert corpus.runs().empty  # no run left behind that no resume could finish


def test_zero_concurrency_is_refused_before_anything_opens(tmp_path):
    out = run_cli("label", QUESTION, "--db", tmp_path / "absent.duckdb", "--concurrency", 0)
    assert out.exit_code == 2
    assert out.output.strip() == ("error: concurrency must be a whole number of requests, "
                                  "at least 1 (got 0)")


def test_ollama_names(demo_db, monkeypatch):
    tags = {"models": [{"name": "qwen2.5:0.5b"}, {"name": "mini:latest"}]}
    ollama = CannedServer(post_body=chat_answer("TRUE"), get_body=json.dumps(tags).encode(),
                          models=("qwen2.5:0.5b", "mini:latest"))
    try:
        monkeypatch.setenv("OLLAMA_HOST", ollama.base)
        unknown = run_cli("label", QUESTION, "--db", demo_db, "--llm", "ollama:llama3.1:8b")
        listed = json.loads(run_cli("models", "--json").output)
        known = run_cli("label", QUESTION, "--db", demo_db, "--llm", "ollama:mini", "--limit",
                        2, "--scope", "abstract")
    finally:
        ollama.close()
    assert unknown.exit_code == 2
    assert unknown.output.strip() == (f"error: ollama:llama3.1:8b is not in the Ollama at "
                                      f"{ollama.base}; available: qwen2.5:0.5b, mini:latest")
    assert {"ollama:qwen2.5:0.5b", "ollama:mini:latest"} <= {e["llm"] for e in listed}
    assert known.exit_code == 0, known.output
    assert ollama.posted[0]["model"] == "mini:latest"
    shown = run_cli("runs", "show", 1, "--db", demo_db)
    assert f"served at {ollama.url}" in shown.output

    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{free_port()}")
    absent = run_cli("label", QUESTION, "--db", demo_db, "--llm", "ollama:mini")
    assert absent.exit_code == 2 and "no Ollama answers at http://127.0.0.1:" in absent.output


def test_models_lists_what_can_label_here(llama_server, tmp_path, monkeypatch):
    from litlab.labeling.backends.local import bundled_gguf

    cache = tmp_path / "hub"
    for name, arch in (("models--meta-llama--Llama-3.2-1B-Instruct", "LlamaForCausalLM"),
                       ("models--sentence-transformers--all-MiniLM-L6-v2", "BertModel")):
        snapshot = cache / name / "snapshots" / "abc123"
        snapshot.mkdir(parents=True)
        (snapshot / "config.json").write_text(json.dumps({"architectures": [arch]}))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{free_port()}")  # none: listed silently
    out = run_cli("models", bundled_gguf(), "--base-url", llama_server.url, "--json")
    assert out.exit_code == 0, out.output
    entries = {(e["source"], e["llm"]): e for e in json.loads(out.output)}
    assert ("bundled", "smollm2-135m-instruct") in entries
    assert ("hf-cache", "meta-llama/Llama-3.2-1B-Instruct") in entries
    assert not any(llm.endswith("all-MiniLM-L6-v2") for _, llm in entries)
    assert ("gguf", str(bundled_gguf())) in entries
    server = entries[("server", "smollm2")]
    assert server["scoring"] == "option_logprobs" and server["base_url"] == llama_server.url
    text = run_cli("models", "--base-url", llama_server.url).output
    assert f"--backend openai --llm smollm2 --base-url {llama_server.url}" in text
    missing = run_cli("models", tmp_path / "nope.gguf")
    assert missing.exit_code == 2 and "no GGUF file at" in missing.output


def test_a_model_from_the_list_labels_without_changing_the_settings(llama_server, demo_db,
                                                                      monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{free_port()}")
    settings = served(llama_server.url)
    with litlab.open(demo_db, settings=dataclasses.replace(settings, label=dataclasses.replace(
            settings.label, backend="transformers", model="smollm2-135m-instruct"))) as corpus:
        found = {(e.source, e.llm): e for e in corpus.models()}
        server = found[("server", "smollm2")]
        result = corpus.label(QUESTION, limit=2, scope="abstract", model=server)
        run_id = result.run_ids[0]
        assert corpus.runs().set_index("run_id").loc[run_id, "labeled"] == 2
        assert corpus.con.execute("SELECT backend, parameters FROM label_runs WHERE run_id = ?",
                                  [run_id]).fetchone()[0] == "openai"
        assert corpus.settings.label.backend == "transformers"
        # Resumed from a UI started for another served model: the run's own server and model.
        from litlab.labeling.service import resume_settings
        from litlab.settings import LabelSettings

        other = LabelSettings(backend="openai", model="another-model",
                              base_url=f"http://127.0.0.1:{free_port()}/v1")
        again = resume_settings(corpus.con, run_id, other)
        assert (again.backend, again.model, again.urls()) == ("openai", "smollm2",
                                                              (llama_server.url,))


def test_a_server_down_for_hours_keeps_a_bounded_backoff():
    from litlab.labeling.backends.serving import MAX_BACKOFF_S, ServerPool

    pool = ServerPool(["http://127.0.0.1:9/v1"])
    for _ in range(5000):  # a request cancelled by the watchdog every 30 s for 40 hours
        pool.failed(pool.servers[0], "no answer")
    assert pool.wait_s() <= MAX_BACKOFF_S


def test_vllm_backend_without_vllm_names_the_extra(demo_db):
    if __import__("importlib").util.find_spec("vllm") is not None:
        pytest.skip("vllm is installed here")
    out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "vllm", "--llm",
                  "meta-llama/Llama-3.1-8B-Instruct", "--limit", 1)
    assert out.exit_code == 2
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'litlab[vllm]'" in lines[0]
    with litlab.open(demo_db, read_only=True) as corpus:
        assert corpus.runs().empty  # refused before a run was created


def test_vllm_backend_labels_on_a_gpu(tmp_path, demo_db):
    """Where vLLM and a GPU exist: a randomly initialised small Llama (no download), built
    from a config, labels through --backend vllm with option log-probabilities."""
    pytest.importorskip("vllm")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    from transformers import LlamaConfig, LlamaForCausalLM, AutoTokenizer

    from litlab.labeling.backends.local import bundled_gguf

    folder = tmp_path / "tiny-llama"
    tokenizer = AutoTokenizer.from_pretrained(bundled_gguf().parent, gguf_file=bundled_gguf().name)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=256, intermediate_size=512,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                         max_position_embeddings=2048)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    out = run_cli("label", QUESTION, "--db", demo_db, "--backend", "vllm", "--llm", folder,
                  "--limit", 4, "--scope", "abstract", "--json")
    assert out.exit_code == 0, out.output
    with litlab.open(demo_db, read_only=True) as corpus:
        labels = corpus.labels(1)
    assert len(labels) == 4 and (labels.method == "option_logprobs").all()
