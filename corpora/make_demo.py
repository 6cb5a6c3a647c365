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

Everything is generated from ``random.Random(20261123)`` without timestamps, so
repeated runs produce byte-identical files.  All records are invented; the DOI
prefix 10.9999 is not a real registrant and the institutions are fictitious.

Only the standard library and pymupdf are used.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import re
from pathlib import Path

import pymupdf

SEED = 20261123
PDF_DATE = "D:20250115120000+00'00'"
EXPORT_DATE = "15 January 2025"
N_PER_THEME = 50
N_BIB_OA = 17  # open-access records that analyse citation data

THEMES = [
    "bibliometrics",
    "open_access",
    "protein_ml",
    "climate_agriculture",
    "psych_replication",
    "urban_mobility",
]

SCOPUS_HEADER = [
    "Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title",
    "Volume", "Issue", "Art. No.", "Page start", "Page end", "Page count", "Cited by",
    "DOI", "Link", "Affiliations", "Authors with affiliations", "Abstract",
    "Author Keywords", "Index Keywords", "Language of Original Document",
    "Document Type", "Publication Stage", "Open Access", "Source", "EID",
]

NO_ABSTRACT = "[No abstract available]"


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def art(word: str) -> str:
    """Indefinite article for ``word``."""
    return "an" if word[:1].lower() in "aeio" else "a"


def n_(x: int) -> str:
    return f"{x:,}"


def weighted_year(rng: random.Random, lo: int, hi: int, power: float) -> int:
    years = list(range(lo, hi + 1))
    weights = [(y - lo + 1) ** power for y in years]
    return rng.choices(years, weights=weights, k=1)[0]


def fill(templates, s):
    return [t.format(**s) for t in templates]


def pick_min_year(rng, items, year, key=lambda x: x[-1]):
    ok = [it for it in items if key(it) <= year]
    return rng.choice(ok)


# --------------------------------------------------------------------------
# people and places (all fictitious institutions, real cities)
# --------------------------------------------------------------------------

FIRST_NAMES = [
    "John", "Maria", "Wei", "Anna", "Rajesh", "Fatima", "Lars", "Sofia", "Kenji", "Olga",
    "Ahmed", "Laura", "Pedro", "Ingrid", "Chen", "Amara", "Tomasz", "Elena", "Kwame", "Yuki",
    "Daniel", "Aisha", "Matteo", "Hannah", "Arjun", "Leila", "Jonas", "Camila", "Mohammed",
    "Eva", "Hiroshi", "Grace", "Luca", "Nadia", "Samuel", "Mei", "Oliver", "Zainab", "Felix",
    "Ana", "Ibrahim", "Clara", "Sung-min", "Marta", "David", "Priya", "Erik", "Lucia",
    "Jean-Pierre", "Ama", "Thomas", "Yasmin", "Viktor", "Rosa", "Jia", "Emmanuel", "Sara",
    "Nikolai", "Julia", "Carlos", "Mariam", "Ji-woo", "Paul", "Ines", "Hassan", "Katarzyna",
    "Robert", "Esther", "Pablo", "Linh", "Michael", "Chiara", "Tariq", "Ruth", "Marco", "Noor",
    "Andrea", "Kofi", "Helena", "Anders", "Min", "Rita", "Rafael", "Anja", "Tunde", "Isabel",
    "Bongani", "Astrid", "Diego", "Sakura", "Femi", "Ewa", "Joao", "Lena", "Omar", "Irene",
]

SURNAMES = [
    "Smith", "Braun", "Wang", "Garcia", "Kumar", "Okafor", "Nielsen", "Rossi", "Tanaka",
    "Ivanova", "Hassan", "Martin", "Silva", "Johansson", "Li", "Mensah", "Kowalski", "Popescu",
    "Asante", "Sato", "Fischer", "Khan", "Bianchi", "Schmidt", "Patel", "Haddad", "Berg",
    "Torres", "Ali", "Novak", "Yamamoto", "Owusu", "Ricci", "Müller", "Chen", "Dubois", "Kim",
    "Lopez", "Andersen", "Nguyen", "Zhang", "Costa", "Weber", "Singh", "Moreau", "Park",
    "Hernández", "Larsen", "Tran", "Liu", "Ferreira", "Wagner", "Sharma", "Lefebvre", "Choi",
    "Martínez", "Eriksson", "Pham", "Yang", "Almeida", "Becker", "Gupta", "Laurent", "Jung",
    "Rodríguez", "Lindqvist", "Hoang", "Zhao", "Pereira", "Hoffmann", "Das", "Girard", "Lee",
    "Sánchez", "Jensen", "Vu", "Huang", "Santos", "Koch", "Reddy", "Fontaine", "Kang", "Díaz",
    "Sørensen", "Wu", "Oliveira", "Richter", "Mehta", "Bernard", "Yoon", "Romero", "Hansen",
    "Adeyemi", "Nowak", "van der Berg", "De Vries", "O'Brien", "Kaur", "Mwangi", "Abebe",
    "Hussain", "Rahman", "Farah", "Cohen", "Levi", "Jovanović", "Horváth", "Papadopoulos",
    "Yilmaz", "Kaya", "Öztürk", "Virtanen", "Dimitrov", "Petrov", "Morales", "Castro", "Gómez",
    "Vargas", "Ortiz", "Suzuki", "Watanabe", "Takahashi", "Ito", "Nakamura", "Kobayashi",
    "Banerjee", "Iyer", "Nair", "Chowdhury", "Bose", "Okonkwo", "Nkosi", "Dlamini", "Boateng",
    "Kamau", "Otieno", "Tesfaye", "Mekonnen", "Diallo", "Traoré", "Ndiaye", "Murphy", "Walsh",
    "Kelly", "Fraser", "Campbell", "Taylor", "Brown", "Wilson", "Evans", "Clarke", "Hughes",
    "Ward", "Palmer", "Scott", "Young", "Moore", "Baker", "Jones", "Miller", "Davis",
]

# (institution, city, country, group) -- institutions are invented
INSTITUTIONS = [
    ("Karlsberg University", "Leipzig", "Germany", "eu"),
    ("Rhine Valley Institute of Technology", "Karlsruhe", "Germany", "eu"),
    ("Hanseatic University of Applied Sciences", "Hamburg", "Germany", "eu"),
    ("Université Saint-Laurent", "Montréal", "Canada", "na"),
    ("Lakeshore University", "Toronto", "Canada", "na"),
    ("Harbourview University", "Sydney", "Australia", "oc"),
    ("Southern Cross Institute of Technology", "Brisbane", "Australia", "oc"),
    ("Tasman University", "Wellington", "New Zealand", "oc"),
    ("Meridian State University", "Columbus", "United States", "na"),
    ("Pacific Crest University", "Portland", "United States", "na"),
    ("Eastbrook University", "Boston", "United States", "na"),
    ("Kingsmere University", "Leeds", "United Kingdom", "eu"),
    ("Avonside College London", "London", "United Kingdom", "eu"),
    ("Universidad Andina del Norte", "Bogotá", "Colombia", "la"),
    ("Universidade Paulista do Leste", "São Paulo", "Brazil", "la"),
    ("Altiplano University", "Lima", "Peru", "la"),
    ("Sierra Madre Institute of Technology", "Monterrey", "Mexico", "la"),
    ("Institute for Advanced Studies Limmat", "Zürich", "Switzerland", "eu"),
    ("Öresund University", "Malmö", "Sweden", "eu"),
    ("Vistula Technical University", "Kraków", "Poland", "eu"),
    ("Andalusian Polytechnic University", "Granada", "Spain", "eu"),
    ("Università del Po", "Turin", "Italy", "eu"),
    ("Lowlands University", "Leiden", "Netherlands", "eu"),
    ("Flemish Institute for Research Policy", "Ghent", "Belgium", "eu"),
    ("Nordic Institute of Information Studies", "Oslo", "Norway", "eu"),
    ("Danube University of Economics", "Budapest", "Hungary", "eu"),
    ("Anatolian Technical University", "Ankara", "Turkey", "eu"),
    ("East Lake University", "Wuhan", "China", "as"),
    ("Pearl River Institute of Technology", "Guangzhou", "China", "as"),
    ("Sakura Institute of Science", "Kyoto", "Japan", "as"),
    ("Han River University", "Seoul", "South Korea", "as"),
    ("Indus Institute of Technology", "Pune", "India", "as"),
    ("Delta University of Agriculture", "Dhaka", "Bangladesh", "ag"),
    ("Mekong University of Agriculture", "Can Tho", "Vietnam", "ag"),
    ("Punjab Institute of Crop Science", "Faisalabad", "Pakistan", "ag"),
    ("Himalayan Agricultural University", "Kathmandu", "Nepal", "ag"),
    ("Highlands Agricultural University", "Addis Ababa", "Ethiopia", "ag"),
    ("Rift Valley University of Science and Technology", "Nakuru", "Kenya", "ag"),
    ("Volta Institute of Agricultural Research", "Kumasi", "Ghana", "ag"),
    ("Kilimanjaro Agricultural University", "Arusha", "Tanzania", "ag"),
    ("Lake Malawi University", "Lilongwe", "Malawi", "ag"),
    ("Sahel Institute of Agronomy", "Ouagadougou", "Burkina Faso", "ag"),
    ("Atlas Agronomic Institute", "Rabat", "Morocco", "ag"),
    ("Cape Peninsula Institute", "Cape Town", "South Africa", "ag"),
]

DEPARTMENTS = {
    "bibliometrics": ["Department of Information Science", "Centre for Science and Technology Studies",
                      "School of Information Management", "Research Evaluation Unit",
                      "Department of Management", "Faculty of Medicine", "Department of Library and Information Science"],
    "open_access": ["University Library", "Department of Information Studies",
                    "Office of Scholarly Communication", "School of Library and Information Science",
                    "Centre for Science and Technology Studies"],
    "protein_ml": ["Department of Computer Science", "Institute of Bioinformatics",
                   "Department of Biochemistry", "School of Computational Biology",
                   "Department of Structural Biology"],
    "climate_agriculture": ["Department of Agronomy", "Department of Agricultural Economics",
                            "Institute of Crop Science", "Department of Environmental Science",
                            "Centre for Climate Adaptation"],
    "psych_replication": ["Department of Psychology", "School of Psychological Sciences",
                          "Institute for Meta-Research", "Department of Social Psychology",
                          "Department of Experimental Psychology"],
    "urban_mobility": ["Department of Civil Engineering", "Institute for Transport Studies",
                       "Department of Urban Planning", "School of Geography",
                       "Department of Spatial Economics"],
}

THEME_INST_GROUPS = {
    "bibliometrics": ["eu", "eu", "na", "as", "as", "la", "oc", "ag"],
    "open_access": ["eu", "eu", "na", "na", "oc", "la"],
    "protein_ml": ["na", "eu", "as", "as", "oc"],
    "climate_agriculture": ["ag", "ag", "ag", "eu", "na"],
    "psych_replication": ["eu", "eu", "na", "na", "oc", "as"],
    "urban_mobility": ["eu", "eu", "na", "as", "la", "oc"],
}


class Author:
    def __init__(self, aid, surname, given, middle, inst):
        self.aid = aid
        self.surname = surname
        self.given = given
        self.middle = middle
        self.inst = inst

    @property
    def initials(self) -> str:
        parts = []
        for g in self.given.split(" "):
            if "-" in g:
                parts.append("-".join(p[0].upper() + "." for p in g.split("-")))
            else:
                parts.append(g[0] + ".")
        if self.middle:
            parts.append(self.middle + ".")
        return "".join(parts)

    @property
    def short(self) -> str:  # Scopus "Authors" form: Braun R.A.
        return f"{self.surname} {self.initials}"

    @property
    def ris(self) -> str:  # RIS AU form: Braun, R.A.
        return f"{self.surname}, {self.initials}"

    @property
    def full(self) -> str:  # Scopus "Author full names" form
        mid = f" {self.middle}." if self.middle else ""
        return f"{self.surname}, {self.given}{mid} ({self.aid})"


def build_author_pools(rng):
    """Author communities per theme, organised in small teams."""
    used = set()
    next_id = [57190000001]

    def new_author(theme, inst):
        while True:
            sn = rng.choice(SURNAMES)
            gn = rng.choice(FIRST_NAMES)
            mid = rng.choice("ABCDEFGHJKLMNPRST") if rng.random() < 0.3 else ""
            key = (sn, gn[0], mid)
            if key not in used:
                used.add(key)
                break
        a = Author(next_id[0], sn, gn, mid, inst)
        next_id[0] += 1
        return a

    pools = {}
    teams = {}
    for theme in THEMES:
        groups = THEME_INST_GROUPS[theme]
        theme_teams = []
        for _t in range(10):
            grp = rng.choice(groups)
            inst = rng.choice([i for i in INSTITUTIONS if i[3] == grp])
            dept = rng.choice(DEPARTMENTS[theme])
            team = []
            for _m in range(rng.randint(4, 7)):
                if rng.random() < 0.2:  # a member at a partner institution
                    grp2 = rng.choice(groups)
                    inst2 = rng.choice([i for i in INSTITUTIONS if i[3] == grp2])
                    member_inst = (rng.choice(DEPARTMENTS[theme]),) + inst2[:3]
                else:
                    member_inst = (dept,) + inst[:3]
                team.append(new_author(theme, member_inst))
            theme_teams.append(team)
        teams[theme] = theme_teams
    # bridging researchers: some scientometricians also publish on open access
    # and meta-research
    teams["open_access"][0] = teams["open_access"][0][:3] + teams["bibliometrics"][1][:3]
    teams["open_access"][1] = teams["open_access"][1][:4] + teams["bibliometrics"][4][:2]
    teams["psych_replication"][0] = teams["psych_replication"][0][:4] + teams["bibliometrics"][2][:1]
    for theme in THEMES:
        pools[theme] = [a for t in teams[theme] for a in t]
    return teams


def pick_authors(rng, teams, n):
    team = rng.choice(teams)
    chosen = rng.sample(team, min(n, len(team)))
    while len(chosen) < n:  # add collaborators from other teams
        other = rng.choice(rng.choice(teams))
        if other not in chosen:
            chosen.append(other)
    return chosen


def affil_string(inst) -> str:
    dept, name, city, country = inst
    return f"{dept}, {name}, {city}, {country}"


# --------------------------------------------------------------------------
# venues
# --------------------------------------------------------------------------

# name, abbreviation, tail key, gold OA, first volume year, first volume, issues/year,
# article-number style, min year, max year
def J(name, abbr, tail, oa, vy, vol, issues, artno=None, lo=2008, hi=2024):
    return dict(name=name, abbr=abbr, tail=tail, oa=oa, vy=vy, vol=vol, issues=issues,
                artno=artno, lo=lo, hi=hi)


