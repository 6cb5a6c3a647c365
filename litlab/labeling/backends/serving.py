"""Many requests in flight to one or several OpenAI-compatible servers, for a synchronous run.

Why an event loop in a thread: a vLLM server batches hundreds of sequences, so the client
must keep that many requests open across the whole run, not per commit batch; while the
run loop (which alone touches the DuckDB connection) builds contexts and commits results
in the calling thread. Articles go in with ``submit``; finished articles come back from
``take`` as they complete, in any order.

Each request goes to the least busy healthy server. A server that fails (refused
connection, time-out, 429/5xx, malformed answer) is taken out for a back-off that doubles
with each failure, then given one request to prove itself again. A request is retried
(on another server when there is one) up to ``retries`` times. A server that accepts
connections but never answers is caught by two watchdogs, not by per-request time-outs
(a request queued behind hundreds on a busy server may rightly wait minutes): a server that
has requests but has answered nothing for ``timeout_s`` has them cancelled and retried
elsewhere; no answer from any server for ``timeout_s`` ends the stream with
``BackendUnavailable``, and the run pauses.
"""
from __future__ import annotations

import asyncio
import json
import queue
import re
import threading
import time

from litlab.errors import LitlabError
from litlab.labeling.backends import ArticleScores
from litlab.labeling.backends.server_pool import MAX_BACKOFF_S, ServerPool, backoff_s  # noqa: F401
from litlab.labeling.backends.answers import (MAX_ANSWER_BYTES, AnswerTooLarge, MalformedAnswer,
                                              answer_text, check_logprobs, option_scores,
                                              read_limited)
from litlab.labeling.prompts import Question, messages

TOP_LOGPROBS = 20
CHARS_PER_TOKEN = 4  # servers count tokens; article text is cut at ~4 characters a token
# A run whose every request fails (HTTP 500, HTML, empty choices) pauses after this long
# without one success, whatever the concurrency (each request's own retries would take hours).
FAILING_FOR_S = 30.0


class BackendUnavailable(LitlabError):
    """The servers did not answer after every retry; the run pauses and can be resumed."""


class ContextTooLong(LitlabError):
    """The server's context window cannot hold the prompt (HTTP 400 from vLLM, llama.cpp,
    OpenAI); the article is cut and asked again, and the label marked truncated."""


# OpenAI's and vLLM's "maximum context length is N tokens", its code
# context_length_exceeded, llama.cpp's llama-server "exceeds the available context size".
CONTEXT_TOO_LONG = re.compile(r"context_length_exceeded|maximum context length|"
                              r"exceed\w* (the )?(available )?context|context (window|size)",
                              re.IGNORECASE)
MIN_ARTICLE_CHARS = 200  # below this the article is no longer worth asking about


