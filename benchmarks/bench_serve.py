"""Served labeling: litlab's client against the server's own ceiling.

    python benchmarks/bench_serve.py [--n 24] [--threads 1] [--json]

Real llama.cpp servers (llama-cpp-python[server]) on loopback, serving the bundled GGUF;
the first --n records with an abstract of the shared scisci corpus (else the demo corpus).
  1. records/s of a litlab label run (contexts, requests, evidence, one transaction per
     group of answers) at concurrency 1, 4, 16, beside a bare asyncio + httpx script that
     sends the same requests (same prompts, one token, log-probabilities) at the same
     concurrency and does nothing else: the ceiling of that server. Target: >= 0.9x.
  2. five questions in one run against one question (prefix caching: the article opens
     every prompt, so the server reuses its KV cache across the questions). Target: <= 1.5x.
  3. two servers against one, at concurrency 8.
  4. litlab's own ceiling: the same run against a server that answers at once (a stdlib HTTP
     server with a fixed answer with log-probabilities), at concurrency 1 and 16: what the
     client side (contexts, evidence sentences embedded with all-MiniLM-L6-v2, commits)
     costs per record on this machine.
Each pair is run in alternating order; the figures are the median of --repeat runs.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import litlab
from litlab.labeling.backends.local import bundled_gguf
from litlab.labeling.context import build_contexts
from litlab.labeling.prompts import make_question, messages
from litlab.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci" / "science_of_science.csv"
DEMO = ROOT / "corpora" / "demo" / "scopus_demo.csv"
QUESTION = "Does the article use bibliometric analysis?"
FIVE = [QUESTION, "Does the article report an experiment?", "Is the article about open access?",
        "Does the article analyse gender differences?", "Does the article use machine learning?"]


def start_server(threads: int, log_dir: Path) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(log_dir / f"server-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model",
                             str(bundled_gguf()), "--model_alias", "smollm2", "--host",
                             "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                             "--n_threads", str(threads)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"the llama.cpp server did not start (see {log_dir})")


def settings(urls: list[str], concurrency: int) -> Settings:
    base = Settings()
    return dataclasses.replace(base, label=dataclasses.replace(
        base.label, backend="openai", model="smollm2", base_urls=tuple(urls),
        concurrency=concurrency))


def litlab_run(template: Path, work: Path, urls: list[str], concurrency: int, n: int,
               questions: list[str]) -> float:
    """Records per second of one label run on a fresh copy of the corpus."""
    db = work / f"run-{time.perf_counter_ns()}.duckdb"
    shutil.copy(template, db)
    with litlab.open(db, settings(urls, concurrency)) as corpus:
        began = time.perf_counter()
        result = corpus.label(questions, scope="abstract", limit=n)
        seconds = time.perf_counter() - began
    db.unlink()
    assert result.labeled == n and result.status == "done", result
    return n / seconds


def bare_run(prompts: list[list[dict]], url: str, concurrency: int, n: int) -> float:
    """Records per second of the same requests sent by a script that does nothing else."""
    async def main() -> None:
        slots = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(timeout=600) as client:
            async def one(chat):
                async with slots:
                    r = await client.post(f"{url}/chat/completions", json={
                        "model": "smollm2", "messages": chat, "max_tokens": 1,
                        "temperature": 0.0, "logprobs": True, "top_logprobs": 20,
                        "cache_prompt": True})
                    r.raise_for_status()
            await asyncio.gather(*(one(p) for p in prompts))

    began = time.perf_counter()
    asyncio.run(main())
    return n / (time.perf_counter() - began)


def instant_server() -> tuple[object, str]:
    """A loopback HTTP server answering every chat completion at once, TRUE at -0.1."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant",
                                                            "content": "TRUE"},
                                    "logprobs": {"content": [{"token": "TRUE", "logprob": -0.1,
                                                              "top_logprobs": [
                                                                  {"token": "TRUE", "logprob": -0.1},
                                                                  {"token": "FALSE", "logprob": -2.0}]}]}}]}).encode()

    listed = json.dumps({"object": "list", "data": [{"id": "smollm2"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, payload: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):  # the model list litlab checks before a run
            self._send(listed)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def median_pair(a, b, repeat: int) -> tuple[float, float]:
    """Medians of a() and b(), run alternately (the machine's load drifts)."""
    xs, ys = [], []
    for i in range(repeat):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        r1, r2 = first(), second()
        xs.append(r1 if first is a else r2)
        ys.append(r2 if first is a else r1)
    return statistics.median(xs), statistics.median(ys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=24)
    parser.add_argument("--threads", type=int, default=1, help="threads per llama.cpp server")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    source = SCISCI if SCISCI.exists() else DEMO
    template = work / "template.duckdb"
    with litlab.open(template) as corpus:
        corpus.ingest([source])
        # The records a run with --limit n labels; those without text cost no request in
        # either client, and both are credited with n records.
        ids = [r for (r,) in corpus.con.execute(
            "SELECT record_id FROM records ORDER BY record_id LIMIT ?", [args.n]).fetchall()]
        from litlab.index.embedders import load_embedder

        embedder = load_embedder(corpus.settings.index.model)
        contexts = build_contexts(corpus.con, ids, "abstract", QUESTION, embedder,
                                  corpus.settings.index.model, 3)
    block = make_question(QUESTION).block()
    prompts = [messages(c.text[:4096], block) for c in contexts if c.text]

    servers = [start_server(args.threads, work)]
    figures: dict = {"records": args.n, "source": source.name, "threads_per_server": args.threads}
    try:
        url = servers[0][1]
        litlab_run(template, work, [url], 4, min(4, args.n), [QUESTION])  # warm-up
        bare_run(prompts[:4], url, 4, 4)
        for c in (1, 4, 16):
            mine, bare = median_pair(lambda: litlab_run(template, work, [url], c, args.n, [QUESTION]),
                                     lambda: bare_run(prompts, url, c, args.n), args.repeat)
            figures[f"concurrency_{c}"] = {"litlab_rps": round(mine, 3), "bare_rps": round(bare, 3),
                                           "ratio": round(mine / bare, 2)}
        five, one = median_pair(lambda: litlab_run(template, work, [url], 16, args.n, FIVE),
                                lambda: litlab_run(template, work, [url], 16, args.n, [QUESTION]),
                                args.repeat)
        figures["five_vs_one"] = {"five_rps": round(five, 3), "one_rps": round(one, 3),
                                  "time_ratio": round(one / five, 2)}
        servers.append(start_server(args.threads, work))
        urls = [s[1] for s in servers]
        two, single = median_pair(lambda: litlab_run(template, work, urls, 8, args.n, [QUESTION]),
                                  lambda: litlab_run(template, work, [url], 8, args.n, [QUESTION]),
                                  args.repeat)
        figures["two_servers"] = {"two_rps": round(two, 3), "one_rps": round(single, 3),
                                  "ratio": round(two / single, 2)}
        httpd, instant = instant_server()
        for c in (1, 16):
            figures[f"instant_{c}"] = round(median_pair(
                lambda: litlab_run(template, work, [instant], c, args.n * 4, [QUESTION]),
                lambda: 0.0, args.repeat)[0], 2)
        httpd.shutdown()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{args.n} records ({source.name}), llama.cpp server x{args.threads} thread(s), "
          "bundled SmolLM2-135M GGUF")
    print("| concurrency | litlab records/s | bare asyncio records/s | litlab / bare |")
    print("| --- | --- | --- | --- |")
    for c in (1, 4, 16):
        f = figures[f"concurrency_{c}"]
        print(f"| {c} | {f['litlab_rps']} | {f['bare_rps']} | {f['ratio']}x |")
    f = figures["five_vs_one"]
    print(f"five questions vs one (concurrency 16): {f['five_rps']} vs {f['one_rps']} records/s, "
          f"time {f['time_ratio']}x")
    f = figures["two_servers"]
    print(f"two servers vs one (concurrency 8): {f['two_rps']} vs {f['one_rps']} records/s, "
          f"{f['ratio']}x")
    print(f"litlab against an instant server ({args.n * 4} records): {figures['instant_1']} "
          f"records/s at concurrency 1, {figures['instant_16']} at 16")


if __name__ == "__main__":
    main()
