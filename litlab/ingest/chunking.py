"""Cutting a PDF's text into chunks that know their pages and character offsets.

Chunks are llama-index's SentenceSplitter chunks (``litlab.ingest.splitter`` is a faithful
port without llama-index's import and call overhead), sized in tokens of the embedding model.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sized

from litlab.errors import ModelNotAvailable
from litlab.models import embedding_model_path
from litlab.ingest.splitter import SentenceSplitter
from litlab.settings import ChunkSettings

PAGE_SEPARATOR = "\n\n"
# A sentence ends at . ! or ? followed by space and a capital, digit or opening bracket,
# except after common abbreviations ("et al. 2016", "Fig. 3", "e.g. The").
_SENTENCE_END = re.compile(
    r"(?<!\bal\.)(?<!\bFig\.)(?<!\bEq\.)(?<!\bvs\.)(?<!\bNo\.)(?<!\bpp\.)(?<!\be\.g\.)"
    r"(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Z0-9(\[\u201c\"])"
)


def split_sentences(text: str) -> list[str]:
    """Sentences with their trailing whitespace kept, so that joining them restores the text.

    Used instead of nltk's punkt (the splitter's default) because loading punkt costs about
    1.4 s in every worker process, longer than chunking a typical paper.
    """
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    page_start: int  # 1-based
    page_end: int
    char_start: int  # offsets into the pages joined by PAGE_SEPARATOR
    char_end: int


@lru_cache(maxsize=4)
def tokenizer_for(model: str):
    """The embedding model's tokenizer, so chunk sizes are in the tokens it will see.

    Returns a function text -> (token start offsets in characters).
    """
    folder = Path(embedding_model_path(model))
    if (folder / "tokenizer.json").is_file():
        from tokenizers import Tokenizer

        fast = Tokenizer.from_file(str(folder / "tokenizer.json"))
        fast.no_truncation()  # the model's file truncates at its window; we count all
        fast.no_padding()
        return lambda text: [start for start, _ in
                             fast.encode(text, add_special_tokens=False).offsets]
    try:
        from transformers import AutoTokenizer

        slow = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:
        raise ModelNotAvailable(
            f"cannot load the tokenizer of {model!r} offline ({exc}); give a local folder path"
        ) from None
    return lambda text: [start for start, _ in slow(text, add_special_tokens=False,
                                                     return_offsets_mapping=True)["offset_mapping"]]


def _document_counter(text: str, tokenize: Callable[[str], list[int]]) -> Callable[[str], Sized]:
    """Token counts of pieces of one document, read off a single tokenization of the whole.

    The splitter measures the document, then its paragraphs, then every sentence; tokenizing
    each piece again cost four times the chunking itself. Pieces are found in the document
    and their tokens counted between offsets.
    """
    token_starts = tokenize(text)

    def count(piece: str) -> Sized:
        start = text.find(piece)
        if start < 0:  # not a verbatim piece (the splitter joined or trimmed it)
            return tokenize(piece)
        lo = bisect.bisect_left(token_starts, start)
        return range(bisect.bisect_left(token_starts, start + len(piece)) - lo)

    return count


def _splitter(text: str, settings: ChunkSettings) -> SentenceSplitter:
    counter = _document_counter(text, tokenizer_for(settings.tokenizer_model))
    return SentenceSplitter(settings.chunk_size, settings.chunk_overlap, counter,
                            split_sentences)


def chunk_pages(pages: list[str], settings: ChunkSettings) -> list[Chunk]:
    """Split the document's text into overlapping chunks with their page span and offsets."""
    text = PAGE_SEPARATOR.join(pages)
    if not text.strip():
        return []
    page_starts, offset = [], 0
    for page in pages:
        page_starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    chunks, cursor = [], 0
    for piece in _splitter(text, settings).split_text(text):
        start = text.find(piece, cursor)
        if start < 0:  # the splitter normalised whitespace; fall back to the piece's head
            start = text.find(piece[:40], cursor)
        if start < 0:
            start = cursor
        end = min(len(text), start + len(piece))
        chunks.append(Chunk(
            index=len(chunks),
            text=piece,
            page_start=bisect.bisect_right(page_starts, start),
            page_end=bisect.bisect_right(page_starts, max(start, end - 1)),
            char_start=start,
            char_end=end,
        ))
        cursor = start + 1
    return chunks
