"""Topic runs, topics and assignments in DuckDB: writing a run, reading it back, small edits."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.store import insert_frame, transaction

# The run that search filters, exports and `litlab topics rename/merge` act on.
LATEST_RUN_SQL = "(SELECT max(topic_run_id) FROM topic_runs)"

TABLE_SQL = """
    SELECT t.topic_id, t.name, t.name_source, t.name_model, t.size,
           t.size / sum(t.size) OVER () AS share, t.keywords, t.keyword_scores, t.keybert,
           t.representative_ids, y.first_year, y.last_year, y.peak_year
    FROM topics t LEFT JOIN (
        SELECT topic_id, min(year) AS first_year, max(year) AS last_year, mode(year) AS peak_year
        FROM topic_assignments a JOIN records r USING (record_id)
        WHERE a.topic_run_id = ? GROUP BY topic_id) y USING (topic_id)
    WHERE t.topic_run_id = ? AND t.merged_into IS NULL AND t.size > 0
    ORDER BY t.topic_id < 0, t.topic_id
"""


def save_run(con: duckdb.DuckDBPyConnection, run: dict, topics: list[dict],
             assignments: pd.DataFrame) -> int:
    """Store a run, its topics and every record's assignment in one transaction."""
    with transaction(con):
        run_id = con.execute("SELECT coalesce(max(topic_run_id), 0) + 1 FROM topic_runs").fetchone()[0]
        con.execute("INSERT INTO topic_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                    [run_id, run["embedding_model"], json.dumps(run["parameters"]),
                     run["n_records"], run["fitted_on"], run["outliers_before"],
                     run["outliers_after"], run["engine"], json.dumps(run["versions"]),
                     run["seconds"]])
        con.executemany("INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                        [[run_id, t["topic_id"], t["name"], t["name_source"], t.get("name_model"),
                          t["keywords"], t["keyword_scores"], t.get("keybert"), t["size"],
                          t["representative_ids"]] for t in topics])
        insert_frame(con, "topic_assignments", assignments.assign(topic_run_id=run_id))
    return int(run_id)


