"""Which record a PDF belongs to.

Evidence, strongest first: a DOI in the file name (``paper_10.1007_s11192-021-04069-9.pdf``,
where "/" became "_"), a DOI in the PDF's metadata, a DOI in the first pages' text, and
finally the record title found in page 1's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from litlab.ingest.fields import DOI_PATTERN, normalise_doi, title_key

_FILENAME_DOI = re.compile(r"10\.\d{4,9}[_/].+", re.I)
MIN_TITLE_KEY = 25  # shorter titles match page text by accident


@dataclass(frozen=True)
class Link:
    record_id: int
    method: str  # filename_doi | metadata_doi | text_doi | title
    score: float


class RecordMatcher:
    """Record keys (DOIs, titles) held in memory for linking a batch of PDFs."""

    def __init__(self, rows: list[tuple[int, str | None, str | None]], title_threshold: float):
        self.title_threshold = title_threshold
        self.by_doi = {doi: rid for rid, doi, _ in rows if doi}
        self.by_file_doi = {doi.replace("/", "_"): rid for rid, doi, _ in rows if doi}
        self.titles = {rid: key for rid, _, key in rows if key and len(key) >= MIN_TITLE_KEY}

    def match(self, path: str, pages: list[str], metadata: dict, doi_pages: int) -> Link | None:
        """The best link for a PDF, or None when nothing identifies its record."""
        return (self._from_filename(Path(path).stem)
                or self._from_text(" ".join(str(v) for v in metadata.values()), "metadata_doi")
                or self._from_text("\n".join(pages[:doi_pages]), "text_doi")
                or self._from_title(pages[0] if pages else ""))

    def _from_filename(self, stem: str) -> Link | None:
        found = _FILENAME_DOI.search(stem.lower())
        if not found:
            return None
        candidate = found.group(0)
        # Trailing suffixes such as "_v2" or "(1)" are cut one separator at a time.
        while candidate:
            rid = self.by_file_doi.get(candidate)
            if rid is not None:
                return Link(rid, "filename_doi", 1.0)
            cut = max(candidate.rfind("_"), candidate.rfind(" "), candidate.rfind("("))
            if cut <= 8:
                return None
            candidate = candidate[:cut]
        return None

    def _from_text(self, text: str, method: str) -> Link | None:
        for found in DOI_PATTERN.finditer(text):
            doi = normalise_doi(found.group(0))
            # Text extraction can glue the next word onto a DOI; try shorter prefixes too.
            while doi and len(doi) > 7:
                rid = self.by_doi.get(doi)
                if rid is not None:
                    return Link(rid, method, 1.0)
                doi = doi[:-1]
        return None

    def _from_title(self, page_one: str) -> Link | None:
        head = title_key(page_one[:3000])
        if not head or not self.titles:
            return None
        best = process.extractOne(head, self.titles, scorer=fuzz.partial_ratio,
                                  score_cutoff=self.title_threshold)
        return Link(best[2], "title", round(best[1] / 100, 3)) if best else None