class ScoreStream:
    """Articles in, per-article scores out, ``concurrency`` requests in flight."""

    def __init__(self, urls: list[str], model: str, questions: list[Question], max_chars: int,
                 concurrency: int, timeout_s: float, retries: int, headers: dict):
        self.pool = ServerPool(urls)
        self.model, self.questions, self.max_chars = model, questions, max_chars
        self.concurrency, self.timeout_s, self.retries = concurrency, timeout_s, retries
        self.headers = headers
        self.in_flight = self.done = self.retried = self.failed = 0
        self.failing_since: float | None = None  # the first failure after the last success
        self.failures_since_success = 0
        self.timed_out = False  # the last failure was silence, not an answer
        self.last_error = ""
        # Until a server shows it returns log-probabilities, ask for a few tokens of text
        # (enough to parse an answer); after that one token is all scoring needs.
        self.max_tokens = 4
        self.last_answer = time.monotonic()
        self._results: queue.Queue = queue.Queue()
        self._error: Exception | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task] = set()
        self._thread = threading.Thread(target=self._run, name="litlab-requests", daemon=True)
        self._thread.start()
        self._ready.wait()

    # --- the event loop's thread -------------------------------------------------------
    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        import httpx

        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._slots = asyncio.Semaphore(self.concurrency)
        # Reads wait as long as the server is alive (the watchdogs judge that); a connect
        # that takes seconds on a network where it should take milliseconds is a failure.
        timeout = httpx.Timeout(None, connect=min(10.0, self.timeout_s))
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(timeout=timeout, limits=limits, headers=self.headers) as client:
            self.client = client
            self._ready.set()
            watchdog = asyncio.create_task(self._watch())
            await self._stop.wait()
            watchdog.cancel()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _watch(self) -> None:
        """Cancel the requests of a server that has been silent for ``timeout_s``."""
        while True:
            await asyncio.sleep(min(1.0, self.timeout_s / 4))
            now = time.monotonic()
            silent = [s for s in self.pool.servers
                      if s.posts and now - s.last_answer > self.timeout_s]
            for server in silent:
                for post in list(server.posts):
                    post.cancel()
            live = [s for s in self.pool.servers if s not in silent and not s.failures
                    and s.down_until <= now and now - s.last_answer <= self.timeout_s]
            if silent and live:
                # The cancelled requests go to the other servers: their time starts now,
                # or a run whose live servers had finished their share would end here.
                self.last_answer = now

    def _start(self, key, text: str) -> None:
        task = self.loop.create_task(self._article(key, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _article(self, key, text: str) -> None:
        began = time.perf_counter()
        article = text[: self.max_chars]
        try:
            answers = await asyncio.gather(*(self._ask(article, q) for q in self.questions))
        except asyncio.CancelledError:
            raise
        except LitlabError as exc:  # reaches the run as the reason it paused
            self._results.put(("error", exc))
            return
        except Exception as exc:  # an answer of a shape no server should send
            self._results.put(("error", BackendUnavailable(f"{type(exc).__name__}: {exc}")))
            return
        method = "generated" if any(m == "generated" for _, m, _, _ in answers) else "option_logprobs"
        read = min(n for _, _, n, _ in answers)
        unscorable = {qi: answer for qi, (scores, _, _, answer) in enumerate(answers)
                      if scores is None}
        self._results.put(("ok", (key, ArticleScores(
            [s if s is not None else [] for s, _, _, _ in answers], read // CHARS_PER_TOKEN,
            len(text) > read, method, {"ms": 1000 * (time.perf_counter() - began)},
            unscorable))))

    async def _ask(self, article: str, question: Question
                   ) -> tuple[list[float] | None, str, int, str]:
        """Scores (None: unscorable), method, the characters of article the server could
        take, and the answer (kept when unscorable). An answer naming no option is asked
        once more with the prompt that insists on one option."""
        scores, method, chars, choice = await self._ask_once(article, question, strict=False)
        if scores is None:
            scores, method, chars, choice = await self._ask_once(article[:chars], question,
                                                                 strict=True)
        return scores, method, chars, (answer_text(choice) if scores is None else "")

    async def _ask_once(self, article: str, question: Question, strict: bool):
        while True:
            async with self._slots:
                payload = {"model": self.model,
                           "messages": messages(article, question.block(strict=strict)),
                           "max_tokens": self.max_tokens, "temperature": 0.0, "logprobs": True,
                           "top_logprobs": TOP_LOGPROBS,
                           # llama.cpp's server keeps the shared prefix (the article) in its
                           # KV cache; vLLM caches prefixes by itself and ignores the field.
                           "cache_prompt": True}
                try:
                    choice = await self._post(payload)
                    break
                except ContextTooLong as exc:
                    if len(article) // 2 < MIN_ARTICLE_CHARS:
                        raise ContextTooLong(f"the server's context window cannot hold even "
                                             f"{len(article)} characters of article: {exc}")
                    article = article[: len(article) // 2]
        scores, method = option_scores(choice, question)
        if method == "option_logprobs" and scores is not None:
            self.max_tokens = 1
        return scores, method, len(article), choice

    async def _fetch(self, url: str, payload: dict) -> tuple[int, bytes]:
        """POST, reading at most MAX_ANSWER_BYTES of the answer."""
        request = self.client.build_request("POST", url, json=payload)
        response = await self.client.send(request, stream=True)
        try:
            return response.status_code, await read_limited(response, MAX_ANSWER_BYTES)
        finally:
            await response.aclose()

    async def _post(self, payload: dict) -> dict:
        import httpx

        attempt, avoid = 0, set()
        while True:
            server = self.pool.pick(avoid)
            if server is None:
                await asyncio.sleep(self.pool.wait_s())
                continue
            if not server.in_flight:  # silence while it had nothing to do is not its fault
                server.last_answer = time.monotonic()
            if not self.in_flight and not self.timed_out:
                # Nor silence while every request waited out a back-off after answers.
                self.last_answer = time.monotonic()
            server.in_flight += 1
            self.in_flight += 1
            post = asyncio.ensure_future(self._fetch(f"{server.url}/chat/completions", payload))
            server.posts.add(post)
            try:
                try:
                    status, body = await post
                except asyncio.CancelledError:
                    if asyncio.current_task().cancelling():  # the stream is closing
                        raise
                    raise httpx.ReadTimeout("cancelled by the watchdog") from None
                self.last_answer = server.last_answer = time.monotonic()
                self.timed_out = False
                text = body[:2000].decode("utf-8", "replace")
                if status == 429 or status >= 500:
                    error = f"HTTP {status}: {text[:200]}"
                elif status in (400, 413) and CONTEXT_TOO_LONG.search(text):
                    raise ContextTooLong(f"{server.url}: {text[:200]}")
                elif status >= 400:  # a request this server will never accept
                    raise LitlabError(f"{server.url} refused the request: HTTP "
                                      f"{status} {text[:200]}")
                else:
                    try:
                        choice = json.loads(body)["choices"][0]
                        if not isinstance(choice, dict):
                            raise TypeError
                        check_logprobs(choice)
                    except MalformedAnswer as exc:
                        error = f"malformed answer ({exc})"
                    except (ValueError, KeyError, IndexError, TypeError):
                        error = f"malformed answer (not an OpenAI chat completion): {text[:120]!r}"
                    else:
                        self.pool.succeeded(server)
                        self.done += 1
                        self.failing_since, self.failures_since_success = None, 0
                        return choice
            except AnswerTooLarge as exc:
                self.last_answer = server.last_answer = time.monotonic()
                self.timed_out = False
                error = str(exc)
            except httpx.TimeoutException:
                self.timed_out = True
                error = f"no answer within {self.timeout_s:.0f} s"
            except httpx.HTTPError as exc:  # refused, reset: the server's state is known
                self.last_answer = time.monotonic()
                self.timed_out = False
                error = f"{type(exc).__name__}: {exc}"
            finally:
                server.posts.discard(post)
                if not post.done():
                    post.cancel()
                server.in_flight -= 1
                self.in_flight -= 1
            self.pool.failed(server, error)
            self.last_error = f"{server.url}: {error}"
            self.failures_since_success += 1
            if self.failing_since is None:
                self.failing_since = time.monotonic()
            avoid.add(server.url)
            attempt += 1
            if attempt > self.retries:
                self.failed += 1
                raise BackendUnavailable(f"{server.url} failed {attempt} times ({error})")
            self.retried += 1
            if len(avoid) >= len(self.pool.servers):
                avoid.clear()
                await asyncio.sleep(backoff_s(attempt))

    # --- the caller's thread ---------------------------------------------------------
    def submit(self, key, text: str) -> None:
        if not self._tasks:  # silence while nothing was asked is not the server's
            self.last_answer = time.monotonic()
        self.loop.call_soon_threadsafe(self._start, key, text)

    def take(self, wait_s: float = 0.5) -> list[tuple[object, ArticleScores]]:
        """Articles finished since the last call (waiting up to ``wait_s`` for the first)."""
        ready = []
        if self._error is not None:
            raise self._error
        try:
            item = self._results.get(timeout=wait_s)
            while True:
                kind, value = item
                if kind == "error":
                    if not ready:
                        raise value
                    self._error = value  # the articles finished before it are kept first
                    break
                ready.append(value)
                item = self._results.get_nowait()
        except queue.Empty:
            pass
        failing = self.failing_since is not None and \
            self.failures_since_success > self.retries and \
            time.monotonic() - self.failing_since > min(FAILING_FOR_S, 2 * self.timeout_s)
        if not ready and failing:
            raise BackendUnavailable(f"every request failed for "
                                     f"{time.monotonic() - self.failing_since:.0f} s "
                                     f"({self.failures_since_success} failures, no answer "
                                     f"usable); the last: {self.last_error}")
        # The watchdog (every second at most) acts first: a margin so that it has.
        stalled = time.monotonic() - self.last_answer > self.timeout_s + 1.5
        # Silence counts while requests are on the wire, or wait after a time-out; not while
        # they wait out a back-off after answers (malformed ones: those pause by themselves).
        if not ready and self._tasks and (self.in_flight or self.timed_out) and stalled:
            urls = ", ".join(s.url for s in self.pool.servers)
            raise BackendUnavailable(f"no answer from {urls} in {self.timeout_s:.0f} s: it "
                                     "accepts connections but does not respond (hung or "
                                     "overloaded)")
        return ready

    def status(self) -> str:
        line = (f"in flight {self.in_flight}, done {self.done}, retried {self.retried}, "
                f"failed {self.failed}")
        if self.failures_since_success:
            line += f"; failing: {self.last_error[:80]}"
        return line

    def close(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout=10)


def stream_scores(stream: ScoreStream, articles, backlog: int):
    """Feed ``articles`` ((key, text) pairs, read lazily in the caller's thread) to the
    stream, keeping about ``backlog`` articles submitted; yield what finishes, or an
    empty list every half second so the caller can show progress and check for a stop."""
    source, exhausted, outstanding = iter(articles), False, 0
    try:
        while True:
            while not exhausted and outstanding < backlog:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                stream.submit(*item)
                outstanding += 1
            if exhausted and outstanding == 0:
                return
            ready = stream.take()
            outstanding -= len(ready)
            yield ready
    finally:
        stream.close()
