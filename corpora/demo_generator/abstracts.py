"""A record's title, abstract sentences and keywords: random slot values per theme, filled into
the theme's templates (`demo_templates/themes/<theme>.json`).

The slot functions draw from the random generator in a fixed order: changing that order, or
the length of a list they choose from, changes every record that follows.
"""
from __future__ import annotations

from demo_generator.templates import SHARED, THEME, cap, fill, for_year

PARTS = ("bg", "aim", "method", "data", "results", "concl")


def art(word: str) -> str:
    """Indefinite article for ``word``."""
    return "an" if word[:1].lower() in "aeio" else "a"


def n_(x: int) -> str:
    return f"{x:,}"


def pick_min_year(rng, items, year, key=lambda x: x[-1]):
    ok = [it for it in items if key(it) <= year]
    return rng.choice(ok)


def slots_bibliometrics(rng, year, variant, pools):
    topic, tkw, _ = pick_min_year(rng, pools["topics"], year)
    tkw = tkw[:]
    rng.shuffle(tkw)
    health = topic in pools["health_topics"] and variant != "hindex"
    db, db_short, _ = pick_min_year(rng, [d for d in SHARED["databases"] if health or d[1] != "PubMed"],
                                    year)
    tool, tool_short, _ = pick_min_year(rng, pools["tools"], year)
    y1 = year - rng.choice([1, 1, 1, 2])
    y0 = max(1990, y1 - rng.choice([9, 14, 19, 24, 29]))
    c1, c2, c3, c_cit = rng.sample(SHARED["countries"][:12], 4)
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
        acc_year=rng.randint(max(y0 + 3, y1 - 12), y1 - 2),
        journal_top=pick_min_year(rng, pools["top_journals"], year)[0],
        max_cit=n_(rng.randint(310, 4800)), n_clusters=rng.randint(3, 8),
        discipline=rng.choice(pools["disciplines"]), n_authors=n_(rng.randint(180, 4200)),
        top_n=top_n, tot_cit=n_(top_n * rng.randint(140, 620)), min_c=rng.randint(90, 240),
        p0=rng.randint(max(1975, y0 - 15), y0 + 3), p1=y1 - rng.randint(2, 6),
        pct_int=rng.randint(18, 46), ratio=f"{rng.uniform(1.2, 2.3):.1f}", n_core=rng.randint(9, 35),
        btw=f"{rng.uniform(0.12, 0.48):.2f}", med_h=rng.randint(6, 21),
        r=f"{rng.uniform(0.52, 0.83):.2f}", month=rng.choice(pools["months"]),
        thr=rng.choice([10, 15, 20, 25]), thr2=rng.choice([5, 8, 10]), n_top=rng.choice([10, 20, 25]),
        n_first=n_first, n_last=n_(n_last), n_sources=n_(rng.randint(140, 1900)),
        pct_top10=rng.randint(14, 38), n_c1=n_(int(n_pubs * rng.uniform(0.18, 0.32))),
        n_c2=n_(int(n_pubs * rng.uniform(0.09, 0.15))), n_c3=n_(int(n_pubs * rng.uniform(0.04, 0.08))),
        pct_auth=rng.randint(4, 12), n_kw=rng.randint(85, 420),
        mean_auth=f"{rng.uniform(2.6, 6.8):.1f}",
    )
    s["q1"] = max(1, s["med_h"] - rng.randint(3, 6))
    s["q3"] = s["med_h"] + rng.randint(4, 11)
    s["hm"] = s["med_h"] + rng.randint(1, 4)
    s["hw"] = s["med_h"] - rng.randint(1, 4)
    s["range"] = f"{y0}–{y1}"
    return s


