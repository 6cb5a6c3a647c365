"""Before a served run starts: are its servers at a usable address, and do they serve the model?

Found here, a mistyped address or model name fails at once with one line, before a run is
created; found by the run, it would pause it after minutes of retries with a resume command
that cannot work. What only time tells (a server that is slow or hung) is left to the run's
watchdog.
"""
from __future__ import annotations

from urllib.parse import urlparse

from litlab.errors import LitlabError, ModelNotAvailable

MAX_MODEL_LIST_BYTES = 64_000_000  # 200,000 model names are about 15 MB


def check_url(url: str) -> str:
    """``url`` without its trailing slash, or a LitlabError when it is no http(s) address."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise LitlabError(f"--base-url {url!r} is not an http(s) address "
                          "(e.g. http://127.0.0.1:8000/v1)")
    return url.rstrip("/")


def served_models(client, url: str) -> list[str]:
    """The model names the server at ``url`` lists (GET /models). Raises ModelNotAvailable
    when the answer is not a model list (a wrong path, not an OpenAI-compatible server)."""
    import json

    with client.stream("GET", f"{url}/models") as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_MODEL_LIST_BYTES:
                raise ModelNotAvailable(f"{url}: its model list is larger than "
                                        f"{MAX_MODEL_LIST_BYTES // 10**6} MB")
    text = bytes(body[:2000]).decode("utf-8", "replace")
    hint = "" if url.endswith("/v1") else " (does the address end in /v1?)"
    if response.status_code == 404:
        raise ModelNotAvailable(f"{url}: no model list at {url}/models (HTTP 404){hint}")
    if response.status_code >= 400:
        raise ModelNotAvailable(f"{url}: HTTP {response.status_code} {text[:120]}")
    try:
        return [str(m["id"]) for m in json.loads(bytes(body))["data"]]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelNotAvailable(f"{url}: {url}/models did not answer with a model list (not "
                                f"an OpenAI-compatible server?){hint}") from exc


def usable_servers(urls: list[str], model: str, headers: dict, timeout_s: float) -> list[str]:
    """The servers a run of ``model`` can use, in the order given. A server that lists other
    models only, or answers no model list, is left out; one that refuses connections stays
    when another works (it may come back; the run takes it out meanwhile); one slow to
    answer stays (the watchdog judges it). None usable: ModelNotAvailable naming each
    server's problem."""
    import httpx

    keep, problems, working = set(), [], False
    timeout = httpx.Timeout(min(timeout_s, 30.0), connect=min(timeout_s, 10.0))
    with httpx.Client(timeout=timeout, headers=headers) as client:
        for url in urls:
            try:
                names = served_models(client, url)
            except httpx.ReadTimeout:  # connected, busy or hung
                keep.add(url)
                working = True
                continue
            except httpx.HTTPError as exc:  # refused, reset, unknown host, TLS
                problems.append(f"{url}: {type(exc).__name__}: "
                                f"{exc or 'the connection was closed'}")
                keep.add(url)
                continue
            except ModelNotAvailable as exc:
                problems.append(str(exc))
                continue
            if names and model not in names:
                problems.append(f"{url} serves {', '.join(names[:10])}, not {model} "
                                "(`litlab models --base-url URL` lists them)")
                continue
            keep.add(url)
            working = True
    if not working:
        raise ModelNotAvailable(f"no server can label with {model}: " + "; ".join(problems))
    return [u for u in urls if u in keep]
