"""What can label here: `litlab models`.

The bundled model; causal language models in the Hugging Face cache; GGUF files given by
path; the Ollama on this machine (its ``/api/tags``, loopback unless ``OLLAMA_HOST`` says
otherwise); and each configured server, probed with one one-token request for whether it
returns log-probabilities (option scoring) or only text (answers recorded as ``generated``).
Nothing is downloaded and nothing leaves the machine beyond the servers named.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from litlab.errors import ModelNotAvailable

OLLAMA_DEFAULT = "http://127.0.0.1:11434"
PROBE_TIMEOUT_S = 1.0  # a local service that has not answered in a second is not there
MAX_PROBED = 16  # models of one server probed with a request each; the rest are listed only
PROBE_WORKERS = 8
PROBE_DEADLINE_S = 30.0  # all probes of one server together


@dataclass
class ModelEntry:
    source: str  # bundled | hf-cache | gguf | ollama | server
    llm: str  # what to give --llm
    backend: str  # what to give --backend
    base_url: str | None = None
    scoring: str = "option_logprobs"  # option_logprobs | generated | unknown
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def bundled() -> list[ModelEntry]:
    from litlab.labeling.backends.local import DEFAULT_MODEL, bundled_gguf

    try:
        path = bundled_gguf()
    except ModelNotAvailable as exc:
        return [ModelEntry("bundled", DEFAULT_MODEL, "transformers", scoring="unknown",
                           detail=str(exc))]
    return [ModelEntry("bundled", DEFAULT_MODEL, "transformers",
                       detail=f"SmolLM2-135M-Instruct GGUF, {path}")]


def hub_cache() -> Path:
    """The Hugging Face hub cache, as huggingface_hub finds it."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface"
    return Path(home) / "hub"


def hf_cache_models(cache: Path | None = None) -> list[ModelEntry]:
    """Model folders whose config names a causal LM (embedding models are left out)."""
    out = []
    for folder in sorted((cache or hub_cache()).glob("models--*")):
        configs = sorted(folder.glob("snapshots/*/config.json"))
        if not configs:
            continue
        try:
            architectures = json.loads(configs[-1].read_text()).get("architectures") or []
        except (OSError, ValueError):
            continue
        if any(a.endswith("ForCausalLM") for a in architectures):
            name = folder.name.removeprefix("models--").replace("--", "/")
            out.append(ModelEntry("hf-cache", name, "transformers",
                                  detail=f"{architectures[0]}, {configs[-1].parent}"))
    return out


def gguf_models(paths) -> list[ModelEntry]:
    out = []
    for path in map(Path, paths):
        if path.suffix != ".gguf" or not path.is_file():
            raise ModelNotAvailable(f"no GGUF file at {path}")
        out.append(ModelEntry("gguf", str(path), "transformers",
                              detail=f"{path.stat().st_size / 1e6:.0f} MB"))
    return out


def ollama_host() -> str:
    host = os.environ.get("OLLAMA_HOST") or OLLAMA_DEFAULT
    return (host if "://" in host else f"http://{host}").rstrip("/")


def ollama_names(host: str | None = None) -> list[str] | None:
    """The Ollama's model names, or None when no Ollama answers."""
    import httpx

    try:
        response = httpx.get(f"{host or ollama_host()}/api/tags", timeout=PROBE_TIMEOUT_S)
        return [m["name"] for m in response.json().get("models", [])]
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        return None


def ollama_models() -> list[ModelEntry]:
    host = ollama_host()
    return [ModelEntry("ollama", f"ollama:{n}", "openai", f"{host}/v1", "unknown",
                       "Ollama (probe with --base-url for log-probabilities)")
            for n in ollama_names(host) or []]


def resolve_ollama(name: str) -> tuple[str, list[str]]:
    """(served model name, [base URL]) for ``--llm ollama:NAME``."""
    host = ollama_host()
    names = ollama_names(host)
    if names is None:
        raise ModelNotAvailable(f"ollama:{name}: no Ollama answers at {host} (start it with "
                                "`ollama serve`, or set OLLAMA_HOST)")
    # Ollama calls "llama3.1" "llama3.1:latest"; either spelling is that model.
    match = next((n for n in names if n in (name, f"{name}:latest")), None)
    if match is None:
        raise ModelNotAvailable(f"ollama:{name} is not in the Ollama at {host}; available: "
                                f"{', '.join(names) or 'none (ollama pull NAME)'}")
    return match, [f"{host}/v1"]