JOURNALS = {
    "bibliometrics": [
        J("Scientometrics", "Scientometrics", "akademiai", False, 2008, 74, 12),
        J("Scientometrics", "Scientometrics", "springer", False, 2008, 74, 12),
        J("Journal of Informetrics", "J. Informetr.", "elsevier", False, 2008, 2, 4),
        J("Quantitative Science Studies", "Quant. Sci. Stud.", "mit", True, 2020, 1, 4, lo=2020),
        J("Journal of the Association for Information Science and Technology",
          "J. Assoc. Soc. Inf. Sci. Technol.", "asist", False, 2014, 65, 12, lo=2014),
        J("Journal of the American Society for Information Science and Technology",
          "J. Am. Soc. Inf. Sci. Technol.", "wiley", False, 2008, 59, 12, hi=2013),
        J("Research Evaluation", "Res. Eval.", "oup", False, 2008, 17, 4),
        J("PLoS ONE", "PLoS ONE", "plos", True, 2008, 3, 12, "plos"),
        J("Sustainability (Switzerland)", "Sustainability", "mdpi", True, 2009, 1, 24, "mdpi", lo=2012),
        J("Heliyon", "Heliyon", "elsevier_oa", True, 2015, 1, 12, "heliyon", lo=2016),
        J("Journal of Cleaner Production", "J. Clean. Prod.", "elsevier", False, 2008, 16, 18),
        J("Technological Forecasting and Social Change", "Technol. Forecast. Soc. Change", "elsevier", False, 2008, 75, 9),
    ],
    "open_access": [
        J("Scientometrics", "Scientometrics", "akademiai", False, 2008, 74, 12),
        J("Journal of Informetrics", "J. Informetr.", "elsevier", False, 2008, 2, 4),
        J("Quantitative Science Studies", "Quant. Sci. Stud.", "mit", True, 2020, 1, 4, lo=2020),
        J("Journal of the Association for Information Science and Technology",
          "J. Assoc. Soc. Inf. Sci. Technol.", "asist", False, 2014, 65, 12, lo=2014),
        J("PLoS ONE", "PLoS ONE", "plos", True, 2008, 3, 12, "plos"),
        J("Learned Publishing", "Learn. Publ.", "alpsp", False, 2008, 21, 4),
        J("Journal of Academic Librarianship", "J. Acad. Librariansh.", "elsevier", False, 2008, 34, 6),
        J("College and Research Libraries", "Coll. Res. Libr.", "none", True, 2008, 69, 6),
        J("PeerJ", "PeerJ", "peerj", True, 2013, 1, 1, "peerj", lo=2013),
        J("Journal of Librarianship and Scholarly Communication", "J. Librariansh. Sch. Commun.",
          "cc", True, 2012, 1, 1, "jlsc", lo=2013),
    ],
    "protein_ml": [
        J("Bioinformatics", "Bioinformatics", "oup", False, 2008, 24, 24),
        J("Briefings in Bioinformatics", "Brief. Bioinform.", "oup", False, 2008, 9, 6),
        J("BMC Bioinformatics", "BMC Bioinform.", "bmc", True, 2008, 9, 1, "bmc"),
        J("Nature Communications", "Nat. Commun.", "nature_oa", True, 2010, 1, 1, "natcomm", lo=2014),
        J("Proteins: Structure, Function and Bioinformatics", "Proteins Struct. Funct. Bioinform.",
          "wiley", False, 2008, 70, 12),
        J("IEEE/ACM Transactions on Computational Biology and Bioinformatics",
          "IEEE/ACM Trans. Comput. Biol. Bioinf.", "ieee", False, 2008, 5, 6),
        J("Journal of Chemical Information and Modeling", "J. Chem. Inf. Model.", "acs", False, 2008, 48, 12),
        J("Scientific Reports", "Sci. Rep.", "nature_oa", True, 2011, 1, 1, "natcomm", lo=2013),
    ],
    "climate_agriculture": [
        J("Agricultural Systems", "Agric. Syst.", "elsevier", False, 2008, 96, 9),
        J("Field Crops Research", "Field Crops Res.", "elsevier", False, 2008, 105, 12),
        J("Climate Risk Management", "Clim. Risk Manage.", "elsevier_oa", True, 2014, 1, 4, "crm", lo=2014),
        J("Agricultural Water Management", "Agric. Water Manage.", "elsevier", False, 2008, 95, 12),
        J("Regional Environmental Change", "Reg. Environ. Change", "springer", False, 2008, 8, 4),
        J("Food Security", "Food Secur.", "springer", False, 2009, 1, 6, lo=2009),
        J("Sustainability (Switzerland)", "Sustainability", "mdpi", True, 2009, 1, 24, "mdpi", lo=2012),
        J("Climate and Development", "Clim. Dev.", "tandf", False, 2009, 1, 6, lo=2009),
        J("Agronomy for Sustainable Development", "Agron. Sustainable Dev.", "inra", False, 2008, 28, 6),
    ],
    "psych_replication": [
        J("Psychological Science", "Psychol. Sci.", "sage", False, 2008, 19, 12),
        J("Journal of Personality and Social Psychology", "J. Pers. Soc. Psychol.", "apa", False, 2008, 94, 12),
        J("Advances in Methods and Practices in Psychological Science", "Adv. Methods Pract. Psychol. Sci.",
          "sage", False, 2018, 1, 4, lo=2018),
        J("Royal Society Open Science", "R. Soc. Open Sci.", "royal", True, 2014, 1, 12, "rsos", lo=2015),
        J("Perspectives on Psychological Science", "Perspect. Psychol. Sci.", "sage", False, 2008, 3, 6),
        J("Collabra: Psychology", "Collabra Psychol.", "cc", True, 2015, 1, 1, "collabra", lo=2016),
        J("Behavior Research Methods", "Behav. Res. Methods", "psychonomic", False, 2008, 40, 4),
        J("Journal of Experimental Social Psychology", "J. Exp. Soc. Psychol.", "elsevier", False, 2008, 44, 6),
    ],
    "urban_mobility": [
        J("Transportation Research Part A: Policy and Practice", "Transp. Res. Part A Policy Pract.",
          "elsevier", False, 2008, 42, 10),
        J("Transport Policy", "Transp. Policy", "elsevier", False, 2008, 15, 6),
        J("Journal of Transport Geography", "J. Transp. Geogr.", "elsevier", False, 2008, 16, 6),
        J("Transportation", "Transportation", "springer", False, 2008, 35, 6),
        J("Travel Behaviour and Society", "Travel Behav. Soc.", "elsevier", False, 2014, 1, 3, lo=2014),
        J("Sustainable Cities and Society", "Sustainable Cities Soc.", "elsevier", False, 2011, 1, 4, lo=2011),
        J("Transportation Research Record", "Transp. Res. Rec.", "trb", False, 2008, 2050, 12),
        J("Case Studies on Transport Policy", "Case Stud. Transp. Policy", "elsevier", False, 2013, 1, 4, lo=2013),
    ],
}

CONFERENCES = {
    "bibliometrics": ["issi", "Proceedings of the Association for Information Science and Technology",
                      "CEUR Workshop Proceedings"],
    "open_access": ["Proceedings of the Association for Information Science and Technology",
                    "issi"],
    "protein_ml": ["bibm",
                   "Lecture Notes in Computer Science (including subseries Lecture Notes in Artificial "
                   "Intelligence and Lecture Notes in Bioinformatics)"],
    "climate_agriculture": ["IOP Conference Series: Earth and Environmental Science"],
    "psych_replication": ["Proceedings of the Annual Meeting of the Cognitive Science Society"],
    "urban_mobility": ["Transportation Research Procedia",
                       "IEEE Conference on Intelligent Transportation Systems, Proceedings, ITSC"],
}

BOOKS = {
    "bibliometrics": "Springer Handbooks",
    "open_access": "Chandos Information Professional Series",
    "protein_ml": "Methods in Molecular Biology",
    "climate_agriculture": "Climate Change Management",
    "psych_replication": "Research Integrity in the Behavioral Sciences",
    "urban_mobility": "Advances in Transport Policy and Planning",
}

ISSI_ORDINAL = {2009: "12th", 2011: "13th", 2013: "14th", 2015: "15th", 2017: "16th",
                2019: "17th", 2021: "18th", 2023: "19th"}


def copyright_tail(rng, key, year, first_surname):
    y = year
    fa = first_surname
    options = {
        "elsevier": [f"© {y} Elsevier B.V. All rights reserved.", f"© {y} Elsevier Ltd. All rights reserved.",
                     f"© {y} Elsevier Ltd"] if y >= 2014 else
                    [f"© {y} Elsevier B.V. All rights reserved.", f"© {y} Elsevier Ltd. All rights reserved."],
        "elsevier_oa": [f"© {y} The Author(s). Published by Elsevier B.V.", f"© {y} The Authors"],
        "springer": [f"© {y}, Springer Nature B.V.",
                     f"© {y}, The Author(s), under exclusive licence to Springer Nature Switzerland AG."]
                    if y >= 2018 else [f"© Springer Science+Business Media B.V. {y}.",
                                       f"© Springer-Verlag Berlin Heidelberg {y}."],
        "akademiai": [f"© {y}, Akadémiai Kiadó, Budapest, Hungary."],
        "wiley": [f"Copyright © {y} John Wiley & Sons, Ltd.", f"© {y} Wiley Periodicals, Inc."]
                 if y < 2020 else [f"© {y} Wiley Periodicals LLC.", f"Copyright © {y} John Wiley & Sons, Ltd."],
        "asist": [f"© {y} ASIS&T", f"© {y} Association for Information Science and Technology"],
        "alpsp": [f"© {y} The Authors. Learned Publishing © {y} ALPSP."],
        "oup": [f"© The Author(s) {y}. Published by Oxford University Press. All rights reserved. "
                f"For Permissions, please email: journals.permissions@oup.com",
                f"© The Author {y}. Published by Oxford University Press."],
        "mdpi": [f"© {y} by the authors. Licensee MDPI, Basel, Switzerland.", f"© {y} by the authors."],
        "plos": [f"© {y} {fa} et al. This is an open access article distributed under the terms of the "
                 f"Creative Commons Attribution License, which permits unrestricted use, distribution, and "
                 f"reproduction in any medium, provided the original author and source are credited."],
        "peerj": [f"© {y} {fa} et al."],
        "sage": [f"© The Author(s) {y}."],
        "apa": [f"(PsycInfo Database Record (c) {y} APA, all rights reserved)"] if y >= 2020 else
               [f"(PsycINFO Database Record (c) {y} APA, all rights reserved)"],
        "mit": [f"© {y} {fa} et al. Published under a Creative Commons Attribution 4.0 International "
                f"(CC BY 4.0) license."],
        "ieee": [f"© {y} IEEE."],
        "acs": [f"© {y} American Chemical Society."],
        "tandf": [f"© {y} Informa UK Limited, trading as Taylor & Francis Group."],
        "nature_oa": [f"© {y}, The Author(s)."],
        "bmc": [f"© {y}, The Author(s).", f"© {y} {fa} et al.; licensee BioMed Central Ltd."]
               if y < 2016 else [f"© {y}, The Author(s)."],
        "royal": [f"© {y} The Authors."],
        "psychonomic": [f"© {y}, The Psychonomic Society, Inc."],
        "inra": [f"© {y}, INRA and Springer-Verlag France SAS, part of Springer Nature."] if y >= 2017 else
                [f"© INRA and Springer-Verlag France {y}."],
        "trb": [f"© National Academy of Sciences: Transportation Research Board {y}."],
        "cc": [f"© {y} {fa} et al. This is an open access article under the CC BY license."],
        "none": [""],
        "book": [f"© {y}, Springer Nature Switzerland AG.", f"© {y} Elsevier Ltd. All rights reserved."],
    }[key]
    return rng.choice(options)


# --------------------------------------------------------------------------
# theme generators: each returns dict(variant, bib, title, parts, akw, ikw, s)
# --------------------------------------------------------------------------

COUNTRIES = ["China", "United States", "United Kingdom", "Germany", "India", "Spain", "Italy",
             "Brazil", "Australia", "Canada", "South Korea", "Iran", "Japan", "France", "Netherlands",
             "Turkey", "Malaysia", "South Africa", "Poland", "Indonesia"]

DBS = [("the Web of Science Core Collection", "Web of Science", 2008), ("Scopus", "Scopus", 2008),
       ("Scopus", "Scopus", 2008), ("the Web of Science Core Collection", "Web of Science", 2008),
       ("the Dimensions database", "Dimensions", 2019), ("the OpenAlex database", "OpenAlex", 2023),
       ("the PubMed database", "PubMed", 2008)]

TOOLS = [("VOSviewer", "VOSviewer", 2011), ("CiteSpace", "CiteSpace", 2008),
         ("VOSviewer and CiteSpace", "VOSviewer", 2012), ("the bibliometrix R package", "bibliometrix", 2018),
         ("VOSviewer", "VOSviewer", 2011), ("Pajek", "Pajek", 2008), ("Gephi", "Gephi", 2010)]

TOP_JOURNALS = [("Journal of Cleaner Production", 2008), ("Sustainability", 2012), ("PLoS ONE", 2010),
                ("Scientific Reports", 2014), ("IEEE Access", 2016), ("Frontiers in Psychology", 2013),
                ("BMJ Open", 2014), ("Technological Forecasting and Social Change", 2008),
                ("Environmental Science and Pollution Research", 2008),
                ("International Journal of Environmental Research and Public Health", 2010),
                ("Expert Systems with Applications", 2008)]

A_TOPICS = [
    ("artificial intelligence in healthcare", ["deep learning", "medical imaging", "clinical decision support", "diagnosis"], 2008),
    ("the circular economy", ["recycling", "sustainability", "industrial ecology", "waste management"], 2012),
    ("sustainable tourism", ["ecotourism", "destination management", "stakeholders", "overtourism"], 2008),
    ("COVID-19 vaccine hesitancy", ["vaccination", "public health", "misinformation", "social media"], 2021),
    ("blockchain technology", ["smart contracts", "cryptocurrency", "supply chain", "security"], 2017),
    ("nanomedicine", ["drug delivery", "nanoparticles", "cancer therapy", "toxicity"], 2008),
    ("entrepreneurship education", ["entrepreneurial intention", "higher education", "self-efficacy", "start-ups"], 2008),
    ("supply chain resilience", ["risk management", "disruption", "agility", "logistics"], 2012),
    ("microplastics pollution", ["marine environment", "ecotoxicology", "freshwater", "sediments"], 2015),
    ("green finance", ["ESG", "sustainable investment", "climate risk", "green bonds"], 2016),
    ("telemedicine", ["e-health", "remote monitoring", "rural health", "patient satisfaction"], 2008),
    ("smart cities", ["internet of things", "urban governance", "big data", "digital twins"], 2013),
    ("learning analytics", ["MOOCs", "educational data mining", "student success", "dashboards"], 2013),
    ("antimicrobial resistance", ["antibiotics", "surveillance", "One Health", "antimicrobial stewardship"], 2008),
    ("digital humanities", ["text mining", "cultural heritage", "digitization", "historical newspapers"], 2010),
    ("renewable energy policy", ["solar energy", "wind power", "energy transition", "feed-in tariffs"], 2008),
    ("corporate social responsibility", ["stakeholder theory", "sustainability reporting", "firm performance", "legitimacy"], 2008),
    ("social media marketing", ["consumer engagement", "influencers", "brand loyalty", "user-generated content"], 2012),
    ("remote sensing of land use change", ["satellite imagery", "land cover", "GIS", "deforestation"], 2008),
    ("burnout among nurses", ["occupational stress", "nursing workforce", "well-being", "job satisfaction"], 2008),
    ("knowledge management", ["organizational learning", "tacit knowledge", "innovation", "knowledge sharing"], 2008),
    ("the gut microbiome", ["probiotics", "metagenomics", "obesity", "inflammation"], 2012),
    ("lithium-ion battery recycling", ["hydrometallurgy", "electric vehicles", "critical raw materials", "life cycle assessment"], 2014),
    ("machine learning in finance", ["credit scoring", "fraud detection", "algorithmic trading", "neural networks"], 2010),
    ("halal food research", ["consumer behaviour", "certification", "supply chain", "food safety"], 2014),
    ("mindfulness-based interventions", ["meditation", "stress reduction", "depression", "randomized controlled trials"], 2008),
]

HEALTH_TOPICS = {"artificial intelligence in healthcare", "COVID-19 vaccine hesitancy", "nanomedicine",
                 "telemedicine", "antimicrobial resistance", "burnout among nurses", "the gut microbiome",
                 "mindfulness-based interventions"}

A_DISCIPLINES = ["economics", "physics", "neurosurgery", "ecology", "computer science", "sociology",
                 "chemistry", "dermatology", "management", "nursing", "mathematics", "orthopaedics"]


