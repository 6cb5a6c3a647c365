"""Plain-text rendering of library results for the terminal."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from litlab.ingest.report import IngestReport
from litlab.terminal import visible


def tqdm_progress(description: str, total: int) -> Callable[[int], None]:
    """A progress bar on stderr for one stage; returns its advance function."""
    from tqdm import tqdm

    unit = "file" if description in ("exports", "PDFs") else "record" if description == "labeling" \
        else "item"
    if description.startswith("reading "):  # one export file, counted in bytes read
        bar = tqdm(total=total, desc=description, unit="B", unit_scale=True, leave=False,
                   disable=total < 2)
    else:
        bar = tqdm(total=total, desc=description, unit=unit, leave=False, disable=total < 2)
    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()
    # A stage with more to say (requests in flight, retried, failed) sets the postfix.
    # Redrawn at once: while every request fails nothing advances the bar, and the failures
    # must show. (Server error bodies reach it: their control characters escaped.)
    advance.status = lambda text: bar.set_postfix_str(visible(text, one_line=True))
    advance.close = bar.close  # a stage that fails clears its bar before the error line
    return advance


def _name(path: str) -> str:
    return Path(path).name


def format_ingest_report(report: IngestReport) -> str:
    """What was stored, merged, rejected and linked, one block per input."""
    lines: list[str] = []
    for imp in report.imports:
        if imp.status == "unchanged":
            lines.append(f"{_name(imp.file)}: unchanged, {imp.message}")
            continue
        if imp.status == "failed":
            lines.append(f"{_name(imp.file)}: FAILED: {imp.message}")
            continue
        lines.append(
            f"{_name(imp.file)} [{imp.format}, {imp.encoding}]: {imp.rows_read} rows read -> "
            f"{imp.stored} stored, {imp.duplicates} duplicates, {imp.rejected} rejected"
        )
        if imp.duplicate_reasons:
            merged = ", ".join(f"{n} by {r}" for r, n in sorted(imp.duplicate_reasons.items()))
            lines.append(f"  duplicates merged: {merged}; {imp.enriched} kept records enriched")
        for reason, n in imp.reject_reasons.items():
            lines.append(f"  rejected {n}: {reason}")
        if imp.reject_lines:
            more = " ..." if imp.rejected > len(imp.reject_lines) else ""
            lines.append(f"  rejected lines: {', '.join(map(str, imp.reject_lines))}{more}")
        if imp.message:
            lines.append(f"  note: {imp.message}")
    if report.documents:
        new = [d for d in report.documents if d.status != "unchanged"]
        linked = sum(1 for d in new if d.record_id is not None)
        lines.append(f"PDFs: {len(report.documents)} given, {len(new)} new, "
                     f"{len(report.documents) - len(new)} unchanged; {linked} of the new linked")
        for d in new:
            where = (f"record {d.record_id} ({d.link_method})" if d.record_id is not None
                     else "not linked")
            detail = f"{d.pages} pages, {d.chunks} chunks" + (f" ({d.error})" if d.error else "")
            lines.append(f"  {_name(d.file)}: {d.status}, {detail}; {where}")
    if report.relinked:
        lines.append(f"{report.relinked} earlier PDFs linked to records that arrived now")
    for path, why in report.skipped:
        lines.append(f"skipped {path}: {why}")
    if not report.changed and not any(i.status == "failed" for i in report.imports):
        lines.append("Nothing changed: every input read is already in the corpus"
                     + (f"; {len(report.skipped)} not read (above)." if report.skipped else "."))
    return "\n".join(lines)


def _bar(n: int, most: int, width: int = 30) -> str:
    return "#" * max(1, round(width * n / most)) if most else ""


def format_stats(stats: dict) -> str:
    """The `litlab info` summary."""
    docs = stats["documents"]
    lines = [
        f"records: {stats['records']} ({stats['with_abstract']} with abstract, "
        f"{stats['with_doi']} with DOI); duplicates merged: {stats['duplicates']}; "
        f"rejected rows: {stats['rejected']}",
        f"PDFs: {docs['total']} ({docs['linked']} linked to records, {docs['failed']} failed), "
        f"{docs['pages']} pages, {docs['chunks']} chunks",
    ]
    if stats["years"]:
        lines.append("\nby year:")
        most = max(y["n"] for y in stats["years"])
        lines += [f"  {y['year'] or '?':>6}  {y['n']:>5}  {_bar(y['n'], most)}" for y in stats["years"]]
    if stats["types"]:
        lines.append("\nby document type:")
        lines += [f"  {t['n']:>5}  {t['type'] or '(none)'}" for t in stats["types"]]
    if stats["sources"]:
        lines.append("\ntop sources:")
        lines += [f"  {s['n']:>5}  {s['source'][:90]}" for s in stats["sources"]]
    if stats["imports"]:
        lines.append("\nimports:")
        for i in stats["imports"]:
            lines.append(f"  #{i['import_id']} {_name(i['file'])} [{i['format']}] {i['rows_read']} read, "
                         f"{i['stored']} stored, {i['duplicates']} duplicates, {i['rejected']} rejected"
                         f"  ({i['finished_at']})")
    if stats["unlinked_documents"]:
        lines.append("\nPDFs without a record:")
        lines += [f"  {_name(d['path'])} ({d['status']})" for d in stats["unlinked_documents"]]
    return "\n".join(lines)


def format_index_report(report) -> str:
    """What `litlab index` embedded and built."""
    lines = [f"model: {report.model}"]
    for granularity, g in report.granularities.items():
        lines.append(f"  {granularity}s: {g['objects']} in corpus, {g['embedded']} embedded now, "
                     f"{g['removed']} removed; FAISS {g['faiss'] or '-'}")
    lines.append(f"  BM25 full-text index {'rebuilt' if report.bm25_rebuilt else 'up to date'}")
    lines.append(f"done in {report.seconds:.1f} s")
    return "\n".join(lines)


def results_records(frame) -> list[dict]:
    """Search results as JSON-ready dicts (NaN and numpy types made plain)."""
    import math

    import pandas as pd

    out = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "tolist"):  # numpy arrays (list columns) and numpy scalars
                value = value.tolist()
            elif hasattr(value, "item"):
                value = value.item()
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                value = None
            clean[key] = value
        out.append(clean)
    return out


def format_results(frame) -> str:
    """One block per record: rank, title, year, source, DOI, score; passage and page."""
    import textwrap

    if frame.empty:
        return "No matching records."
    lines = []
    for row in results_records(frame):
        lines.append(f"{row['rank']:>3}. [{row['record_id']}] {row['title']}")
        meta = [str(row["year"] or "n.d."), (row["source_title"] or "")[:60],
                f"doi:{row['doi']}" if row["doi"] else "", f"score {row['score']:.4f}"]
        lines.append("     " + " | ".join(m for m in meta if m))
        if row.get("passage"):
            snippet = " ".join(row["passage"].split())[:300]
            pages = (f"p. {row['page']}" if row.get("page_end") in (None, row["page"])
                     else f"pp. {row['page']}-{row['page_end']}")
            lines.append(textwrap.fill(f"{pages}: \u201c{snippet}\u2026\u201d",
                                       width=100, initial_indent="     ",
                                       subsequent_indent="     "))
    return "\n".join(lines)


def format_evaluation(result: dict) -> str:
    """`litlab evaluate`: overall agreement, then precision/recall/F1 per option, then the
    validation sample's estimates where the run has one."""
    ci = result.get("ci", {})

    def interval(pair):
        return f" ({pair[0]:.2f}-{pair[1]:.2f})" if pair and pair[0] == pair[0] else ""

    source = ("all reviews, not a random sample" if result.get("against") == "the reviews"
              else result.get("against", "human labels"))
    lines = [f"run {result['run_id']}, raw labels, against {result['n']} human labels "
             f"({source}): accuracy "
             f"{result['accuracy']:.3f}{interval(ci.get('accuracy'))}, Cohen's kappa "
             f"{result['kappa']:.3f}{interval(ci.get('kappa'))}, ECE {result['ece']:.3f}; "
             "95% CIs in brackets",
             f"{'option':<16}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}"]
    for option in result["f1"]:
        lines.append(f"{option:<16}{result['precision'][option]:>10.3f}"
                     f"{result['recall'][option]:>10.3f}{result['f1'][option]:>10.3f}"
                     f"{result['support'][option]:>9}")
    from litlab.labeling.calibration import format_figures

    lines += format_figures(result)
    if result.get("validation"):
        from litlab.review.report import format_validation

        lines += format_validation(result["validation"])
    if result.get("unusable_labels"):
        from litlab.labeling.unscorable import name_records

        lines.append(f"left out: {len(result['unusable_labels'])} stored labels with unreadable "
                     f"probabilities (records {name_records(result['unusable_labels'])})")
    if result.get("plot"):
        lines.append(f"reliability plot: {result['plot']}")
    return "\n".join(lines)


