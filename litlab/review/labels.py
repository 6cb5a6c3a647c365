"""Human labels: one row per decision, never overwritten.

Each reviewer's latest decision on a record is theirs; the latest decision overall is the
record's label, except that a record whose reviewers disagree is *disputed* until somebody
settles it (a decision stored with source ``settle``). Disputed records train nothing and
count in no estimate until then.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError, RecordNotFound
from litlab.store import transaction

LABELS = ("TRUE", "FALSE", "UNCLEAR")
MAX_QUESTION_CHARS = 2000
MAX_REVIEWER_CHARS = 64
# What people write in a CSV's label column, mapped to the stored label.
_SYNONYMS = {
    "true": "TRUE", "t": "TRUE", "1": "TRUE", "yes": "TRUE", "y": "TRUE", "include": "TRUE",
    "included": "TRUE", "relevant": "TRUE",
    "false": "FALSE", "f": "FALSE", "0": "FALSE", "no": "FALSE", "n": "FALSE", "exclude": "FALSE",
    "excluded": "FALSE", "irrelevant": "FALSE",
    "unclear": "UNCLEAR", "u": "UNCLEAR", "maybe": "UNCLEAR", "?": "UNCLEAR",
}


def check_reviewer(name: str | None) -> str:
    """A reviewer's name, trimmed; refused when empty, too long or not printable."""
    text = (name or "").strip()
    if not text:
        raise LitlabError("a review needs a reviewer's name (--reviewer NAME)")
    if len(text) > MAX_REVIEWER_CHARS or not text.isprintable():
        raise LitlabError(f"reviewer name {text[:40]!r} is not usable: at most "
                          f"{MAX_REVIEWER_CHARS} printable characters")
    return text


def normalise_question(question: str) -> str:
    """The key reviews are stored under: whitespace collapsed; empty or huge questions refused."""
    text = " ".join((question or "").split())
    if not text:
        raise LitlabError("empty question: write the question the reviews answer")
    if len(text) > MAX_QUESTION_CHARS:
        raise LitlabError(f"the question has {len(text):,} characters; keep it under "
                          f"{MAX_QUESTION_CHARS:,} (one question, not a document)")
    return text


def normalise_label(value, options: tuple[str, ...] = LABELS) -> str | None:
    """The option a written label means (case-insensitive; 1/0, yes/no, include/exclude for
    TRUE/FALSE questions); None when it is none of them."""
    text = str(value).strip()
    by_lower = {o.lower(): o for o in options}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    synonym = _SYNONYMS.get(text.lower())
    return by_lower.get(synonym.lower()) if synonym else None


def question_options(con: duckdb.DuckDBPyConnection, question: str) -> tuple[str, ...]:
    """The answers a question's reviews may take: its label runs' options, or TRUE/FALSE/
    UNCLEAR when it has no run."""
    rows = con.execute("SELECT options FROM label_runs WHERE question = ? ORDER BY run_id",
                       [normalise_question(question)]).fetchall()
    options: list[str] = []
    for (run_options,) in rows:
        options += [o for o in run_options if o.lower() not in {x.lower() for x in options}]
    return tuple(options) or LABELS


def _label_or_error(con, question: str, label: str) -> str:
    options = question_options(con, question)
    stored = normalise_label(label, options)
    if stored is None:
        raise LitlabError(f"label {label!r} is not one of {', '.join(options)}")
    return stored


def add_review(con: duckdb.DuckDBPyConnection, question: str, record_id: int, label: str,
               reviewer: str, source: str = "api", note: str | None = None,
               stage: str | None = None, reason: str | None = None) -> int:
    """Store one decision and return its review id; a later decision supersedes it. At the
    full-text ``stage`` an exclusion (FALSE) needs a ``reason`` from the question's list."""
    from litlab.review.criteria import check_reason, check_stage

    question = normalise_question(question)
    reviewer = check_reviewer(reviewer)
    stored = _label_or_error(con, question, label)
    stage = check_stage(stage)
    reason = check_reason(con, question, stage, stored, reason)
    if not con.execute("SELECT count(*) FROM records WHERE record_id = ?", [record_id]).fetchone()[0]:
        raise RecordNotFound(f"no record {record_id} in this corpus")
    return con.execute(
        "INSERT INTO reviews (question, record_id, label, reviewer, source, note, created_at, "
        "stage, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING review_id",
        [question, int(record_id), stored, reviewer, source, note, datetime.now(), stage,
         reason]).fetchone()[0]