def probe_server(url: str, api_key: str | None = None) -> list[ModelEntry]:
    """One entry per model a server serves, with whether it returns log-probabilities. A
    server may list thousands of models: every name is listed, the first ``MAX_PROBED``
    are probed (in parallel, within ``PROBE_DEADLINE_S``) and the rest say they were not."""
    import httpx

    from litlab.labeling.backends.server_check import check_url, served_models

    url = check_url(url)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx.Client(timeout=30.0, headers=headers) as client:
            models = served_models(client, url)
    except ModelNotAvailable as exc:
        return [ModelEntry("server", "?", "openai", url, "unknown", f"not usable: {exc}")]
    except httpx.HTTPError as exc:
        reason = str(exc)[:120] or "the connection was closed"
        return [ModelEntry("server", "?", "openai", url, "unknown",
                           f"not usable: {type(exc).__name__}: {reason}")]
    probed = _probe_all(url, models[:MAX_PROBED], headers)
    unprobed = len(models) - len(probed)
    return [probed.get(m) or ModelEntry(
        "server", m, "openai", url, "unknown",
        f"not probed ({unprobed} of the {len(models)} models listed were not probed; "
        f"`litlab models --base-url` probes the first {MAX_PROBED})") for m in models]


def _probe_all(url: str, models: list[str], headers: dict) -> dict[str, ModelEntry]:
    """Probe ``models`` in parallel; those not answered by the deadline are left out."""
    from concurrent.futures import ThreadPoolExecutor, wait

    import httpx

    with httpx.Client(timeout=httpx.Timeout(PROBE_DEADLINE_S, connect=5.0),
                      headers=headers) as client:
        pool = ThreadPoolExecutor(max_workers=PROBE_WORKERS)
        futures = {pool.submit(_probe_one, client, url, m): m for m in models}
        finished, _ = wait(futures, timeout=PROBE_DEADLINE_S)
        pool.shutdown(wait=False, cancel_futures=True)
        return {futures[f]: f.result() for f in finished}


def _probe_one(client, url: str, model: str) -> ModelEntry:
    import httpx

    from litlab.labeling.backends.answers import MAX_ANSWER_BYTES

    try:
        with client.stream("POST", f"{url}/chat/completions", json={
                "model": model, "messages": [{"role": "user", "content": "Say TRUE."}],
                "max_tokens": 1, "logprobs": True, "top_logprobs": 5,
                "temperature": 0.0}) as response:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise ValueError("an answer larger than the limit")
        choice = json.loads(body)["choices"][0]
        content = (choice.get("logprobs") or {}).get("content") or []
        has = bool(content and content[0].get("top_logprobs"))
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        reason = str(exc)[:120] or "the connection was closed"
        return ModelEntry("server", model, "openai", url, "unknown",
                          f"probe failed: {type(exc).__name__}: {reason}")
    return ModelEntry("server", model, "openai", url, "option_logprobs" if has else "generated",
                      "returns log-probabilities" if has else
                      "text only: answers are parsed and recorded as generated")


def list_models(base_urls=(), gguf_paths=(), api_key: str | None = None,
                models_dir: Path | None = None) -> list[ModelEntry]:
    """Everything that can label here, installed catalogue models (best first) and the
    bundled model first."""
    from litlab.labeling.catalogue import installed_entries

    entries = installed_entries(models_dir) + bundled() + hf_cache_models() + \
        gguf_models(gguf_paths) + ollama_models()
    for url in base_urls:
        entries += probe_server(url, api_key)
    return entries


def format_models(entries: list[ModelEntry]) -> str:
    from litlab.terminal import visible

    lines = []
    for e in entries:
        where = f" --base-url {visible(e.base_url)}" if e.base_url else ""
        lines.append(f"{e.source:<9} --backend {e.backend} --llm {visible(e.llm)}{where}\n"
                     f"{'':<9} scoring: {e.scoring}; {visible(e.detail)}")
    return "\n".join(lines)