def format_answer(answer) -> str:
    """The answer, its numbered sources, and what the citation check found."""
    lines = [answer.answer or "(the model gave no answer)", "", "Sources:"]
    for c in answer.citations:
        page = f", p. {c['page']}" if c.get("page") else ""
        doi = f", doi:{c['doi']}" if c.get("doi") else ""
        check = "" if c["verified"] else "  [passage not found in the corpus]"
        lines.append(f"  [{c['n']}] {c['title']} ({c['year']}{doi}{page}) record {c['record_id']}"
                     f"{check}")
        if c.get("by") == "similarity":
            lines.append(f"      not cited by the model; most similar passage to \"{c['sentence']}\" "
                         f"(cosine {c['similarity']:.2f})")
    if not answer.citations:
        lines.append("  (none cited)")
    if answer.invalid_citations:
        lines.append(f"Citations matching no source: {answer.invalid_citations}")
    if answer.uncited_sentences:
        lines.append(f"{len(answer.uncited_sentences)} sentence(s) carry no citation and match "
                     "no source closely enough:")
        lines += [f"  - {s}" for s in answer.uncited_sentences]
    lines.append(f"(answer {answer.answer_id}, {answer.model_id}, {answer.seconds:.1f} s)")
    return "\n".join(lines)


def format_record(detail: dict) -> str:
    """A record as a reader wants it: citation line, identifiers, abstract, linked PDFs."""
    authors = ", ".join(detail.get("authors") or []) or "(no authors)"
    lines = [f"[{detail['record_id']}] {detail.get('title') or '(no title)'}",
             f"{authors} ({detail.get('year') or 'n.d.'}). {detail.get('source_title') or ''}"]
    if detail.get("doi"):
        lines.append(f"doi: {detail['doi']}")
    keywords = list(detail.get("author_keywords") or [])
    if keywords:
        lines.append("keywords: " + "; ".join(keywords))
    lines += ["", detail.get("abstract") or "(no abstract)", ""]
    for d in detail.get("documents", []):
        lines.append(f"PDF: {d['path']} ({d['n_pages'] or 0} pages, {d['status']})")
    if "page_image" in detail:
        image = detail["page_image"]
        lines.append(f"page image: {image['path']} "
                     f"({image['highlighted_pieces']} passage pieces highlighted)")
    return "\n".join(lines)


def format_run_result(result) -> str:
    """What `litlab label` prints when a run stops: counts, status, what was not scored."""
    line = (f"run {', '.join(map(str, result.run_ids))}: {result.labeled} records labeled "
            f"in {result.seconds:.1f} s ({result.status})")
    if result.unscorable:
        line += (f"; {result.unscorable} answer{'s' if result.unscorable != 1 else ''} named no "
                 "option and got no label (kept to read; a resume asks again)")
    from litlab.labeling.calibration import format_calibration

    return (line + f"; `litlab runs show {result.run_ids[0]}` describes it"
            + "".join("\n" + format_calibration(c) for c in result.calibration))


def format_export(result: dict) -> str:
    """What `litlab export` prints: what was written, and the labels it could not use."""
    from litlab.labeling.export import unusable_note

    note = unusable_note(result)
    return (f"wrote {result['rows']} records with runs {result['runs']} to {result['path']}; "
            f"provenance: {result['provenance']}" + (f"\nwarning: {note}" if note else ""))
