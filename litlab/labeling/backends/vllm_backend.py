"""vLLM in-process (``--backend vllm``): a GPU, no server. An optional extra.

Each committed batch of records (``commit_every``) goes to ``vllm.LLM.chat`` as one call, all
questions of all its articles together; vLLM schedules them continuously, and its
automatic prefix caching reuses the article's KV blocks across the questions (the article
comes first in the prompt). Options are scored from the first token's top log-probabilities,
as for a server. Untested here: the machine that wrote it had no GPU (see
benchmarks/README.md).
"""
from __future__ import annotations

from litlab.errors import LitlabError, ModelNotAvailable
from litlab.labeling.backends import ArticleScores
from litlab.labeling.backends.answers import answer_text, option_scores
from litlab.labeling.backends.serving import CHARS_PER_TOKEN, TOP_LOGPROBS
from litlab.labeling.prompts import Question, messages

EXTRA = "pip install 'litlab[vllm]'"


def _import_vllm():
    try:
        import vllm
    except ImportError as exc:
        raise LitlabError(f"--backend vllm needs vLLM, an optional extra: {EXTRA} (a CUDA GPU "
                          f"machine); here: {exc}") from None
    return vllm


class VLLMBackend:
    """A Hugging Face model folder or id loaded by vLLM on this machine's GPU(s)."""

    commit_every = 1024  # records per call: big enough to keep vLLM's batches full

    def __init__(self, model: str, max_context_tokens: int = 1024, device: str = "auto",
                 tensor_parallel_size: int | None = None, **_: object):
        vllm = _import_vllm()
        if model.endswith(".gguf") or model == "smollm2-135m-instruct":
            raise ModelNotAvailable("--backend vllm takes a Hugging Face model folder or id "
                                    "(e.g. meta-llama/Llama-3.1-8B-Instruct)")
        import torch

        gpus = torch.cuda.device_count()
        if not gpus:
            raise LitlabError("--backend vllm needs a CUDA GPU; none is visible here")
        self.model_id = model
        self.max_chars = max_context_tokens * CHARS_PER_TOKEN
        self.tensor_parallel_size = tensor_parallel_size or 1
        try:
            self.llm = vllm.LLM(model=model, enable_prefix_caching=True,
                                tensor_parallel_size=self.tensor_parallel_size,
                                max_model_len=max_context_tokens + 512, max_logprobs=TOP_LOGPROBS)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailable(f"vLLM cannot load {model!r}: {exc}") from None
        self.sampling = vllm.SamplingParams(temperature=0.0, max_tokens=1, logprobs=TOP_LOGPROBS)
        self.vllm = vllm

    def describe(self) -> dict:
        return {"backend": "vllm", "model_id": self.model_id, "weights_sha256": None,
                "device": f"cuda x{self.tensor_parallel_size}", "dtype": "auto"}

    @staticmethod
    def _choice(output) -> dict:
        """A vLLM RequestOutput as the OpenAI choice that option_scores reads."""
        completion = output.outputs[0]
        first = (completion.logprobs or [{}])[0]
        top = [{"token": lp.decoded_token or "", "logprob": lp.logprob} for lp in first.values()]
        return {"logprobs": {"content": [{"top_logprobs": top}]} if top else None,
                "message": {"content": completion.text}}

    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        conversations = [messages(a[: self.max_chars], q.block()) for a in articles
                         for q in questions]  # article-major: shared prefixes stay adjacent
        outputs = self.llm.chat(conversations, self.sampling, use_tqdm=False)
        results = []
        for a, article in enumerate(articles):
            answers = [option_scores(self._choice(outputs[a * len(questions) + qi]), q)
                       for qi, q in enumerate(questions)]
            method = "generated" if any(m == "generated" for _, m in answers) else "option_logprobs"
            # No retry here: greedy decoding of the same prompt gives the same answer again.
            unscorable = {qi: answer_text(self._choice(outputs[a * len(questions) + qi]))
                          for qi, (s, _) in enumerate(answers) if s is None}
            results.append(ArticleScores([s or [] for s, _ in answers],
                                         min(len(article), self.max_chars) // CHARS_PER_TOKEN,
                                         len(article) > self.max_chars, method,
                                         unscorable=unscorable))
        return results

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        params = self.vllm.SamplingParams(temperature=0.0, max_tokens=max_tokens)
        return self.llm.chat([[{"role": "user", "content": prompt}]], params,
                             use_tqdm=False)[0].outputs[0].text
