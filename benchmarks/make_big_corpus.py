"""Write a 1M-row Scopus-layout CSV and a 1M-record OpenAlex JSONL for the ingest benchmark.

    python benchmarks/make_big_corpus.py [--rows 1000000] [--out build/big]

Field lengths follow the real shared scisci export (abstracts ~1,250 characters, titles ~85,
2-4 authors with a long tail up to a 2,900-author collaboration, affiliations, keywords) and a
full Scopus export header (46 columns, no References). Words are drawn from the scisci
abstracts and titles when that corpus is beside the checkout, else from a built-in list.

Planted, and written to ``manifest.json`` so the benchmark can check what ingest found:
- 5% of the JSONL works are works of the CSV: 70% with the same DOI, 15% without a DOI but
  the same title and year, 15% without a DOI and a one-letter typo in the title;
- 1% of CSV rows repeat an earlier row (same DOI; DOI blanked; DOI and EID blanked with the
  title's case and punctuation changed) and 0.5% of JSONL lines repeat an earlier line;
- 0.1% of CSV rows have an extra field and 0.1% of JSONL lines are cut off (rejected);
- 3% of works have no DOI.
Deterministic for a given --seed. Files go under build/ (not committed).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci" / "science_of_science.csv"

SCOPUS_HEADER = [
    "Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title", "Volume",
    "Issue", "Art. No.", "Page start", "Page end", "Page count", "Cited by", "DOI", "Link",
    "Affiliations", "Authors with affiliations", "Abstract", "Author Keywords", "Index Keywords",
    "Molecular Sequence Numbers", "Chemicals/CAS", "Tradenames", "Manufacturers",
    "Funding Details", "Funding Texts", "Correspondence Address", "Editors", "Publisher",
    "Sponsors", "Conference name", "Conference date", "Conference location", "Conference code",
    "ISSN", "ISBN", "CODEN", "PubMed ID", "Language of Original Document",
    "Abbreviated Source Title", "Document Type", "Publication Stage", "Open Access", "Source",
    "EID",
]
_FALLBACK_WORDS = (
    "science citation impact analysis research network journal data model study results "
    "method knowledge collaboration publication metric field evidence author policy funding "
    "review open access peer career gender team novelty disruption innovation discovery "
    "bibliometric scientometric indicator altmetric preprint reproducibility replication "
    "interdisciplinary university patent technology diffusion mobility productivity quality"
).split()
_DOC_TYPES = ["Article"] * 70 + ["Review"] * 8 + ["Conference Paper"] * 15 + ["Book Chapter"] * 4 \
    + ["Editorial", "Letter", "Note"]
_PUBLISHERS = ["Elsevier B.V.", "Springer Science and Business Media Deutschland GmbH",
               "John Wiley and Sons Inc", "Taylor and Francis Ltd.", "MDPI",
               "Public Library of Science", "Oxford University Press", "SAGE Publications Ltd"]
_COPYRIGHT = ["© 2023 Elsevier B.V. All rights reserved.", "© The Author(s) 2024.",
              "© 2022 The Authors. Published by Wiley.", "© 2021, Akadémiai Kiadó, Budapest, Hungary.",
              "", "", ""]
_COUNTRIES = ["United States", "Germany", "China", "United Kingdom", "Netherlands", "Italy",
              "Brazil", "Japan", "Spain", "Switzerland", "India", "Canada", "Australia"]


def vocabulary() -> tuple[list[str], np.ndarray, list[str], np.ndarray, list[str]]:
    """Words of abstracts and titles with their frequencies, and titles' first words."""
    if SCISCI.exists():
        import pandas as pd

        frame = pd.read_csv(SCISCI, usecols=["title", "abstract"], dtype=str).fillna("")
        abstract_words = re.findall(r"[A-Za-z][A-Za-z\-]+", " ".join(frame.abstract))
        title_words = re.findall(r"[A-Za-z][A-Za-z\-]+", " ".join(frame.title))
        firsts = [t.split()[0] for t in frame.title if t.split()]
    else:
        abstract_words = title_words = firsts = _FALLBACK_WORDS * 3

    def distribution(words):
        values, counts = np.unique(np.array(words, dtype=object), return_counts=True)
        return list(values), counts / counts.sum()

    a_words, a_p = distribution(abstract_words)
    t_words, t_p = distribution(title_words)
    return a_words, a_p, t_words, t_p, firsts


