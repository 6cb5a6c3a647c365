#!/usr/bin/env python3
"""Generate the bundled litlab demo corpus (fictitious records).

    python corpora/make_demo.py [--out DIR]

Writes into DIR (default: ``demo/`` next to this script):

* ``scopus_demo.csv``  Scopus-layout CSV export (UTF-8 with BOM, all fields quoted)
* ``extra.ris``        Scopus-style RIS export (CRLF), partly overlapping the CSV
* ``pdfs/*.pdf``       six small full-text PDFs
* ``demo_truth.csv``   gold labels (theme, uses_bibliometrics) per record
* ``demo_pdfs.csv``    which record each PDF is expected to be linked to
* ``README.md``        description of the files and their quirks

The texts (names, institutions, venues, copyright lines, title and abstract templates per
theme, PDF sections, the README) are data under ``demo_templates/``; the code that draws and
assembles them is in ``demo_generator/``. Everything is drawn from ``random.Random(20261123)``
without timestamps, so repeated runs produce byte-identical files. All records are invented;
the DOI prefix 10.9999 is not a real registrant and the institutions are fictitious.

Only the standard library and pymupdf are used.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_generator, also under runpy

from demo_generator.exports import write_ris, write_scopus_csv, write_truth  # noqa: E402
from demo_generator.pdfs import write_conference_notes, write_paper_pdf  # noqa: E402
from demo_generator.people import build_author_pools  # noqa: E402
from demo_generator.records import (N_BIB_OA, N_PER_THEME, finalise, make_new_records,  # noqa: E402
                                    make_records, plan_quirks)
from demo_generator.templates import README  # noqa: E402

SEED = 20261123


def generate(out: Path):
    rng = random.Random(SEED)
    teams = build_author_pools(rng)
    records = make_records(rng, teams)
    records = finalise(rng, records)
    roles = plan_quirks(rng, records)

    new_records = make_new_records(rng, teams, records)

    if out.exists():
        for name in ("scopus_demo.csv", "extra.ris", "demo_truth.csv", "demo_pdfs.csv", "README.md"):
            (out / name).unlink(missing_ok=True)
        for old in sorted((out / "pdfs").glob("*.pdf")):  # stale PDFs from an earlier version
            old.unlink()
    (out / "pdfs").mkdir(parents=True, exist_ok=True)

    n_rows = write_scopus_csv(out / "scopus_demo.csv", rng, records, roles)
    n_ris = write_ris(out / "extra.ris", rng, roles, new_records)
    write_truth(out / "demo_truth.csv", records, new_records)

    pdf_rows = []
    for key in ("pdf_fn1", "pdf_fn2", "pdf_fn3"):
        rec = roles[key]
        name = f"paper_{rec['doi'].replace('/', '_')}.pdf"
        write_paper_pdf(out / "pdfs" / name, rec, "publisher", rng)
        pdf_rows.append((name, rec["doi"], "filename_doi", rec))
    rec = roles["pdf_text"]
    write_paper_pdf(out / "pdfs" / "manuscript_final_v2.pdf", rec, "aam", rng)
    pdf_rows.append(("manuscript_final_v2.pdf", rec["doi"], "text_doi", rec))
    rec = roles["pdf_title"]
    write_paper_pdf(out / "pdfs" / "scan_0007.pdf", rec, "scan", rng)
    pdf_rows.append(("scan_0007.pdf", rec["doi"], "title", rec))
    write_conference_notes(out / "pdfs" / "conference_notes.pdf")
    pdf_rows.append(("conference_notes.pdf", "", "none", None))
    with open(out / "demo_pdfs.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "doi", "expected_link"])
        for name, doi, how, _rec in pdf_rows:
            w.writerow([name, doi, how])

    desc = {
        "filename_doi": "linked by the DOI in the file name",
        "text_doi": "neutral file name; the DOI appears only in the page-1 text",
        "title": "neutral file name, no DOI anywhere; page-1 title equals the CSV title",
        "none": "matches no record (stays a standalone document)",
    }
    pdf_lines = []
    for name, doi, how, rec in pdf_rows:
        extra = ""
        if rec is not None:
            extra = f" -> `{doi}` ({rec['theme']}, {'uses' if rec['bib'] else 'does not use'} bibliometrics"
            extra += ", CSV abstract missing: the PDF supplies the text)" if rec["abstract"] is None else ")"
        pdf_lines.append(f"- `{name}`: {desc[how]}{extra}")
    stats = dict(
        n_rows=n_rows, n_csv=len(records), n_dup_rows=len(roles["dup_rows"]), n_ris=n_ris,
        n_ris_dup=n_ris - len(new_records), n_ris_new=len(new_records), n_pdfs=len(pdf_rows),
        n_truth=len(records) + len(new_records), n_per_theme=N_PER_THEME, n_bib_oa=N_BIB_OA,
        n_true=sum(r["bib"] for r in records + new_records),
        n_noabs=len(roles["no_abstract"]), n_nodoi=len(roles["no_doi"]), n_nocite=len(roles["no_cited"]),
        n_newline=len(roles["newline"]),
        n_nonascii=sum(1 for r in records if any(ord(c) > 127 for c in r["title"])),
        n_plain=len(roles["ris_plain"]) + len(roles["ris_enrich"]), n_enrich=len(roles["ris_enrich"]),
        n_resolver=len(roles["ris_resolver"]), n_fuzzy=len(roles["ris_fuzzy"]),
        pdf_lines="\n".join(pdf_lines),
    )
    (out / "README.md").write_text(README.format(**stats), encoding="utf-8", newline="\n")
    return stats, roles, pdf_rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "demo",
                    help="output folder (default: demo/ next to this script)")
    args = ap.parse_args(argv)
    stats, roles, pdf_rows = generate(args.out)
    print(f"wrote {args.out}: {stats['n_rows']} CSV rows ({stats['n_csv']} records), "
          f"{stats['n_ris']} RIS records, {stats['n_pdfs']} PDFs")


if __name__ == "__main__":
    main()
