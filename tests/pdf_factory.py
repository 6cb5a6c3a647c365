"""Small real PDFs made with PyMuPDF, for the edge cases a folder of papers contains."""
from __future__ import annotations

from pathlib import Path

import pymupdf


def text_pdf(path: Path, pages: list[str], metadata: dict | None = None) -> Path:
    """A PDF with a real text layer, one string per page."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        if page.insert_textbox(pymupdf.Rect(50, 50, 545, 790), text, fontsize=9) < 0:
            raise ValueError("the text does not fit on one page; split it")
    if metadata:
        doc.set_metadata(metadata)
    doc.save(path)
    doc.close()
    return path


def encrypted_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret text of a protected paper")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
    doc.close()
    return path


def image_only_pdf(path: Path) -> Path:
    """A 'scanned' page: an image and no text layer."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(180)
    page.insert_image(pymupdf.Rect(72, 72, 472, 272), pixmap=pix)
    doc.save(path)
    doc.close()
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path