def resolve_run(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> int:
    """``run_id`` if it exists, else the latest run; says what to run when there is none."""
    if run_id is None:
        run_id = con.execute(f"SELECT {LATEST_RUN_SQL}").fetchone()[0]
        if run_id is None:
            raise LitlabError("no topics yet: run `litlab topics` first")
    elif not con.execute("SELECT count(*) FROM topic_runs WHERE topic_run_id = ?",
                         [run_id]).fetchone()[0]:
        raise LitlabError(f"no topic run {run_id}")
    return int(run_id)


def run_info(con: duckdb.DuckDBPyConnection, run_id: int) -> dict:
    """A run's row, parameters and versions decoded."""
    frame = con.execute("SELECT * FROM topic_runs WHERE topic_run_id = ?", [run_id]).df()
    info = frame.iloc[0].to_dict()
    info["parameters"], info["versions"] = json.loads(info["parameters"]), json.loads(info["versions"])
    info["created_at"] = str(info["created_at"])
    return info


def topic_table(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """The topics of a run (outliers last), with years active and representative titles."""
    table = con.execute(TABLE_SQL, [run_id, run_id]).df()
    ids = sorted({int(i) for rep in table.representative_ids for i in (rep if rep is not None else [])})
    titles = dict(con.execute("SELECT record_id, title FROM records WHERE list_contains(?, record_id)",
                              [ids]).fetchall()) if ids else {}
    table["representative_titles"] = [[titles.get(int(i), "") for i in (rep if rep is not None else [])]
                                       for rep in table.representative_ids]
    for column in ("keywords", "keyword_scores", "keybert", "representative_ids"):
        table[column] = table[column].map(lambda v: list(v) if v is not None else [])
    return table


def assignments(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """Every record of a run: topic, probability, how it was assigned, map position, title, year."""
    return con.execute(
        "SELECT a.record_id, a.topic_id, a.probability, a.method, a.x, a.y, r.title, r.year "
        "FROM topic_assignments a JOIN records r USING (record_id) "
        "WHERE a.topic_run_id = ? ORDER BY a.record_id", [run_id]).df()


def latest_assignments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(record_id, topic, topic_name) of the latest run; no rows when there is none."""
    return con.execute(
        "SELECT a.record_id, a.topic_id AS topic, t.name AS topic_name "
        "FROM topic_assignments a JOIN topics t USING (topic_run_id, topic_id) "
        f"WHERE a.topic_run_id = {LATEST_RUN_SQL}").df()


def with_topic_columns(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (with record_id) plus ``topic`` and ``topic_name`` from the latest topic run,
    empty where a record has none or no run exists (an old file opened read-only included)."""
    migrated = con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'topic_assignments'").fetchone()[0]
    topics = latest_assignments(con) if migrated else pd.DataFrame(
        {"record_id": pd.Series(dtype="int64"), "topic": [], "topic_name": []})
    merged = table.merge(topics, on="record_id", how="left")
    return merged.astype({"topic": "Int64", "topic_name": "object"})


def topic_row(con: duckdb.DuckDBPyConnection, run_id: int, topic_id: int) -> dict:
    """One live topic of a run; an unknown or merged id is a clear error."""
    row = con.execute("SELECT * FROM topics WHERE topic_run_id = ? AND topic_id = ?",
                      [run_id, topic_id]).df()
    if row.empty:
        known = [t for (t,) in con.execute(
            "SELECT topic_id FROM topics WHERE topic_run_id = ? AND merged_into IS NULL "
            "AND topic_id >= 0 ORDER BY 1", [run_id]).fetchall()]
        raise LitlabError(f"no topic {topic_id} in topic run {run_id}; its topics are "
                          f"{_ranges(known)}")
    topic = row.iloc[0].to_dict()
    if not pd.isna(topic["merged_into"]):
        raise LitlabError(f"topic {topic_id} was merged into topic {int(topic['merged_into'])}")
    return topic


def rename(con: duckdb.DuckDBPyConnection, run_id: int, topic_id: int, name: str) -> dict:
    """Give a topic a name of the user's own (kept over keyword and LLM names)."""
    name = " ".join(name.split())
    if not name:
        raise LitlabError("a topic name cannot be empty")
    old = topic_row(con, run_id, topic_id)["name"]
    con.execute("UPDATE topics SET name = ?, name_source = 'user', name_model = NULL "
                "WHERE topic_run_id = ? AND topic_id = ?", [name, run_id, topic_id])
    return {"run_id": run_id, "topic_id": topic_id, "old_name": old, "name": name}


def apply_merge(con: duckdb.DuckDBPyConnection, run_id: int, keep: int, others: list[int],
                update: dict) -> None:
    """Move the records of ``others`` into ``keep`` and store keep's new description."""
    with transaction(con):
        con.execute("UPDATE topic_assignments SET topic_id = ?, method = 'merge' "
                    "WHERE topic_run_id = ? AND list_contains(?, topic_id)", [keep, run_id, others])
        con.execute("UPDATE topics SET merged_into = ?, size = 0 "
                    "WHERE topic_run_id = ? AND list_contains(?, topic_id)", [keep, run_id, others])
        con.execute("UPDATE topics SET name = ?, name_source = ?, name_model = ?, keywords = ?, "
                    "keyword_scores = ?, keybert = ?, size = ?, representative_ids = ? "
                    "WHERE topic_run_id = ? AND topic_id = ?",
                    [update["name"], update["name_source"], update["name_model"],
                     update["keywords"], update["keyword_scores"], update["keybert"],
                     update["size"], update["representative_ids"], run_id, keep])


def _ranges(ids: list[int]) -> str:
    if not ids:
        return "none"
    return f"{ids[0]}-{ids[-1]}" if ids == list(range(ids[0], ids[-1] + 1)) else \
        ", ".join(map(str, ids))

