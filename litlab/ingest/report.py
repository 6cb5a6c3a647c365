"""What an ingest did, in a form the CLI, the UI and scripts can all print."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ImportSummary:
    """One export file: how many rows were read and where each went."""

    file: str
    status: str  # done | unchanged | failed
    format: str | None = None
    encoding: str | None = None
    import_id: int | None = None
    rows_read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    enriched: int = 0
    message: str | None = None
    reject_reasons: dict[str, int] = field(default_factory=dict)
    reject_lines: list[int] = field(default_factory=list)  # the first few, to show
    duplicate_reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class DocumentSummary:
    """One PDF: whether its text was read and which record it belongs to."""

    file: str
    status: str  # ok | repaired | empty | not_pdf | corrupt | encrypted | no_text | unchanged
    document_id: int | None = None
    pages: int = 0
    chunks: int = 0
    record_id: int | None = None
    link_method: str | None = None
    link_score: float | None = None
    error: str | None = None


@dataclass
class IngestReport:
    """Everything one ``Corpus.ingest`` call did."""

    imports: list[ImportSummary] = field(default_factory=list)
    documents: list[DocumentSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    relinked: int = 0  # earlier PDFs linked now that their record arrived

    @property
    def changed(self) -> bool:
        """False when every input was already in the corpus unchanged."""
        return (
            any(i.status == "done" for i in self.imports)
            or any(d.status != "unchanged" for d in self.documents)
            or self.relinked > 0
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changed"] = self.changed
        return data
