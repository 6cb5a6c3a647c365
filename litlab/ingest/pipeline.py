"""One ingest: exports first (so PDFs find their records), then PDFs, then late links."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import duckdb

from litlab.errors import InputNotFound, LitlabError
from litlab.ingest.documents import import_pdfs, relink_documents
from litlab.ingest.exports import import_export, load_duplicate_index
from litlab.ingest.report import ImportSummary, IngestReport
from litlab.settings import IngestSettings

# progress(description, total) returns advance(n); the CLI gives tqdm, the UI gr.Progress.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


def is_pdf(path: Path) -> bool:
    """A PDF by extension or by its magic bytes."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def sort_inputs(paths: list[Path]) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """Split user paths into export files, PDFs, and skipped files with the reason."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputNotFound(f"no such file or folder: {', '.join(missing)}")
    exports, pdfs, skipped = [], [], []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                (pdfs.append(child) if is_pdf(child)
                 else skipped.append((str(child), "not a PDF (only PDFs are read from folders)")))
        elif is_pdf(path):
            pdfs.append(path)
        else:
            exports.append(path)
    return exports, pdfs, skipped


def ingest(con: duckdb.DuckDBPyConnection, paths: list[Path], settings: IngestSettings,
           progress: ProgressFactory | None = None) -> IngestReport:
    """Ingest export files and PDFs (files or folders) into the open corpus."""
    exports, pdfs, skipped = sort_inputs([Path(p) for p in paths])
    report = IngestReport(skipped=skipped)
    if exports:
        index = load_duplicate_index(con, settings)
        advance = progress("exports", len(exports)) if progress else None
        for path in exports:
            try:
                report.imports.append(import_export(con, path, settings, index))
            except LitlabError as exc:
                report.imports.append(ImportSummary(str(path), "failed", message=str(exc)))
            if advance:
                advance(1)
    if pdfs:
        advance = progress("PDFs", len(pdfs)) if progress else None
        report.documents = import_pdfs(con, pdfs, settings, advance)
    if any(i.status == "done" and i.stored for i in report.imports):
        report.relinked = relink_documents(con, settings)
    return report
