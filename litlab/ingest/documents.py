"""Storing PDFs: text per page, chunks, and the link to their record."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from litlab.ingest.exports import sha256_file
from litlab.ingest.linking import RecordMatcher
from litlab.ingest.pdf_text import USABLE, PdfText, extract_many
from litlab.ingest.report import DocumentSummary
from litlab.settings import IngestSettings
from litlab.store import insert_frame, transaction


def record_matcher(con: duckdb.DuckDBPyConnection, settings: IngestSettings) -> RecordMatcher:
    """DOIs and titles of every stored record, for linking PDFs."""
    rows = con.execute("SELECT record_id, doi, title_key FROM records").fetchall()
    return RecordMatcher(rows, settings.pdf_title_threshold)


def import_pdfs(con: duckdb.DuckDBPyConnection, paths: list[Path], settings: IngestSettings,
                progress: Callable[[int], None] | None = None) -> list[DocumentSummary]:
    """Extract, chunk, link and store PDFs; files already stored (same bytes) are left alone."""
    summaries: dict[str, DocumentSummary] = {}
    todo: list[tuple[str, str]] = []
    known = dict(con.execute("SELECT sha256, document_id FROM documents").fetchall())
    for path in paths:
        sha = sha256_file(path)
        if sha in known:
            summaries[str(path)] = DocumentSummary(str(path), "unchanged", known[sha])
            if progress:
                progress(1)
        elif sha not in {s for _, s in todo}:
            todo.append((str(path), sha))
    if todo:
        matcher = record_matcher(con, settings)
        workers = settings.pdf_workers or os.cpu_count() or 1
        next_id = con.execute("SELECT coalesce(max(document_id), 0) + 1 FROM documents").fetchone()[0]
        next_chunk = con.execute("SELECT coalesce(max(chunk_id), 0) + 1 FROM chunks").fetchone()[0]
        docs, pages, chunks = [], [], []
        shas = dict(todo)
        for result in extract_many([p for p, _ in todo], settings.chunks, workers,
                                   settings.pdf_max_pages):
            summary = _summarise(result, next_id, matcher, settings)
            docs.append(_document_row(result, summary, shas[result.path]))
            pages.extend((next_id, i + 1, text) for i, text in enumerate(result.pages))
            for c in result.chunks:
                chunks.append((next_chunk, next_id, c.index, c.text, c.page_start, c.page_end,
                               c.char_start, c.char_end))
                next_chunk += 1
            summaries[result.path] = summary
            next_id += 1
            if progress:
                progress(1)
        _write(con, docs, pages, chunks)
    return [summaries[str(p)] for p in paths if str(p) in summaries]


def _summarise(result: PdfText, document_id: int, matcher: RecordMatcher,
               settings: IngestSettings) -> DocumentSummary:
    summary = DocumentSummary(result.path, result.status, document_id, len(result.pages),
                              len(result.chunks), error=result.error)
    if result.status in USABLE + ("no_text",):
        link = matcher.match(result.path, result.pages, result.metadata, settings.pdf_doi_pages)
        if link:
            summary.record_id, summary.link_method = link.record_id, link.method
            summary.link_score = link.score
    return summary


def _document_row(result: PdfText, summary: DocumentSummary, sha: str) -> tuple:
    return (summary.document_id, str(Path(result.path).resolve()), sha, len(result.pages),
            sum(len(p) for p in result.pages), result.status, result.error, summary.record_id,
            summary.link_method, summary.link_score,
            json.dumps(result.metadata, ensure_ascii=False), datetime.now())


def _write(con: duckdb.DuckDBPyConnection, docs: list, pages: list, chunks: list) -> None:
    with transaction(con):
        insert_frame(con, "documents", pd.DataFrame(docs, columns=[
            "document_id", "path", "sha256", "n_pages", "n_chars", "status", "error",
            "record_id", "link_method", "link_score", "metadata", "added_at"]))
        insert_frame(con, "pages", pd.DataFrame(pages, columns=["document_id", "page", "text"]))
        insert_frame(con, "chunks", pd.DataFrame(chunks, columns=[
            "chunk_id", "document_id", "chunk_index", "text", "page_start", "page_end",
            "char_start", "char_end"]))


def relink_documents(con: duckdb.DuckDBPyConnection, settings: IngestSettings) -> int:
    """Link stored PDFs that had no record yet (their export arrived later); return how many."""
    unlinked = con.execute(
        "SELECT document_id, path, metadata FROM documents "
        "WHERE record_id IS NULL AND status IN ('ok', 'repaired', 'no_text')"
    ).fetchall()
    if not unlinked:
        return 0
    matcher = record_matcher(con, settings)
    linked = 0
    for document_id, path, metadata in unlinked:
        pages = [t for (t,) in con.execute(
            "SELECT text FROM pages WHERE document_id = ? AND page <= ? ORDER BY page",
            [document_id, max(1, settings.pdf_doi_pages)]).fetchall()]
        link = matcher.match(path, pages, json.loads(metadata or "{}"), settings.pdf_doi_pages)
        if link:
            con.execute("UPDATE documents SET record_id = ?, link_method = ?, link_score = ? "
                        "WHERE document_id = ?", [link.record_id, link.method, link.score,
                                                  document_id])
            linked += 1
    return linked