def gen_bibliometrics(rng, year, variant):
    topic, tkw, _ = pick_min_year(rng, A_TOPICS, year)
    tkw = tkw[:]
    rng.shuffle(tkw)
    health = topic in HEALTH_TOPICS and variant != "hindex"
    db, db_short, _ = pick_min_year(rng, [d for d in DBS if health or d[1] != "PubMed"], year)
    tool, tool_short, _ = pick_min_year(rng, TOOLS, year)
    y1 = year - rng.choice([1, 1, 1, 2])
    y0 = max(1990, y1 - rng.choice([9, 14, 19, 24, 29]))
    c1, c2, c3, c_cit = rng.sample(COUNTRIES[:12], 4)
    n_pubs = rng.randint(420, 24000)
    n_first = rng.randint(2, 40)
    n_last = max(n_first + 5, int(n_pubs / (y1 - y0 + 1) * rng.uniform(1.6, 3.5)))
    growth = ((n_last / n_first) ** (1 / max(1, y1 - y0)) - 1) * 100
    top_n = rng.choice([50, 100, 100, 100])
    s = dict(
        topic=topic, Topic=cap(topic), kw1=tkw[0], kw2=tkw[1], kw3=tkw[2], kw4=tkw[3],
        db=db, db_short=db_short, tool=tool, tool_short=tool_short, y0=y0, y1=y1,
        y1p1=y1 + 1, n_years=y1 - y0 + 1, n_pubs=n_(n_pubs),
        n_pubs_final=n_(int(n_pubs * rng.uniform(0.82, 0.97))), n_terms=rng.randint(6, 28),
        n_auth_total=n_(int(n_pubs * rng.uniform(2.1, 4.3))), n_countries=rng.randint(38, 131),
        country=c1, c2=c2, c3=c3, c_cit=c_cit, growth=f"{growth:.1f}",
        acc_year=rng.randint(max(y0 + 3, y1 - 12), y1 - 2), journal_top=pick_min_year(rng, TOP_JOURNALS, year)[0],
        max_cit=n_(rng.randint(310, 4800)), n_clusters=rng.randint(3, 8),
        discipline=rng.choice(A_DISCIPLINES), n_authors=n_(rng.randint(180, 4200)),
        top_n=top_n, tot_cit=n_(top_n * rng.randint(140, 620)), min_c=rng.randint(90, 240),
        p0=rng.randint(max(1975, y0 - 15), y0 + 3), p1=y1 - rng.randint(2, 6),
        pct_int=rng.randint(18, 46), ratio=f"{rng.uniform(1.2, 2.3):.1f}", n_core=rng.randint(9, 35),
        btw=f"{rng.uniform(0.12, 0.48):.2f}", med_h=rng.randint(6, 21), r=f"{rng.uniform(0.52, 0.83):.2f}",
        month=rng.choice(["January", "February", "March", "April", "May", "June", "September", "October"]),
        thr=rng.choice([10, 15, 20, 25]), thr2=rng.choice([5, 8, 10]), n_top=rng.choice([10, 20, 25]),
        n_first=n_first, n_last=n_(n_last), n_sources=n_(rng.randint(140, 1900)),
        pct_top10=rng.randint(14, 38), n_c1=n_(int(n_pubs * rng.uniform(0.18, 0.32))),
        n_c2=n_(int(n_pubs * rng.uniform(0.09, 0.15))), n_c3=n_(int(n_pubs * rng.uniform(0.04, 0.08))),
        pct_auth=rng.randint(4, 12), n_kw=rng.randint(85, 420), mean_auth=f"{rng.uniform(2.6, 6.8):.1f}",
    )
    s["q1"] = max(1, s["med_h"] - rng.randint(3, 6))
    s["q3"] = s["med_h"] + rng.randint(4, 11)
    s["hm"] = s["med_h"] + rng.randint(1, 4)
    s["hw"] = s["med_h"] - rng.randint(1, 4)
    s["range"] = f"{y0}–{y1}"

    bg_common = [
        "Research on {topic} has expanded rapidly over the past two decades.",
        "{Topic} has attracted growing attention from researchers, practitioners and policymakers.",
        "Despite the rapid growth of the literature on {topic}, a comprehensive overview of its intellectual structure is still lacking.",
        "Bibliometric methods offer a systematic and quantitative way to describe the development of a research field.",
        "The sheer volume of publications on {topic} makes it increasingly difficult for scholars to keep track of the field.",
    ]
    concl_common = [
        "These findings provide a roadmap for researchers and funders interested in {topic}.",
        "The results offer insights into the knowledge base of the field and suggest directions for future research.",
        "Future studies should combine bibliometric indicators with qualitative assessments of research content.",
        "Our bibliometric overview can help newcomers to identify key literature and potential collaborators.",
    ]
    data_common = [
        "The search strategy combined {n_terms} terms in titles, abstracts and author keywords, and only articles and reviews in English were included.",
        "After removing duplicates and irrelevant records, {n_pubs_final} documents authored by {n_auth_total} researchers from {n_countries} countries were retained.",
        "Author names, institutions and keywords were harmonised before analysis.",
    ]
    if variant == "mapping":
        titles = [
            "A bibliometric analysis of {topic} research ({range})",
            "Mapping the intellectual structure of {topic} research: a co-citation analysis",
            "Knowledge mapping of {topic}: a bibliometric study using {tool_short}",
            "Research hotspots and trends in {topic}: a bibliometric review",
            "{Topic}: a scientometric review of {n_years} years of research",
            "Visualizing the field of {topic}: bibliometric mapping of {db_short} publications",
            "Intellectual structure and emerging trends in {topic}: a science mapping approach",
        ]
        aim = ["This study aims to map the evolution, main contributors and research fronts of {topic} research.",
               "The purpose of this paper is to provide a comprehensive bibliometric overview of {topic}.",
               "We aimed to identify the most influential authors, institutions, countries and journals in {topic} and to map its thematic structure."]
        method = [
            "We retrieved {n_pubs} publications on {topic} indexed in {db} between {y0} and {y1} and performed co-citation and keyword co-occurrence analysis using {tool}.",
            "Bibliographic records of {n_pubs} documents published between {y0} and {y1} were exported from {db} and analysed through performance analysis and science mapping, including bibliographic coupling and co-word analysis in {tool}.",
            "Using a bibliometric approach, we collected {n_pubs} articles and reviews from {db} ({range}) and mapped co-citation networks of references, journals and authors with {tool}.",
        ]
        results = [
            "Annual output grew at an average rate of {growth}% per year, with a marked acceleration after {acc_year}.",
            "{country} was the most productive country, followed by {c2} and {c3}, while {c_cit} showed the highest average number of citations per document.",
            "{journal_top} was the most prolific source, and the most cited document received {max_cit} citations.",
            "Keyword co-occurrence analysis revealed {n_clusters} thematic clusters, centred on '{kw1}', '{kw2}' and '{kw3}'.",
            "Co-citation analysis identified {n_clusters} research streams, and recent keywords such as '{kw4}' indicate emerging research fronts.",
        ]
        akw = ["Bibliometric analysis", "Co-citation analysis", "Science mapping", tool_short, "Keyword co-occurrence"]
    elif variant == "collab":
        titles = [
            "Co-authorship networks and international collaboration in {topic} research",
            "Who collaborates with whom? A co-authorship network analysis of {topic} research",
            "International research collaboration in {topic}: a social network analysis of co-authorship",
            "Collaboration patterns in {topic} research, {range}: evidence from {db_short}",
        ]
        aim = ["This study examines patterns of scientific collaboration in {topic} research.",
               "We investigated how co-authorship and international collaboration in {topic} research have evolved and whether they are associated with citation impact."]
        method = [
            "We extracted {n_pubs} records on {topic} from {db} covering {range} and constructed co-authorship networks at the author, institution and country level, computing degree, betweenness centrality and clustering coefficients.",
            "A bibliometric dataset of {n_pubs} publications was retrieved from {db}, and co-authorship links between {n_countries} countries were analysed with social network analysis in {tool}.",
        ]
        results = [
            "The mean number of authors per document increased to {mean_auth} in {y1}.",
            "International co-authored papers accounted for {pct_int}% of the output and received on average {ratio} times more citations than domestic papers.",
            "The collaboration network was dominated by a core of {n_core} institutions, with {country} occupying the most central position (normalised betweenness centrality = {btw}).",
            "{country}, {c2} and {c3} were the most productive countries, and collaboration between them increased steadily after {acc_year}.",
        ]
        akw = ["Co-authorship", "Research collaboration", "Social network analysis", "Bibliometrics", "International collaboration"]
    elif variant == "hindex":
        titles = [
            "The h-index of {discipline} researchers in {country}: distribution and determinants",
            "Gender differences in h-index and citation impact among {discipline} researchers",
            "Beyond the h-index: comparing citation indicators for {discipline} researchers in {country}",
            "Does the h-index predict grant success? Evidence from {discipline} in {country}",
        ]
        bg_common = [
            "The h-index has become one of the most widely used indicators for evaluating individual researchers.",
            "Citation-based indicators increasingly inform hiring, promotion and funding decisions in {discipline}.",
            "Concerns have been raised that single-number indicators may disadvantage certain groups of researchers.",
            "Bibliometric indicators are often applied without regard to differences in career length and publication practices.",
        ]
        aim = ["This study investigates the distribution of the h-index among {discipline} researchers in {country} and its relationship with career age, gender and collaboration.",
               "We compared the h-index with alternative citation indicators for evaluating {discipline} researchers."]
        method = [
            "We collected publication and citation records for {n_authors} {discipline} researchers from {db} and calculated their h-index, g-index and field-normalised citation scores.",
            "Citation data for {n_authors} researchers affiliated with {discipline} departments in {country} were retrieved from {db}, and bibliometric indicators including the h-index and m-quotient were computed for each author.",
        ]
        data_common = [
            "Author profiles were manually checked to correct merged and split identities.",
            "Citation counts were normalised by field and publication year to allow comparisons across subfields.",
            "Career age was defined as the number of years since the first indexed publication.",
        ]
        results = [
            "The median h-index was {med_h} (interquartile range {q1}–{q3}), and h-index values were strongly correlated with career age (r = {r}).",
            "Women had a lower median h-index than men ({hw} vs {hm}), although the gap narrowed after adjusting for career length.",
            "Field-normalised indicators produced rankings that differed substantially from those based on the h-index.",
            "Researchers with more international co-authors had significantly higher h-index values.",
        ]
        concl_common = [
            "Research assessment in {discipline} should not rely on the h-index alone.",
            "Citation indicators should be interpreted in the context of career stage and field.",
            "These findings call for responsible use of bibliometric indicators in research evaluation.",
        ]
        akw = ["h-index", "Citation analysis", "Research evaluation", "Bibliometric indicators", cap(s["discipline"])]
    elif variant == "topcited":
        titles = [
            "The {top_n} most-cited articles on {topic}: a citation analysis",
            "Citation classics in {topic}: a bibliometric analysis of the top-cited publications",
            "What makes a paper highly cited? A citation analysis of the {topic} literature",
        ]
        aim = ["We aimed to characterise the most influential publications in {topic}.",
               "This study identifies and analyses the most frequently cited publications on {topic}."]
        method = [
            "We searched {db} for publications on {topic} and identified the {top_n} most-cited articles, which were analysed by citation counts, citation density, authorship, journals and countries of origin.",
            "A citation analysis was performed on the {top_n} most frequently cited documents on {topic} retrieved from {db}, recording total citations, citations per year and bibliographic characteristics.",
        ]
        results = [
            "The {top_n} most-cited articles received a total of {tot_cit} citations, ranging from {min_c} to {max_cit}.",
            "Most of these articles were published between {p0} and {p1}, and {country} contributed the largest number of highly cited papers.",
            "Original research articles outnumbered reviews, and {journal_top} published the largest share of citation classics.",
            "Citation density was highest for recent methodological papers on {kw1} and {kw2}.",
        ]
        akw = ["Citation analysis", "Citation classics", "Bibliometrics", "Most-cited articles"]
    else:  # trend
        titles = [
            "Global research output on {topic}, {range}: a scientometric study",
            "{country}'s contribution to {topic} research: a bibliometric assessment",
            "Twenty years of {topic} research: evidence from bibliometric indicators",
            "Growth and impact of {topic} research: a scientometric analysis",
        ]
        aim = ["This study assesses the growth, impact and collaboration patterns of {topic} research.",
               "We quantified the global scientific production on {topic} and compared the performance of leading countries."]
        method = [
            "Publications on {topic} from {y0} to {y1} ({n_pubs} documents) were retrieved from {db} and analysed with bibliometric indicators of productivity, citation impact and collaboration.",
            "We carried out a scientometric analysis of {n_pubs} documents indexed in {db}, examining annual growth, citation impact, leading journals and keyword co-occurrence patterns.",
        ]
        results = [
            "The number of publications increased from {n_first} in {y0} to {n_last} in {y1}, an average annual growth of {growth}%.",
            "{country} led in output, whereas {c_cit} achieved the highest citation impact per paper.",
            "{journal_top} was the most productive journal, and {pct_int}% of the documents involved international collaboration.",
            "The most frequent author keywords were '{kw1}', '{kw2}' and '{kw3}'.",
        ]
        akw = ["Scientometrics", "Bibliometric indicators", "Research productivity", "Citation impact"]
    title = cap(rng.choice(titles).format(**s))
    akw = akw + [cap(k) if k[0].islower() else k for k in tkw[:2]] if variant != "hindex" else akw
    ikw = ["Bibliometrics", "Citation analysis", "Publications", "Research", "Scientometrics",
           "Co-citation analysis", "Data visualization", db_short, "Network analysis", "Human", "Humans",
           "Bibliometric analysis", "Publishing", "Research evaluation"]
    parts = dict(bg=fill(bg_common, s), aim=fill(aim, s), method=fill(method, s),
                 data=fill(data_common, s), results=fill(results, s), concl=fill(concl_common, s))
    return dict(variant=variant, bib=True, title=title, parts=parts, akw=akw, ikw=ikw, s=s)


OA_DISCIPLINES = ["biology", "economics", "physics", "medicine", "sociology", "chemistry",
                  "mathematics", "psychology", "ecology", "engineering", "political science", "astronomy"]
OA_REGIONS = ["Europe", "Latin America", "sub-Saharan Africa", "Southeast Asia", "the Nordic countries",
              "North America", "the Asia-Pacific region"]


