"""Records: which themes, variants and document types; venues, identifiers, citations; the
real-world quirks planted in the exports."""
from __future__ import annotations

import math
import re

from demo_generator.abstracts import compose_abstract, record_text
from demo_generator.people import pick_authors
from demo_generator.templates import THEME, THEMES, VENUES, copyright_line

N_PER_THEME = 50
N_BIB_OA = 17  # open-access records that analyse citation data
ISSI_ORDINAL = {int(year): ordinal for year, ordinal in VENUES["issi_ordinal"].items()}


def weighted_year(rng, lo: int, hi: int, power: float) -> int:
    years = list(range(lo, hi + 1))
    weights = [(y - lo + 1) ** power for y in years]
    return rng.choices(years, weights=weights, k=1)[0]


def theme_year(rng, theme):
    years = THEME[theme]["years"]
    return weighted_year(rng, years["from"], years["to"], years["power"])


def pick_variant(rng, theme):
    weights = THEME[theme]["variant_weights"]
    return rng.choices([v for v, _w in weights], [w for _v, w in weights])[0]


def unique_text(rng, theme, year, variant, titles_seen):
    """The theme's text for a record whose title is not taken yet."""
    for _attempt in range(200):
        g = record_text(rng, theme, year, variant)
        if g["title"].lower() not in titles_seen:
            return g
    raise RuntimeError(f"no unique title for {theme}/{variant}")


def make_records(rng, teams, n_per_theme=N_PER_THEME):
    records = []
    titles_seen = set()
    abstracts_seen = set()
    for theme in THEMES:
        plan = []  # (variant, doc type)
        if theme == "bibliometrics":
            for _ in range(n_per_theme):
                v = pick_variant(rng, theme)
                dt = rng.choices(["Article", "Review", "Conference Paper", "Book Chapter"], [70, 20, 7, 3])[0]
                plan.append((v, dt))
        else:
            n_bib = N_BIB_OA if theme == "open_access" else 0
            plan.append(("editorial", "Editorial"))
            plan += [("review", "Review")] * 3
            plan += [("bib", None)] * n_bib
            while len(plan) < n_per_theme:
                plan.append((pick_variant(rng, theme), None))
            conf_w = {"protein_ml": 14, "urban_mobility": 12}.get(theme, 5)
            plan = [(v, dt or rng.choices(["Article", "Conference Paper", "Book Chapter"],
                                          [90 - conf_w, conf_w, 4])[0]) for v, dt in plan]
            if theme == "psych_replication":  # conference papers are rare in psychology
                plan = [(v, "Article" if dt == "Conference Paper" and i % 2 else dt)
                        for i, (v, dt) in enumerate(plan)]
        for variant, dtype in plan:
            year = theme_year(rng, theme)
            if variant == "editorial":
                g = dict(variant="editorial", bib=False, title=THEME[theme]["editorial"], parts=None,
                         akw=[], ikw=[], s={})
                abstract = None
            else:
                g = unique_text(rng, theme, year, variant, titles_seen)
                abstract = compose_abstract(rng, g["parts"])
                assert abstract not in abstracts_seen
                abstracts_seen.add(abstract)
            titles_seen.add(g["title"].lower())
            na = rng.randint(*THEME[theme]["authors"])
            if variant == "multilab":
                na = rng.randint(9, 14)
            if variant == "editorial":
                na = rng.randint(1, 3)
            authors = pick_authors(rng, teams[theme], na)
            records.append(dict(theme=theme, variant=g["variant"], bib=g["bib"], title=g["title"],
                                abstract=abstract, akw=g["akw"], ikw=g["ikw"], s=g["s"], year=year,
                                doctype=dtype, authors=authors, parts=g["parts"]))
    return records


