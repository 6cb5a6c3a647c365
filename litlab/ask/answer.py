"""`litlab ask`: retrieve, answer with numbered citations, check every citation, store it all.

llama-index's CitationQueryEngine numbers the retrieved passages ("Source 1: ...") and asks the
LLM to cite them. litlab then checks the answer: a cited number that matches no source is
reported, every cited passage is looked up again in the corpus, and each sentence without a
citation is listed, so an unsupported answer is marked as such rather than trusted.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime

from litlab.errors import LitlabError
from litlab.ingest.chunking import split_sentences

_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# Shorter than llama-index's default, whose worked example ("When is water wet?") small models
# repeat instead of answering.
CITATION_PROMPT = (
    "Answer the question using only the numbered sources below. After every sentence, write "
    "the number of the source it comes from in square brackets, like [1]. If the sources do not "
    "answer the question, say so.\n\n{context_str}\n\nQuestion: {query_str}\n"
    "Answer with citations:")
MAX_QUESTION_CHARS = 2000


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[dict] = field(default_factory=list)
    uncited_sentences: list[str] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)
    # Every numbered passage the model was given, cited or not.
    sources: list[dict] = field(default_factory=list)
    model_id: str = ""
    seconds: float = 0.0
    answer_id: int | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def cited_numbers(text: str) -> list[int]:
    """Citation numbers in order of first use: "[2], [1, 3]" -> [2, 1, 3]."""
    seen: list[int] = []
    for group in _CITATION.findall(text):
        for n in group.split(","):
            if int(n) not in seen:
                seen.append(int(n))
    return seen


def _passage_exists(con, meta: dict, passage: str) -> bool:
    if meta["source"] == "fulltext":
        return con.execute("SELECT count(*) FROM chunks c JOIN documents d USING (document_id) "
                           "WHERE d.record_id = ? AND strpos(c.text, ?) > 0",
                           [meta["record_id"], passage[:200]]).fetchone()[0] > 0
    return con.execute("SELECT count(*) FROM records WHERE record_id = ? AND "
                       "strpos(concat_ws(' ', title || '.', abstract), ?) > 0",
                       [meta["record_id"], passage[:200]]).fetchone()[0] > 0


def ask(corpus, question: str, filters, k: int = 5, max_tokens: int = 256,
        attribution_threshold: float | None = 0.5) -> Answer:
    """Answer a question from the corpus with numbered citations to records and pages;
    sentences the model left uncited get the most similar passage when it reaches
    ``attribution_threshold`` (None: never)."""
    from llama_index.core.query_engine import CitationQueryEngine

    from litlab.ask.llama_bridge import BackendLLM, SearchRetriever

    question = " ".join((question or "").split())
    if not question:
        raise LitlabError("empty question: write what you want to know")
    note = None
    if len(question) > MAX_QUESTION_CHARS:
        question, note = question[:MAX_QUESTION_CHARS], f"question cut to {MAX_QUESTION_CHARS} characters"
    start = time.perf_counter()
    retriever = SearchRetriever(corpus, k, filters)
    if not retriever.retrieve(question):
        raise LitlabError("no record matches the question and filters: nothing to answer from")
    backend = corpus.backend
    # One LLM call: the window must hold every source, or llama-index refines call after call.
    window = min(int(backend.describe().get("context_window") or 4096), 4096)
    llm = BackendLLM(backend, num_output=max_tokens, context_window=window,
                     model_name=backend.describe()["model_id"])
    from llama_index.core import PromptTemplate
    from llama_index.core.response_synthesizers import ResponseMode, get_response_synthesizer

    synthesizer = get_response_synthesizer(llm=llm, text_qa_template=PromptTemplate(CITATION_PROMPT),
                                           response_mode=ResponseMode.COMPACT)
    engine = CitationQueryEngine(retriever=retriever, llm=llm, response_synthesizer=synthesizer,
                                 citation_chunk_size=256)
    response = engine.query(question)
    text = str(response.response or "").strip()
    sources = response.source_nodes
    answer = Answer(question, text, model_id=llm.model_name, note=note)
    passages = []
    for n, source in enumerate(sources, 1):
        meta = source.node.metadata
        passages.append(source.node.get_content().split(":", 1)[-1].strip())  # drop "Source N:"
        answer.sources.append({"n": n, "record_id": meta["record_id"], "title": meta["title"],
                               "year": meta["year"], "page": meta["page"],
                               "passage": passages[-1]})

    def cite(n: int, by: str, sentence: str | None = None, score: float | None = None):
        meta = sources[n - 1].node.metadata
        answer.citations.append({"n": n, "record_id": meta["record_id"], "doi": meta["doi"],
                                 "title": meta["title"], "year": meta["year"],
                                 "page": meta["page"], "passage": passages[n - 1],
                                 "verified": _passage_exists(corpus.con, meta, passages[n - 1]),
                                 "by": by, "sentence": sentence, "similarity": score})

    for n in cited_numbers(text):
        if 1 <= n <= len(sources):
            cite(n, "model")
        else:
            answer.invalid_citations.append(n)
    uncited = [s.strip() for s in split_sentences(text) if s.strip() and not _CITATION.search(s)]
    if attribution_threshold is not None:
        from litlab.ask.attribution import attribute
        from litlab.index.embedders import load_embedder

        index = corpus.settings.index
        embedder = load_embedder(index.model, index.device, index.batch_size)
        for sentence, n, score in attribute(uncited, passages, embedder.encode,
                                            attribution_threshold):
            cite(n, "similarity", sentence, score)
            uncited.remove(sentence)
    answer.uncited_sentences = uncited
    answer.seconds = round(time.perf_counter() - start, 2)
    answer.answer_id = _store(corpus.con, answer, filters)
    return answer


def _store(con, answer: Answer, filters) -> int:
    answer_id = con.execute("SELECT coalesce(max(answer_id), 0) + 1 FROM answers").fetchone()[0]
    con.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [answer_id, answer.question, answer.answer, json.dumps(answer.citations),
                 answer.uncited_sentences, answer.invalid_citations,
                 json.dumps(getattr(filters, "__dict__", None), default=str), answer.model_id,
                 answer.seconds, datetime.now()])
    return answer_id
