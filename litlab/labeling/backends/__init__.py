"""LLM backends behind one small interface: score options, generate text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from litlab.labeling.prompts import Question
from litlab.registry import Registry


@dataclass
class ArticleScores:
    """One article's log-probabilities: per question, per option (in the question's order)."""

    logprobs: list[list[float]]
    context_tokens: int = 0
    truncated: bool = False
    method: str = "option_logprobs"  # or "generated" where a server gives no logprobs
    extra: dict = field(default_factory=dict)
    # Questions (by index) whose answer named no option, with the answer as given: these get
    # no label (their ``logprobs`` entry is empty).
    unscorable: dict[int, str] = field(default_factory=dict)


class LLMBackend(Protocol):
    """A language model that can score answer options and write text."""

    def describe(self) -> dict:
        """Model id, weights hash, backend, device: what a methods section reports."""

    def score(self, articles: list[str], questions: list[Question]) -> list[ArticleScores]:
        """Log-probability of every option of every question for every article."""

    def generate(self, prompt: str, max_tokens: int = 200) -> str:
        """Free text for a prompt (topic names, answers with citations)."""


def register_builtins(registry: Registry) -> None:
    from litlab.labeling.backends.local import TransformersBackend
    from litlab.labeling.backends.openai_http import OpenAICompatibleBackend

    from litlab.labeling.backends.llama_cpp_backend import LlamaCppBackend

    registry.register("llama.cpp", LlamaCppBackend)  # imports llama_cpp when created
    registry.register("transformers", TransformersBackend)
    registry.register("openai", OpenAICompatibleBackend)

    def vllm(**options):  # imported on use: vLLM is an optional extra and loads CUDA
        from litlab.labeling.backends.vllm_backend import VLLMBackend

        return VLLMBackend(**options)

    registry.register("vllm", vllm)


LLM_BACKENDS: Registry[LLMBackend] = Registry("llm_backends", __name__)
