"""OpenAI-compatible servers (vLLM, llama.cpp server, Ollama, LM Studio) by base URL.

This is how labeling uses a large Llama and scales past one machine: a label run keeps
``concurrency`` requests in flight across one or several servers (``serving.py``), failures
are retried with exponential backoff, and after the last retry the error reaches the run,
which pauses resumably. Options are scored from the first answer token's log-probabilities
(``logprobs`` + ``top_logprobs``); a server that gives none is asked for text, and the
parsed answer is recorded as method ``generated``.
"""
from __future__ import annotations

import json
import time

from litlab.errors import LitlabError
from litlab.labeling.backends import ArticleScores
from litlab.labeling.backends.server_check import check_url, usable_servers
from litlab.labeling.backends.serving import (CHARS_PER_TOKEN, MAX_BACKOFF_S, TOP_LOGPROBS,  # noqa: F401
                                              BackendUnavailable, ScoreStream, stream_scores)
from litlab.labeling.prompts import Question


def check_concurrency(concurrency: int) -> int:
    if not isinstance(concurrency, int) or concurrency < 1:
        raise LitlabError(f"--concurrency must be a whole number of requests, at least 1 "
                          f"(got {concurrency!r})")
    return concurrency


class OpenAICompatibleBackend:
    """One or several chat-completions endpoints with optional logprobs."""

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 max_context_tokens: int = 1024, concurrency: int = 32, timeout_s: float = 90.0,
                 retries: int = 4, base_urls: tuple[str, ...] | list[str] = (), **_: object):
        urls = list(base_urls) or ([base_url] if base_url else [])
        if not urls:
            raise LitlabError("the openai backend needs --base-url (e.g. http://127.0.0.1:8000/v1)")
        self.model_id = model
        self.max_chars = max_context_tokens * CHARS_PER_TOKEN
        self.concurrency, self.timeout_s, self.retries = check_concurrency(concurrency), timeout_s, retries
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.base_urls = usable_servers([check_url(u) for u in urls], model, self.headers,
                                        timeout_s)
        self.base_url = self.base_urls[0]
        self.stream: ScoreStream | None = None  # the one in use, for progress lines

    def describe(self) -> dict:
        return {"backend": "openai", "model_id": self.model_id, "base_url": self.base_url,
                "base_urls": self.base_urls, "concurrency": self.concurrency,
                "timeout_s": self.timeout_s,
                "weights_sha256": None}

    def score_stream(self, articles, questions: list[Question]):
        """(key, text) pairs in, (key, ArticleScores) lists out as they finish; the run
        commits each list. ``articles`` is read lazily, in this thread."""
        self.stream = ScoreStream(self.base_urls, self.model_id, questions, self.max_chars,
                                  self.concurrency, self.timeout_s, self.retries, self.headers)
        # Enough articles queued that every slot stays busy while finished ones are committed.
        backlog = max(4, 2 * self.concurrency // max(1, len(questions)))
        return stream_scores(self.stream, articles, backlog)

    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        got: dict[int, ArticleScores] = {}
        for ready in self.score_stream(enumerate(articles), questions):
            got.update(ready)
        return [got[i] for i in range(len(articles))]

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        """One completion, from the first server that answers (topic names, ask)."""
        import httpx

        payload = {"model": self.model_id, "messages": [{"role": "user", "content": prompt}],
                   "max_tokens": max_tokens, "temperature": 0.0}
        delay, error = 1.0, ""
        with httpx.Client(timeout=self.timeout_s, headers=self.headers) as client:
            for attempt in range(self.retries + 1):
                url = self.base_urls[attempt % len(self.base_urls)]
                try:
                    status, body = _post_limited(client, f"{url}/chat/completions", payload)
                    text = body[:2000].decode("utf-8", "replace")
                    if status < 500 and status != 429:
                        if status >= 400:
                            raise LitlabError(f"{url} refused the request: {status} {text[:200]}")
                        answer = json.loads(body)["choices"][0]["message"]["content"]
                        if not isinstance(answer, str):
                            raise TypeError(f"an answer that is not text: {str(answer)[:80]}")
                        return answer
                    error = f"HTTP {status}: {text[:200]}"
                except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
                    error = f"{type(exc).__name__}: {exc}"
                if attempt < self.retries:
                    time.sleep(delay)
                    delay = min(delay * 2, MAX_BACKOFF_S)
        raise BackendUnavailable(f"{', '.join(self.base_urls)} failed {self.retries + 1} times "
                                 f"({error})")


def _post_limited(client, url: str, payload: dict) -> tuple[int, bytes]:
    """POST and read at most MAX_ANSWER_BYTES of the answer (a ValueError past it)."""
    from litlab.labeling.backends.answers import MAX_ANSWER_BYTES

    with client.stream("POST", url, json=payload) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise ValueError(f"an answer larger than {MAX_ANSWER_BYTES // 10**6} MB")
        return response.status_code, bytes(body)
