"""Real servers for the tests of served labeling: llama.cpp's (llama-cpp-python[server]) with
the bundled GGUF, a socket that accepts and never answers, and a tiny stdlib HTTP server
that answers what a test tells it to (malformed JSON, no log-probabilities, Ollama tags)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from conftest import free_port


class LlamaServer:
    """``python -m llama_cpp.server`` on loopback serving the bundled GGUF as ``smollm2``.
    llama-cpp-python's server has no parallel slots (it answers one request at a time);
    requests beyond that wait in its queue, which is what a client must cope with."""

    def __init__(self, log_dir: Path, port: int | None = None, n_ctx: int = 2048):
        from litlab.labeling.backends.local import bundled_gguf

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_dir / f"llama-server-{self.port}.log"
        self.log = open(self.log_path, "ab")  # a pipe nobody reads would fill and block it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()),
             "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(self.port),
             "--n_ctx", str(n_ctx), "--logits_all", "true", "--n_threads", "1"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama.cpp server did not start: {self.log_path.read_bytes()[-1000:]!r}")

    def completions(self) -> int:
        """Chat completions this server answered (its access log)."""
        return self.log_path.read_bytes().count(b"POST /v1/chat/completions HTTP/1.1\" 200")

    def stop(self, kill: bool = False) -> None:
        if self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()


class SilentServer:
    """Accepts TCP connections and never answers: a hung server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)  # kept open, never read, never answered

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


class CannedServer:
    """A real HTTP server on loopback: GET /v1/models lists ``models`` (as every
    OpenAI-compatible server does), other GETs answer ``get_body``; POST answers
    ``post_body`` (bytes, sent as is). It records the JSON bodies it was sent."""

    def __init__(self, post_body: bytes = b"", get_body: bytes = b"{}",
                 models: tuple[str, ...] = ("smollm2",)):
        listed = json.dumps({"object": "list", "data": [{"id": m, "object": "model"}
                                                        for m in models]}).encode()
        self.posted: list = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._send(listed if self.path.rstrip("/") == "/v1/models" else get_body)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    outer.posted.append(json.loads(raw))
                except ValueError:
                    outer.posted.append(raw)
                self._send(post_body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.base}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def chat_answer(text: str) -> bytes:
    """An OpenAI chat completion with text and no log-probabilities."""
    return json.dumps({"id": "x", "object": "chat.completion", "model": "canned", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None,
         "finish_reason": "stop"}]}).encode()


class ScriptedServer:
    """A real HTTP server on loopback whose POST answers come from ``answer(body) -> (status,
    bytes or an iterable of bytes)``: a hostile or broken server written in the test. GET
    /v1/models lists ``models``. It counts POSTs and the bytes it managed to send."""

    def __init__(self, answer, models: tuple[str, ...] = ("smollm2",)):
        listed = json.dumps({"object": "list", "data": [{"id": m, "object": "model"}
                                                        for m in models]}).encode()
        self.posted: list = []
        self.sent_bytes = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self._reply(200, listed if self.path.rstrip("/") == "/v1/models" else b"{}")

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw
                outer.posted.append(body)
                status, payload = answer(body)
                self._reply(status, payload)

            def _reply(self, status: int, payload) -> None:
                chunks = [payload] if isinstance(payload, bytes) else payload
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if isinstance(payload, bytes):
                    self.send_header("Content-Length", str(len(payload)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        outer.sent_bytes += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chat_posts(self) -> list[dict]:
        return [b for b in self.posted if isinstance(b, dict) and b.get("messages")]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def logprobs_answer(top: list[tuple[str, object]], text: str = "") -> bytes:
    """A chat completion whose first token has these (token, logprob) top log-probabilities
    (a logprob may be any JSON value, NaN and Infinity included, as a broken server sends)."""
    entries = [{"token": t, "logprob": lp, "bytes": None} for t, lp in top]
    choice = {"index": 0, "message": {"role": "assistant", "content": text or top[0][0]},
              "logprobs": {"content": [{"token": top[0][0], "logprob": top[0][1],
                                        "top_logprobs": entries}]},
              "finish_reason": "length"}
    return json.dumps({"id": "x", "object": "chat.completion", "model": "scripted",
                       "choices": [choice]}).encode()
