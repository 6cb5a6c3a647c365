"""Fictitious authors in small teams per theme, at invented institutions in real cities."""
from __future__ import annotations

from demo_generator.templates import PEOPLE, THEMES

INSTITUTIONS = [tuple(i) for i in PEOPLE["institutions"]]  # (name, city, country, group)
DEPARTMENTS = PEOPLE["departments"]
THEME_GROUPS = PEOPLE["theme_institution_groups"]


class Author:
    def __init__(self, aid, surname, given, middle, inst):
        self.aid = aid
        self.surname = surname
        self.given = given
        self.middle = middle
        self.inst = inst  # (department, institution, city, country)

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

    def new_author(inst):
        while True:
            sn = rng.choice(PEOPLE["surnames"])
            gn = rng.choice(PEOPLE["first_names"])
            mid = rng.choice("ABCDEFGHJKLMNPRST") if rng.random() < 0.3 else ""
            key = (sn, gn[0], mid)
            if key not in used:
                used.add(key)
                break
        a = Author(next_id[0], sn, gn, mid, inst)
        next_id[0] += 1
        return a

    teams = {}
    for theme in THEMES:
        groups = THEME_GROUPS[theme]
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
                team.append(new_author(member_inst))
            theme_teams.append(team)
        teams[theme] = theme_teams
    # bridging researchers: some scientometricians also publish on open access
    # and meta-research
    teams["open_access"][0] = teams["open_access"][0][:3] + teams["bibliometrics"][1][:3]
    teams["open_access"][1] = teams["open_access"][1][:4] + teams["bibliometrics"][4][:2]
    teams["psych_replication"][0] = teams["psych_replication"][0][:4] + teams["bibliometrics"][2][:1]
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