def gen_open_access(rng, year, variant):
    db, db_short, _ = pick_min_year(rng, DBS[:5], year)
    y1 = year - rng.choice([2, 3, 3, 4])
    y0 = y1 - rng.choice([4, 6, 9, 11])
    k = rng.choice([2, 3, 3, 5])
    n_pubs = rng.randint(3800, 310000)
    n_invited = rng.randint(1500, 24000)
    n = int(n_invited * rng.uniform(0.06, 0.28))
    adv = rng.randint(18, 64)
    adv2 = max(3, int(adv * rng.uniform(0.15, 0.5)))
    irr = 1 + adv2 / 100
    irr_g = rng.uniform(0.95, 1.05)
    s = dict(
        db=db, db_short=db_short, y0=y0, y1=y1, range=f"{y0}–{y1}", k=k, n_pubs=n_(n_pubs),
        n_journals=rng.randint(40, 950), discipline=rng.choice(OA_DISCIPLINES),
        country=rng.choice(COUNTRIES), region=rng.choice(OA_REGIONS),
        oa_source="Unpaywall" if year >= 2018 else "manual searches of Google Scholar and repositories",
        repo=rng.choice(["arXiv", "bioRxiv", "PubMed Central", "SSRN", "institutional repositories"]),
        n_invited=n_(n_invited), n=n_(n), rr=round(100 * n / n_invited), n_institutions=rng.randint(3, 41),
        n_policies=rng.randint(36, 420), n_int=rng.randint(8, 24), n2=rng.randint(6, 18),
        n_small=rng.randint(18, 46), n_disciplines=rng.randint(5, 22), pct_early=rng.randint(22, 58),
        n_pilot=rng.randint(8, 25), kappa=f"{rng.uniform(0.71, 0.92):.2f}", m0=rng.randint(30, 45),
        m1=rng.randint(60, 95), adv=adv, adv2=adv2,
        irr=f"{irr:.2f}", ci0=f"{irr - rng.uniform(0.01, 0.025):.2f}", ci1=f"{irr + rng.uniform(0.01, 0.04):.2f}",
        irr_g=f"{irr_g:.2f}", cig0=f"{irr_g - rng.uniform(0.07, 0.12):.2f}", cig1=f"{irr_g + rng.uniform(0.07, 0.12):.2f}",
        s0=rng.randint(9, 28), pct1=rng.randint(68, 92), pct2=rng.randint(12, 41), pct3=rng.randint(55, 83),
        n_items=rng.randint(18, 42), or_=f"{rng.uniform(1.8, 4.6):.1f}", emb=rng.choice([6, 12, 18, 24, 36]),
        k_studies=rng.randint(38, 134), y00=rng.randint(1998, 2004),
    )
    s["s1"] = s["s0"] + rng.randint(12, 30)
    s["s1b"] = s["s1"] + rng.randint(2, 9)
    s["n_mand"] = int(s["n_policies"] * rng.uniform(0.55, 0.85))
    s["n_mon"] = int(s["n_policies"] * rng.uniform(0.1, 0.3))
    bg = [
        "Open access (OA) publishing has grown substantially since the Budapest Open Access Initiative of 2002.",
        "Many funders and institutions now require researchers to make their publications openly available.",
        "Whether open access articles receive more citations than subscription articles, the so-called open access citation advantage, remains debated.",
        "Article processing charges (APCs) have become a central element of the gold open access business model.",
        "Green open access through institutional and subject repositories offers an alternative route to free availability of research.",
    ]
    if year >= 2019:
        bg.append("Plan S and similar initiatives aim to accelerate the transition to full and immediate open access.")
    if variant == "bib":
        titles = [
            "Is there an open access citation advantage in {discipline}? Evidence from {n_journals} journals",
            "Open access and citation impact: a comparative analysis of {discipline} articles",
            "Green, gold and hybrid: citation differences by open access type in {discipline}",
            "Do freely available articles get cited more? A matched analysis of {discipline} publications",
            "Revisiting the open access citation advantage with {db_short} data",
            "Self-archiving in {repo} and citation impact: a controlled comparison",
        ]
        aim = ["This study examines whether open access articles in {discipline} receive more citations than comparable closed-access articles.",
               "We investigated the citation advantage associated with different types of open access (gold, green, hybrid and bronze)."]
        method = [
            "We matched {n_pubs} articles published in {n_journals} {discipline} journals indexed in {db_short} with their open access status from {oa_source} and compared field-normalised citation counts of open and closed-access articles using negative binomial regression.",
            "Using citation data from {db_short} for {n_pubs} articles published between {y0} and {y1}, we estimated the open access citation advantage with propensity score matching on journal, publication year, number of authors and country.",
            "We performed a citation analysis of {n_pubs} papers deposited in {repo} and a control sample of non-deposited papers from the same journals, comparing citations received within {k} years of publication.",
        ]
        data = [
            "Open access status was classified as gold, hybrid, bronze or green, and citations were counted in a fixed {k}-year window.",
            "Models controlled for journal, number of authors, international collaboration and article length.",
            "Citation counts were obtained from {db_short} and normalised by subject category and publication year.",
        ]
        results = [
            "Open access articles received on average {adv}% more citations than closed-access articles, but the advantage shrank to {adv2}% after controlling for confounders.",
            "The citation advantage was largest for green open access and smallest for hybrid articles.",
            "Articles in fully open access journals did not differ significantly from subscription articles (incidence rate ratio = {irr_g}, 95% CI {cig0}–{cig1}).",
            "The share of open access articles increased from {s0}% in {y0} to {s1}% in {y1}.",
        ]
        concl = ["The findings suggest that the open access citation advantage is real but smaller than often claimed.",
                 "Studies of the citation advantage must account for self-selection and journal effects.",
                 "Our citation analysis indicates that open access alone does not guarantee higher research impact."]
        akw = ["Open access", "Citation advantage", "Citation analysis", "Bibliometrics", "Unpaywall" if year >= 2018 else "Self-archiving"]
        ikw = ["Open access", "Citation analysis", "Bibliometrics", "Publishing", "Scholarly communication", "Citations"]
    elif variant == "survey":
        titles = [
            "Researchers' attitudes towards open access publishing in {country}: a survey",
            "Perceptions of the open access citation advantage among {discipline} researchers",
            "Why do researchers (not) publish open access? Results of a national survey in {country}",
            "Awareness of open access mandates among academics in {country}: a questionnaire study",
        ]
        aim = ["This study explores how researchers in {country} perceive open access publishing and the open access citation advantage.",
               "We examined researchers' motivations for and barriers to publishing in open access journals."]
        method = [
            "We conducted an online survey of {n} researchers from {n_institutions} universities in {country}, with questions on publishing behaviour, attitudes towards open access and awareness of funder mandates.",
            "A questionnaire was distributed to {n_invited} corresponding authors, of whom {n} ({rr}%) responded; responses were analysed with descriptive statistics and logistic regression.",
        ]
        data = [
            "Respondents represented {n_disciplines} disciplines, and {pct_early}% were early-career researchers.",
            "The questionnaire was piloted with {n_pilot} researchers before distribution.",
            "Free-text answers were coded inductively by two researchers.",
        ]
        results = [
            "Most respondents ({pct1}%) supported the principle of open access, but only {pct2}% had published in a fully open access journal in the past three years.",
            "Article processing charges were the most frequently cited barrier, followed by concerns about journal quality and prestige.",
            "A majority ({pct3}%) believed that open access increases citations, although few could name evidence supporting this view.",
            "Awareness of funder mandates was higher among senior researchers and among those in the life sciences.",
        ]
        concl = ["Institutions should provide clearer guidance and financial support to help researchers publish open access.",
                 "Policy makers should align research assessment criteria with open access goals.",
                 "These findings can inform the design of future open access policies."]
        akw = ["Open access", "Survey", "Researchers' attitudes", "Scholarly publishing", "Article processing charges"]
        ikw = ["Open access", "Surveys", "Publishing", "Scholarly communication", "Attitudes"]
    elif variant == "policy":
        titles = [
            "Open access mandates in {region}: a comparative policy analysis",
            "How are open access policies monitored? An analysis of funder and institutional mandates",
            "From principles to practice: the design of open access policies in {region}",
        ]
        aim = ["This paper compares open access policies of research funders and institutions in {region}.",
               "We assess how open access mandates are designed, monitored and enforced."]
        method = [
            "We collected and coded {n_policies} open access policy documents from funders and universities in {region} using a structured coding framework covering deposit requirements, embargo periods, licensing and compliance monitoring.",
            "Drawing on document analysis of {n_policies} institutional and funder policies and {n_int} expert interviews, we compared the design and implementation of open access mandates.",
        ]
        data = [
            "Policies were retrieved from funder and institutional websites and the ROARMAP registry.",
            "Coding was performed independently by two researchers, with an inter-coder agreement (Cohen's κ) of {kappa}.",
        ]
        results = [
            "Of the {n_policies} policies, {n_mand} required deposit in a repository, while only {n_mon} described any compliance monitoring.",
            "Embargo periods ranged from zero to {emb} months, and few policies specified licensing requirements.",
            "Policies introduced after {y0} were more likely to require immediate deposit and open licences.",
            "Interviewees described weak enforcement and limited resources as the main implementation problems.",
        ]
        concl = ["Funders should harmonise their requirements and invest in compliance monitoring.",
                 "Clearer, better-aligned policies would reduce the administrative burden on researchers.",
                 "These findings can inform the design of future open access policies."]
        akw = ["Open access policy", "Mandates", "Research funders", "Policy analysis", "Repositories"]
        ikw = ["Open access", "Policy", "Research funding", "Repositories"]
    elif variant == "interviews":
        titles = [
            "Article processing charges and the ability to publish open access: interviews with early-career researchers",
            "Open access in practice: a qualitative study of researchers and librarians in {country}",
            "'It depends on the money': early-career researchers' experiences of open access publishing in {country}",
            "Open access decisions of {discipline} researchers in {country}: an interview study",
        ]
        aim = ["We explored how early-career researchers make decisions about open access publishing and article processing charges.",
               "This study investigates the everyday practices and concerns surrounding open access at universities in {country}."]
        method = [
            "We conducted semi-structured interviews with {n_small} early-career researchers and {n2} librarians in {country} and analysed the transcripts using thematic analysis.",
            "Focus groups with {n_small} researchers from the humanities, social sciences and natural sciences were held at {n_institutions} institutions and analysed thematically.",
        ]
        data = [
            "Interviews lasted between {m0} and {m1} minutes and were recorded and transcribed verbatim.",
            "Participants were recruited through purposive sampling to cover a range of disciplines and career stages.",
        ]
        results = [
            "Participants described open access as desirable in principle but constrained by cost, evaluation criteria and limited institutional support.",
            "Early-career researchers felt pressure to publish in high-prestige subscription journals to advance their careers.",
            "Librarians reported growing demand for advice on publisher agreements and APC funding.",
            "Many participants assumed that open access articles are cited more, which motivated some to pay APCs from personal funds.",
        ]
        concl = ["Open access policies must take the career incentives of early-career researchers into account.",
                 "Institutions should combine mandates with financial and practical support.",
                 "The results highlight inequalities in the ability to publish open access."]
        akw = ["Open access", "Early-career researchers", "Qualitative research", "Article processing charges"]
        ikw = ["Open access", "Publishing", "Interviews", "Librarians"]
    else:  # scoping review of the literature (not a bibliometric analysis)
        titles = [
            "The open access citation advantage: a scoping review of {k_studies} empirical studies",
            "What do we know about article processing charges? A systematic review of {k_studies} studies",
            "Open access publishing in {region}: a scoping review",
        ]
        aim = ["This review synthesises empirical research on open access and its consequences for researchers.",
               "We reviewed the evidence on the open access citation advantage and the methods used to study it."]
        method = [
            "We conducted a scoping review following the PRISMA-ScR guidelines, screening {n_pubs} records and including {k_studies} empirical studies published between {y00} and {y1} for narrative synthesis.",
        ]
        data = ["Two reviewers independently screened titles, abstracts and full texts.",
                "Study characteristics, designs and main findings were extracted with a standardised form."]
        results = [
            "Most included studies were conducted in the natural and life sciences, and few covered the humanities.",
            "Study designs varied widely, and only a minority addressed self-selection bias.",
            "Reported effects ranged from no difference to large advantages for open access.",
        ]
        concl = ["More rigorous study designs are needed before firm conclusions can be drawn.",
                 "The review identifies gaps that future research should address."]
        akw = ["Open access", "Scoping review", "Citation advantage", "Evidence synthesis"]
        ikw = ["Open access", "Systematic review", "Publishing"]
    title = cap(rng.choice(titles).format(**s))
    parts = dict(bg=fill(bg, s), aim=fill(aim, s), method=fill(method, s), data=fill(data, s),
                 results=fill(results, s), concl=fill(concl, s))
    return dict(variant=variant, bib=(variant == "bib"), title=title, parts=parts, akw=akw, ikw=ikw, s=s)


PROT_TASKS = [
    ("protein secondary structure prediction", "Q3 accuracy", "%"),
    ("residue–residue contact prediction", "top-L/5 precision", "%"),
    ("protein–ligand binding affinity prediction", "Pearson correlation", "r"),
    ("protein function annotation", "F-max", "f"),
    ("protein stability change prediction", "Pearson correlation", "r"),
    ("protein–protein interaction site prediction", "AUC", "f"),
    ("inter-residue distance prediction", "lDDT", "f"),
    ("protein fold recognition", "top-1 accuracy", "%"),
]
PROT_ARCHS = [("support vector machine", 2008, "SVM"), ("random forest", 2008, "RF"),
              ("shallow neural network", 2008, "NN"), ("deep belief network", 2012, "DBN"),
              ("convolutional neural network", 2015, "CNN"), ("residual neural network", 2017, "ResNet"),
              ("recurrent neural network with attention", 2017, "RNN"), ("graph neural network", 2019, "GNN"),
              ("transformer", 2020, "Transformer"), ("equivariant graph neural network", 2022, "EGNN")]
PROT_BENCH_OLD = [("CB513", 2008), ("CASP9 targets", 2011), ("CASP10 targets", 2013), ("CASP11 targets", 2015),
              ("CASP12 targets", 2017), ("CASP13 targets", 2019), ("CASP14 targets", 2021),
              ("CASP15 targets", 2023), ("PDBbind core set", 2010), ("TS115", 2019), ("CAMEO targets", 2016),
              ("CATH test set", 2008)]
_CASP = [("CASP9 targets", 2011), ("CASP10 targets", 2013), ("CASP11 targets", 2015),
         ("CASP12 targets", 2017), ("CASP13 targets", 2019), ("CASP14 targets", 2021), ("CASP15 targets", 2023)]
_CASP = [(f"{name.split()[0]} test set", y) for name, y in _CASP] + [("CAMEO benchmark", 2016)]
PROT_BENCH = {
    "protein secondary structure prediction": [("CB513 benchmark", 2008), ("TS115 test set", 2019),
                                               ("CASP12 test set", 2017), ("CB513 benchmark", 2008)],
    "residue–residue contact prediction": _CASP,
    "protein–ligand binding affinity prediction": [("PDBbind core set", 2008), ("CASF-2016 benchmark", 2017)],
    "protein function annotation": [("CAFA3 benchmark", 2018), ("CAFA2 benchmark", 2015), ("GO term test set", 2008)],
    "protein stability change prediction": [("S669 dataset", 2022), ("Ssym benchmark", 2018), ("ProTherm test set", 2008)],
    "protein–protein interaction site prediction": [("Dset72 benchmark", 2010), ("DBD5 test set", 2016)],
    "inter-residue distance prediction": _CASP,
    "protein fold recognition": [("SCOPe test set", 2015), ("LINDAHL benchmark", 2008), ("CATH test set", 2008)],
}
MODEL_PRE = ["Deep", "Fold", "Graph", "Res", "Trans", "Prot", "Contact", "Helix", "Dist", "Bind", "Struct", "Seq"]
MODEL_SUF = ["Net", "Former", "Pred", "Fold", "Map", "Scan", "GNN", "Site", "Sense", "X"]


def gen_protein_ml(rng, year, variant):
    task, metric, mkind = rng.choice(PROT_TASKS)
    arch, _, arch_short = rng.choice([a for a in PROT_ARCHS if a[1] <= year][-4:])  # recent architectures
    bench, _ = pick_min_year(rng, PROT_BENCH[task], year, key=lambda x: x[1])
    model = rng.choice(MODEL_PRE) + rng.choice(MODEL_SUF)
    if mkind == "%":
        val = rng.uniform(71, 93)
        mval, delta = f"{val:.1f}%", f"{rng.uniform(0.8, 6.5):.1f} percentage points"
    elif mkind == "r":
        mval, delta = f"{rng.uniform(0.62, 0.86):.2f}", f"{rng.uniform(0.02, 0.09):.2f}"
    else:
        mval, delta = f"{rng.uniform(0.58, 0.92):.3f}", f"{rng.uniform(0.01, 0.06):.3f}"
    s = dict(task=task, metric=metric, arch=arch, a_arch=art(arch), archs=arch + "s", arch_short=arch_short,
             bench=bench, model=model, mval=mval, delta=delta,
             n_train=n_(rng.randint(3200, 98000)), ident=rng.choice([25, 30, 40, 50]),
             n_test=rng.randint(90, 1400), sec=f"{rng.uniform(0.3, 45):.1f}", k=rng.randint(24, 120),
             y0=year - rng.randint(8, 15), y1=year - 1,
             baseline=rng.choice(["the best previously published method", "state-of-the-art methods",
                                  "a sequence-only baseline", "profile-based methods"]))
    bg = [
        "Determining the three-dimensional structure of proteins experimentally remains costly and time-consuming.",
        "Accurate {task} is essential for understanding protein function and for drug discovery.",
        "Evolutionary information from multiple sequence alignments has long been the main source of features for structure-based prediction methods.",
        "The gap between the number of known protein sequences and experimentally solved structures continues to widen.",
    ]
    if year >= 2016:
        bg.append("Deep learning has transformed computational structural biology in recent years.")
    if year >= 2022:
        bg.append("The release of AlphaFold2 has made highly accurate structure predictions available for millions of proteins.")
    if variant == "review":
        titles = ["Machine learning for {task}: a review", "Deep learning methods for {task}: a critical review and outlook"]
        aim = ["This review surveys machine learning approaches for {task}."]
        method = ["We survey {k} machine learning methods for {task} published between {y0} and {y1} and compare their reported accuracy on common benchmark datasets."]
        data = ["Methods are grouped by input representation, model architecture and training strategy.",
                "We also discuss widely used datasets and evaluation protocols."]
        results = ["Reported accuracy has improved steadily, largely driven by better use of evolutionary information.",
                   "Benchmark results are often not comparable because of inconsistent dataset splits.",
                   "Methods based on {archs} currently achieve the best reported performance."]
        concl = ["We conclude with open challenges, including data leakage and limited interpretability.",
                 "Standardised benchmarks are needed to enable fair comparisons."]
    else:
        titles = [
            "{model}: improved {task} with {a_arch} {arch}",
            "Improving {task} using {archs} and evolutionary profiles",
            "{model}: accurate {task} from sequence alone",
            "Benchmarking machine learning methods for {task} on the {bench}",
            "Learning representations for {task} with {archs}",
        ]
        aim = ["Here we present {model}, {a_arch} {arch} for {task}.",
               "We aimed to improve {task} by integrating evolutionary profiles with learned sequence representations.",
               "This study evaluates whether {archs} can generalise to proteins with few homologous sequences."]
        method = [
            "{model} was trained on {n_train} non-redundant protein chains from the Protein Data Bank, using position-specific scoring matrices and predicted solvent accessibility as input features.",
            "We trained {a_arch} {arch} on {n_train} structures clustered at {ident}% sequence identity and evaluated it on the {bench}.",
            "Sequence profiles and predicted structural features were fed into {a_arch} {arch}, which was optimised with a multi-task loss on {n_train} training proteins.",
        ]
        data = [
            "The training set was filtered to remove sequences with more than {ident}% identity to any test protein.",
            "Performance was assessed by {metric} on {n_test} independent test proteins.",
            "Hyperparameters were selected by five-fold cross-validation.",
        ]
        results = [
            "{model} achieved a {metric} of {mval} on the {bench}, outperforming {baseline} by {delta}.",
            "The improvement was most pronounced for proteins with shallow multiple sequence alignments.",
            "Ablation experiments showed that evolutionary features contributed most to the performance gain.",
            "Prediction on a single GPU required on average {sec} seconds per protein.",
        ]
        concl = ["{model} and the trained models are freely available for academic use.",
                 "Our results demonstrate that {archs} are a powerful tool for {task}.",
                 "The method can be applied to proteome-scale annotation."]
    title = cap(rng.choice(titles).format(**s))
    akw = ["Machine learning", cap(task), "Protein structure", "Bioinformatics", cap(arch)]
    ikw = ["Proteins", "Protein conformation", "Machine learning", "Computational biology", "Algorithms",
           "Protein structure, secondary", "Databases, protein", "Neural networks, computer", "Forecasting"]
    parts = dict(bg=fill(bg, s), aim=fill(aim, s), method=fill(method, s), data=fill(data, s),
                 results=fill(results, s), concl=fill(concl, s))
    return dict(variant=variant, bib=False, title=title, parts=parts, akw=akw, ikw=ikw, s=s)