def make_new_records(rng, teams, records):
    """Ten records for the RIS file only, with titles the CSV does not have."""
    plan = (["bibliometrics"] * 3 + ["open_access"] * 2 + ["protein_ml", "climate_agriculture"]
            + ["psych_replication"] * 2 + ["urban_mobility"])
    seen_titles = {r["title"].lower() for r in records}
    new_records = []
    for theme in plan:
        year = theme_year(rng, theme)
        if theme == "open_access":
            variant = "bib" if not any(r["theme"] == "open_access" for r in new_records) else "policy"
        else:
            variant = pick_variant(rng, theme)
        g = unique_text(rng, theme, year, variant, seen_titles)
        seen_titles.add(g["title"].lower())
        new_records.append(dict(
            theme=theme, variant=variant, bib=g["bib"], title=g["title"],
            abstract=compose_abstract(rng, g["parts"]), akw=g["akw"], ikw=g["ikw"], s=g["s"],
            year=year, doctype="Article", authors=pick_authors(rng, teams[theme], rng.randint(2, 5)),
            parts=g["parts"]))
    for i, rec in enumerate(new_records, start=len(records) + 1):
        rec["seq"] = i
        assign_venue(rng, rec)
        rec["doi"] = f"10.9999/demo.{rec['year']}.{i:04d}"
        rec["eid"] = f"2-s2.0-{85000000000 + i}"
        rec["cited"] = str(cited_by(rng, rec))
        rec["oa"] = open_access_field(rng, rec)
        rec["lang"] = "English"
        rec["abstract_full"] = rec["abstract"]
        rec["tail"] = copyright_line(rng, rec["tailkey"], rec["year"], rec["authors"][0].surname)
        rec["akw_out"] = "; ".join(rec["akw"])
        rec["no_author"] = False
    return new_records


ARTICLE_NUMBERS = {  # a journal's article-number style: how it draws one
    "plos": lambda rng: f"e0{rng.randint(100000, 299999)}",
    "mdpi": lambda rng: str(rng.randint(1000, 15999)),
    "heliyon": lambda rng: f"e{rng.randint(10000, 29999)}",
    "peerj": lambda rng: f"e{rng.randint(1000, 16999)}",
    "bmc": lambda rng: str(rng.randint(10, 560)),
    "natcomm": lambda rng: str(rng.randint(100, 9999)),
    "rsos": lambda rng: str(rng.randint(180000, 239999)),
    "collabra": lambda rng: str(rng.randint(10000, 89999)),
    "crm": lambda rng: str(rng.randint(100, 599)),
    "jlsc": lambda rng: f"eP{rng.randint(2000, 2999)}",
}


def assign_venue(rng, rec):
    theme, year, dtype = rec["theme"], rec["year"], rec["doctype"]
    rec.update(volume="", issue="", artno="", pstart="", pend="", pcount="", stage="Final")
    if dtype in ("Article", "Review", "Editorial"):
        js = [j for j in VENUES["journals"][theme] if j["from_year"] <= year <= j["to_year"]]
        j = rng.choice(js)
        rec["source"] = j["name"]
        rec["abbr"] = j["abbreviation"]
        rec["tailkey"] = j["copyright"]
        rec["gold"] = j["gold_oa"]
        rec["volume"] = str(j["volume"] + (year - j["volume_year"]))
        if j["issues"] > 1:
            rec["issue"] = str(rng.randint(1, j["issues"]))
        style = j["article_numbers"]
        if style:
            rec["artno"] = ARTICLE_NUMBERS[style](rng)
            if style in ("plos", "peerj", "natcomm"):
                rec["pcount"] = ""
            elif rng.random() < 0.5:
                rec["pcount"] = str(rng.randint(9, 24))
        else:
            ps = rng.randint(1, 1800)
            pc = rng.randint(3, 6) if dtype == "Editorial" else rng.randint(8, 28)
            rec["pstart"], rec["pend"], rec["pcount"] = str(ps), str(ps + pc - 1), str(pc)
        if year == 2024 and dtype == "Article" and rng.random() < 0.3:
            rec.update(volume="", issue="", artno="", pstart="", pend="", pcount="",
                       stage="Article in press")
    elif dtype == "Conference Paper":
        venue = rng.choice(VENUES["conferences"][theme])
        if venue == "issi":
            y = year if year % 2 else year - 1
            y = max(2009, y)
            rec["year"] = year = y
            venue = (f"Proceedings of the {ISSI_ORDINAL[y]} International Conference on Scientometrics "
                     f"and Informetrics, ISSI {y}")
            rec["volume"] = str(rng.choice([1, 2]))
        elif venue == "bibm":
            venue = (f"Proceedings - {year} IEEE International Conference on Bioinformatics and "
                     f"Biomedicine, BIBM {year}")
        elif venue.startswith("Lecture Notes"):
            rec["volume"] = str(4800 + (year - 2008) * 700 + rng.randint(0, 650)) + " LNBI"
        elif venue == "Transportation Research Procedia":
            rec["volume"] = str(max(1, year - 2013) * 8 + rng.randint(0, 7))
        elif venue == "IOP Conference Series: Earth and Environmental Science":
            rec["volume"] = str(max(6, (year - 2008) * 70 + rng.randint(0, 60)))
            rec["artno"] = f"0120{rng.randint(10, 99)}"
        elif venue == "CEUR Workshop Proceedings":
            rec["volume"] = str(max(300, (year - 2008) * 190 + rng.randint(0, 150)))
        elif venue.startswith("Proceedings of the Association"):
            rec["volume"] = str(45 + year - 2008)
            rec["issue"] = "1"
        rec["source"] = venue
        rec["abbr"] = ""
        rec["tailkey"] = THEME[theme]["conference_copyright"]
        rec["gold"] = venue in ("Transportation Research Procedia",
                                "IOP Conference Series: Earth and Environmental Science")
        if not rec["artno"]:
            ps = rng.randint(1, 2400)
            pc = rng.randint(4, 12)
            rec["pstart"], rec["pend"], rec["pcount"] = str(ps), str(ps + pc - 1), str(pc)
    else:  # Book Chapter
        rec["source"] = VENUES["books"][theme]
        rec["abbr"] = ""
        rec["tailkey"] = "book"
        rec["gold"] = False
        if theme == "protein_ml":
            rec["volume"] = str(400 + (year - 2008) * 90 + rng.randint(0, 80))
        ps = rng.randint(1, 420)
        pc = rng.randint(12, 32)
        rec["pstart"], rec["pend"], rec["pcount"] = str(ps), str(ps + pc - 1), str(pc)


