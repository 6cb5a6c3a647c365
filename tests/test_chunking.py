"""litlab's port of llama-index's SentenceSplitter cuts exactly the chunks llama-index cuts."""
from __future__ import annotations

import random

import pytest

from litlab.ingest.chunking import _document_counter, chunk_pages, split_sentences, tokenizer_for
from litlab.ingest.splitter import SentenceSplitter
from litlab.settings import ChunkSettings


def llama_chunks(text: str, settings: ChunkSettings) -> list[str]:
    from llama_index.core.node_parser import SentenceSplitter as LlamaSplitter

    counter = _document_counter(text, tokenizer_for(settings.tokenizer_model))
    return LlamaSplitter(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                         tokenizer=counter, chunking_tokenizer_fn=split_sentences,
                         include_metadata=False, include_prev_next_rel=False).split_text(text)


def port_chunks(text: str, settings: ChunkSettings) -> list[str]:
    counter = _document_counter(text, tokenizer_for(settings.tokenizer_model))
    return SentenceSplitter(settings.chunk_size, settings.chunk_overlap, counter,
                            split_sentences).split_text(text)


def _synthetic(rng: random.Random) -> str:
    words = ["citation", "analysis,", "of", "networks;", "et", "al.", "Fig.", "3", "shows",
             "the", "results.", "A", "very-long-hyphenated-compound-word-without-spaces",
             "(see", "Table", "2).", "\n", "\n\n", "\n\n\n", "。", "Über", "x" * 400]
    return " ".join(rng.choice(words) for _ in range(rng.randint(0, 3000)))


@pytest.mark.parametrize("chunk_size, overlap", [(256, 32), (64, 0), (40, 20)])
def test_the_port_cuts_what_llama_index_cuts_on_generated_text(chunk_size, overlap):
    settings = ChunkSettings(chunk_size=chunk_size, chunk_overlap=overlap)
    rng = random.Random(chunk_size)
    for _ in range(25):
        text = _synthetic(rng)
        assert port_chunks(text, settings) == llama_chunks(text, settings)


def test_the_port_cuts_what_llama_index_cuts_on_the_shared_pdfs(scisci):
    import pymupdf

    settings = ChunkSettings()
    compared = 0
    for path in sorted((scisci / "pdfs").glob("*.pdf")):
        with pymupdf.open(path) as doc:
            text = "\n\n".join(page.get_text(sort=False) for page in doc)
        expected = llama_chunks(text, settings)
        assert port_chunks(text, settings) == expected, path.name
        compared += len(expected)
    assert compared > 500


def test_chunks_still_map_back_to_their_pages():
    pages = ["First page. " * 200, "Second page has text. " * 150, "Third. " * 90]
    chunks = chunk_pages(pages, ChunkSettings())
    full = "\n\n".join(pages)
    assert chunks and all(full[c.char_start:c.char_end] == c.text for c in chunks)
    assert chunks[0].page_start == 1 and chunks[-1].page_end == 3
