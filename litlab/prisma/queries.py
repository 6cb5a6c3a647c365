"""Every number of the PRISMA 2020 flow diagram as one SQL query on the store.

The queries are the documentation: `litlab prisma QUESTION --sql` prints them, the JSON
output carries them, and each runs as is in the DuckDB CLI once ``$question`` is replaced by
the question in quotes (as stored: whitespace collapsed). A test runs independent SQL
against every count.

Definitions (PRISMA 2020, flow diagram for new systematic reviews):

* identified, per source file: rows of that export read as records, i.e. records stored
  from it plus rows merged into an earlier record as duplicates. Rows that could not be
  read at all (the ``rejects`` table) are no records and are reported as a note.
* duplicates removed: the rows merged as duplicates (``duplicates`` table).
* screened: records with a current title/abstract decision (the latest review of the
  record at that stage; a record whose reviewers disagree and nobody settled is *disputed*).
* not screened: records left when screening stopped (the active-learning stopping rule);
  PRISMA reports them as removed before screening, by an automation tool.
* excluded (title/abstract): current decision FALSE, not disputed.
* sought for retrieval: current decision TRUE or UNCLEAR (unclear goes on to full text),
  not disputed.
* not retrieved: sought, no PDF linked to the record, and no full-text decision (a
  reviewer who assessed a record on paper retrieved it).
* assessed for eligibility: sought records with a current full-text decision.
* excluded (full text), by reason: full-text decision FALSE, not disputed, per reason.
* included: full-text decision TRUE, not disputed.
"""
from __future__ import annotations

# The decisions that count, per record and stage (as ``litlab.review.labels.current_reviews``):
# the latest review, disputed when the reviewers' own latest labels differ and the latest
# review is not a settlement.
DECISIONS = """WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY stage, record_id ORDER BY review_id DESC) AS rank
    FROM reviews WHERE question = $question),
opinions AS (
    SELECT stage, record_id, count(DISTINCT label) AS n_labels
    FROM (SELECT stage, record_id, reviewer, arg_max(label, review_id) AS label
          FROM reviews WHERE question = $question AND source <> 'settle'
          GROUP BY stage, record_id, reviewer)
    GROUP BY stage, record_id),
current AS (
    SELECT r.stage, r.record_id, r.label, r.reason,
           coalesce(o.n_labels > 1 AND r.source <> 'settle', false) AS disputed
    FROM ranked r LEFT JOIN opinions o USING (stage, record_id) WHERE r.rank = 1),
ta AS (SELECT * FROM current WHERE stage = 'title_abstract'),
sought AS (SELECT record_id FROM ta WHERE label IN ('TRUE', 'UNCLEAR') AND NOT disputed),
ft AS (SELECT c.* FROM current c JOIN sought USING (record_id) WHERE c.stage = 'full_text')
"""

IDENTIFIED_BY_SOURCE = """SELECT i.file AS source,
       (SELECT count(*) FROM records r WHERE r.import_id = i.import_id)
     + (SELECT count(*) FROM duplicates d WHERE d.import_id = i.import_id) AS n
FROM imports i WHERE i.status = 'done' ORDER BY i.import_id"""

REASONS = DECISIONS + """SELECT coalesce(reason, '(no reason)') AS reason, count(*) AS n FROM ft
WHERE label = 'FALSE' AND NOT disputed GROUP BY 1 ORDER BY n DESC, reason"""

# Single numbers: name -> (what the number is, query).
SCALARS: dict[str, tuple[str, str]] = {
    "identified": ("records identified, all sources",
                   "SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM duplicates)"),
    "duplicates_removed": ("duplicate records removed", "SELECT count(*) FROM duplicates"),
    "unreadable_rows": ("rows of the exports that could not be read (not records)",
                        "SELECT count(*) FROM rejects"),
    "records": ("records after duplicates were removed", "SELECT count(*) FROM records"),
    "not_screened": ("records not screened (screening stopped, e.g. by the stopping rule)",
                     DECISIONS + "SELECT count(*) FROM records "
                     "WHERE record_id NOT IN (SELECT record_id FROM ta)"),
    "screened": ("records screened (title and abstract)", DECISIONS + "SELECT count(*) FROM ta"),
    "excluded_screening": ("records excluded at title and abstract",
                           DECISIONS + "SELECT count(*) FROM ta WHERE label = 'FALSE' "
                           "AND NOT disputed"),
    "disputed_screening": ("records screened whose reviewers disagree (not settled)",
                           DECISIONS + "SELECT count(*) FROM ta WHERE disputed"),
    "sought": ("reports sought for retrieval", DECISIONS + "SELECT count(*) FROM sought"),
    "not_retrieved": ("reports not retrieved (no PDF linked, not assessed)",
                      DECISIONS + "SELECT count(*) FROM sought s WHERE NOT EXISTS "
                      "(SELECT 1 FROM documents d WHERE d.record_id = s.record_id) "
                      "AND s.record_id NOT IN (SELECT record_id FROM ft)"),
    "assessed": ("reports assessed for eligibility (full text)",
                 DECISIONS + "SELECT count(*) FROM ft"),
    "awaiting_assessment": ("reports retrieved, not assessed yet",
                            DECISIONS + "SELECT count(*) FROM sought s WHERE EXISTS "
                            "(SELECT 1 FROM documents d WHERE d.record_id = s.record_id) "
                            "AND s.record_id NOT IN (SELECT record_id FROM ft)"),
    "excluded_full_text": ("reports excluded at full text (all reasons)",
                           DECISIONS + "SELECT count(*) FROM ft WHERE label = 'FALSE' "
                           "AND NOT disputed"),
    "unresolved_full_text": ("reports assessed, UNCLEAR or disputed at full text",
                             DECISIONS + "SELECT count(*) FROM ft WHERE label = 'UNCLEAR' "
                             "OR disputed"),
    "included": ("studies included in the review",
                 DECISIONS + "SELECT count(*) FROM ft WHERE label = 'TRUE' AND NOT disputed"),
}


# The records an export of "included records only" writes: the studies included at full text
# once the question has any full-text decision, else the records included at title/abstract.
INCLUDED_FULL_TEXT = DECISIONS + "SELECT record_id FROM ft WHERE label = 'TRUE' AND NOT disputed"
INCLUDED_SCREENING = DECISIONS + ("SELECT record_id FROM ta WHERE label = 'TRUE' "
                                  "AND NOT disputed")


def all_queries() -> dict[str, str]:
    """Every query by name, as a user would run it."""
    return {"identified_by_source": IDENTIFIED_BY_SOURCE,
            **{name: sql for name, (_, sql) in SCALARS.items()},
            "excluded_full_text_by_reason": REASONS}


def as_script(question: str) -> str:
    """The queries as one SQL script for the DuckDB CLI, the question filled in."""
    quoted = "'" + question.replace("'", "''") + "'"
    parts = []
    for name, sql in all_queries().items():
        what = SCALARS[name][0] if name in SCALARS else name.replace("_", " ")
        parts.append(f"-- {name}: {what}\n{sql.replace('$question', quoted)};")
    return "\n\n".join(parts) + "\n"
