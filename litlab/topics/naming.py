"""Topic names: from keywords by default, or written by the LLM backend from representative titles."""
from __future__ import annotations

import re

# Titles first, then keywords, then the request: small local models follow this order best.
# The seed workflow asked for names of 3-5 words.
PROMPT = """Here are article titles from one research topic:
{titles}
Keywords: {keywords}

Write a title of 3 to 5 words for this research topic."""
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 10  # longer answers are sentences, not names: keyword names are kept instead


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
    prompt = PROMPT.format(keywords=", ".join(keywords[:8]),
                           titles="\n".join(f"- {t}" for t in titles if t))
    return tidy(backend.generate(prompt, max_tokens=16))


def tidy(answer: str) -> str | None:
    """The name in a model's answer, or None when there is none.

    Takes a quoted phrase if there is one, else the first line that is not a preamble
    ("Here's a possible title:"); drops list markers, labels, quotes and a final stop.
    """
    quoted = re.search(r"[\"“]([^\"”\n]{3,80})[\"”]", answer or "")
    lines = [quoted.group(1)] if quoted else (answer or "").splitlines()
    for line in lines:
        line = re.sub(r"^\s*([-*•#]+|\d+[.)])\s*", "", line)
        line = re.sub(r"^\s*(topic\s*name|name|topic|title)\s*[:\-]\s*", "", line, flags=re.I)
        line = line.strip().strip("*\"'`“”‘’").strip().rstrip(".").strip()
        if not line or line.endswith(":"):
            continue
        words = line.split()
        if len(words) > MAX_NAME_WORDS or not re.search("[A-Za-z]{3}", line):
            return None
        return line if len(line) <= MAX_NAME_CHARS else line[:MAX_NAME_CHARS].rsplit(" ", 1)[0]
    return None
