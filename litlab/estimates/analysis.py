"""Labels as data: an option's share per group, and regressions of the label on covariates,
each three ways (naive, classical, corrected) with 95% intervals.

The corrected estimator is PPI++ where its assumption holds (the reviewed records are a
simple random sample of the run) and DSL otherwise (a stratified sample with unequal
inclusion probabilities); either can be asked for by name.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd

from litlab.errors import LitlabError
from litlab.estimates.base import ESTIMATORS, Problem
from litlab.estimates.builtin import outcome_model
from litlab.estimates.data import _text, estimation_table, resolve_run
from litlab.estimates.mest import Z95

THREE = ("naive", "classical", "corrected")


@dataclass
class Result:
    """One analysis: facts about the run and sample, one row per group or coefficient."""
    kind: str                       # shares | regression
    facts: dict
    rows: list[dict]
    corrected: str                  # the estimator behind "corrected"
    why: str
    intervals: dict                 # estimator -> how its interval is computed
    by: str | None = None
    formula: str | None = None
    family: str | None = None
    skipped: list[dict] = field(default_factory=list)
    width: float | None = None      # the target interval width of the sample-size advice
    left_out: int = 0               # records without a covariate the formula needs

    def to_dict(self) -> dict:
        from litlab.estimates.report import methods_paragraph

        return {**asdict(self), "methods": methods_paragraph(self)}

    def frame(self) -> pd.DataFrame:
        """Every number, one row per group (or term) and estimator: what --csv writes."""
        key = "group" if self.kind == "shares" else "term"
        out = []
        for row in self.rows:
            for name in THREE:
                out.append({key: row[key], "estimator": self.corrected if name == "corrected"
                            else name, "role": name, **row[name],
                            **{k: row[k] for k in ("n_records", "n_reviewed", "more_for_width")
                               if k in row}})
        return pd.DataFrame(out)


def choose(problem: Problem, asked: str) -> tuple[str, str]:
    """The corrected estimator's name and why it was used."""
    if asked != "auto":
        reason = ESTIMATORS.create(asked).applies(problem)
        if reason:
            raise LitlabError(f"--estimator {asked} does not apply here: {reason}")
        return asked, "asked for with --estimator"
    reason = ESTIMATORS.create("ppi").applies(problem)
    if reason is None:
        return "ppi", ("PPI++, because the reviewed records are a simple random sample of the "
                       "run, which is what its intervals assume")
    return "dsl", f"DSL, because PPI++ does not apply: {reason}; DSL weights each reviewed " \
                  "record by its known inclusion probability"


def _problem(table: pd.DataFrame, facts: dict, X: np.ndarray, names: list[str],
             family: str, g_features: np.ndarray) -> Problem:
    p = np.clip(table.surrogate.to_numpy(float), 1e-4, 1 - 1e-4)
    problem = Problem(X=X, names=names, label=table.label.to_numpy(float),
                      surrogate=table.surrogate.to_numpy(float),
                      sampled=table.sampled.to_numpy(bool), pi=table.pi.to_numpy(float),
                      y=table.y.to_numpy(float), family=family,
                      simple_random=facts["design"] == "simple random", seed=facts["seed"],
                      g_features=np.column_stack([np.log(p / (1 - p)), g_features]))
    problem.g = outcome_model(problem)
    return problem


def _needed(sigma: float, width: float) -> int:
    """Reviewed records a group needs for a 95% interval of ``width`` (normal approximation)."""
    return int(math.ceil((2 * Z95 * sigma / width) ** 2))