AG_PLACES = [("Ethiopia", ["the Central Rift Valley", "Tigray", "Oromia", "the Amhara region"]),
             ("Kenya", ["Machakos County", "Makueni County", "the Rift Valley"]),
             ("Ghana", ["the Upper East Region", "the Northern Region"]),
             ("Malawi", ["the Central Region", "Lilongwe District"]),
             ("Bangladesh", ["the coastal districts", "Rajshahi Division"]),
             ("India", ["Maharashtra", "Andhra Pradesh", "the Indo-Gangetic Plains"]),
             ("Nepal", ["the Terai", "the mid-hills"]), ("Vietnam", ["the Mekong Delta", "the Central Highlands"]),
             ("Burkina Faso", ["the Central Plateau", "the Sahel region"]),
             ("Tanzania", ["the Dodoma Region", "the Southern Highlands"]),
             ("Pakistan", ["Punjab province", "Sindh province"]), ("Peru", ["the Andean highlands"]),
             ("Mexico", ["Oaxaca", "the Yucatán Peninsula"]), ("Morocco", ["the Saïss plain", "the Souss-Massa region"]),
             ("Zimbabwe", ["Masvingo Province"])]
AG_CROPS = ["maize", "wheat", "rice", "sorghum", "cassava", "pearl millet", "common bean", "coffee", "groundnut"]
AG_PRACTICES = ["drought-tolerant varieties", "conservation agriculture", "supplemental irrigation",
                "crop diversification", "adjusted sowing dates", "agroforestry", "mulching",
                "rainwater harvesting", "index-based crop insurance", "improved weather information services"]


def gen_climate_agriculture(rng, year, variant):
    country, regions = rng.choice(AG_PLACES)
    s = dict(country=country, region=rng.choice(regions), crop=rng.choice(AG_CROPS),
             practice=rng.choice(AG_PRACTICES), n_farms=rng.randint(24, 180), n_seasons=rng.randint(2, 6),
             n_var=rng.randint(3, 12), n_sites=rng.randint(2, 9), n_hh=n_(rng.randint(210, 2400)),
             n_villages=rng.randint(8, 64), cmodel=rng.choice(["DSSAT", "APSIM", "AquaCrop", "CERES-Maize"]),
             n_gcm=rng.randint(5, 29), scen=rng.choice(["RCP4.5 and RCP8.5", "SSP2-4.5 and SSP5-8.5"]
                                                       if year >= 2021 else ["RCP4.5 and RCP8.5", "the A1B and A2 scenarios"]),
             yinc=rng.randint(8, 41), ydec=rng.randint(9, 33), decade=rng.choice(["2050s", "2080s", "2040s"]),
             sm=rng.randint(7, 26), pct=rng.randint(48, 89), k=rng.randint(42, 180),
             y0=year - rng.randint(15, 30), y1=year - 1, nyears=rng.randint(3, 8))
    s["Practice"] = cap(s["practice"])
    bg = [
        "Climate change threatens agricultural production and food security, particularly in sub-Saharan Africa and South Asia.",
        "Rising temperatures and erratic rainfall are already reducing {crop} yields in many regions.",
        "Smallholder farmers are especially vulnerable because of their dependence on rain-fed agriculture.",
        "Adaptation at the farm level is essential to reduce climate risks and sustain rural livelihoods.",
    ]
    concl = ["Scaling up {practice} requires investments in seed systems, extension services and credit.",
             "Adaptation policies should target the most vulnerable households.",
             "The results highlight the value of combining experimental evidence with farmers' knowledge."]
    if variant == "field":
        titles = [
            "Effects of {practice} on {crop} yield under climate variability: a {n_seasons}-season field experiment in {country}",
            "Can {practice} buffer {crop} yields against drought? Evidence from on-farm trials in {region}, {country}",
            "{Practice} as a climate adaptation strategy for smallholder {crop} production in {country}",
        ]
        aim = ["This study assesses the effectiveness of {practice} as an adaptation strategy for {crop} production in {country}."]
        method = [
            "We conducted a randomized field experiment on {n_farms} farms in {region}, {country}, comparing {practice} with conventional practice over {n_seasons} growing seasons.",
            "A split-plot field trial with {n_var} {crop} varieties and two water regimes was established at {n_sites} sites in {region}, {country}, over {n_seasons} seasons.",
        ]
        data = ["Grain yield, biomass and soil moisture were measured in every season.",
                "Rainfall and temperature were recorded with on-site weather stations.",
                "Treatment effects were estimated with linear mixed-effects models."]
        results = [
            "{Practice} increased {crop} yields by {yinc}% in dry seasons but had no significant effect in wet seasons.",
            "Soil moisture at flowering was {sm}% higher under {practice}.",
            "Yield stability across seasons improved markedly, reducing the risk of crop failure.",
            "Economic returns were positive in most years despite higher labour requirements.",
        ]
    elif variant == "survey":
        titles = [
            "Determinants of climate change adaptation among smallholder farmers in {region}, {country}",
            "Farmers' perceptions of climate change and adaptation strategies in {country}",
            "Adoption of {practice} and household food security in {country}",
        ]
        aim = ["We examined the determinants of farmers' adaptation decisions and their effects on household food security.",
               "This study analyses how farmers in {country} perceive climate change and which adaptation strategies they adopt."]
        method = [
            "We surveyed {n_hh} smallholder households in {n_villages} villages of {region}, {country}, and used a multivariate probit model to analyse the adoption of adaptation strategies.",
            "A household survey of {n_hh} farmers in {region}, {country}, was combined with focus group discussions, and adoption decisions were analysed with an endogenous switching regression model.",
        ]
        data = ["Household characteristics, access to services and climate perceptions were recorded.",
                "Perceptions were compared with {nyears} decades of meteorological records.",
                "Sampling followed a multistage random procedure."]
        results = [
            "{pct}% of households reported having changed at least one farming practice in response to perceived climate change.",
            "Access to extension services, credit and weather information significantly increased the likelihood of adaptation.",
            "Adopters of {practice} had higher {crop} yields and a lower probability of food insecurity.",
            "Female-headed households were less likely to adopt capital-intensive strategies.",
        ]
    elif variant == "model":
        titles = [
            "Simulating adaptation options for {crop} production in {country} with {cmodel}",
            "Climate change impacts on {crop} yields in {region}, {country}, and the potential of {practice}",
            "Projected {crop} yield losses under climate change and the role of {practice}: a modelling study",
        ]
        aim = ["We assessed the impact of climate change on {crop} yields in {country} and evaluated adaptation options."]
        method = [
            "The {cmodel} crop model was calibrated with field data from {n_sites} sites and driven by downscaled projections from {n_gcm} global climate models under {scen}.",
        ]
        data = ["Model performance was evaluated against observed yields from independent seasons.",
                "Adaptation scenarios included {practice} and combinations with improved varieties."]
        results = [
            "Simulated yields declined by {ydec}% by the {decade} without adaptation.",
            "Combined adaptation options offset most of the projected losses under the moderate scenario.",
            "{Practice} alone reduced yield losses by {yinc}% on average.",
            "Uncertainty was dominated by differences among climate models.",
        ]
    else:  # review
        titles = ["Climate change adaptation options for {crop} production: a systematic review and meta-analysis",
                  "What works for smallholder adaptation? A systematic review of field evidence"]
        aim = ["This review synthesises evidence on the effectiveness of farm-level adaptation measures."]
        method = ["We systematically reviewed {k} empirical studies on climate change adaptation in {crop} systems published between {y0} and {y1}, following the PRISMA guidelines, and pooled reported yield effects in a random-effects meta-analysis."]
        data = ["Studies were screened independently by two reviewers.",
                "Effect sizes were expressed as log response ratios."]
        results = ["Across studies, adaptation measures increased yields by {yinc}% on average, with large heterogeneity between regions.",
                   "{Practice} showed the most consistent benefits under drought.",
                   "Few studies reported economic or gender-disaggregated outcomes."]
    title = cap(rng.choice(titles).format(**s))
    akw = ["Climate change adaptation", cap(s["crop"]), "Smallholder farmers", cap(s["practice"]), s["country"]]
    ikw = ["Climate change", "Adaptation", "Agriculture", "Crop yield", "Drought", "Food security",
           s["country"], "Farming system", "Rainfall"]
    parts = dict(bg=fill(bg, s), aim=fill(aim, s), method=fill(method, s), data=fill(data, s),
                 results=fill(results, s), concl=fill(concl, s))
    return dict(variant=variant, bib=False, title=title, parts=parts, akw=akw, ikw=ikw, s=s)


PSY_EFFECTS = ["ego-depletion effect", "facial feedback effect", "power pose effect", "anchoring effect",
               "stereotype threat effect", "elderly priming effect", "moral licensing effect",
               "money priming effect", "cleanliness-morality effect", "warmth priming effect",
               "mortality salience effect", "red-attraction effect", "verbal overshadowing effect"]


def gen_psych_replication(rng, year, variant):
    d0 = rng.uniform(0.45, 0.95)
    d = rng.uniform(-0.05, 0.05)
    n_labs = rng.randint(9, 36)
    effect = rng.choice(PSY_EFFECTS)
    s = dict(effect=effect, a_effect=f"{art(effect)} {effect}", n_labs=n_labs, n_countries=rng.randint(3, min(n_labs - 2, 17)),
             n=n_(rng.randint(1400, 9800)), n_small=rng.randint(220, 1200), n_studies=rng.randint(21, 64),
             n_values=rng.randint(90, 480), power=rng.choice([90, 95]), n_qrp=rng.randint(8, 15),
             d0=f"{d0:.2f}", d=f"{d:.2f}", lo=f"{d - rng.uniform(0.06, 0.1):.2f}",
             hi=f"{d + rng.uniform(0.06, 0.1):.2f}", i2=rng.randint(0, 24), pct=rng.randint(34, 78),
             pct_rep=rng.randint(31, 72), pct_major=rng.randint(9, 34), r=f"{rng.uniform(0.42, 0.71):.2f}",
             bf=f"{rng.uniform(4, 38):.1f}", country=rng.choice(COUNTRIES), min_n=rng.choice([80, 100, 120, 150]),
             subfield=rng.choice(["social", "cognitive", "developmental", "personality", "clinical"]),
             k=rng.randint(60, 240), y0=year - rng.randint(8, 14), y1=year - 1)
    s["k_pred"] = int(s["n_studies"] * rng.uniform(0.6, 0.8))
    s["n_eff"] = int(s["k"] / rng.uniform(2, 5))
    bg = [
        "Concerns about the replicability of psychological findings have prompted large-scale replication efforts.",
        "Low statistical power, flexible analyses and publication bias can inflate the rate of false-positive findings.",
        "Questionable research practices such as selective reporting and optional stopping are thought to be common.",
        "Open science practices, including preregistration and data sharing, have been proposed as remedies.",
    ]
    concl = ["Journals and institutions should incentivise data sharing and preregistration.",
             "Replication should become a routine part of psychological science.",
             "These results underline the need for larger samples and transparent reporting."]
    if variant == "multilab":
        titles = ["A multi-lab replication of the {effect}", "Registered replication report: the {effect}",
                  "Many labs, one protocol: a preregistered replication of the {effect}"]
        aim = ["We tested whether the {effect} could be replicated in a large, preregistered study."]
        method = ["In a preregistered multi-lab replication, {n_labs} laboratories in {n_countries} countries collected data from {n} participants using a standardised protocol reviewed by the original authors."]
        data = ["The primary analysis was a random-effects meta-analysis across laboratories.",
                "Exclusion criteria and the analysis plan were specified before data collection."]
        results = ["The pooled effect was d = {d} (95% CI {lo} to {hi}), substantially smaller than the original estimate of d = {d0}.",
                   "Heterogeneity between laboratories was low (I² = {i2}%).",
                   "Bayesian analyses provided strong evidence for the null hypothesis (BF01 = {bf})."]
        concl = concl + ["These results cast doubt on the robustness of the {effect}."]
    elif variant == "direct":
        titles = ["Can the {effect} be replicated? A preregistered direct replication",
                  "A high-powered direct replication of the {effect}"]
        aim = ["We examined whether a seminal finding on the {effect} holds up in a close, high-powered replication."]
        method = ["We conducted a direct replication of the original experiment with {n_small} participants recruited online, with a sample size determined by a power analysis for {power}% power to detect half the original effect size."]
        data = ["Materials were obtained from the original authors.", "The study was preregistered on the Open Science Framework."]
        results = ["The effect was not replicated (d = {d}, 95% CI {lo} to {hi}).",
                   "Equivalence tests rejected effects as large as half the original estimate of d = {d0}.",
                   "Manipulation checks indicated that the manipulation worked as intended."]
        concl = concl + ["These results cast doubt on the robustness of the {effect}."]
    elif variant == "qrp":
        titles = ["Questionable research practices among psychologists in {country}: a survey",
                  "How common are questionable research practices? Self-reports of {subfield} psychologists"]
        aim = ["This study estimates the prevalence of questionable research practices among psychologists in {country}."]
        method = ["An anonymous online survey was completed by {n_small} psychologists, who reported their own use of {n_qrp} questionable research practices and estimated their prevalence among colleagues."]
        data = ["Respondents were recruited through professional associations and university mailing lists.",
                "Responses were weighted to the population by career stage."]
        results = ["{pct}% of respondents admitted to at least one questionable research practice, most commonly failing to report all dependent measures.",
                   "Estimates of colleagues' behaviour were consistently higher than self-reports.",
                   "Researchers trained in open science practices reported fewer questionable practices."]
    elif variant == "reproduce":
        titles = ["Computational reproducibility of results published in {subfield} psychology",
                  "Are published results reproducible from shared data? An analysis of {n_studies} psychology articles"]
        aim = ["We assessed whether published results could be reproduced from the original data and analysis code."]
        method = ["We obtained data and code for {n_studies} articles and attempted to reproduce {n_values} primary numerical results, classifying discrepancies as minor or major."]
        data = ["Reproduction attempts were carried out independently by two analysts.",
                "Original authors were contacted when results could not be reproduced."]
        results = ["Only {pct_rep}% of the targeted results could be reproduced exactly, and {pct_major}% contained at least one major discrepancy.",
                   "Most problems were caused by incomplete code and undocumented data processing steps.",
                   "Articles with shared analysis scripts were reproduced more often."]
    elif variant == "markets":
        titles = ["Predicting replication outcomes in {subfield} psychology with prediction markets and surveys",
                  "Can researchers predict which {subfield} psychology findings will replicate? Evidence from {n_studies} replications",
                  "Wisdom of the crowd and the replicability of {subfield} psychology: a prediction market study"]
        aim = ["We examined whether researchers can predict which findings will replicate."]
        method = ["Participants ({n_small} researchers) traded contracts on the outcomes of {n_studies} replication studies in prediction markets and completed a survey of their beliefs."]
        data = ["Replication outcomes were taken from a concurrent large-scale replication project.",
                "Markets were open for two weeks."]
        results = ["Market prices correlated with replication outcomes (r = {r}).",
                   "Markets predicted {k_pred} of {n_studies} outcomes correctly.",
                   "Survey beliefs were slightly less accurate than market prices."]
    else:  # meta-analysis of replications (review)
        titles = ["How replicable is {subfield} psychology? A meta-analysis of {k} replication attempts"]
        aim = ["This study synthesises evidence from published replication attempts."]
        method = ["We meta-analysed {k} replication attempts of {n_eff} published effects, comparing replication effect sizes with the original estimates using multilevel models."]
        data = ["Replication attempts were identified through a systematic search and replication databases.",
                "Original and replication effects were converted to a common metric."]
        results = ["Replication effects were on average less than half the size of the original effects.",
                   "Larger original samples and preregistration predicted replication success.",
                   "Effects from {subfield} psychology replicated less often than cognitive effects."]
    title = cap(rng.choice(titles).format(**s))
    akw = ["Replication", "Reproducibility", "Open science", "Meta-research"]
    if variant in ("multilab", "direct"):
        akw += [cap(s["effect"]), "Preregistration"]
    ikw = ["Adult", "Female", "Human", "Humans", "Male", "Psychology", "Reproducibility of Results",
           "Research Design", "Publication bias"]
    parts = dict(bg=fill(bg, s), aim=fill(aim, s), method=fill(method, s), data=fill(data, s),
                 results=fill(results, s), concl=fill(concl, s))
    return dict(variant=variant, bib=False, title=title, parts=parts, akw=akw, ikw=ikw, s=s)


CITIES = [("Zürich", "Switzerland", "CHF"), ("São Paulo", "Brazil", "BRL"), ("Bogotá", "Colombia", "COP"),
          ("Malmö", "Sweden", "SEK"), ("Montréal", "Canada", "CAD"), ("Kraków", "Poland", "PLN"),
          ("Berlin", "Germany", "EUR"), ("Lyon", "France", "EUR"), ("Melbourne", "Australia", "AUD"),
          ("Shenzhen", "China", "CNY"), ("Bangalore", "India", "INR"), ("Lisbon", "Portugal", "EUR"),
          ("Chicago", "United States", "USD"), ("Copenhagen", "Denmark", "DKK"), ("Santiago", "Chile", "CLP"),
          ("Seoul", "South Korea", "KRW"), ("Nairobi", "Kenya", "KES"), ("Rotterdam", "Netherlands", "EUR")]