def slots_open_access(rng, year, variant, pools):
    db, db_short, _ = pick_min_year(rng, SHARED["databases"][:5], year)
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
        n_journals=rng.randint(40, 950), discipline=rng.choice(pools["disciplines"]),
        country=rng.choice(SHARED["countries"]), region=rng.choice(pools["regions"]),
        oa_source="Unpaywall" if year >= 2018 else "manual searches of Google Scholar and repositories",
        repo=rng.choice(pools["repositories"]),
        n_invited=n_(n_invited), n=n_(n), rr=round(100 * n / n_invited),
        n_institutions=rng.randint(3, 41),
        n_policies=rng.randint(36, 420), n_int=rng.randint(8, 24), n2=rng.randint(6, 18),
        n_small=rng.randint(18, 46), n_disciplines=rng.randint(5, 22), pct_early=rng.randint(22, 58),
        n_pilot=rng.randint(8, 25), kappa=f"{rng.uniform(0.71, 0.92):.2f}", m0=rng.randint(30, 45),
        m1=rng.randint(60, 95), adv=adv, adv2=adv2,
        irr=f"{irr:.2f}", ci0=f"{irr - rng.uniform(0.01, 0.025):.2f}",
        ci1=f"{irr + rng.uniform(0.01, 0.04):.2f}",
        irr_g=f"{irr_g:.2f}", cig0=f"{irr_g - rng.uniform(0.07, 0.12):.2f}",
        cig1=f"{irr_g + rng.uniform(0.07, 0.12):.2f}",
        s0=rng.randint(9, 28), pct1=rng.randint(68, 92), pct2=rng.randint(12, 41),
        pct3=rng.randint(55, 83), n_items=rng.randint(18, 42), or_=f"{rng.uniform(1.8, 4.6):.1f}",
        emb=rng.choice([6, 12, 18, 24, 36]), k_studies=rng.randint(38, 134),
        y00=rng.randint(1998, 2004),
    )
    s["s1"] = s["s0"] + rng.randint(12, 30)
    s["s1b"] = s["s1"] + rng.randint(2, 9)
    s["n_mand"] = int(s["n_policies"] * rng.uniform(0.55, 0.85))
    s["n_mon"] = int(s["n_policies"] * rng.uniform(0.1, 0.3))
    return s


def slots_protein_ml(rng, year, variant, pools):
    task, metric, mkind = rng.choice(pools["tasks"])
    # recent architectures
    arch, _, arch_short = rng.choice([a for a in pools["architectures"] if a[1] <= year][-4:])
    bench, _ = pick_min_year(rng, pools["benchmarks"][task], year, key=lambda x: x[1])
    model = rng.choice(pools["model_prefixes"]) + rng.choice(pools["model_suffixes"])
    if mkind == "%":
        val = rng.uniform(71, 93)
        mval, delta = f"{val:.1f}%", f"{rng.uniform(0.8, 6.5):.1f} percentage points"
    elif mkind == "r":
        mval, delta = f"{rng.uniform(0.62, 0.86):.2f}", f"{rng.uniform(0.02, 0.09):.2f}"
    else:
        mval, delta = f"{rng.uniform(0.58, 0.92):.3f}", f"{rng.uniform(0.01, 0.06):.3f}"
    return dict(task=task, metric=metric, arch=arch, a_arch=art(arch), archs=arch + "s",
                arch_short=arch_short, bench=bench, model=model, mval=mval, delta=delta,
                n_train=n_(rng.randint(3200, 98000)), ident=rng.choice([25, 30, 40, 50]),
                n_test=rng.randint(90, 1400), sec=f"{rng.uniform(0.3, 45):.1f}",
                k=rng.randint(24, 120), y0=year - rng.randint(8, 15), y1=year - 1,
                baseline=rng.choice(pools["baselines"]))


def slots_climate_agriculture(rng, year, variant, pools):
    country, regions = rng.choice(pools["places"])
    s = dict(country=country, region=rng.choice(regions), crop=rng.choice(pools["crops"]),
             practice=rng.choice(pools["practices"]), n_farms=rng.randint(24, 180),
             n_seasons=rng.randint(2, 6), n_var=rng.randint(3, 12), n_sites=rng.randint(2, 9),
             n_hh=n_(rng.randint(210, 2400)), n_villages=rng.randint(8, 64),
             cmodel=rng.choice(pools["crop_models"]), n_gcm=rng.randint(5, 29),
             scen=rng.choice(pools["scenarios_from_2021"] if year >= 2021
                             else pools["scenarios_before_2021"]),
             yinc=rng.randint(8, 41), ydec=rng.randint(9, 33), decade=rng.choice(pools["decades"]),
             sm=rng.randint(7, 26), pct=rng.randint(48, 89), k=rng.randint(42, 180),
             y0=year - rng.randint(15, 30), y1=year - 1, nyears=rng.randint(3, 8))
    s["Practice"] = cap(s["practice"])
    return s


