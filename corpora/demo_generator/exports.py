"""The export files: a Scopus CSV, a Scopus-style RIS file, and the gold labels."""
from __future__ import annotations

import csv
import hashlib

from demo_generator.people import affil_string

EXPORT_DATE = "15 January 2025"
NO_ABSTRACT = "[No abstract available]"
SCOPUS_HEADER = [
    "Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title",
    "Volume", "Issue", "Art. No.", "Page start", "Page end", "Page count", "Cited by",
    "DOI", "Link", "Affiliations", "Authors with affiliations", "Abstract",
    "Author Keywords", "Index Keywords", "Language of Original Document",
    "Document Type", "Publication Stage", "Open Access", "Source", "EID",
]
RIS_TY = {"Article": "JOUR", "Review": "JOUR", "Editorial": "JOUR", "Conference Paper": "CONF",
          "Book Chapter": "CHAP"}


def link_for(eid):
    md5 = hashlib.md5(eid.encode("ascii")).hexdigest()
    return f"https://www.scopus.com/inward/record.uri?eid={eid}&partnerID=40&md5={md5}"


def affiliations(authors):
    """Each author's affiliation once, in order of first appearance."""
    seen = []
    for a in authors:
        s = affil_string(a.inst)
        if s not in seen:
            seen.append(s)
    return seen


def csv_row(rec):
    if rec["no_author"]:
        authors, full, ids, affs, awa = "[No author name available]", "", "[No author id available]", "", ""
    else:
        au = rec["authors"]
        authors = "; ".join(a.short for a in au)
        full = "; ".join(a.full for a in au)
        ids = "; ".join(str(a.aid) for a in au)
        affs = "; ".join(affiliations(au))
        awa = "; ".join(f"{a.short}, {affil_string(a.inst)}" for a in au)
    if rec["abstract"] is None:
        abstract = NO_ABSTRACT
    else:
        abstract = rec["abstract"] + (" " + rec["tail"] if rec["tail"] else "")
    return [authors, full, ids, rec["title"], str(rec["year"]), rec["source"], rec["volume"], rec["issue"],
            rec["artno"], rec["pstart"], rec["pend"], rec["pcount"], rec["cited"], rec["doi"],
            link_for(rec["eid"]), affs, awa, abstract, rec["akw_out"], rec["ikw_out"], rec["lang"],
            rec["doctype"], rec["stage"], rec["oa"], "Scopus", rec["eid"]]


def write_scopus_csv(path, rng, records, roles):
    ordered = sorted(records, key=lambda r: -r["year"])  # Scopus default sort: newest first (stable)
    rows = [csv_row(r) for r in ordered]
    for rec in roles["dup_rows"]:  # exact duplicate rows, placed elsewhere in the file
        row = csv_row(rec)
        pos = rng.randint(0, len(rows))
        rows.insert(pos, row)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        w.writerow(SCOPUS_HEADER)
        w.writerows(rows)
    return len(rows)


def ris_title_variant(title, k):
    if k == 0:  # Title Case, en dash and colon punctuation changed
        small = {"a", "an", "and", "of", "in", "on", "for", "the", "with", "to", "by", "from", "at", "or"}
        words = title.replace("–", "-").split(" ")
        out = []
        for i, w in enumerate(words):
            out.append(w if (i and w.lower() in small) else w[:1].upper() + w[1:])
        return " ".join(out)
    # colon replaced by a dash, trailing full stop added, first letter after colon capitalised
    head, _, tail = title.partition(": ")
    return f"{head} - {tail[:1].upper()}{tail[1:]}."


def ris_record(rec, doi_mode="plain", title=None, with_abstract=True, cited_bump=0):
    L = [("TY", RIS_TY[rec["doctype"]])]
    if not rec["no_author"]:
        L += [("AU", a.ris) for a in rec["authors"]]
    L.append(("TI", title or rec["title"]))
    L.append(("T2", rec["source"]))
    if rec["abbr"]:
        L.append(("J2", rec["abbr"]))
    for tag, key in (("VL", "volume"), ("IS", "issue"), ("C7", "artno"), ("SP", "pstart"), ("EP", "pend")):
        if rec[key]:
            L.append((tag, rec[key]))
    L.append(("PY", str(rec["year"])))
    if doi_mode == "plain" and rec["doi"]:
        L.append(("DO", rec["doi"]))
    elif doi_mode == "resolver":
        L.append(("DO", "https://doi.org/" + rec["doi"].upper()))
    if doi_mode == "plain":  # the resolver/no-DOI variants carry no Scopus link (no EID to match on)
        L.append(("UR", link_for(rec["eid"])))
    if not rec["no_author"]:
        L += [("AD", s) for s in affiliations(rec["authors"])]
    if with_abstract and rec["abstract_full"]:
        ab = rec["abstract_full"] + (" " + rec["tail"] if rec["tail"] else "")
        L.append(("AB", ab))
    if rec["akw_out"]:
        L += [("KW", k) for k in rec["akw_out"].split("; ")]
    cited = int(rec["cited"] or 0) + cited_bump
    note = f"Export Date: {EXPORT_DATE}"
    if cited:
        note += f"; Cited By: {cited}"
    L.append(("N1", note))
    L.append(("LA", rec["lang"]))
    L.append(("M3", rec["doctype"]))
    if doi_mode == "plain":
        L.append(("DB", "Scopus"))
    L.append(("ER", ""))
    return "".join(f"{t}  - {v}\r\n" for t, v in L) + "\r\n"


def write_ris(path, rng, roles, new_records):
    entries = []
    for r in roles["ris_plain"]:
        entries.append(ris_record(r, cited_bump=rng.randint(0, 3)))
    for r in roles["ris_enrich"]:
        entries.append(ris_record(r, cited_bump=rng.randint(0, 2)))
    for r in roles["ris_resolver"]:
        entries.append(ris_record(r, doi_mode="resolver"))
    for k, r in enumerate(roles["ris_fuzzy"]):
        entries.append(ris_record(r, doi_mode="none", title=ris_title_variant(r["title"], k)))
    for r in new_records:
        entries.append(ris_record(r))
    rng.shuffle(entries)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("".join(entries))
    return len(entries)


def write_truth(path, records, new_records):
    rows = []
    for src, recs in (("csv", records), ("ris", new_records)):
        for r in sorted(recs, key=lambda r: r["seq"]):
            rows.append([r["doi"], r["theme"], "TRUE" if r["bib"] else "FALSE", r["eid"], r["title"], src])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["doi", "theme", "uses_bibliometrics", "eid", "title", "source"])
        w.writerows(rows)