class Works:
    """Bibliographic works drawn at random, one chunk at a time."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.a_words, self.a_p, self.t_words, self.t_p, self.firsts = vocabulary()
        syllables = ["ka", "mi", "ro", "sen", "lee", "van", "der", "berg", "son", "wang", "zhu",
                     "li", "mar", "tin", "ez", "ova", "ski", "nak", "mura", "ber", "tra", "gar"]
        rng = np.random.default_rng(seed + 1)
        self.surnames = sorted({"".join(rng.choice(syllables, rng.integers(2, 4))).capitalize()
                                for _ in range(20000)})
        self.given = ["Anna", "John", "Wei", "Maria", "Ahmed", "Yuki", "Lars", "Priya", "Carlos",
                      "Fatima", "Olga", "Ben", "Chen", "Sofia", "Tom", "Aisha", "Ivan", "Lena"]
        self.sources = [" ".join(rng.choice(self.t_words, rng.integers(1, 4))).title()
                        for _ in range(3000)]

    def _text(self, words, p, n: int) -> list[str]:
        return list(self.rng.choice(words, size=n, p=p))

    def chunk(self, start: int, n: int) -> list[dict]:
        """Works ``start .. start+n`` with every field the two formats need."""
        rng = self.rng
        n_abstract = np.clip(rng.lognormal(np.log(180), 0.45, n), 8, 1500).astype(int)
        n_title = np.clip(rng.lognormal(np.log(11), 0.35, n), 3, 60).astype(int)
        n_authors = np.clip(rng.lognormal(np.log(3.2), 0.8, n), 1, 200).astype(int)
        huge = rng.random(n) < 0.0003  # big-collaboration papers: hundreds to 2,900 authors
        n_authors[huge] = rng.integers(300, 2900, huge.sum())
        a_words = iter(self._text(self.a_words, self.a_p, int(n_abstract.sum())))
        t_words = iter(self._text(self.t_words, self.t_p, int(n_title.sum())))
        firsts = rng.choice(self.firsts, n)
        years = rng.integers(1990, 2026, n)
        works = []
        for i in range(n):
            title = " ".join([str(firsts[i])] + [next(t_words) for _ in range(n_title[i] - 1)])
            words = [next(a_words) for _ in range(n_abstract[i])]
            for cut in range(12, len(words), 18):  # sentences
                words[cut - 1] += "."
            abstract = " ".join(words).capitalize().rstrip(".") + "."
            people = [(self.surnames[j], self.given[j % len(self.given)])
                      for j in rng.integers(0, len(self.surnames), n_authors[i])]
            institutions = [f"Department of {self.t_words[j].title()}, University of "
                            f"{self.surnames[j % len(self.surnames)]}, "
                            f"{_COUNTRIES[j % len(_COUNTRIES)]}"
                            for j in rng.integers(0, len(self.t_words), max(1, len(people) // 2))]
            number = start + i
            works.append({
                "n": number, "title": title, "abstract": abstract, "year": int(years[i]),
                "people": people, "institutions": institutions,
                "doi": None if rng.random() < 0.03 else f"10.{1000 + number % 9000}/big.{number}",
                "source": self.sources[number % len(self.sources)],
                "keywords": [self.t_words[j] for j in rng.integers(0, len(self.t_words), 5)],
                "index_keywords": [self.t_words[j] for j in rng.integers(0, len(self.t_words), 9)],
                "cited_by": int(rng.poisson(12)), "type": _DOC_TYPES[number % len(_DOC_TYPES)],
                "copyright": _COPYRIGHT[number % len(_COPYRIGHT)],
            })
        return works


def scopus_row(w: dict) -> list[str]:
    """The work as one row of a full Scopus CSV export."""
    people, insts = w["people"], w["institutions"]
    ids = [str(57000000000 + zlib.crc32(" ".join(p).encode()) % 10**9) for p in people]
    authors = "; ".join(f"{s} {g[0]}." for s, g in people)
    full = "; ".join(f"{s}, {g} ({i})" for (s, g), i in zip(people, ids))
    with_aff = "; ".join(f"{s} {g[0]}., {insts[k % len(insts)]}"
                         for k, (s, g) in enumerate(people))
    n = w["n"]
    abstract = w["abstract"] + (" " + w["copyright"] if w["copyright"] else "")
    funding = "Deutsche Forschungsgemeinschaft, DFG: 4410; National Science Foundation, NSF" \
        if n % 4 == 0 else ""
    return [
        authors, full, "; ".join(ids), w["title"], str(w["year"]), w["source"], str(n % 90),
        str(n % 12), "" if n % 3 else f"e{n}", str(n % 900), str(n % 900 + 14), "15",
        str(w["cited_by"]) if n % 50 else "", w["doi"] or "",
        f"https://www.scopus.com/inward/record.uri?eid=2-s2.0-{85000000000 + n}&partnerID=40&md5=x{n}",
        "; ".join(insts), with_aff, abstract, "; ".join(w["keywords"]),
        "; ".join(w["index_keywords"]), "", "", "", "", funding,
        ("This work was supported by the DFG and the NSF. " * 3) if funding else "",
        f"{people[0][0]} {people[0][1][0]}.; {insts[0]}; email: {people[0][0].lower()}@uni.example",
        "", _PUBLISHERS[n % len(_PUBLISHERS)], "", "", "", "", "", f"{n % 9000 + 1000:04d}-1234",
        "", "", str(30000000 + n) if n % 5 == 0 else "", "English", w["source"][:20], w["type"],
        "Final", "All Open Access; Gold Open Access" if n % 3 == 0 else "", "Scopus",
        f"2-s2.0-{85000000000 + n}",
    ]


def openalex_work(w: dict, oa_number: int) -> dict:
    """The work as OpenAlex's API returns it (trimmed of nothing litlab could need)."""
    words = w["abstract"].split()
    inverted: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        inverted.setdefault(word, []).append(pos)
    oid = f"https://openalex.org/W{4000000000 + oa_number}"
    doi = f"https://doi.org/{w['doi']}" if w["doi"] else None
    insts = w["institutions"]
    return {
        "id": oid, "doi": doi, "title": w["title"], "display_name": w["title"],
        "publication_year": w["year"], "publication_date": f"{w['year']}-03-01",
        "ids": {"openalex": oid, "doi": doi, "mag": str(3000000000 + oa_number)},
        "language": "en", "type": w["type"].lower().replace(" ", "-"), "type_crossref": "journal-article",
        "primary_location": {"is_oa": True, "landing_page_url": doi, "pdf_url": None,
                             "source": {"id": f"https://openalex.org/S{w['n'] % 3000}",
                                        "display_name": w["source"], "issn_l": "1234-5678",
                                        "issn": ["1234-5678", "8765-4321"], "is_oa": False,
                                        "host_organization_name": _PUBLISHERS[w["n"] % 8],
                                        "type": "journal"},
                             "license": None, "version": "publishedVersion"},
        "open_access": {"is_oa": w["n"] % 3 == 0, "oa_status": "gold" if w["n"] % 3 == 0 else "closed",
                        "oa_url": doi},
        "authorships": [{
            "author_position": "first" if k == 0 else "middle",
            "author": {"id": f"https://openalex.org/A{5000000000 + zlib.crc32(' '.join(p).encode())}",
                       "display_name": f"{p[1]} {p[0]}", "orcid": None},
            "institutions": [{"id": f"https://openalex.org/I{k % 999}",
                              "display_name": insts[k % len(insts)], "ror": None,
                              "country_code": "DE", "type": "education"}],
            "countries": ["DE"], "is_corresponding": k == 0, "raw_author_name": f"{p[1]} {p[0]}",
            "raw_affiliation_strings": [insts[k % len(insts)]],
        } for k, p in enumerate(w["people"])],
        "cited_by_count": w["cited_by"],
        "biblio": {"volume": str(w["n"] % 90), "issue": str(w["n"] % 12),
                   "first_page": str(w["n"] % 900), "last_page": str(w["n"] % 900 + 14)},
        "is_retracted": False, "is_paratext": False,
        "topics": [{"id": f"https://openalex.org/T{t}", "display_name": kw.title(), "score": 0.9}
                   for t, kw in enumerate(w["keywords"][:3])],
        "keywords": [{"id": f"https://openalex.org/keywords/{kw.lower()}", "display_name": kw,
                      "score": 0.5} for kw in w["keywords"]],
        "concepts": [{"id": f"https://openalex.org/C{c}", "wikidata": None, "display_name": kw,
                      "level": 1, "score": 0.4} for c, kw in enumerate(w["index_keywords"])],
        "referenced_works": [f"https://openalex.org/W{3000000000 + (w['n'] * 7 + r) % 10**9}"
                             for r in range(20)],
        "related_works": [f"https://openalex.org/W{3100000000 + (w['n'] * 3 + r) % 10**9}"
                          for r in range(10)],
        "abstract_inverted_index": inverted,
        "counts_by_year": [{"year": 2024 - k, "cited_by_count": k + 1} for k in range(4)],
        "updated_date": "2025-01-01T00:00:00", "created_date": "2016-06-24",
    }


