"""One ingest: exports first (so PDFs find their records), then PDFs, then late links."""
from __future__ import annotations

from pathlib import Path
import duckdb

from litlab.errors import LitlabError, from_system_error
from litlab.ingest.documents import import_pdfs, relink_documents
from litlab.ingest.exports import import_export
from litlab.ingest.inputs import sort_inputs
from litlab.ingest.progress import ProgressFactory
from litlab.ingest.report import ImportSummary, IngestReport
from litlab.settings import IngestSettings

# progress(description, total) returns advance(n); the CLI gives tqdm, the UI gr.Progress.
__all__ = ["ProgressFactory", "ingest"]


def _import_one(con, path: Path, settings: IngestSettings,
                progress: ProgressFactory | None) -> ImportSummary:
    """One export file; whatever goes wrong is that file's failure, never the batch's."""
    try:
        return import_export(con, path, settings, progress)
    except Exception as exc:
        # A full disk or a read-only file system is the machine's failure, not the file's:
        # it stops the batch with its own message (what was committed is kept).
        storage = from_system_error(exc)
        if storage is not None:
            raise storage from None
        return _failed(path, exc)


def _failed(path: Path, exc: Exception) -> ImportSummary:
    """The summary of a file that could not be imported, with why."""
    if isinstance(exc, LitlabError):
        return ImportSummary(str(path), "failed", message=str(exc))
    if isinstance(exc, OSError):
        return ImportSummary(str(path), "failed", message=f"cannot be read: {exc.strerror or exc}")
    # A bug or a limit we did not foresee: say so, go on with the other files.
    return ImportSummary(str(path), "failed", message=(
        f"could not be read ({type(exc).__name__}: {str(exc)[:300]}); nothing from this "
        "file was stored; please report this with the file"))


def ingest(con: duckdb.DuckDBPyConnection, paths: list[Path], settings: IngestSettings,
           progress: ProgressFactory | None = None) -> IngestReport:
    """Ingest export files and PDFs (files or folders) into the open corpus."""
    inputs = sort_inputs([Path(p) for p in paths])
    report = IngestReport(skipped=inputs.skipped)
    report.imports.extend(ImportSummary(p, "failed", message=f"not read: {p} is {why}")
                          for p, why in inputs.refused)
    if not (inputs.exports or inputs.pdfs or inputs.refused):
        raise LitlabError("nothing to ingest: " + "; ".join(
            f"{path} is {why}" if why.startswith("an empty") else f"{path}: {why}"
            for path, why in inputs.skipped))
    if inputs.exports:
        advance = progress("exports", len(inputs.exports)) if progress else None
        for path in inputs.exports:
            # Each file is deduplicated against what is committed: a failed file leaves nothing.
            report.imports.append(_import_one(con, path, settings, progress))
            if advance:
                advance(1)
    if inputs.pdfs:
        advance = progress("PDFs", len(inputs.pdfs)) if progress else None
        report.documents = import_pdfs(con, inputs.pdfs, settings, advance)
    if any(i.status == "done" and i.stored for i in report.imports):
        report.relinked = relink_documents(con, settings)
    return report
