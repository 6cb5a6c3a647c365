"""llama-index adapters: our hybrid search as a retriever, our LLM backends as an LLM."""
from __future__ import annotations

from typing import Any

from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode


class BackendLLM(CustomLLM):
    """Any litlab LLM backend (local transformers or an OpenAI-compatible server)."""

    context_window: int = 2048
    num_output: int = 256
    model_name: str = "litlab-backend"
    _backend: Any = PrivateAttr()

    def __init__(self, backend, **kwargs: Any):
        super().__init__(**kwargs)
        self._backend = backend

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output,
                           model_name=self.model_name)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._backend.generate(prompt, self.num_output))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False,
                        **kwargs: Any) -> CompletionResponseGen:
        yield self.complete(prompt, formatted, **kwargs)


class SearchRetriever(BaseRetriever):
    """Hybrid search results as nodes: the best PDF passage of a record, else its abstract."""

    def __init__(self, corpus, k: int, filters):
        super().__init__()
        self._corpus, self._k, self._filters = corpus, k, filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        results = self._corpus.search(query_bundle.query_str, k=self._k, filters=self._filters)
        abstracts = dict(self._corpus.con.execute(
            "SELECT record_id, concat_ws(' ', title || '.', abstract) FROM records "
            "WHERE list_contains(?, record_id)", [results.record_id.tolist()]).fetchall())
        nodes = []
        for row in results.itertuples():
            has_passage = isinstance(row.passage, str)
            text = row.passage if has_passage else abstracts[row.record_id]
            metadata = {"record_id": int(row.record_id), "title": row.title,
                        "year": None if row.year is None else int(row.year), "doi": row.doi,
                        "page": int(row.page) if has_passage else None,
                        "source": "fulltext" if has_passage else "abstract"}
            nodes.append(NodeWithScore(node=TextNode(text=text, metadata=metadata),
                                       score=float(row.score)))
        return nodes
