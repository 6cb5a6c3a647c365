"""Answers that cannot be scored: stored as what they are, never as a label.

A model that answers "Sure, here is my analysis", or a server whose log-probabilities hold
none of the options, gives no label. Storing the first option instead (TRUE at 1/3) would
silently include records in a screening. Such a record gets a row here, with the answer cut
to a few hundred characters for the user to read; a resume asks it again. A run where most
answers cannot be scored pauses with one line naming the likely cause.
"""
from __future__ import annotations

import math

from litlab.errors import LitlabError

MIGRATION = """
    CREATE TABLE IF NOT EXISTS unscorable (
        run_id INTEGER NOT NULL,
        record_id INTEGER NOT NULL,
        answer VARCHAR,                   -- what the model answered, cut to 300 characters
        reason VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run_id, record_id)
    );
"""
NO_OPTION_LOGPROBS = "no option among the answer's log-probabilities"
NO_OPTION_TEXT = "the answer names no option"
NOT_NUMBERS = "the scores are not numbers"
MIN_ASKED = 8  # answers seen before a majority of unscorable ones pauses a run midway


def score_problem(logprobs, n_options: int) -> str | None:
    """Why per-option log-probabilities cannot make a label (None when they can): one
    number per option, none NaN or +inf, not every option impossible."""
    if not isinstance(logprobs, (list, tuple)) or len(logprobs) != n_options:
        return NOT_NUMBERS
    for value in logprobs:
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or math.isnan(value) or value == math.inf:
            return NOT_NUMBERS
    if all(v == -math.inf for v in logprobs):
        return NO_OPTION_LOGPROBS
    return None


def reason_for(answer: str) -> str:
    """The reason an answer the backend could not score is stored with."""
    return NO_OPTION_LOGPROBS if "[top tokens:" in answer else NO_OPTION_TEXT


class UnscorableWatch:
    """Counts answers and unscorable ones over one execution of a run; pauses it (a
    LitlabError) when most answers cannot be scored."""

    def __init__(self, options: tuple[str, ...]):
        self.options = options
        self.asked = self.unscorable = 0
        self.reasons: dict[str, int] = {}
        self.per_record: dict[int, int] = {}  # record -> questions it got no label for
        self.example = ""

    def add(self, label_rows: list[tuple], unscorable_rows: list[tuple]) -> None:
        self.asked += sum(1 for row in label_rows if row[7] != "no_text") + len(unscorable_rows)
        self.unscorable += len(unscorable_rows)
        for row in unscorable_rows:
            self.reasons[row[3]] = self.reasons.get(row[3], 0) + 1
            self.per_record[row[1]] = self.per_record.get(row[1], 0) + 1
            self.example = self.example or (row[2] or "")

    def records_without_label(self, questions: int) -> int:
        """Records that got no label for any of the run's ``questions``."""
        return sum(1 for n in self.per_record.values() if n >= questions)

    def check(self, final: bool = False) -> None:
        if not self.unscorable or 2 * self.unscorable <= self.asked:
            return
        if self.asked < MIN_ASKED and not final:
            return
        raise LitlabError(f"{self.unscorable} of {self.asked} answers could not be scored: "
                          f"{self.cause()}")

    def cause(self) -> str:
        top = max(self.reasons, key=self.reasons.get)
        options = ", ".join(self.options)
        example = " ".join(self.example.split())[:120]
        if top == NO_OPTION_LOGPROBS:
            return (f"the server's log-probabilities hold none of the options ({options}): it "
                    "does not return log-probabilities for these tokens, or the model does not "
                    f"follow the answer format (an answer: {example!r})")
        if top == NOT_NUMBERS:
            return "the backend returned scores that are not numbers"
        return (f"the model does not follow the answer format: its answers name none of the "
                f"options ({options}) (an answer: {example!r})")


def unscorable_counts(con, run_id: int) -> int:
    """How many of a run's records are unscorable (asked, no label)."""
    from litlab.store import has_table

    if not has_table(con, "unscorable"):
        return 0
    return con.execute("SELECT count(*) FROM unscorable WHERE run_id = ?", [run_id]).fetchone()[0]


def usable_sql(probabilities: str = "probabilities", options: str = "?") -> str:
    """SQL true for a stored label whose probabilities can be read: one finite number per
    option. Corpora written before these checks may hold rows that are not (NaN, empty)."""
    return (f"(len({probabilities}) = {options} AND coalesce(list_bool_and(list_transform("
            f"{probabilities}, lambda x: x IS NOT NULL AND NOT isnan(x) AND NOT isinf(x))), "
            "false))")


def unusable_labels(con, run_id: int) -> list[int]:
    """Records of a run whose stored label has unreadable probabilities (left out of
    exports, tables and evaluations, and named)."""
    return [r for (r,) in con.execute(
        f"SELECT l.record_id FROM labels l JOIN label_runs r USING (run_id) WHERE l.run_id = ? "
        f"AND NOT {usable_sql('l.probabilities', 'len(r.options)')} ORDER BY 1",
        [run_id]).fetchall()]


def name_records(ids: list[int], most: int = 10) -> str:
    """'12, 87 and 3 more' for a message."""
    shown = ", ".join(map(str, ids[:most]))
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")