MODES = [("shared e-scooters", 2019), ("bike sharing", 2008), ("ride-hailing", 2015), ("bus rapid transit", 2008),
         ("cycling", 2008), ("walking", 2008), ("carsharing", 2008), ("demand-responsive transit", 2008),
         ("Mobility-as-a-Service", 2018), ("electric bicycles", 2012)]
POLICIES = [("congestion pricing", 2008), ("a low-emission zone", 2008), ("parking pricing reform", 2008),
            ("fare-free public transport", 2012), ("a new metro line", 2008), ("protected bicycle lanes", 2008),
            ("automated vehicles", 2014), ("superblocks", 2016)]


def gen_urban_mobility(rng, year, variant):
    city, country, cur = rng.choice(CITIES)
    mode, _ = pick_min_year(rng, MODES, year, key=lambda x: x[1])
    policy, _ = pick_min_year(rng, POLICIES, year, key=lambda x: x[1])
    s0 = rng.randint(2, 14)
    s = dict(city=city, country=country, cur=cur, mode=mode, Mode=cap(mode), policy=policy, Policy=cap(policy),
             n=n_(rng.randint(800, 42000)), n_agents=n_(rng.randint(120000, 2400000)),
             n_choice=rng.randint(6, 12), n_trips=n_(rng.randint(90000, 9000000)),
             pct=rng.randint(6, 31), pct2=rng.randint(4, 19), vot=rng.randint(7, 38),
             s0=s0, s1=s0 + rng.randint(1, 9), k=rng.randint(45, 160),
             y0=year - rng.randint(8, 15), y1=year - 1, elas=f"-{rng.uniform(0.12, 0.65):.2f}")
    bg = [
        "Cities worldwide are seeking ways to reduce car dependence, congestion and transport emissions.",
        "New mobility services are changing how people travel in urban areas.",
        "Transport accounts for a large and growing share of urban CO<inf>2</inf> emissions.",
        "Understanding travel behaviour is essential for designing effective transport policies.",
    ]
    concl = ["The findings can support planners in designing more sustainable urban transport systems.",
             "Policies should combine pricing measures with improvements to public transport and active travel.",
             "Future research should examine long-term behavioural responses."]
    if variant == "survey":
        titles = ["Determinants of {mode} use in {city}: evidence from a household travel survey",
                  "Who uses {mode}? Travel survey evidence from {city}, {country}",
                  "Car ownership, accessibility and mode choice in {city}"]
        aim = ["This study identifies the determinants of {mode} use in {city}."]
        method = ["We analysed a household travel survey of {n} respondents in {city}, {country}, using a multinomial logit model of mode choice."]
        data = ["Trip diaries recorded all trips made on a reference day.",
                "Built-environment variables were derived from land-use and network data."]
        results = ["Travel time and cost were the strongest predictors of mode choice, with a value of travel time savings of {vot} {cur} per hour.",
                   "Younger and higher-income respondents were more likely to use {mode}.",
                   "Car ownership and distance to the nearest public transport stop were significant predictors of car use."]
    elif variant == "abm":
        titles = ["Simulating the effects of {policy} in {city} with an agent-based model",
                  "Agent-based simulation of {policy} in {city}: impacts on traffic and emissions"]
        aim = ["We assessed the effects of {policy} on traffic, mode choice and emissions in {city}."]
        method = ["An agent-based simulation of {city} was implemented in MATSim with a synthetic population of {n_agents} agents and calibrated against traffic counts."]
        data = ["Scenarios were compared with a business-as-usual baseline.",
                "Emissions were calculated with a vehicle emission model."]
        results = ["{Policy} was predicted to reduce car traffic in the city centre by {pct}% and CO<inf>2</inf> emissions by {pct2}%.",
                   "Public transport ridership increased, particularly on radial routes.",
                   "Effects on low-income households depended strongly on the design of the scheme."]
    elif variant == "sp":
        titles = ["Preferences for {mode} in {city}: a stated choice experiment",
                  "Willingness to pay for {mode}: evidence from {city}, {country}"]
        aim = ["This study investigates travellers' preferences for {mode} in {city}."]
        method = ["A stated preference experiment with {n} respondents in {city} examined trade-offs between travel time, cost and comfort across {n_choice} choice tasks per respondent, analysed with mixed logit models."]
        data = ["The experimental design was generated with a D-efficient algorithm.",
                "Respondents were recruited from an online panel representative of the adult population."]
        results = ["Respondents valued travel time savings at {vot} {cur} per hour.",
                   "Preferences for {mode} were heterogeneous and related to age and car access.",
                   "Demand was relatively inelastic to price (elasticity {elas})."]
    elif variant == "gps":
        titles = ["Travel behaviour change after {policy}: evidence from GPS and smart card data in {city}",
                  "Big data analysis of {mode} trips in {city}"]
        aim = ["We measured changes in travel behaviour following {policy} in {city}."]
        method = ["We used {n_trips} GPS trajectories and smart card transactions from {city} to estimate changes in travel patterns before and after {policy} with a difference-in-differences design."]
        data = ["Trajectories were map-matched to the street network.", "Trip purposes were imputed from land use at trip ends."]
        results = ["The share of {mode} increased from {s0}% to {s1}% of trips.",
                   "Average trip lengths by car fell, while public transport trips increased.",
                   "Effects were concentrated in districts with good public transport access."]
    else:  # review
        titles = ["{Mode} and urban travel behaviour: a systematic literature review",
                  "The impacts of {mode} on urban transport: a review of the evidence"]
        aim = ["This review synthesises empirical evidence on {mode}."]
        method = ["We reviewed {k} studies on {mode} published between {y0} and {y1} and synthesised evidence on usage patterns, user characteristics and impacts on other modes."]
        data = ["Studies were identified through systematic database searches.", "Findings were synthesised narratively."]
        results = ["Most studies found that {mode} substitutes for walking and public transport more often than for car trips.",
                   "Users were predominantly young, male and highly educated.",
                   "Evidence on environmental impacts remained inconclusive."]
    title = cap(rng.choice(titles).format(**s))
    akw = ["Travel behaviour", "Urban mobility", cap(mode), s["city"]]
    if variant == "abm":
        akw += ["Agent-based modelling", "MATSim"]
    elif variant in ("survey", "sp"):
        akw += ["Mode choice", "Discrete choice model"]
    ikw = ["Urban transport", "Travel behavior", "Transportation policy", "Public transport", "Mode choice",
           "Traffic congestion", "Carbon dioxide", s["country"]]
    parts = dict(bg=fill(bg, s), aim=fill(aim, s), method=fill(method, s), data=fill(data, s),
                 results=fill(results, s), concl=fill(concl, s))
    return dict(variant=variant, bib=False, title=title, parts=parts, akw=akw, ikw=ikw, s=s)


GENERATORS = {
    "bibliometrics": gen_bibliometrics,
    "open_access": gen_open_access,
    "protein_ml": gen_protein_ml,
    "climate_agriculture": gen_climate_agriculture,
    "psych_replication": gen_psych_replication,
    "urban_mobility": gen_urban_mobility,
}

VARIANTS = {  # (variant, weight) for regular (non-review) records
    "bibliometrics": [("mapping", 40), ("collab", 20), ("hindex", 14), ("topcited", 10), ("trend", 16)],
    "open_access": [("survey", 45), ("policy", 27), ("interviews", 28)],
    "protein_ml": [("method", 100)],
    "climate_agriculture": [("field", 40), ("survey", 40), ("model", 20)],
    "psych_replication": [("multilab", 26), ("direct", 22), ("qrp", 20), ("reproduce", 18), ("markets", 14)],
    "urban_mobility": [("survey", 35), ("abm", 25), ("sp", 22), ("gps", 18)],
}

YEAR_RANGE = {
    "bibliometrics": (2008, 2024, 1.6),
    "open_access": (2008, 2024, 0.8),
    "protein_ml": (2008, 2024, 1.4),
    "climate_agriculture": (2008, 2024, 0.9),
    "psych_replication": (2012, 2024, 0.6),
    "urban_mobility": (2008, 2024, 1.0),
}

EDITORIALS = {
    "open_access": "Open access at a crossroads",
    "protein_ml": "Machine learning in structural bioinformatics: introduction to the special issue",
    "climate_agriculture": "Editorial: Adapting agriculture to a changing climate",
    "psych_replication": "Editorial: Towards a more replicable psychological science",
    "urban_mobility": "New mobility services and the future of urban transport: editorial",
}


def compose_abstract(rng, parts):
    """Background, aim, method, data, results, conclusion; 120-250 words."""
    for _ in range(200):
        bg = rng.sample(parts["bg"], len(parts["bg"]))
        data = rng.sample(parts["data"], len(parts["data"]))
        res = rng.sample(parts["results"], len(parts["results"]))
        aim, method, concl = rng.choice(parts["aim"]), rng.choice(parts["method"]), rng.choice(parts["concl"])
        n = {"bg": rng.choice([1, 2, 2]), "data": rng.choice([1, 2]), "res": rng.choice([2, 3, 3])}

        def build():
            return " ".join(bg[:n["bg"]] + [aim, method] + data[:n["data"]] + res[:n["res"]] + [concl])

        text = build()
        for key, pool in (("res", res), ("data", data), ("bg", bg)) * 3:  # lengthen if too short
            if len(text.split()) >= 120:
                break
            if n[key] < len(pool):
                n[key] += 1
                text = build()
        if 120 <= len(text.split()) <= 250:
            return text
    raise RuntimeError("could not compose abstract")


# --------------------------------------------------------------------------
# record generation
# --------------------------------------------------------------------------

def make_records(rng, teams, n_per_theme=N_PER_THEME):
    records = []
    titles_seen = set()
    abstracts_seen = set()
    for theme in THEMES:
        lo, hi, power = YEAR_RANGE[theme]
        plan = []  # (variant, doc type)
        if theme == "bibliometrics":
            for _ in range(n_per_theme):
                v = rng.choices([v for v, _w in VARIANTS[theme]], [w for _v, w in VARIANTS[theme]])[0]
                dt = rng.choices(["Article", "Review", "Conference Paper", "Book Chapter"], [70, 20, 7, 3])[0]
                plan.append((v, dt))
        else:
            n_review = {"open_access": 3, "protein_ml": 3, "climate_agriculture": 3,
                        "psych_replication": 3, "urban_mobility": 3}[theme]
            n_bib = N_BIB_OA if theme == "open_access" else 0
            plan.append(("editorial", "Editorial"))
            plan += [("review", "Review")] * n_review
            plan += [("bib", None)] * n_bib
            while len(plan) < n_per_theme:
                v = rng.choices([v for v, _w in VARIANTS[theme]], [w for _v, w in VARIANTS[theme]])[0]
                plan.append((v, None))
            conf_w = {"protein_ml": 14, "urban_mobility": 12}.get(theme, 5)
            plan = [(v, dt or rng.choices(["Article", "Conference Paper", "Book Chapter"], [90 - conf_w, conf_w, 4])[0])
                    for v, dt in plan]
            if theme == "psych_replication":  # conference papers are rare in psychology
                plan = [(v, "Article" if dt == "Conference Paper" and i % 2 else dt) for i, (v, dt) in enumerate(plan)]
        for variant, dtype in plan:
            year = weighted_year(rng, lo, hi, power)
            if variant == "editorial":
                title = EDITORIALS[theme]
                g = dict(variant="editorial", bib=False, title=title, parts=None,
                         akw=[], ikw=[], s={})
                abstract = None
            else:
                for _attempt in range(200):
                    g = GENERATORS[theme](rng, year, variant)
                    key = g["title"].lower()
                    if key not in titles_seen:
                        break
                else:
                    raise RuntimeError(f"no unique title for {theme}/{variant}")
                abstract = compose_abstract(rng, g["parts"])
                assert abstract not in abstracts_seen
                abstracts_seen.add(abstract)
            titles_seen.add(g["title"].lower())
            n_auth = {"bibliometrics": (1, 6), "open_access": (1, 5), "protein_ml": (2, 9),
                      "climate_agriculture": (2, 8), "psych_replication": (1, 6),
                      "urban_mobility": (2, 6)}[theme]
            na = rng.randint(*n_auth)
            if variant == "multilab":
                na = rng.randint(9, 14)
            if variant == "editorial":
                na = rng.randint(1, 3)
            authors = pick_authors(rng, teams[theme], na)
            records.append(dict(theme=theme, variant=g["variant"], bib=g["bib"], title=g["title"],
                                abstract=abstract, akw=g["akw"], ikw=g["ikw"], s=g["s"], year=year,
                                doctype=dtype, authors=authors, parts=g["parts"]))
    return records


def assign_venue(rng, rec):
    theme, year, dtype = rec["theme"], rec["year"], rec["doctype"]
    rec.update(volume="", issue="", artno="", pstart="", pend="", pcount="", stage="Final")
    if dtype in ("Article", "Review", "Editorial"):
        js = [j for j in JOURNALS[theme] if j["lo"] <= year <= j["hi"]]
        j = rng.choice(js)
        rec["source"] = j["name"]
        rec["abbr"] = j["abbr"]
        rec["tailkey"] = j["tail"]
        rec["gold"] = j["oa"]
        rec["volume"] = str(j["vol"] + (year - j["vy"]))
        if j["issues"] > 1:
            rec["issue"] = str(rng.randint(1, j["issues"]))
        style = j["artno"]
        if style:
            rec["artno"] = {
                "plos": lambda: f"e0{rng.randint(100000, 299999)}",
                "mdpi": lambda: str(rng.randint(1000, 15999)),
                "heliyon": lambda: f"e{rng.randint(10000, 29999)}",
                "peerj": lambda: f"e{rng.randint(1000, 16999)}",
                "bmc": lambda: str(rng.randint(10, 560)),
                "natcomm": lambda: str(rng.randint(100, 9999)),
                "rsos": lambda: str(rng.randint(180000, 239999)),
                "collabra": lambda: str(rng.randint(10000, 89999)),
                "crm": lambda: str(rng.randint(100, 599)),
                "jlsc": lambda: f"eP{rng.randint(2000, 2999)}",
            }[style]()
            if style in ("plos", "peerj", "natcomm"):
                rec["pcount"] = ""
            elif rng.random() < 0.5:
                rec["pcount"] = str(rng.randint(9, 24))
        else:
            ps = rng.randint(1, 1800)
            pc = rng.randint(3, 6) if dtype == "Editorial" else rng.randint(8, 28)
            rec["pstart"], rec["pend"], rec["pcount"] = str(ps), str(ps + pc - 1), str(pc)
        if year == 2024 and dtype == "Article" and rng.random() < 0.3:
            rec.update(volume="", issue="", artno="", pstart="", pend="", pcount="", stage="Article in press")
    elif dtype == "Conference Paper":
        venue = rng.choice(CONFERENCES[theme])
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
        rec["tailkey"] = {"protein_ml": "ieee", "urban_mobility": "elsevier_oa",
                          "climate_agriculture": "none"}.get(theme, "wiley")
        rec["gold"] = venue in ("Transportation Research Procedia",
                                "IOP Conference Series: Earth and Environmental Science")
        if not rec["artno"]:
            ps = rng.randint(1, 2400)
            pc = rng.randint(4, 12)
            rec["pstart"], rec["pend"], rec["pcount"] = str(ps), str(ps + pc - 1), str(pc)
    else:  # Book Chapter
        rec["source"] = BOOKS[theme]
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
    rate = {"bibliometrics": 4.5, "open_access": 3.5, "protein_ml": 7.0, "climate_agriculture": 4.0,
            "psych_replication": 6.0, "urban_mobility": 3.5}[rec["theme"]]
    if rec["doctype"] == "Review":
        rate *= 1.8
    if rec["doctype"] in ("Editorial", "Conference Paper", "Book Chapter"):
        rate *= 0.3
    mu = math.log(1 + age * rate)
    return max(1, int(round(rng.lognormvariate(mu, 0.9))))