def slots_psych_replication(rng, year, variant, pools):
    d0 = rng.uniform(0.45, 0.95)
    d = rng.uniform(-0.05, 0.05)
    n_labs = rng.randint(9, 36)
    effect = rng.choice(pools["effects"])
    s = dict(effect=effect, a_effect=f"{art(effect)} {effect}", n_labs=n_labs,
             n_countries=rng.randint(3, min(n_labs - 2, 17)),
             n=n_(rng.randint(1400, 9800)), n_small=rng.randint(220, 1200),
             n_studies=rng.randint(21, 64), n_values=rng.randint(90, 480),
             power=rng.choice([90, 95]), n_qrp=rng.randint(8, 15),
             d0=f"{d0:.2f}", d=f"{d:.2f}", lo=f"{d - rng.uniform(0.06, 0.1):.2f}",
             hi=f"{d + rng.uniform(0.06, 0.1):.2f}", i2=rng.randint(0, 24), pct=rng.randint(34, 78),
             pct_rep=rng.randint(31, 72), pct_major=rng.randint(9, 34),
             r=f"{rng.uniform(0.42, 0.71):.2f}", bf=f"{rng.uniform(4, 38):.1f}",
             country=rng.choice(SHARED["countries"]), min_n=rng.choice([80, 100, 120, 150]),
             subfield=rng.choice(pools["subfields"]),
             k=rng.randint(60, 240), y0=year - rng.randint(8, 14), y1=year - 1)
    s["k_pred"] = int(s["n_studies"] * rng.uniform(0.6, 0.8))
    s["n_eff"] = int(s["k"] / rng.uniform(2, 5))
    return s


def slots_urban_mobility(rng, year, variant, pools):
    city, country, cur = rng.choice(pools["cities"])
    mode, _ = pick_min_year(rng, pools["modes"], year, key=lambda x: x[1])
    policy, _ = pick_min_year(rng, pools["policies"], year, key=lambda x: x[1])
    s0 = rng.randint(2, 14)
    return dict(city=city, country=country, cur=cur, mode=mode, Mode=cap(mode), policy=policy,
                Policy=cap(policy), n=n_(rng.randint(800, 42000)),
                n_agents=n_(rng.randint(120000, 2400000)), n_choice=rng.randint(6, 12),
                n_trips=n_(rng.randint(90000, 9000000)), pct=rng.randint(6, 31),
                pct2=rng.randint(4, 19), vot=rng.randint(7, 38), s0=s0, s1=s0 + rng.randint(1, 9),
                k=rng.randint(45, 160), y0=year - rng.randint(8, 15), y1=year - 1,
                elas=f"-{rng.uniform(0.12, 0.65):.2f}")


SLOTS = {theme: globals()[f"slots_{theme}"] for theme in THEME}


def record_text(rng, theme, year, variant):
    """Title, abstract sentence pools and keywords of one record; `bib` is the gold label."""
    templates = THEME[theme]
    s = SLOTS[theme](rng, year, variant, templates["pools"])
    chosen = templates["variants"][variant]

    def filled(key):
        items = chosen.get(key, templates["common"].get(key))
        return [fill(t, s) for t in for_year(items, year)]

    title = cap(fill(rng.choice(for_year(chosen["titles"], year)), s))
    parts = {key: filled(key) for key in PARTS}
    return dict(variant=variant, bib=chosen["uses_bibliometrics"], title=title, parts=parts,
                akw=filled("akw"), ikw=filled("ikw"), s=s)


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
