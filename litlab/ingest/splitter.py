"""llama-index's SentenceSplitter, without llama-index: the same chunks, a fraction of the cost.

The algorithm is ``llama_index.core.node_parser.SentenceSplitter`` (MIT licence), version
0.12-0.14, kept step for step: split by paragraph separator, then by the sentence function,
then by a phrase regex, by spaces and by characters until every piece fits, then merge pieces
into chunks with a token overlap. What is left out is what litlab never used there: pydantic
models, callbacks, metadata-aware sizes, node ids. Importing llama-index in every PDF worker
cost about a second, and its per-call machinery more than the splitting itself;
``tests/test_chunking.py`` holds this port to llama-index's output on the shared PDFs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sized

CHUNKING_REGEX = re.compile("[^,.;。？！]+[,.;。？！]?|[,.;。？！]")
PARAGRAPH_SEPARATOR = "\n\n\n"


@dataclass
class _Split:
    text: str
    is_sentence: bool
    token_size: int


def _keep_separator(text: str, separator: str) -> list[str]:
    parts = text.split(separator)
    result = [separator + s if i > 0 else s for i, s in enumerate(parts)]
    return [s for s in result if s]


class SentenceSplitter:
    """Chunks of at most ``chunk_size`` tokens, overlapping by up to ``chunk_overlap``."""

    def __init__(self, chunk_size: int, chunk_overlap: int,
                 tokenizer: Callable[[str], Sized], sentences: Callable[[str], list[str]]):
        if chunk_overlap > chunk_size:
            raise ValueError(f"chunk overlap {chunk_overlap} is larger than chunk size "
                             f"{chunk_size}")
        self.chunk_size, self.chunk_overlap = chunk_size, chunk_overlap
        self._tokens = tokenizer
        self._split_fns = [lambda t: _keep_separator(t, PARAGRAPH_SEPARATOR), sentences]
        self._sub_sentence_split_fns = [CHUNKING_REGEX.findall,
                                        lambda t: _keep_separator(t, " "), list]

    def split_text(self, text: str) -> list[str]:
        """The chunks of ``text``, stripped, whitespace-only ones dropped."""
        if text == "":
            return [text]
        return self._merge(self._split(text))

    def _size(self, text: str) -> int:
        return len(self._tokens(text))

    def _splits_by_fns(self, text: str) -> tuple[list[str], bool]:
        for split in self._split_fns:
            pieces = split(text)
            if len(pieces) > 1:
                return pieces, True
        for split in self._sub_sentence_split_fns:
            pieces = split(text)
            if len(pieces) > 1:
                break
        return pieces, False

    def _split(self, text: str) -> list[_Split]:
        size = self._size(text)
        if size <= self.chunk_size:
            return [_Split(text, True, size)]
        pieces, is_sentence = self._splits_by_fns(text)
        out: list[_Split] = []
        for piece in pieces:
            size = self._size(piece)
            if size <= self.chunk_size or len(pieces) == 1:
                out.append(_Split(piece, is_sentence, size))
            else:
                out.extend(self._split(piece))
        return out

    def _merge(self, splits: list[_Split]) -> list[str]:
        chunk_size, overlap = self.chunk_size, self.chunk_overlap
        chunks: list[str] = []
        current: list[tuple[str, int]] = []
        current_len, new_chunk = 0, True

        def close() -> None:
            nonlocal current, current_len, new_chunk
            chunks.append("".join(text for text, _ in current))
            last, current, current_len, new_chunk = current, [], 0, True
            index = len(last) - 1
            while index >= 0 and current_len + last[index][1] <= overlap:
                current_len += last[index][1]
                current.insert(0, last[index])
                index -= 1

        i = 0
        while i < len(splits):
            split = splits[i]
            if split.token_size > chunk_size:
                raise ValueError("Single token exceeded chunk size")
            if current_len + split.token_size > chunk_size and not new_chunk:
                close()
                continue
            if new_chunk and current_len + split.token_size > chunk_size:
                while current and current_len + split.token_size > chunk_size:
                    current_len -= current.pop(0)[1]
            if split.is_sentence or current_len + split.token_size <= chunk_size or new_chunk:
                current_len += split.token_size
                current.append((split.text, split.token_size))
                i += 1
                new_chunk = False
            else:
                close()
        if not new_chunk:
            chunks.append("".join(text for text, _ in current))
        return [c.strip() for c in chunks if c.strip()]
