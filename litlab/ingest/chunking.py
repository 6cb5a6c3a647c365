"""Cutting a PDF's text into chunks that know their pages and character offsets."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sized

from litlab.errors import ModelNotAvailable
from litlab.models import embedding_model_path
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
def token_counter(model: str) -> Callable[[str], list[int]]:
    """The embedding model's tokenizer, so chunk sizes are in the tokens it will see."""
    folder = Path(embedding_model_path(model))
    if (folder / "tokenizer.json").is_file():
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_truncation()  # the model's file truncates at its window; we count all
        tokenizer.no_padding()
        return lambda text: tokenizer.encode(text, add_special_tokens=False).ids
    try:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:
        raise ModelNotAvailable(
            f"cannot load the tokenizer of {model!r} offline ({exc}); give a local folder path"
        ) from None
    return lambda text: tok.encode(text, add_special_tokens=False)


def _sizing_counter(count: Callable[[str], list[int]], chunk_size: int) -> Callable[[str], Sized]:
    """Exact token counts for texts near the chunk size; a cheap over-estimate for long ones.

    The splitter first measures the whole document and each paragraph only to learn that
    they exceed the chunk size; tokenizing them costs more than the chunking itself. A text
    of 16 characters per allowed token cannot fit; its pieces are then measured exactly.
    """
    long_text = chunk_size * 16

    def sized(text: str) -> Sized:
        return range(len(text) // 4) if len(text) > long_text else count(text)

    return sized


@lru_cache(maxsize=4)
def _splitter(settings: ChunkSettings):
    from llama_index.core.node_parser import SentenceSplitter

    counter = _sizing_counter(token_counter(settings.tokenizer_model), settings.chunk_size)
    return SentenceSplitter(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                            tokenizer=counter,
                            chunking_tokenizer_fn=split_sentences,
                            include_metadata=False, include_prev_next_rel=False)


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
    for piece in _splitter(settings).split_text(text):
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
