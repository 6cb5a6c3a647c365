"""OpenAI-compatible servers (vLLM, llama.cpp server, Ollama, LM Studio) by base URL.

This is how labeling uses a large Llama and scales past one machine: requests run
concurrently, failures are retried with exponential backoff, and after the last retry the
error reaches the run, which pauses resumably. Options are scored from the first answer
token's log-probabilities (``logprobs`` + ``top_logprobs``); a server that gives none is
asked for text, and the parsed answer is recorded as method ``generated``.
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

from litlab.errors import LitlabError
from litlab.labeling.backends import ArticleScores
from litlab.labeling.prompts import Question, messages

TOP_LOGPROBS = 20
# Characters of article text sent per request (servers count tokens; ~4 characters each).
CHARS_PER_TOKEN = 4


class BackendUnavailable(LitlabError):
    """The server did not answer after every retry; the run pauses and can be resumed."""


class OpenAICompatibleBackend:
    """A chat-completions endpoint with optional logprobs."""

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 max_context_tokens: int = 1024, concurrency: int = 4, timeout_s: float = 60.0,
                 retries: int = 4, **_: object):
        if not base_url:
            raise LitlabError("the openai backend needs --base-url (e.g. http://127.0.0.1:8000/v1)")
        import httpx

        self.model_id = model
        self.base_url = base_url.rstrip("/")
        self.max_chars = max_context_tokens * CHARS_PER_TOKEN
        self.concurrency, self.retries = concurrency, retries
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=self.base_url, timeout=timeout_s, headers=headers)

    def describe(self) -> dict:
        return {"backend": "openai", "model_id": self.model_id, "base_url": self.base_url,
                "weights_sha256": None}

    def _post(self, payload: dict) -> dict:
        import httpx

        delay = 1.0
        for attempt in range(self.retries + 1):
            try:
                response = self.client.post("/chat/completions", json=payload)
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    return response.json()
                error = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPStatusError as exc:
                raise LitlabError(f"{self.base_url} refused the request: "
                                  f"{exc.response.status_code} {exc.response.text[:200]}") from None
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            if attempt < self.retries:
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
        raise BackendUnavailable(f"{self.base_url} failed {self.retries + 1} times ({error})")

    def _score_one(self, article: str, question: Question) -> tuple[list[float], str, bool]:
        truncated = len(article) > self.max_chars
        payload = {"model": self.model_id, "messages": messages(article[: self.max_chars],
                                                                 question.block()),
                   "max_tokens": 8, "temperature": 0.0, "logprobs": True,
                   "top_logprobs": TOP_LOGPROBS}
        choice = self._post(payload)["choices"][0]
        content = (choice.get("logprobs") or {}).get("content") or []
        if content and content[0].get("top_logprobs"):
            top = {t["token"].strip().lower(): t["logprob"] for t in content[0]["top_logprobs"]}
            floor = min(top.values()) - 1.0  # an option outside the top list: below all of them
            scores = []
            for option in question.options:
                matches = [lp for tok, lp in top.items() if tok and option.lower().startswith(tok)]
                scores.append(max(matches) if matches else floor)
            return scores, "option_logprobs", truncated
        text = (choice.get("message") or {}).get("content", "").strip().lower()
        picked = next((i for i, o in enumerate(question.options) if text.startswith(o.lower())), None)
        scores = [0.0 if i == picked else -math.inf for i in range(len(question.options))]
        return scores, "generated", truncated

    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        jobs = [(a, q) for a in range(len(articles)) for q in range(len(questions))]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            answers = list(pool.map(lambda j: self._score_one(articles[j[0]], questions[j[1]]),
                                    jobs))
        results = []
        for a in range(len(articles)):
            mine = answers[a * len(questions):(a + 1) * len(questions)]
            method = "generated" if any(m == "generated" for _, m, _ in mine) else "option_logprobs"
            results.append(ArticleScores([s for s, _, _ in mine], min(len(articles[a]), self.max_chars)
                                         // CHARS_PER_TOKEN, mine[0][2], method))
        return results

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        payload = {"model": self.model_id, "messages": [{"role": "user", "content": prompt}],
                   "max_tokens": max_tokens, "temperature": 0.0}
        return self._post(payload)["choices"][0]["message"]["content"]