def open_access_field(rng, rec):
    if rec["gold"]:
        return "All Open Access; Gold Open Access"
    r = rng.random()
    if r < 0.12:
        return "All Open Access; Green Open Access"
    if r < 0.18:
        return "All Open Access; Hybrid Gold Open Access"
    if r < 0.23:
        return "All Open Access; Bronze Open Access"
    return ""


def cited_by(rng, rec):
    age = max(0.3, 2025 - rec["year"])
    rate = THEME[rec["theme"]]["citation_rate"]
    if rec["doctype"] == "Review":
        rate *= 1.8
    if rec["doctype"] in ("Editorial", "Conference Paper", "Book Chapter"):
        rate *= 0.3
    mu = math.log(1 + age * rate)
    return max(1, int(round(rng.lognormvariate(mu, 0.9))))


def finalise(rng, records):
    """Assign identifiers, venues, citations and the real-world quirks."""
    rng.shuffle(records)
    for i, rec in enumerate(records, start=1):
        rec["seq"] = i
        assign_venue(rng, rec)
        rec["doi"] = f"10.9999/demo.{rec['year']}.{i:04d}"
        rec["eid"] = f"2-s2.0-{85000000000 + i}"
        rec["cited"] = str(cited_by(rng, rec))
        rec["oa"] = open_access_field(rng, rec)
        rec["lang"] = "English"
        rec["abstract_full"] = rec["abstract"]
        fa = rec["authors"][0].surname if rec["authors"] else "Anonymous"
        rec["tail"] = "" if rng.random() < 0.12 else copyright_line(rng, rec["tailkey"], rec["year"], fa)
        if not rec["akw"] or rng.random() < 0.07:
            rec["akw_out"] = ""
        else:
            k = rec["akw"][:]
            rng.shuffle(k)
            rec["akw_out"] = "; ".join(k[: rng.randint(3, len(k))])
        if not rec["ikw"] or rng.random() < 0.15:
            rec["ikw_out"] = ""
        else:
            n_ikw = len(rec["ikw"])
            rec["ikw_out"] = "; ".join(sorted(rng.sample(rec["ikw"], rng.randint(min(4, n_ikw), min(8, n_ikw)))))
        rec["no_author"] = False
        rec["quirks"] = []
    return records


def pick(rng, records, pred, k, taken, check=None):
    """Choose k records satisfying pred (cheap) and check (expensive, evaluated lazily)."""
    cands = [r for r in records if pred(r) and r["seq"] not in taken]
    rng.shuffle(cands)
    chosen = []
    for r in cands:
        if check is None or check(r):
            chosen.append(r)
            if len(chosen) == k:
                break
    if len(chosen) < k:
        raise RuntimeError("not enough candidate records")
    for r in chosen:
        taken.add(r["seq"])
    return chosen


