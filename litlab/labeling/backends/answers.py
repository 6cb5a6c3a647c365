"""What a server answered, read as untrusted input: the body up to a size limit, its
log-probabilities checked to be numbers, and the options scored from them or from its text.
An answer that names no option is unscorable (None), never a label.
"""
from __future__ import annotations

import math

from litlab.labeling.prompts import Question

MAX_ANSWER_BYTES = 4_000_000  # a one-token answer with 20 log-probabilities is ~5 kB
ANSWER_KEPT_CHARS = 300  # of an unscorable answer, kept for the user to read


class MalformedAnswer(ValueError):
    """An answer that is a chat completion but holds log-probabilities that are not numbers
    (NaN, +inf, text): the server failed, the request is retried and never scored."""


def _logprob(value) -> float:
    # A log-probability is a number <= 0; -inf is a real (impossible) one, NaN and +inf are not.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
            or value == math.inf:
        raise MalformedAnswer(f"a log-probability that is not a number: {str(value)[:40]!r}")
    return float(value)


def check_logprobs(choice: dict) -> None:
    """Raise MalformedAnswer when the answer's log-probabilities are not numbers."""
    logprobs = choice.get("logprobs")
    if logprobs is None:
        return
    if not isinstance(logprobs, dict):
        raise MalformedAnswer(f"logprobs of an unexpected shape: {str(logprobs)[:80]!r}")
    for token in (logprobs.get("content") or [])[:1]:
        if not isinstance(token, dict):
            raise MalformedAnswer(f"a logprobs entry of an unexpected shape: {str(token)[:80]!r}")
        for top in token.get("top_logprobs") or []:
            if not isinstance(top, dict) or not isinstance(top.get("token"), str):
                raise MalformedAnswer(f"a top_logprobs entry of an unexpected shape: "
                                      f"{str(top)[:80]!r}")
            _logprob(top.get("logprob"))


def answer_text(choice: dict) -> str:
    """What the server answered, for a user to read: its text, or its top tokens."""
    text = ((choice.get("message") or {}).get("content") or "")
    content = (choice.get("logprobs") or {}).get("content") or []
    if content and content[0].get("top_logprobs"):
        tops = ", ".join(f"{t['token']!r} {t['logprob']:.2f}" for t in content[0]["top_logprobs"][:8])
        text = f"{text} [top tokens: {tops}]" if text else f"[top tokens: {tops}]"
    return text[:ANSWER_KEPT_CHARS]


def option_scores(choice: dict, question: Question) -> tuple[list[float] | None, str]:
    """Per-option log-probabilities from the first answer token's top log-probabilities, or,
    from a server that gives none, the answer text parsed (method ``generated``). None when
    the answer names no option (no option among the top tokens, every option impossible, a
    text matching none): such an answer is unscorable, never a label."""
    check_logprobs(choice)
    content = (choice.get("logprobs") or {}).get("content") or []
    if content and content[0].get("top_logprobs"):
        top: dict[str, float] = {}
        for t in content[0]["top_logprobs"]:
            token = t["token"].strip().lower()
            top[token] = max(top.get(token, -math.inf), _logprob(t["logprob"]))
        matched = [[lp for tok, lp in top.items() if tok and option.lower().startswith(tok)]
                   for option in question.options]
        if not any(matched) or all(max(m, default=-math.inf) == -math.inf for m in matched):
            return None, "option_logprobs"
        floor = min(top.values()) - 1.0  # an option outside the top list: below all of them
        return [max(m) if m else floor for m in matched], "option_logprobs"
    text = ((choice.get("message") or {}).get("content") or "").strip().lower()
    options = [o.lower() for o in question.options]
    picked = next((i for i, o in enumerate(options) if text.startswith(o)), None)
    if picked is None and text:  # the answer was cut by max_tokens: a unique prefix
        prefixes = [i for i, o in enumerate(options) if o.startswith(text)]
        picked = prefixes[0] if len(prefixes) == 1 else None
    if picked is None:
        return None, "generated"
    return [0.0 if i == picked else -math.inf for i in range(len(options))], "generated"


async def read_limited(response, limit: int) -> bytes:
    """The body of a streamed response, refused past ``limit`` bytes (a server's answer is
    untrusted: hundreds of MB in flight 32 at a time would exhaust memory)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(f"an answer of {int(declared) / 1e6:.0f} MB (the limit is "
                             f"{limit / 1e6:.0f} MB)")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise AnswerTooLarge(f"an answer larger than {limit / 1e6:.0f} MB")
    return bytes(body)


class AnswerTooLarge(ValueError):
    """A server's answer past the size limit: a failure of that server, never read whole."""
