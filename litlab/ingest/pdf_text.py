"""Text per page and chunks from a PDF with PyMuPDF, run in worker processes.

Every failure becomes a status with a message (empty, not_pdf, corrupt, encrypted, no_text) so
one bad file never stops the batch.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from functools import partial
from typing import Iterator

from litlab.ingest.chunking import Chunk, chunk_pages
from litlab.settings import ChunkSettings

# A page with fewer characters than this is treated as having no text layer.
MIN_CHARS_PER_DOC = 20
# Statuses whose text is stored, chunked and linked.
USABLE = ("ok", "repaired")


@dataclass
class PdfText:
    path: str
    status: str  # ok | repaired | empty | not_pdf | corrupt | encrypted | no_text
    pages: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    error: str | None = None
    chunks: list[Chunk] = field(default_factory=list)


def not_a_pdf(head: bytes) -> str | None:
    """Why a file named .pdf is not one, from its first bytes; None when it is a PDF.

    MuPDF opens almost anything (an HTML page becomes a one-page "PDF" of its text), so
    the header is checked first: readers accept ``%PDF-`` anywhere in the first 1024 bytes.
    """
    if b"%PDF-" in head[:1024]:
        return None
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in text:
        return ("not a PDF but a web page (HTML): a paywall, login or error page saved as "
                ".pdf? Download the article again")
    if text.startswith(b"pk\x03\x04"):
        return "not a PDF but a ZIP archive: unpack it first"
    return "not a PDF: the file has no %PDF- header"


def extract(path: str, max_pages: int = 0) -> PdfText:
    """Read one PDF's text page by page (at most ``max_pages`` if set); never raises."""
    import pymupdf

    if Path(path).stat().st_size == 0:
        return PdfText(path, "empty", error="the file is empty (0 bytes)")
    with open(path, "rb") as fh:
        refused = not_a_pdf(fh.read(1024))
    if refused:
        return PdfText(path, "not_pdf", error=refused)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        return PdfText(path, "corrupt", error=f"cannot be opened as a PDF: {exc}")
    with doc:
        if doc.needs_pass:
            return PdfText(path, "encrypted", error="the PDF is password-protected")
        total = doc.page_count
        read = min(total, max_pages) if max_pages else total
        try:
            pages = [doc[i].get_text(sort=False) for i in range(read)]
        except Exception as exc:
            return PdfText(path, "corrupt", error=f"text extraction failed: {exc}")
        metadata = {k: v for k, v in (doc.metadata or {}).items() if v}
        repaired = doc.is_repaired
    cut = (f"only the first {read} of {total} pages were read (the pdf_max_pages setting)"
           if read < total else None)
    if not pages:
        return PdfText(path, "corrupt", error="the PDF has no pages", metadata=metadata)
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_DOC:
        return PdfText(path, "no_text", pages=pages, metadata=metadata,
                       error="no text layer (a scanned or image-only PDF; run OCR first)")
    if repaired:
        return PdfText(path, "repaired", pages=pages, metadata=metadata,
                       error=f"damaged file repaired by MuPDF; {len(pages)} pages recovered, "
                             "some may be missing" + (f"; {cut}" if cut else ""))
    return PdfText(path, "ok", pages=pages, metadata=metadata, error=cut)


def extract_and_chunk(path: str, settings: ChunkSettings, max_pages: int = 0) -> PdfText:
    """Extract a PDF and cut its text into chunks (both CPU-bound, so both in the worker)."""
    result = extract(path, max_pages)
    if result.status in USABLE:
        result.chunks = chunk_pages(result.pages, settings)
    return result


def extract_many(paths: list[str], settings: ChunkSettings, workers: int,
                 max_pages: int = 0) -> Iterator[PdfText]:
    """Extract and chunk PDFs in parallel processes, yielding results in input order."""
    work = partial(extract_and_chunk, settings=settings, max_pages=max_pages)
    if workers <= 1 or len(paths) <= 1:
        yield from map(work, paths)
        return
    # Largest files first keeps both cores busy to the end; results still come back in order.
    order = sorted(range(len(paths)), key=lambda i: -Path(paths[i]).stat().st_size)
    results: dict[int, PdfText] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        futures = {pool.submit(work, paths[i]): i for i in order}
        next_index = 0
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1
