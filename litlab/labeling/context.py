"""What the model reads for one article, and the sentences evidence may be quoted from.

Scopes: ``abstract`` (title, keywords, abstract), ``fulltext`` (the chunks of the article's
own PDF most similar to the questions, in document order), ``auto`` (fulltext where a PDF
with text is linked, else abstract). Every candidate evidence sentence is a verbatim
substring of the context text, with its page when it comes from a PDF.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import duckdb
import numpy as np

from litlab.errors import LitlabError
from litlab.ingest.chunking import PAGE_SEPARATOR, split_sentences
from litlab.labeling.injection import is_instruction, strip_instructions

SCOPES = ("abstract", "fulltext", "auto")


@dataclass
class Sentence:
    text: str
    source: str  # title | abstract | fulltext
    page: int | None = None


@dataclass
class Context:
    record_id: int
    text: str
    source: str  # abstract | fulltext | none
    sentences: list[Sentence] = field(default_factory=list)
    removed: int = 0  # instruction-like sentences taken out of the text


def _clean(text: str | None, drop: bool) -> tuple[str | None, int]:
    if not text or not drop:
        return text, 0
    return strip_instructions(text)


def _abstract_context(record_id, title, keywords, abstract, drop: bool = True) -> Context:
    parts, sentences = [], []
    title, removed_title = _clean(title, drop)
    keywords_text, removed_keywords = _clean("; ".join(keywords) if keywords else "", drop)
    abstract, removed_abstract = _clean(abstract, drop)
    if title:
        parts.append(f"Title: {title}")
        sentences.append(Sentence(title, "title"))
    if keywords_text:
        parts.append(f"Keywords: {keywords_text}")
    if abstract:
        parts.append(f"Abstract: {abstract}")
        sentences += [Sentence(s.strip(), "abstract") for s in split_sentences(abstract) if s.strip()]
    removed = removed_title + removed_keywords + removed_abstract
    if not title and not abstract:
        return Context(record_id, "", "none", removed=removed)
    return Context(record_id, "\n".join(parts), "abstract", sentences, removed)


def _fulltext_context(con, record_id: int, title: str | None, query_vector, embedder,
                      model: str, top_k: int, drop: bool = True) -> Context | None:
    chunks = con.execute(
        "SELECT c.chunk_id, c.document_id, c.text, c.char_start FROM chunks c "
        "JOIN documents d USING (document_id) WHERE d.record_id = ? AND d.status IN ('ok', 'repaired') "
        "ORDER BY c.document_id, c.chunk_index", [record_id]).fetchall()
    if not chunks:
        return None
    stored = dict(con.execute(
        "SELECT object_id, vector FROM embeddings WHERE granularity = 'chunk' AND model = ? "
        "AND list_contains(?, object_id)", [model, [c[0] for c in chunks]]).fetchall())
    missing = [c for c in chunks if c[0] not in stored]
    if missing:  # not indexed yet: embed these chunks now (not stored)
        for chunk, vector in zip(missing, embedder.encode([c[2] for c in missing])):
            stored[chunk[0]] = vector
    vectors = np.asarray([stored[c[0]] for c in chunks], dtype=np.float32)
    best = sorted(np.argsort(-(vectors @ query_vector))[:top_k])
    page_starts = _page_starts(con, {chunks[i][1] for i in best})
    title, removed = _clean(title, drop)
    parts = [f"Title: {title}"] if title else []
    sentences = [Sentence(title, "title")] if title else []
    for i in best:
        _, document_id, text, char_start = chunks[i]
        kept, offset = [], 0
        for piece in split_sentences(text):
            if drop and is_instruction(piece):  # out of the model's text and of evidence
                removed += 1
                offset += len(piece)
                continue
            kept.append(piece)
            sentence = piece.strip()
            if len(sentence) >= 20:
                where = char_start + offset
                page = bisect.bisect_right(page_starts[document_id], where)
                sentences.append(Sentence(sentence, "fulltext", page))
            offset += len(piece)
        if "".join(kept).strip():
            parts.append("".join(kept).strip())
    return Context(record_id, "\n[...]\n".join(parts), "fulltext", sentences, removed)


def _page_starts(con, document_ids: set[int]) -> dict[int, list[int]]:
    starts: dict[int, list[int]] = {}
    for document_id in document_ids:
        lengths = [n for (n,) in con.execute(
            "SELECT length(text) FROM pages WHERE document_id = ? ORDER BY page",
            [document_id]).fetchall()]
        offsets, at = [], 0
        for n in lengths:
            offsets.append(at)
            at += (n or 0) + len(PAGE_SEPARATOR)
        starts[document_id] = offsets
    return starts


def build_contexts(con: duckdb.DuckDBPyConnection, record_ids: list[int], scope: str,
                   questions_text: str, embedder, model: str, top_k: int,
                   drop_instructions: bool = True) -> list[Context]:
    """One context per record, in the order given; instruction-like sentences dropped
    (``labeling/injection.py``) unless ``drop_instructions`` is False."""
    if scope not in SCOPES:
        raise LitlabError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    rows = {r[0]: r for r in con.execute(
        "SELECT record_id, title, author_keywords, abstract FROM records "
        "WHERE list_contains(?, record_id)", [record_ids]).fetchall()}
    query_vector = None
    contexts = []
    for record_id in record_ids:
        _, title, keywords, abstract = rows[record_id]
        context = None
        if scope in ("fulltext", "auto"):
            if query_vector is None:
                query_vector = embedder.encode([questions_text])[0]
            context = _fulltext_context(con, record_id, title, query_vector, embedder, model,
                                        top_k, drop_instructions)
        if context is None and scope == "fulltext":
            context = Context(record_id, "", "none")
        contexts.append(context or _abstract_context(record_id, title, keywords, abstract,
                                                     drop_instructions))
    return contexts