def finalise(rng, records, teams):
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
        rec["tail"] = "" if rng.random() < 0.12 else copyright_tail(rng, rec["tailkey"], rec["year"], fa)
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
    taken = set()
    roles = {}
    by = lambda th, v=None, dt=None: (lambda r: r["theme"] == th and (v is None or r["variant"] == v)
                                      and (dt is None or r["doctype"] == dt))
    has_pages = lambda r: r["pstart"] != ""
    # --- PDFs --------------------------------------------------------------
    roles["pdf_fn1"] = pick(rng, records, lambda r: by("bibliometrics", "mapping", "Article")(r) and has_pages(r), 1, taken)[0]
    roles["pdf_fn2"] = pick(rng, records, lambda r: by("bibliometrics", "collab")(r) and r["doctype"] in ("Article", "Review") and has_pages(r), 1, taken)[0]
    roles["pdf_fn3"] = pick(rng, records, lambda r: by("open_access", "bib", "Article")(r) and has_pages(r), 1, taken)[0]
    roles["pdf_text"] = pick(rng, records, lambda r: by("open_access", "survey", "Article")(r) and has_pages(r), 1, taken)[0]
    roles["pdf_title"] = pick(rng, records, lambda r: by("psych_replication", "multilab", "Article")(r)
                              and has_pages(r) and all(ord(c) < 128 for c in r["title"]), 1, taken,
                              check=lambda r: title_ok_for_matching(r, records))[0]
    # --- RIS duplicates ----------------------------------------------------
    ok_title = lambda r: title_ok_for_matching(r, records)
    regular = lambda r: r["doctype"] != "Editorial"
    roles["ris_enrich"] = pick(rng, records, lambda r: regular(r) and r["theme"] in ("bibliometrics", "open_access"), 2, taken)
    roles["ris_resolver"] = pick(rng, records, regular, 3, taken)
    roles["ris_fuzzy"] = pick(rng, records, lambda r: regular(r) and ":" in r["title"], 2, taken, check=ok_title)
    roles["ris_plain"] = pick(rng, records, regular, 8, taken)
    # --- CSV quirks ----------------------------------------------------------
    editorials = [r for r in records if r["doctype"] == "Editorial"]
    roles["no_author"] = [r for r in editorials if r["theme"] == "climate_agriculture"]
    others_no_abs = pick(rng, records, regular, 4, taken)
    roles["no_abstract"] = editorials + [roles["pdf_fn1"]] + roles["ris_enrich"] + others_no_abs
    roles["no_doi"] = pick(rng, records, regular, 6, taken)
    roles["newline"] = pick(rng, records, lambda r: regular(r) and r["theme"] in ("climate_agriculture", "protein_ml"), 2, taken)
    roles["dup_rows"] = pick(rng, records, regular, 2, taken)
    roles["no_cited"] = pick(rng, records, lambda r: r["year"] >= 2023, 10, set())  # may overlap other roles
    latin = lambda r: (r["s"].get("city") in ("Bogotá", "Santiago", "São Paulo")
                       or r["s"].get("region") == "Latin America" or r["s"].get("country") in ("Peru", "Mexico"))
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


# --------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------

def link_for(eid):
    md5 = hashlib.md5(eid.encode("ascii")).hexdigest()
    return f"https://www.scopus.com/inward/record.uri?eid={eid}&partnerID=40&md5={md5}"


def csv_row(rec):
    if rec["no_author"]:
        authors, full, ids, affs, awa = "[No author name available]", "", "[No author id available]", "", ""
    else:
        au = rec["authors"]
        authors = "; ".join(a.short for a in au)
        full = "; ".join(a.full for a in au)
        ids = "; ".join(str(a.aid) for a in au)
        aff_list = []
        for a in au:
            s = affil_string(a.inst)
            if s not in aff_list:
                aff_list.append(s)
        affs = "; ".join(aff_list)
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


RIS_TY = {"Article": "JOUR", "Review": "JOUR", "Editorial": "JOUR", "Conference Paper": "CONF",
          "Book Chapter": "CHAP"}


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
        seen = []
        for a in rec["authors"]:
            s = affil_string(a.inst)
            if s not in seen:
                seen.append(s)
        L += [("AD", s) for s in seen]
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


# --------------------------------------------------------------------------
# PDFs
# --------------------------------------------------------------------------

A4 = pymupdf.paper_rect("a4")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 66, 72, 64


class Layout:
    """Minimal flowing-text layout on A4 pages using embedded (subset) Times/Helvetica."""

    def __init__(self, doc, header=""):
        self.doc = doc
        self.header = header
        self.fonts = {"serif": pymupdf.Font("tiro"), "bold": pymupdf.Font("tibo"),
                      "italic": pymupdf.Font("tiit"), "sans": pymupdf.Font("helv"),
                      "sansbold": pymupdf.Font("hebo")}
        self.page = None
        self.tw = None
        self.new_page()

    def flush(self):
        if self.tw is not None:
            self.tw.write_text(self.page)
            self.tw = None

    def new_page(self):
        self.flush()
        self.page = self.doc.new_page(width=A4.width, height=A4.height)
        self.tw = pymupdf.TextWriter(self.page.rect)
        self.y = MARGIN_TOP
        pno = self.page.number + 1
        if self.header:
            self.tw.append((MARGIN_X, 42), self.header, font=self.fonts["sans"], fontsize=7.5)
        label = str(pno)
        w = self.fonts["sans"].text_length(label, 8)
        self.tw.append(((A4.width - w) / 2, A4.height - 34), label, font=self.fonts["sans"], fontsize=8)

    def wrap(self, text, font, size, width):
        f = self.fonts[font]
        lines = []
        for para in text.split("\n"):
            cur = ""
            for word in para.split(" "):
                trial = f"{cur} {word}" if cur else word
                if f.text_length(trial, size) <= width or not cur:
                    cur = trial
                else:
                    lines.append(cur)
                    cur = word
            lines.append(cur)
        return lines

    def text(self, text, font="serif", size=10.5, lead=1.32, before=0.0, after=6.0, indent=0.0,
             keep=1, center=False):
        width = A4.width - 2 * MARGIN_X - indent
        lines = self.wrap(text, font, size, width)
        lh = size * lead
        self.y += before
        if self.y + lh * min(keep, len(lines)) > A4.height - MARGIN_BOTTOM:
            self.new_page()
        for ln in lines:
            if self.y + lh > A4.height - MARGIN_BOTTOM:
                self.new_page()
            x = MARGIN_X + indent
            if center:
                x = (A4.width - self.fonts[font].text_length(ln, size)) / 2
            self.tw.append((x, self.y + size), ln, font=self.fonts[font], fontsize=size)
            self.y += lh
        self.y += after

    def heading(self, text):
        self.text(text, font="bold", size=12, before=6, after=4, keep=4)

    def rule(self):
        y = self.y + 2
        self.page.draw_line((MARGIN_X, y), (A4.width - MARGIN_X, y), color=(0.4, 0.4, 0.4), width=0.5)
        self.y += 10


REFS = {
    "bibliometrics": [
        (1955, "Garfield, E. (1955). Citation indexes for science: A new dimension in documentation through association of ideas. Science, 122(3159), 108–111."),
        (1973, "Small, H. (1973). Co-citation in the scientific literature: A new measure of the relationship between two documents. Journal of the American Society for Information Science, 24(4), 265–269."),
        (2001, "Newman, M. E. J. (2001). The structure of scientific collaboration networks. Proceedings of the National Academy of Sciences, 98(2), 404–409."),
        (2005, "Hirsch, J. E. (2005). An index to quantify an individual's scientific research output. Proceedings of the National Academy of Sciences, 102(46), 16569–16572."),
        (2010, "van Eck, N. J., & Waltman, L. (2010). Software survey: VOSviewer, a computer program for bibliometric mapping. Scientometrics, 84(2), 523–538."),
        (2017, "Aria, M., & Cuccurullo, C. (2017). bibliometrix: An R-tool for comprehensive science mapping analysis. Journal of Informetrics, 11(4), 959–975."),
    ],
    "open_access": [
        (2001, "Lawrence, S. (2001). Free online availability substantially increases a paper's impact. Nature, 411(6837), 521."),
        (2006, "Eysenbach, G. (2006). Citation advantage of open access articles. PLoS Biology, 4(5), e157."),
        (2008, "Davis, P. M., Lewenstein, B. V., Simon, D. H., Booth, J. G., & Connolly, M. J. L. (2008). Open access publishing, article downloads, and citations: Randomised controlled trial. BMJ, 337, a568."),
        (2012, "Suber, P. (2012). Open access. Cambridge, MA: MIT Press."),
        (2018, "Piwowar, H., Priem, J., Larivière, V., Alperin, J. P., Matthias, L., Norlander, B., Farley, A., West, J., & Haustein, S. (2018). The state of OA: A large-scale analysis of the prevalence and impact of open access articles. PeerJ, 6, e4375."),
    ],
    "psych_replication": [
        (2005, "Ioannidis, J. P. A. (2005). Why most published research findings are false. PLoS Medicine, 2(8), e124."),
        (2011, "Simmons, J. P., Nelson, L. D., & Simonsohn, U. (2011). False-positive psychology: Undisclosed flexibility in data collection and analysis allows presenting anything as significant. Psychological Science, 22(11), 1359–1366."),
        (2012, "John, L. K., Loewenstein, G., & Prelec, D. (2012). Measuring the prevalence of questionable research practices with incentives for truth telling. Psychological Science, 23(5), 524–532."),
        (2015, "Open Science Collaboration. (2015). Estimating the reproducibility of psychological science. Science, 349(6251), aac4716."),
        (2018, "Camerer, C. F., Dreber, A., Holzmeister, F., et al. (2018). Evaluating the replicability of social science experiments in Nature and Science between 2010 and 2015. Nature Human Behaviour, 2(9), 637–644."),
    ],
}

BODY = {
    ("bibliometrics", "intro"): [
        "Over the past two decades, research on {topic} has grown from a niche interest into a large and diverse body of literature spanning several disciplines. The rapid increase in the number of publications makes it difficult for individual researchers to maintain an overview of the field, to identify its intellectual foundations and to recognise emerging research fronts.",
        "Bibliometric analysis offers a systematic, transparent and reproducible way to describe the structure and development of a research field. Performance analysis quantifies the contributions of authors, institutions, countries and journals, whereas science mapping techniques such as co-citation analysis, bibliographic coupling, co-authorship analysis and co-word analysis reveal the relationships between research constituents.",
        "Although several narrative reviews of {topic} have been published, they typically cover a limited number of studies selected by their authors. A quantitative overview based on the complete publication record is still missing. In this study we address this gap by analysing {n_pubs_final} documents indexed in {db}.",
    ],
    ("bibliometrics", "data"): [
        "Bibliographic data were retrieved from {db} in {month} {y1p1}. The search query combined {n_terms} terms related to {topic} in the title, abstract and keyword fields, and the time span was restricted to {range}. Only articles and reviews written in English were retained. The initial search returned {n_pubs} records; after the removal of duplicates, errata and off-topic documents, {n_pubs_final} documents remained for analysis. Full records including cited references were exported for processing.",
    ],
    ("bibliometrics", "mapping"): [
        "We first performed a performance analysis, counting publications and citations per year, author, institution, country and journal. Science mapping was then carried out in {tool}. For the co-citation analysis, cited references with at least {thr} citations were included and links were normalised with the association strength method. For the keyword co-occurrence analysis, author keywords were harmonised with a thesaurus that merged synonyms and spelling variants, and keywords occurring at least {thr2} times were mapped and clustered.",
    ],
    ("bibliometrics", "collab"): [
        "Co-authorship networks were constructed at three levels of aggregation: authors, institutions and countries. Two actors were linked when they co-authored at least one document, and link weights were computed with full counting. For each network we calculated degree centrality, betweenness centrality and the clustering coefficient, and we visualised the largest connected component with {tool}. International collaboration was defined as a document with author affiliations in at least two countries, and citation impact was compared between internationally and domestically co-authored documents.",
    ],
    ("bibliometrics", "robust"): [
        "To assess the robustness of the results, we repeated the main analyses with fractional counting and with alternative thresholds for inclusion. Author names of the {n_top} most productive authors were disambiguated manually using their author identifiers and affiliation histories.",
    ],
    ("bibliometrics", "results"): [
        "The annual number of publications on {topic} increased from {n_first} in {y0} to {n_last} in {y1}, corresponding to an average annual growth rate of {growth}%. Growth accelerated markedly after {acc_year}. The documents were published in {n_sources} sources, and the ten most productive journals accounted for {pct_top10}% of the output, with {journal_top} in first place.",
        "{country} was the most productive country with {n_c1} documents, followed by {c2} ({n_c2}) and {c3} ({n_c3}). When citations per document were considered, {c_cit} ranked first. The most cited document received {max_cit} citations, and the {n_top} most productive authors together contributed {pct_auth}% of all documents.",
    ],
    ("bibliometrics", "results_mapping"): [
        "The keyword co-occurrence map contained {n_kw} keywords grouped into {n_clusters} clusters. The largest cluster was centred on '{kw1}' and '{kw2}', a second cluster grouped terms related to '{kw3}', and a smaller, more recent cluster revolved around '{kw4}'. The co-citation network of references showed a similar structure, with a dense core of foundational works published before {acc_year} and several peripheral streams of more recent applied work.",
    ],
    ("bibliometrics", "results_collab"): [
        "International co-authored documents accounted for {pct_int}% of the output and received on average {ratio} times as many citations as documents authored within a single country. The country collaboration network comprised {n_countries} nodes; {country} occupied the most central position (normalised betweenness centrality = {btw}), followed by {c2}. At the institutional level, a core of {n_core} institutions formed a densely connected component, whereas most other institutions were linked to the network by only one or two collaborations.",
    ],
    ("bibliometrics", "discussion"): [
        "This bibliometric analysis shows that research on {topic} has entered a phase of rapid expansion. The concentration of output in a small number of countries and journals suggests that the field is still consolidating, while the emergence of topics around '{kw4}' points to new research fronts.",
        "Several limitations should be noted. The analysis relies on a single database, {db}, whose coverage of non-English and regional journals is incomplete. Citation counts favour older publications, and keyword-based mapping depends on the consistency of author-assigned keywords. Future work could combine bibliometric indicators with content analysis of full texts and compare results across databases.",
        "In conclusion, the results provide a quantitative map of {topic} research and identify its most influential actors and themes. The map can help newcomers to locate the core literature and can inform funders about research gaps.",
    ],
    ("open_access", "intro"): [
        "Open access (OA) to research publications has moved from a grassroots movement to a mainstream policy objective. Funders, governments and institutions increasingly require that publications resulting from public funding be made freely available, either by publishing in open access journals (gold OA) or by depositing a version in a repository (green OA).",
        "One of the most frequently cited arguments for open access is that freely available articles are read and cited more often than articles behind a paywall. Since the first studies reporting such an open access citation advantage, the claim has been contested on methodological grounds: authors may choose to make their best work open access, and open access articles may differ from subscription articles in many respects other than access.",
    ],
    ("open_access", "intro_bib"): [
        "In this study we revisit the open access citation advantage in {discipline}, a field in which the share of open access publications has grown rapidly. We use a large set of articles and citation data and control for several known confounders.",
    ],
    ("open_access", "intro_survey"): [
        "Much less is known about how researchers themselves perceive open access and its presumed benefits. In this study we report the results of a survey of researchers in {country} on their publishing practices, their attitudes towards open access and their beliefs about its effect on visibility and citations.",
    ],
    ("open_access", "methods_bib"): [
        "We collected bibliographic records and citation counts for {n_pubs} research articles published between {y0} and {y1} in {n_journals} {discipline} journals indexed in {db_short}. Open access status was determined through {oa_source} and classified as gold, hybrid, bronze or green. Citations were counted in a fixed window of {k} years after publication to avoid bias due to differences in citation time.",
        "Our main model is a negative binomial regression of citation counts on open access status, controlling for journal, publication year, number of authors, number of references, international collaboration and article length. As a robustness check we estimated the citation advantage with propensity score matching, pairing each open access article with a closed-access article from the same journal and year.",
    ],
    ("open_access", "methods_survey"): [
        "The questionnaire consisted of {n_items} items covering publishing behaviour, awareness of funder and institutional policies, attitudes towards open access and beliefs about its consequences. It was piloted with {n_pilot} researchers and revised before distribution.",
        "Invitations were sent to {n_invited} researchers at {n_institutions} universities in {country}, and {n} ({rr}%) completed the questionnaire. Responses were analysed with descriptive statistics, and logistic regression was used to identify factors associated with having published in a fully open access journal. Free-text answers were coded inductively by two members of the team.",
    ],
    ("open_access", "results_bib"): [
        "Of the {n_pubs} articles, {s1}% were available in some form of open access at the time of data collection. The share of open access articles increased from {s0}% in {y0} to {s1b}% in {y1}, with green and bronze open access accounting for most of the growth.",
        "In the unadjusted comparison, open access articles received {adv}% more citations than closed-access articles. After adjustment for the covariates, the advantage shrank to {adv2}% (incidence rate ratio = {irr}, 95% CI {ci0}–{ci1}). The advantage was largest for green open access and was not statistically significant for articles in fully open access journals. Propensity score matching produced similar estimates, and the results were robust to the length of the citation window.",
    ],
    ("open_access", "results_survey"): [
        "Most respondents ({pct1}%) agreed that publicly funded research should be freely available, but only {pct2}% had published in a fully open access journal in the previous three years. Article processing charges were the most frequently mentioned barrier, followed by concerns about the quality and prestige of open access journals.",
        "A large majority ({pct3}%) believed that open access increases citations, yet only a minority could name a study supporting this belief. Awareness of funder mandates was higher among senior researchers and in the life sciences. In the logistic regression, having dedicated funding for publication fees was the strongest predictor of open access publishing (odds ratio = {or_}).",
    ],
    ("open_access", "discussion_bib"): [
        "Our results confirm that open access articles tend to be cited more often, but they also show that much of the raw difference is explained by differences in the characteristics of the articles. The remaining advantage of around {adv2}% is modest compared with figures frequently quoted in advocacy materials.",
        "The study has limitations. Open access status was measured at a single point in time, although articles may become open access long after publication. Unobserved factors such as article quality may still confound the estimates. Future studies could exploit natural experiments, such as journals flipping to open access, to obtain causal estimates.",
    ],
    ("open_access", "discussion_survey"): [
        "The survey reveals a gap between support for open access in principle and actual publishing behaviour. Financial barriers and evaluation practices that reward publication in prestigious subscription journals appear to be the main obstacles.",
        "Because respondents self-selected into the survey, the results may overestimate interest in open access. Nonetheless, the findings suggest that institutions should combine mandates with financial support and with reforms of research assessment.",
    ],
    ("psych_replication", "intro"): [
        "Over the past decade, psychology has been confronted with evidence that many published findings are difficult to replicate. Large-scale projects have reported replication rates well below what would be expected if the original findings were accurate, prompting debates about statistical power, publication bias and analytic flexibility.",
        "The {effect} is a prominent example of a finding that has been widely cited in textbooks and popular media but whose robustness has been questioned. The original study reported a sizeable effect (d = {d0}) with a relatively small sample, and subsequent conceptual replications have produced mixed results.",
        "In this registered replication report we present a preregistered, multi-laboratory replication of the original experiment. By pooling data from many laboratories that follow a common protocol, we obtain a precise estimate of the effect and can examine whether it varies across sites.",
    ],
    ("psych_replication", "methods"): [
        "The protocol was developed in consultation with the original authors and preregistered before data collection. A total of {n_labs} laboratories in {n_countries} countries took part. Each laboratory committed to recruiting at least {min_n} participants, and the total sample comprised {n} participants after the preregistered exclusions.",
        "Participants were adult volunteers recruited from student pools and community samples. They were naive to the hypothesis, and participants who correctly guessed the purpose of the study in a funnel debriefing were excluded, as specified in the preregistration. All laboratories obtained approval from their local ethics committees, and participants gave informed consent.",
        "Participants completed the original manipulation and the primary dependent measure, translated where necessary. The primary analysis was a random-effects meta-analysis of the standardised mean difference across laboratories; heterogeneity was quantified with tau and I² statistics. We also computed Bayes factors comparing the null hypothesis with the effect size predicted from the original study.",
    ],
    ("psych_replication", "results"): [
        "The pooled effect was d = {d} (95% CI {lo} to {hi}), substantially smaller than the original estimate. Heterogeneity between laboratories was low (I² = {i2}%), indicating that the small effect was not driven by particular sites.",
        "The Bayes factor favoured the null hypothesis (BF01 = {bf}). Exploratory analyses showed no moderation by participant gender, country or performance on the manipulation check.",
        "Laboratory-level estimates ranged from small negative to small positive values, and none of the individual laboratories reproduced an effect as large as the original one. Excluding participants who failed the manipulation check did not change the conclusions.",
    ],
    ("psych_replication", "discussion"): [
        "Our results do not support the existence of {a_effect} of the size reported in the original study. Given the large sample, even a small true effect would very likely have been detected.",
        "Several limitations deserve mention. Although the protocol closely followed the original study, cultural and historical changes since the original experiment may have altered how participants interpret the materials. Some laboratories tested participants online rather than in the laboratory, although the mode of testing did not moderate the effect.",
        "Registered, multi-lab replications such as this one offer a powerful tool for assessing the robustness of influential findings. Journals and funders should support such efforts and encourage preregistration and data sharing.",
    ],
}