def typo(title: str, rng: np.random.Generator) -> str:
    """The title with one letter changed, as a second database might have it."""
    letters = [i for i, c in enumerate(title) if c.isalpha()]
    i = letters[int(rng.integers(len(letters) // 2, len(letters)))]
    return title[:i] + ("x" if title[i] != "x" else "y") + title[i + 1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "big")
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    n, chunk = args.rows, 20_000
    rng = np.random.default_rng(args.seed + 7)
    works = Works(args.seed)
    started = time.perf_counter()
    truth = {"csv": {"rows": 0, "duplicates": {"doi": 0, "eid": 0, "title_year": 0}, "rejects": 0},
             "jsonl": {"rows": 0, "duplicates": {"doi": 0, "title_year": 0, "fuzzy_title": 0,
                                                 "repeated_line": 0}, "rejects": 0}}
    shared: list[dict] = []  # CSV works that the JSONL will carry again
    csv_path, jsonl_path = args.out / "scopus_1m.csv", args.out / "openalex_1m.jsonl"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(SCOPUS_HEADER)
        recent: list[list[str]] = []
        for start in range(0, n, chunk):
            for w in works.chunk(start, min(chunk, n - start)):
                row = scopus_row(w)
                roll = rng.random()
                if roll < 0.001:
                    row = row + ["an extra field: a shifted row"]
                    truth["csv"]["rejects"] += 1
                elif roll < 0.011 and recent:
                    row = list(recent[int(rng.integers(len(recent)))])
                    kind = ("doi", "eid", "title_year")[int(rng.integers(3))]
                    if not row[13]:  # no DOI to match on: the EID still matches
                        kind = "eid" if kind == "doi" else kind
                    if kind != "doi":
                        row[13] = ""
                    if kind == "title_year":
                        row[44] = row[14] = ""
                        row[3] = row[3].upper() + "."
                    truth["csv"]["duplicates"][kind] += 1
                else:
                    recent = (recent + [row])[-5000:]
                    if rng.random() < 0.06:
                        shared.append(w)
                writer.writerow(row)
                truth["csv"]["rows"] += 1
            print(f"csv {truth['csv']['rows']:,} rows, {time.perf_counter() - started:.0f} s",
                  flush=True)
    shared = shared[: int(0.05 * n)]
    order = rng.permutation(n)
    shared_at = {int(p): w for p, w in zip(order[: len(shared)], shared)}
    with open(jsonl_path, "w", encoding="utf-8") as fh:
        seen: list[str] = []
        for start in range(0, n, chunk):
            fresh = iter(works.chunk(10 * n + start, min(chunk, n - start)))
            for position in range(start, min(start + chunk, n)):
                w = next(fresh)
                roll = rng.random()
                if position in shared_at:
                    w = dict(shared_at[position])
                    kind = rng.choice(["doi"] * 14 + ["title_year"] * 3 + ["fuzzy_title"] * 3)
                    if not w["doi"]:
                        kind = "title_year" if kind == "doi" else kind
                    if kind != "doi":
                        w["doi"] = None
                    if kind == "fuzzy_title":
                        w["title"] = typo(w["title"], rng)
                    truth["jsonl"]["duplicates"][str(kind)] += 1
                    line = json.dumps(openalex_work(w, position), ensure_ascii=False)
                elif roll < 0.005 and seen:
                    line = seen[int(rng.integers(len(seen)))]
                    truth["jsonl"]["duplicates"]["repeated_line"] += 1
                elif roll < 0.006:
                    line = json.dumps(openalex_work(w, position), ensure_ascii=False)
                    line = line[: len(line) // 2]
                    truth["jsonl"]["rejects"] += 1
                else:
                    line = json.dumps(openalex_work(w, position), ensure_ascii=False)
                    seen = (seen + [line])[-2000:] if position % 7 == 0 else seen
                fh.write(line + "\n")
                truth["jsonl"]["rows"] += 1
            print(f"jsonl {truth['jsonl']['rows']:,} lines, {time.perf_counter() - started:.0f} s",
                  flush=True)
    for name, path in (("csv", csv_path), ("jsonl", jsonl_path)):
        truth[name]["file"] = str(path)
        truth[name]["bytes"] = path.stat().st_size
    (args.out / "manifest.json").write_text(json.dumps(truth, indent=2))
    print(json.dumps(truth, indent=2))


if __name__ == "__main__":
    main()
