"""Two (or more) reviewers: how often they agree, and the records they disagree on."""
from __future__ import annotations

from itertools import combinations

import duckdb
import pandas as pd

from litlab.review.estimates import agreement
from litlab.review.labels import normalise_question, question_options, title_abstract_only


def decisions_by_reviewer(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """Each reviewer's latest own decision per record (settlements left out), one column per
    reviewer, one row per record."""
    long = con.execute(f"""
        SELECT record_id, reviewer, arg_max(label, review_id) AS label FROM reviews
        WHERE question = ? AND source <> 'settle' {title_abstract_only(con)}
        GROUP BY record_id, reviewer
    """, [normalise_question(question)]).df()
    if long.empty:
        return pd.DataFrame()
    return long.pivot(index="record_id", columns="reviewer", values="label")


def reviewer_agreement(con: duckdb.DuckDBPyConnection, question: str) -> dict:
    """Cohen's kappa with a 95% interval (bootstrap) for every pair of reviewers who both
    decided some records, and how many records are disputed."""
    wide = decisions_by_reviewer(con, question)
    options = list(question_options(con, question))
    pairs = []
    for a, b in combinations(sorted(wide.columns), 2):
        both = wide[[a, b]].dropna()
        if both.empty:
            continue
        scored = agreement(both[a].tolist(), both[b].tolist(), options)
        pairs.append({"reviewers": [a, b], "n": int(len(both)),
                      "agreement": scored["accuracy"], "agreement_ci": scored["ci"]["accuracy"],
                      "kappa": scored["kappa"], "kappa_ci": scored["ci"]["kappa"],
                      "disagree": int((both[a] != both[b]).sum())})
    return {"question": normalise_question(question), "reviewers": sorted(wide.columns),
            "pairs": pairs, "disputed": int(len(disagreements(con, question)))}


def disagreements(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """Disputed records (reviewers' latest decisions differ, not settled since), with each
    reviewer's decision and the title."""
    from litlab.review.labels import current_reviews

    current = current_reviews(con, question)
    disputed = current.record_id[current.disputed].tolist()
    if not disputed:
        return pd.DataFrame(columns=["record_id", "title", "decisions"])
    wide = decisions_by_reviewer(con, question).loc[disputed]
    titles = dict(con.execute("SELECT record_id, title FROM records WHERE list_contains(?, "
                              "record_id)", [disputed]).fetchall())
    return pd.DataFrame({
        "record_id": disputed,
        "title": [titles.get(r) for r in disputed],
        "decisions": [{who: label for who, label in row.dropna().items()}
                      for _, row in wide.iterrows()]})
