"""Text for `litlab estimate` and `litlab regress`: the table and a methods paragraph."""
from __future__ import annotations

NAMES = {"naive": "labels alone", "classical": "reviewed sample alone", "dsl": "DSL",
         "ppi": "PPI++"}
FULL = {"dsl": "design-based supervised learning (DSL; Egami et al. 2023)",
        "ppi": "prediction-powered inference with power tuning (PPI++; Angelopoulos et al. "
               "2023, ppi-python)"}


def _cell(e: dict, percent: bool) -> str:
    if e["estimate"] is None:
        return "n/a"
    if percent:
        return f"{e['estimate']:.0%} ({e['ci_low']:.0%} to {e['ci_high']:.0%})"
    return f"{e['estimate']:.3f} ({e['ci_low']:.3f} to {e['ci_high']:.3f})" \
        if e["ci_low"] is not None else f"{e['estimate']:.3f} (n/a)"


def format_result(result) -> str:
    """The table a terminal shows, then the methods paragraph."""
    shares = result.kind == "shares"
    key = "group" if shares else "term"
    head = [key if not shares else (result.by or "group"), "naive (labels)",
            "classical (reviews)", f"corrected ({NAMES[result.corrected]})", "n reviewed"]
    body = [[row[key], _cell(row["naive"], shares), _cell(row["classical"], shares),
             _cell(row["corrected"], shares), f"{row['n_reviewed']}/{row['n_records']}"]
            for row in result.rows]
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
             for r in [head] + body]
    title = (f"share {result.facts['option']} of run {result.facts['run_id']}"
             + (f" by {result.by}" if result.by else "") if shares else
             f"{result.family} regression of {result.facts['option']} on {result.formula}")
    lines = [f"{title} (95% intervals in brackets)"] + lines
    short = [r for r in result.rows if r.get("more_for_width")]
    if shares and short:
        lines.append(f"for a corrected interval at most {result.width:.0%} wide, review about "
                     "this many more records of: " + ", ".join(
                         f"{r['group']} {r['more_for_width']}" for r in short[:12])
                     + (" ..." if len(short) > 12 else ""))
    if any(row[role]["estimate"] is None for row in result.rows for role in
           ("naive", "classical", "corrected")):
        lines.append("n/a: no finite estimate here (a covariate level whose records are all "
                     "one label, which a logistic fit cannot fit, or too few reviewed records)")
    if result.skipped:
        lines.append("left out (no reviewed record): " + ", ".join(
            f"{s['group']} ({s['n_records']} records)" for s in result.skipped))
    return "\n".join(lines + ["", methods_paragraph(result)])


def methods_paragraph(result) -> str:
    """What a methods section says: estimator, sample design, n reviewed, formula, intervals."""
    f = result.facts
    design = f["design"]
    target = (f"the share of articles labeled {f['option']} for \u201c{f['question']}\u201d"
              + (f" per {result.by}" if result.by else "") if result.kind == "shares" else
              f"a {result.family} regression of the label ({f['option']} = 1) for "
              f"\u201c{f['question']}\u201d on {result.formula.split('~')[-1].strip()} "
              "(formula in Wilkinson notation, design matrix by formulaic)")
    left = (f" {result.left_out} of the run's records lacked a covariate and were left out."
            if result.left_out else "")
    skipped = (f" {len(result.skipped)} groups with no reviewed record were left out."
               if result.skipped else "")
    return (
        f"We estimated {target} from the {f['n_records']:,} labels of run {f['run_id']} "
        f"({f['backend']}) corrected by a {design} validation sample of {f['drawn']} articles "
        f"(seed {f['seed']}), of which {f['reviewed']} were reviewed blind to the labels"
        + (f" ({f['disputed']} disputed reviews were not used)" if f["disputed"] else "")
        + f". The corrected estimates use {FULL[result.corrected]}: {result.why}. Each "
        f"reviewed article is weighted by its inclusion probability (reviewed in its stratum "
        f"/ stratum size). Intervals are 95%: corrected, {result.intervals['corrected']}; "
        f"classical (reviewed sample alone), {result.intervals['classical']}; naive (labels "
        f"taken as truth, shown for comparison only), {result.intervals['naive']}."
        + left + skipped)
