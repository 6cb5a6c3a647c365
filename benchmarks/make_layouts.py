"""Write N records in one export layout, synthesised from the real rows of the shared scisci CSV.

    python benchmarks/make_layouts.py LAYOUT ROWS OUT   (LAYOUT: scisci, scopus, wos_tab, ris,
                                                          openalex_jsonl)

Row i is real row i mod 1,124 (its authors, affiliations, abstract, keywords, outlet, year)
with a unique DOI, EID/UT/OpenAlex id, and a title made unique by replacing three of its words
with words of other real titles (so copies of one real title are not near-duplicates of each
other). Planted, and printed as JSON at the end, so that the benchmark can check the counts:
- 1% of rows repeat a recent row with the same DOI (found by DOI);
- 0.5% repeat a recent row with no DOI and no database id, its title upper-cased and ended
  with a full stop (found by title and year);
- 0.1% are broken: a field too many (CSV, tab-delimited), no title and no DOI (RIS), a line
  cut in half (JSON Lines); each is rejected.
Deterministic. Big files go under /tmp or build/ (never committed).
"""
from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci" / "science_of_science.csv"
LAYOUTS = ("scisci", "scopus", "wos_tab", "ris", "openalex_jsonl")
SCOPUS_HEADER = ["Authors", "Author(s) ID", "Title", "Year", "Source title", "Cited by", "DOI",
                 "Link", "Affiliations", "Abstract", "Author Keywords", "Document Type",
                 "Open Access", "Language of Original Document", "Source", "EID"]
WOS_HEADER = ["PT", "AU", "TI", "SO", "DE", "AB", "C1", "TC", "PY", "DT", "LA", "DI", "UT"]


def real_rows() -> list[dict]:
    with open(SCISCI, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class Works:
    """Records drawn from the real rows, each with unique identifiers and title."""

    def __init__(self, seed: int = 20261208):
        self.rows = real_rows()
        self.words = sorted({w for r in self.rows for w in r["title"].split() if w.isalpha()})
        self.rng = random.Random(seed)

    def work(self, i: int) -> dict:
        row = dict(self.rows[i % len(self.rows)])
        words = row["title"].split()
        for k in self.rng.sample(range(len(words)), min(3, len(words))):
            words[k] = self.rng.choice(self.words)
        row["title"] = " ".join(words)
        row["doi"] = f"10.{5000 + i % 4000}/syn.{i}"
        row["eid"] = f"2-s2.0-{86000000000 + i}"
        row["ut"] = f"WOS:{900000000000000 + i}"
        row["oa"] = f"https://openalex.org/W{7000000000 + i}"
        return row


def scopus_cells(w: dict) -> list[str]:
    return [w["authors"], w["authors_id"], w["title"], w["year"], w["outlet"], w["citations"],
            w["doi"], f"https://www.scopus.com/inward/record.uri?eid={w['eid']}", w["affiliations"],
            w["abstract"], w["keywords"], w["outlet_type"], w["open_access"], w["language"],
            "Scopus", w["eid"]]


def _flat(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def wos_cells(w: dict) -> list[str]:
    return ["J", w["authors"], w["title"], w["outlet"], w["keywords"], w["abstract"],
            w["affiliations"], w["citations"], w["year"], w["outlet_type"], w["language"],
            w["doi"], w["ut"]]


def ris_record(w: dict) -> str:
    lines = ["TY  - JOUR"] + [f"AU  - {a.strip()}" for a in w["authors"].split(";") if a.strip()]
    lines += [f"TI  - {w['title']}", f"PY  - {w['year']}", f"T2  - {w['outlet']}",
              f"AB  - {w['abstract']}"] if w["title"] else []
    lines += [f"KW  - {k.strip()}" for k in w["keywords"].split(";") if k.strip()]
    lines += [f"AD  - {a.strip()}" for a in w["affiliations"].split(";") if a.strip()]
    lines += [f"DO  - {w['doi']}"] if w["doi"] else []
    lines += [f"UR  - https://www.scopus.com/inward/record.uri?eid={w['eid']}"] if w["eid"] else []
    lines += [f"LA  - {w['language']}", "DB  - Scopus", "ER  - ", ""]
    return "\n".join(lines)


def openalex_line(w: dict) -> str:
    inverted: dict[str, list[int]] = {}
    for pos, word in enumerate(w["abstract"].split()):
        inverted.setdefault(word, []).append(pos)
    authors = [a.strip() for a in w["authors"].split(";") if a.strip()]
    insts = [a.strip() for a in w["affiliations"].split(";") if a.strip()] or [None]
    return json.dumps({
        "id": w["oa"] or None, "doi": f"https://doi.org/{w['doi']}" if w["doi"] else None,
        "title": w["title"], "display_name": w["title"],
        "publication_year": int(w["year"]) if w["year"].isdigit() else None,
        "type": w["outlet_type"].lower(), "language": "en", "cited_by_count": int(w["citations"] or 0),
        "primary_location": {"source": {"display_name": w["outlet"], "type": "journal"}},
        "authorships": [{"author": {"id": f"https://openalex.org/A{sum(map(ord, a)) * 7919 % 10**9}",
                                    "display_name": a},
                         "institutions": [{"display_name": insts[k % len(insts)]}],
                         "raw_author_name": a} for k, a in enumerate(authors)],
        "keywords": [{"display_name": k.strip()} for k in w["keywords"].split(";") if k.strip()],
        "abstract_inverted_index": inverted,
    }, ensure_ascii=False)


def write(layout: str, n: int, out: Path) -> dict:
    """Write the file; return what was planted."""
    works = Works()
    rng = random.Random(7)
    planted = {"rows": n, "doi": 0, "title_year": 0, "rejects": 0}
    recent: list[dict] = []
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if layout == "scisci":
            writer.writerow(list(works.rows[0].keys()))
        elif layout == "scopus":
            writer.writerow(SCOPUS_HEADER)
        elif layout == "wos_tab":
            fh.write("\t".join(WOS_HEADER) + "\t\n")
        for i in range(n):
            roll = rng.random()
            broken = roll < 0.001
            if 0.001 <= roll < 0.011 and recent:
                w, planted["doi"] = dict(recent[rng.randrange(len(recent))]), planted["doi"] + 1
            elif 0.011 <= roll < 0.016 and recent:
                w = dict(recent[rng.randrange(len(recent))])
                w.update(doi="", eid="", ut="", oa="", title=w["title"].upper() + ".")
                planted["title_year"] += 1
            else:
                w = works.work(i)
                recent = (recent + [w])[-2000:] if i % 3 == 0 else recent
            if broken:
                planted["rejects"] += 1
            if layout == "scisci":
                cells = [w[k] for k in works.rows[0].keys()]
                writer.writerow(cells + ["an extra field"] if broken else cells)
            elif layout == "scopus":
                writer.writerow(scopus_cells(w) + (["an extra field"] if broken else []))
            elif layout == "wos_tab":
                cells = [_flat(c) for c in wos_cells(w)] + (["an extra field"] if broken else [])
                fh.write("\t".join(cells) + "\t\n")
            elif layout == "ris":
                fh.write(ris_record(dict(w, title="", doi="") if broken else w))
            else:
                line = openalex_line(w)
                fh.write((line[: len(line) // 2] if broken else line) + "\n")
    planted["bytes"] = out.stat().st_size
    return planted


def main() -> None:
    layout, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    if layout not in LAYOUTS:
        raise SystemExit(f"layout must be one of {', '.join(LAYOUTS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    print(json.dumps(write(layout, n, out)))


if __name__ == "__main__":
    main()
