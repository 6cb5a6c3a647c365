"""Topic names: from keywords by default, or written by the LLM backend from representative titles."""
from __future__ import annotations

import re

PROMPT = """Below are the keywords and some representative article titles of one topic in a \
corpus of research literature.

Keywords: {keywords}

Titles:
{titles}

Give this topic a short name of 3 to 5 words that says what its articles study. \
Answer with the name only."""
MAX_NAME_CHARS = 60


def keyword_name(keywords: list[str], n: int = 3) -> str:
    """The first ``n`` keywords, skipping a word already inside a chosen phrase (or vice versa)."""
    chosen: list[str] = []
    for word in keywords:
        parts = set(word.split())
        if any(parts <= set(c.split()) or set(c.split()) <= parts for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == n:
            break
    return ", ".join(chosen) or "(no keywords)"


def llm_name(backend, keywords: list[str], titles: list[str]) -> str | None:
    """A short name written by ``backend`` (``generate``), or None when its answer is unusable."""
    prompt = PROMPT.format(keywords=", ".join(keywords[:10]),
                           titles="\n".join(f"- {t}" for t in titles if t))
    return tidy(backend.generate(prompt, max_tokens=24))


def tidy(answer: str) -> str | None:
    """The name in a model's answer: first non-empty line, no label, quotes or final stop."""
    for line in (answer or "").splitlines():
        line = re.sub(r"^\s*(topic\s*name|name|topic)\s*[:\-]\s*", "", line, flags=re.I)
        line = line.strip().strip("*#\"'`“”‘’").strip().rstrip(".").strip()
        if line:
            return line[:MAX_NAME_CHARS].rstrip()
    return None
