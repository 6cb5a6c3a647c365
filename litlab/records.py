"""One record in full: metadata, linked PDFs, and a PDF page with a passage highlighted."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from litlab.errors import RecordNotFound

DETAIL_FIELDS = ("record_id", "title", "authors", "year", "source_title", "volume", "issue",
                 "page_start", "page_end", "doi", "link", "document_type", "language",
                 "cited_by", "author_keywords", "index_keywords", "abstract", "source_db")
# Search passages are cut to a few hundred characters; PyMuPDF finds a phrase only when it
# lies on the page as written, so a passage is looked up piece by piece.
_PIECE_CHARS = 60


def record_detail(con: duckdb.DuckDBPyConnection, record_id: int) -> dict:
    """The record's fields and its linked PDFs (path, pages, status)."""
    row = con.execute(f"SELECT {', '.join(DETAIL_FIELDS)} FROM records WHERE record_id = ?",
                      [record_id]).fetchone()
    if row is None:
        raise RecordNotFound(f"no record {record_id} in this corpus")
    detail = dict(zip(DETAIL_FIELDS, row))
    detail["documents"] = [
        dict(zip(("document_id", "path", "n_pages", "status", "link_method"), d))
        for d in con.execute("SELECT document_id, path, n_pages, status, link_method "
                             "FROM documents WHERE record_id = ? ORDER BY document_id",
                             [record_id]).fetchall()]
    return detail


def page_text(con: duckdb.DuckDBPyConnection, document_id: int, page: int) -> str:
    """The stored text of one page (1-based), as extracted at ingest."""
    row = con.execute("SELECT text FROM pages WHERE document_id = ? AND page = ?",
                      [document_id, page]).fetchone()
    return row[0] if row else ""


def passage_pieces(passage: str) -> list[str]:
    """Sentence-sized phrases of a passage that a PDF text search can find."""
    words = " ".join((passage or "").split())
    pieces = [p.strip() for p in re.split(r"(?<=[.;:!?])\s+", words)]
    out = []
    for piece in pieces:
        while len(piece) > _PIECE_CHARS:
            cut = piece.rfind(" ", 0, _PIECE_CHARS)
            cut = cut if cut > 20 else _PIECE_CHARS
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if len(piece) >= 12:
            out.append(piece)
    return out


def render_page(pdf_path: str | Path, page: int, passage: str | None = None,
                zoom: float = 1.5) -> tuple[bytes, int]:
    """PNG bytes of one PDF page (1-based) with the passage highlighted, and how many
    pieces of the passage were found on the page."""
    import pymupdf as fitz

    with fitz.open(str(pdf_path)) as doc:
        if not 1 <= page <= doc.page_count:
            raise RecordNotFound(f"{Path(pdf_path).name} has no page {page} "
                                 f"(it has {doc.page_count})")
        pdf_page = doc[page - 1]
        found = 0
        for piece in passage_pieces(passage or ""):
            quads = pdf_page.search_for(piece, quads=True)
            if quads:
                found += 1
                pdf_page.add_highlight_annot(quads)
        pixmap = pdf_page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), annots=True)
        return pixmap.tobytes("png"), found