def estimate_shares(con: duckdb.DuckDBPyConnection, question: str, run_id: int | None = None,
                    by: str | None = None, option: str = "TRUE", estimator: str = "auto",
                    width: float = 0.2, skip_empty: bool = False) -> Result:
    """``option``'s share of the run's records (per ``by`` group), naive / classical /
    corrected, with 95% intervals, n reviewed, and how many more reviews a group needs for
    an interval ``width`` wide."""
    table, facts = estimation_table(con, resolve_run(con, question, run_id), option)
    if by is not None and by not in table.columns:
        raise LitlabError(f"cannot group by {by!r}; use one of: "
                          f"{', '.join(c for c in table.columns if c not in _INTERNAL)}")
    groups = (pd.Series([_text(v) for v in table[by]], index=table.index) if by
              else pd.Series("all", index=table.index))
    names = sorted(set(groups), key=_order)
    onehot = np.column_stack([(groups == g).to_numpy(float) for g in names])
    problem = _problem(table, facts, np.ones((len(table), 1)), ["share"], "linear",
                       onehot if by else np.zeros((len(table), 0)))
    counts = {g: int((groups == g).sum()) for g in names}
    reviewed = {g: int(((groups == g) & table.sampled).sum()) for g in names}
    empty = [g for g in names if not reviewed[g]]
    if empty and not skip_empty:
        shown = ", ".join(f"{g} ({counts[g]} record{'s' if counts[g] > 1 else ''})"
                          for g in empty[:6])
        raise LitlabError(
            f"no reviewed record in {len(empty)} group{'s' if len(empty) > 1 else ''} of {by}: "
            f"{shown}{' ...' if len(empty) > 6 else ''}; their share cannot be corrected: "
            f"draw a sample stratified by {by} (`litlab validate {facts['run_id']} --sample N "
            f"--stratify {by} --redraw`) or leave them out with --skip-empty")
    corrected, why = choose(problem, estimator)
    residual = problem.y[problem.sampled] - problem.g[problem.sampled]
    sigma = float(np.std(residual)) if len(residual) > 1 else 0.5
    rows, skipped = [], []
    for g in names:
        if not reviewed[g]:
            skipped.append({"group": g, "n_records": counts[g], "n_reviewed": 0})
            continue
        part = problem.subset((groups == g).to_numpy())
        row = {"group": g, "n_records": counts[g], "n_reviewed": reviewed[g]}
        for role, name in zip(THREE, ("naive", "classical", corrected)):
            row[role] = _estimate_row(name, part)
        ci = row["corrected"]
        wide = ci["ci_low"] is None or ci["ci_high"] - ci["ci_low"] > width
        row["more_for_width"] = (max(1, _needed(sigma, width) - reviewed[g]) if wide else 0)
        rows.append(row)
    return Result("shares", facts, rows, corrected, why, _intervals(corrected), by=by,
                  skipped=skipped, width=width)


_INTERNAL = {"record_id", "label", "surrogate", "pi", "y", "stratum", "sampled"}


def _order(value: str):
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _estimate_row(name: str, problem: Problem, j: int = 0) -> dict:
    estimator = ESTIMATORS.create(name)
    if estimator.applies(problem) is not None:
        return {"estimate": None, "se": None, "ci_low": None, "ci_high": None}
    return estimator.estimate(problem).row(j)


def _intervals(corrected: str) -> dict:
    return {role: ESTIMATORS.create(corrected if role == "corrected" else role).interval
            for role in THREE}


def regress(con: duckdb.DuckDBPyConnection, question: str, formula: str,
            family: str = "logistic", run_id: int | None = None, option: str = "TRUE",
            estimator: str = "auto") -> Result:
    """The label (1 = ``option``) regressed on covariates (``formula``, R/formulaic syntax),
    every coefficient naive / classical / corrected with 95% intervals."""
    import formulaic
    from formulaic.errors import FormulaicError

    if family not in ("logistic", "linear"):
        raise LitlabError(f"--family must be logistic or linear, not {family!r}")
    table, facts = estimation_table(con, resolve_run(con, question, run_id), option)
    lhs, _, rhs = formula.rpartition("~")
    if lhs.strip() not in ("", "label", option):
        raise LitlabError(f"the formula's outcome is the label: write `~ {rhs.strip()}` or "
                          f"`label ~ {rhs.strip()}`, not {lhs.strip()!r}")
    data = table.drop(columns=list(_INTERNAL - {"record_id"}))
    try:
        matrix = formulaic.model_matrix(rhs.strip() or "1", data)
    except FormulaicError as exc:
        columns = ", ".join(c for c in data.columns if c != "record_id")
        unknown = re.search(r"Unable to evaluate factor `(.+?)`.*not present", str(exc))
        problem = (f"names an unknown column {unknown.group(1)!r}" if unknown
                   else f"cannot be used: {_first_line(exc)}")
        raise LitlabError(f"the formula {formula!r} {problem}; columns: {columns}") from None
    except SyntaxError as exc:
        raise LitlabError(f"the formula {formula!r} does not parse: {exc.msg}") from None
    rows = matrix.index.to_numpy()
    if not len(rows):
        raise LitlabError(f"no record has every covariate of {formula!r}")
    kept = table.loc[rows]
    X, names = matrix.to_numpy(float), [str(c) for c in matrix.columns]
    extra = [j for j, n in enumerate(names) if n != "Intercept"]
    problem = _problem(kept, facts, X, names, family, X[:, extra])
    corrected, why = choose(problem, estimator)
    fits = {role: (ESTIMATORS.create(name).estimate(problem)
                   if ESTIMATORS.create(name).applies(problem) is None else None)
            for role, name in zip(THREE, ("naive", "classical", corrected))}
    out = []
    for j, term in enumerate(names):
        row = {"term": term, "n_records": int(len(kept)),
               "n_reviewed": int(kept.sampled.sum())}
        for role, fit in fits.items():
            row[role] = fit.row(j) if fit is not None else {
                "estimate": None, "se": None, "ci_low": None, "ci_high": None}
        out.append(row)
    return Result("regression", facts, out, corrected, why, _intervals(corrected),
                  formula=formula, family=family, left_out=int(len(table) - len(kept)))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