def has_stages(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the reviews table has screening stages: an older corpus opened read-only (not
    upgraded) has none, and all its reviews are title/abstract decisions."""
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE "
                            "table_name = 'reviews' AND column_name = 'stage'").fetchone()[0])


def title_abstract_only(con: duckdb.DuckDBPyConnection, alias: str = "") -> str:
    """The SQL condition (``AND ...``) keeping title/abstract reviews, empty on older files."""
    return f" AND {alias}stage = 'title_abstract'" if has_stages(con) else ""


def current_reviews(con: duckdb.DuckDBPyConnection, question: str,
                    stage: str = "title_abstract") -> pd.DataFrame:
    """One row per reviewed record at a screening stage: the latest decision, who made it and
    when, how many decisions it has, how many reviewers, and whether it is disputed (its
    reviewers' latest decisions differ and the latest decision is not a settlement)."""
    staged = has_stages(con)
    reviews = ("SELECT * FROM reviews WHERE question = $question AND stage = $stage" if staged
               else "SELECT *, NULL::VARCHAR AS reason FROM reviews WHERE question = $question "
                    "AND $stage = 'title_abstract'")
    return con.execute(f"""
        WITH q AS ({reviews}),
        latest AS (
            SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY record_id
                                                        ORDER BY review_id DESC) AS rank,
                                  count(*) OVER (PARTITION BY record_id) AS n_decisions
                           FROM q) WHERE rank = 1),
        per_reviewer AS (
            SELECT record_id, reviewer, arg_max(label, review_id) AS label FROM q
            WHERE source <> 'settle' GROUP BY record_id, reviewer),
        opinions AS (
            SELECT record_id, count(*) AS n_reviewers, count(DISTINCT label) AS n_labels
            FROM per_reviewer GROUP BY record_id)
        SELECT l.record_id, l.label, l.reason, l.reviewer, l.created_at, l.source,
               l.n_decisions, coalesce(o.n_reviewers, 0) AS n_reviewers,
               coalesce(o.n_labels > 1 AND l.source <> 'settle', false) AS disputed
        FROM latest l LEFT JOIN opinions o USING (record_id) ORDER BY l.record_id
    """, {"question": normalise_question(question), "stage": stage}).df()


def settled_reviews(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """The reviews that count as truth: every current review that is not disputed."""
    current = current_reviews(con, question)
    return current[~current.disputed]


def review_history(con: duckdb.DuckDBPyConnection, question: str,
                   record_id: int | None = None) -> pd.DataFrame:
    """Every decision, oldest first (corrections included)."""
    sql = "SELECT * FROM reviews WHERE question = ?"
    params: list = [normalise_question(question)]
    if record_id is not None:
        sql += " AND record_id = ?"
        params.append(int(record_id))
    return con.execute(sql + " ORDER BY review_id", params).df()


def known_reviewers(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Everyone who has stored a review in this corpus, for any question."""
    return {r for (r,) in con.execute("SELECT DISTINCT reviewer FROM reviews").fetchall()}


@dataclass
class ImportResult:
    question: str
    imported: int = 0
    by_label: dict = field(default_factory=dict)
    by_reviewer: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)  # (line, reason), the first 20
    n_skipped: int = 0  # all of them; every one is kept in review_rejects
    unlabeled: int = 0  # rows with an empty label passed over (``skip_blank``)
    unchanged: int = 0  # rows repeating the record's current decision (ASReview round trips)

    def to_dict(self) -> dict:
        return asdict(self)


def import_reviews(con: duckdb.DuckDBPyConnection, question: str, path: Path, reviewer: str,
                   label_column: str = "label", new_reviewers: tuple[str, ...] = (),
                   stage: str | None = None, skip_blank: bool = False,
                   table: pd.DataFrame | None = None) -> ImportResult:
    """Store the decisions of a CSV naming records by ``record_id``, ``doi`` or ``title``,
    in one transaction. A ``reviewer`` column says who decided each row (else ``reviewer``);
    a name this corpus has not seen must be listed in ``new_reviewers``, so that a typo does
    not become a second reviewer. With ``skip_blank``, a row with an empty label is a record
    not screened yet (ASReview's layout) and is passed over. At the full-text ``stage`` an exclusion takes its reason
    from a ``reason`` column. Rows that cannot be stored are kept with their reason."""
    from litlab.labeling.gold import match_with_reasons, read_label_file
    from litlab.review.criteria import check_reason, check_stage

    question = normalise_question(question)
    reviewer = check_reviewer(reviewer)
    stage = check_stage(stage)
    path = Path(path)
    if table is None:  # else the caller read ``path`` into ``table`` (e.g. ASReview's file)
        table = read_label_file(path, label_column, "review")
    options = question_options(con, question)
    allowed = known_reviewers(con) | {reviewer} | {check_reviewer(n) for n in new_reviewers}
    result, rows, rejects, now = ImportResult(question), [], [], datetime.now()
    # The file's line of each row (header on line 1), also for a table a caller filtered.
    lines = [int(i) + 2 for i in table.index]
    for line, row, (record_id, unmatched) in zip(lines, table.to_dict("records"),
                                                 match_with_reasons(con, table)):
        if skip_blank and not str(row[label_column]).strip():
            result.unlabeled += 1
            continue
        label = normalise_label(row[label_column], options)
        who = str(row.get("reviewer") or "").strip() or reviewer
        if record_id is None:
            reason = unmatched
        elif label is None:
            reason = f"label {row[label_column]!r} is not one of {'/'.join(options)}"
        elif who not in allowed:
            reason = (f"reviewer {who!r} is new to this corpus (known: "
                      f"{', '.join(sorted(allowed))}); if that is right, import again with "
                      f"--new-reviewer {who!r}")
        else:
            try:
                exclusion = check_reason(con, question, stage, label, row.get("reason") or None)
            except LitlabError as exc:
                reason = str(exc)
            else:
                rows.append((question, int(record_id), label, who, "import",
                             f"{path.name}:{line}", now, stage, exclusion))
                result.by_label[label] = result.by_label.get(label, 0) + 1
                result.by_reviewer[who] = result.by_reviewer.get(who, 0) + 1
                continue
        result.skipped.append((line, reason))
        rejects.append((question, path.name, line, reason, json.dumps(row, ensure_ascii=False),
                        now))
    with transaction(con):
        if rows:
            con.executemany("INSERT INTO reviews (question, record_id, label, reviewer, source, "
                            "note, created_at, stage, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            rows)
        if rejects:
            con.executemany("INSERT INTO review_rejects VALUES (?, ?, ?, ?, ?, ?)", rejects)
    if not rows:
        raise LitlabError(f"no row of {path} could be imported (first problem: line "
                          f"{result.skipped[0][0]}, {result.skipped[0][1]}); the rows are kept "
                          "in review_rejects" if result.skipped else f"{path} has no rows")
    result.imported = len(rows)
    result.n_skipped = len(result.skipped)
    result.skipped = result.skipped[:20]
    return result