def body_sections(rec):
    th, v, s = rec["theme"], rec["variant"], rec["s"]
    b = lambda key: [p.format(**s) for p in BODY[(th, key)]]
    if th == "bibliometrics":
        return [("1. Introduction", b("intro")),
                ("2. Data and methods", b("data") + b(v) + b("robust")),
                ("3. Results", b("results") + b("results_" + v)),
                ("4. Discussion and conclusions", b("discussion"))]
    if th == "open_access":
        return [("1. Introduction", b("intro") + b("intro_" + v)),
                ("2. Methods", b("methods_" + v)),
                ("3. Results", b("results_" + v)),
                ("4. Discussion", b("discussion_" + v))]
    if th == "psych_replication":
        return [("Introduction", b("intro")), ("Method", b("methods")),
                ("Results", b("results")), ("Discussion", b("discussion"))]
    raise ValueError(th)


def new_pdf_doc():
    return pymupdf.open()


def save_pdf(doc, path, meta):
    m = {"title": "", "author": "", "subject": "", "keywords": "",
         "creator": "litlab corpora/make_demo.py", "producer": "PyMuPDF",
         "creationDate": PDF_DATE, "modDate": PDF_DATE}
    m.update(meta)
    doc.set_metadata(m)
    doc.subset_fonts()
    doc.save(path, garbage=4, deflate=True, no_new_id=True, use_objstms=1)
    doc.close()


def month_name(i):
    return ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"][i]


def write_paper_pdf(path, rec, kind, rng):
    """kind: 'publisher' (DOI in header), 'aam' (accepted manuscript, DOI in text), 'scan' (no DOI)."""
    doc = new_pdf_doc()
    s = rec["s"]
    if kind == "publisher":
        vol = f"{rec['source']} {rec['volume']}"
        if rec["issue"]:
            vol += f"({rec['issue']})"
        header = f"{vol} ({rec['year']}) {rec['pstart']}–{rec['pend']}   |   https://doi.org/{rec['doi']}"
    elif kind == "aam":
        header = "AUTHOR ACCEPTED MANUSCRIPT"
    else:
        header = ""
    L = Layout(doc, header=header)
    if kind == "publisher":
        L.text(rec["source"], font="sansbold", size=9, after=2)
        L.text(f"Research article  ·  https://doi.org/{rec['doi']}", font="sans", size=8.5, after=10)
        L.rule()
    L.text(rec["title"], font="bold", size=16, lead=1.2, after=8)
    authors = ", ".join(f"{a.given}{' ' + a.middle + '.' if a.middle else ''} {a.surname}" for a in rec["authors"])
    L.text(authors, font="serif", size=11, after=4)
    affs = []
    for a in rec["authors"]:
        x = affil_string(a.inst)
        if x not in affs:
            affs.append(x)
    for x in affs:
        L.text(x, font="italic", size=8.5, after=1)
    L.y += 6
    if kind == "publisher":
        m = rng.randint(0, 8)
        L.text(f"Received {rng.randint(1, 28)} {month_name(m)} {rec['year'] - 1}; accepted "
               f"{rng.randint(1, 28)} {month_name(m + 3)} {rec['year'] - (1 if m + 3 < 9 else 0)}",
               font="sans", size=8, after=6)
    elif kind == "aam":
        L.text(f"This is the author accepted manuscript of an article published in {rec['source']} "
               f"({rec['year']}). The version of record is available at https://doi.org/{rec['doi']}. "
               f"This version is made available under a CC BY 4.0 licence.", font="sans", size=8, after=6)
    else:
        L.text("Preprint – not peer reviewed", font="sans", size=8, after=6)
    L.rule()
    L.text("Abstract", font="bold", size=10.5, after=2)
    L.text(rec["abstract_full"], font="serif", size=9.5, after=4)
    if rec["akw"]:
        L.text("Keywords: " + "; ".join(rec["akw"]), font="italic", size=9, after=8)
    L.rule()
    for head, paras in body_sections(rec):
        L.heading(head)
        for p in paras:
            L.text(p, font="serif", size=10.5, after=5)
    refs = [t for y, t in REFS[rec["theme"]] if y < rec["year"]]
    if refs:
        L.heading("References")
        for t in refs:
            L.text(t, font="serif", size=8.5, indent=12, after=2)
    L.flush()
    meta = {}
    if kind != "scan":
        meta = {"title": rec["title"], "author": "; ".join(a.short for a in rec["authors"])}
    save_pdf(doc, path, meta)


CONF_NOTES = [
    ("Workshop notes: Research data management in practice", None),
    ("Session 1 - Data management plans", "Participants from six universities reported that data management plans are now required by most funders but are rarely revisited after the grant is awarded. Several librarians described templates that link the plan to the institutional repository so that datasets can be deposited with minimal effort. It was agreed that plans should be treated as living documents."),
    ("Session 2 - Storage and backup", "Discussion focused on the costs of long-term storage for large imaging and sensor datasets. Cloud storage was seen as convenient but expensive over periods longer than five years. A show of hands suggested that fewer than half of the research groups present had a tested backup procedure. Action: compile a short checklist for new doctoral candidates."),
    ("Session 3 - Metadata and documentation", "Speakers stressed that datasets without documentation are of little use to others, even when openly available. Examples of good practice included README templates, controlled vocabularies for variable names and the use of persistent identifiers for instruments. The group discussed how much documentation effort can reasonably be expected from early-career researchers."),
    ("Session 4 - Training", "Training needs differ strongly between disciplines. Short, hands-on sessions embedded in existing courses were preferred over stand-alone lectures. Two institutions offered to share their materials under an open licence."),
    ("Open questions", "How should the effort of curating data be recognised in hiring and promotion? Who pays for storage after a project ends? Can repository usage statistics be used to demonstrate the value of data sharing to funders? These questions will be taken up at the next meeting."),
    ("Next steps", "The organisers will circulate these notes, collect the presentation slides and set up a shared folder for templates and training materials. A follow-up meeting is planned for the spring, focusing on sensitive data and informed consent."),
]


def write_conference_notes(path):
    doc = new_pdf_doc()
    L = Layout(doc, header="Internal notes - not for citation")
    L.text(CONF_NOTES[0][0], font="bold", size=16, lead=1.2, after=4)
    L.text("Notes taken by the organising committee. Attendance: 34 participants from libraries, research "
           "offices and research groups.", font="italic", size=9.5, after=8)
    L.rule()
    for _round in range(2):
        for head, para in CONF_NOTES[1:]:
            if _round == 1 and head in ("Open questions", "Next steps"):
                continue
            if _round == 1:
                head = head + " (breakout group B)"
                para = ("Breakout group B largely confirmed the plenary discussion. " + para +
                        " Participants asked for concrete examples from their own disciplines.")
            L.heading(head)
            L.text(para, font="serif", size=10.5, after=6)
    L.flush()
    save_pdf(doc, path, {"title": "Workshop notes"})


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

README = """# litlab demo corpus

**All records in this folder are fictitious.** They were generated by
`python corpora/make_demo.py` (seeded, byte-for-byte reproducible: rerun the
script to regenerate them; do not edit them by hand). The DOI prefix `10.9999`
is not a real registrant, the institutions are invented, and the author names
are random combinations. Journal and conference names are real venues used
only for realism.

## Files

| file | what it is |
|---|---|
| `scopus_demo.csv` | Scopus CSV export layout: UTF-8 **with BOM**, every field quoted, CRLF rows, Scopus's own column header (`Authors`, `Author full names`, `Author(s) ID`, `Title`, `Year`, ..., `Source`, `EID`). {n_rows} rows = {n_csv} distinct records + {n_dup_rows} exact duplicate rows. |
| `extra.ris` | Scopus-style RIS export (CRLF line endings), {n_ris} records: {n_ris_dup} also present in the CSV, {n_ris_new} new. |
| `pdfs/` | {n_pdfs} small full-text PDFs (2-4 A4 pages, text layer, no images). |
| `demo_truth.csv` | Gold labels: `doi,theme,uses_bibliometrics` (TRUE/FALSE) plus `eid`, `title`, `source` (`csv` or `ris`) for every distinct record ({n_truth} rows). Records without a DOI are identified by `eid`. |
| `demo_pdfs.csv` | Expected PDF-to-record links: `file,doi,expected_link` (`filename_doi`, `text_doi`, `title`, `none`). |

## Content

Six research themes, {n_per_theme} CSV records each: `bibliometrics` (bibliometric
mapping, co-authorship networks, h-index and citation studies), `open_access`
(open access and the citation advantage; {n_bib_oa} of these analyse citation
data, the rest are surveys, interviews, policy analyses and reviews),
`protein_ml`, `climate_agriculture`, `psych_replication` and `urban_mobility`.
Abstracts (120-250 words) are assembled from per-theme template sentences whose
method sentence states the study design, so the demo question *"Does the article
use bibliometric analysis?"* has a definite answer: TRUE for all
`bibliometrics` records and the citation-analysis `open_access` records
({n_true} of {n_truth} in `demo_truth.csv`), FALSE otherwise. Systematic/scoping
reviews and meta-analyses are FALSE (hard negatives), as are the open access
surveys that merely *discuss* the citation advantage.

## Quirks (deliberate, as found in real exports)

CSV:
- {n_noabs} records with Abstract `[No abstract available]` (all editorials among them);
- most abstracts end with a publisher copyright line (`© 2021 Elsevier B.V. All rights reserved.`, `© The Author(s) 2020.`, `Copyright © 2019 John Wiley & Sons, Ltd.`, `(PsycInfo Database Record (c) 2022 APA, all rights reserved)`, ...);
- Scopus markup in abstracts such as `CO<inf>2</inf>`;
- {n_nodoi} records with an empty DOI;
- {n_nocite} records with an empty `Cited by` (Scopus leaves it empty when a record has no citations; all other records have at least 1);
- 1 record with Authors `[No author name available]` and Author(s) ID `[No author id available]`;
- {n_newline} abstracts containing an embedded newline;
- {n_nonascii} titles with non-ASCII characters (en dash, ü, é, ã, ...), and non-ASCII author names and affiliations;
- {n_dup_rows} exact duplicate rows (same EID and DOI);
- `Article in press` records without volume/pages, article numbers instead of pages for some journals, two records with two languages (`English; Spanish`).

RIS (`extra.ris`), relative to the CSV:
- {n_plain} duplicates with the same DOI (cited-by counts in `N1` may be slightly higher, as in a later export);
- {n_enrich} of these duplicates have an abstract while their CSV twin has `[No abstract available]` (deduplication should keep the abstract);
- {n_resolver} duplicates whose DOI is written as `https://doi.org/10.9999/DEMO....` (resolver prefix, upper case);
- {n_fuzzy} near-duplicates with **no DOI** and the same title with different capitalisation/punctuation and the same year (fuzzy title matching);
- the resolver-DOI and no-DOI records carry no Scopus `UR` link, so they cannot be matched by EID;
- {n_ris_new} new records in the same six themes (they are in `demo_truth.csv` with `source=ris`).

PDFs (`pdfs/`, see `demo_pdfs.csv`):
{pdf_lines}
"""


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def generate(out: Path):
    rng = random.Random(SEED)
    teams = build_author_pools(rng)
    records = make_records(rng, teams)
    records = finalise(rng, records, teams)
    roles = plan_quirks(rng, records)

    # ten new records for the RIS file (not in the CSV)
    new_plan = (["bibliometrics"] * 3 + ["open_access"] * 2 + ["protein_ml", "climate_agriculture"]
                + ["psych_replication"] * 2 + ["urban_mobility"])
    seen_titles = {r["title"].lower() for r in records}
    new_records = []
    for theme in new_plan:
        lo, hi, power = YEAR_RANGE[theme]
        year = weighted_year(rng, lo, hi, power)
        if theme == "open_access":
            variant = "bib" if not any(r["theme"] == "open_access" for r in new_records) else "policy"
        else:
            variant = rng.choices([v for v, _w in VARIANTS[theme]], [w for _v, w in VARIANTS[theme]])[0]
        for _attempt in range(200):
            g = GENERATORS[theme](rng, year, variant)
            if g["title"].lower() not in seen_titles:
                seen_titles.add(g["title"].lower())
                break
        else:
            raise RuntimeError(f"no unique title for {theme}/{variant}")
        rec = dict(theme=theme, variant=variant, bib=g["bib"], title=g["title"],
                   abstract=compose_abstract(rng, g["parts"]), akw=g["akw"], ikw=g["ikw"], s=g["s"],
                   year=year, doctype="Article", authors=pick_authors(rng, teams[theme], rng.randint(2, 5)),
                   parts=g["parts"])
        new_records.append(rec)
    for i, rec in enumerate(new_records, start=len(records) + 1):
        rec["seq"] = i
        assign_venue(rng, rec)
        rec["doi"] = f"10.9999/demo.{rec['year']}.{i:04d}"
        rec["eid"] = f"2-s2.0-{85000000000 + i}"
        rec["cited"] = str(cited_by(rng, rec))
        rec["oa"] = open_access_field(rng, rec)
        rec["lang"] = "English"
        rec["abstract_full"] = rec["abstract"]
        rec["tail"] = copyright_tail(rng, rec["tailkey"], rec["year"], rec["authors"][0].surname)
        rec["akw_out"] = "; ".join(rec["akw"])
        rec["no_author"] = False

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