def title_ok_for_matching(rec, records, limit=0.85):
    """True when no other record has a title similar to rec's title."""
    from difflib import SequenceMatcher
    t = rec["title"].lower()
    for r in records:
        if r is rec:
            continue
        sm = SequenceMatcher(None, t, r["title"].lower())
        if sm.real_quick_ratio() > limit and sm.quick_ratio() > limit and sm.ratio() > limit:
            return False
    return True


def plan_quirks(rng, records):
    """Which records carry which quirk (missing abstract, DOI, ...; PDFs; RIS duplicates)."""
    taken = set()
    roles = {}

    def by(th, v=None, dt=None):
        return lambda r: (r["theme"] == th and (v is None or r["variant"] == v)
                          and (dt is None or r["doctype"] == dt))

    def has_pages(r):
        return r["pstart"] != ""

    def ok_title(r):
        return title_ok_for_matching(r, records)

    def regular(r):
        return r["doctype"] != "Editorial"

    def latin(r):
        return (r["s"].get("city") in ("Bogotá", "Santiago", "São Paulo")
                or r["s"].get("region") == "Latin America" or r["s"].get("country") in ("Peru", "Mexico"))

    # --- PDFs --------------------------------------------------------------
    roles["pdf_fn1"] = pick(rng, records, lambda r: by("bibliometrics", "mapping", "Article")(r)
                            and has_pages(r), 1, taken)[0]
    roles["pdf_fn2"] = pick(rng, records, lambda r: by("bibliometrics", "collab")(r)
                            and r["doctype"] in ("Article", "Review") and has_pages(r), 1, taken)[0]
    roles["pdf_fn3"] = pick(rng, records, lambda r: by("open_access", "bib", "Article")(r)
                            and has_pages(r), 1, taken)[0]
    roles["pdf_text"] = pick(rng, records, lambda r: by("open_access", "survey", "Article")(r)
                             and has_pages(r), 1, taken)[0]
    roles["pdf_title"] = pick(rng, records, lambda r: by("psych_replication", "multilab", "Article")(r)
                              and has_pages(r) and all(ord(c) < 128 for c in r["title"]), 1, taken,
                              check=ok_title)[0]
    # --- RIS duplicates ----------------------------------------------------
    roles["ris_enrich"] = pick(rng, records, lambda r: regular(r) and r["theme"] in
                               ("bibliometrics", "open_access"), 2, taken)
    roles["ris_resolver"] = pick(rng, records, regular, 3, taken)
    roles["ris_fuzzy"] = pick(rng, records, lambda r: regular(r) and ":" in r["title"], 2, taken,
                              check=ok_title)
    roles["ris_plain"] = pick(rng, records, regular, 8, taken)
    # --- CSV quirks ----------------------------------------------------------
    editorials = [r for r in records if r["doctype"] == "Editorial"]
    roles["no_author"] = [r for r in editorials if r["theme"] == "climate_agriculture"]
    others_no_abs = pick(rng, records, regular, 4, taken)
    roles["no_abstract"] = editorials + [roles["pdf_fn1"]] + roles["ris_enrich"] + others_no_abs
    roles["no_doi"] = pick(rng, records, regular, 6, taken)
    roles["newline"] = pick(rng, records, lambda r: regular(r) and r["theme"] in
                            ("climate_agriculture", "protein_ml"), 2, taken)
    roles["dup_rows"] = pick(rng, records, regular, 2, taken)
    roles["no_cited"] = pick(rng, records, lambda r: r["year"] >= 2023, 10, set())  # may overlap
    roles["lang2"] = pick(rng, records, lambda r: regular(r) and latin(r), 2, set())
    for r in roles["no_abstract"]:
        r["abstract"] = None
    for r in roles["no_author"]:
        r["no_author"] = True
    for r in roles["no_doi"]:
        r["doi"] = ""
    for r in roles["no_cited"]:
        r["cited"] = ""
    for r in roles["lang2"]:
        r["lang"] = "English; Portuguese" if r["s"].get("city") == "São Paulo" else "English; Spanish"
    for r in roles["newline"]:
        sents = re.split(r"(?<=\.) ", r["abstract"])
        cut = max(2, len(sents) // 2)
        r["abstract"] = " ".join(sents[:cut]) + "\n" + " ".join(sents[cut:])
    return roles
