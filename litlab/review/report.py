"""Text for the review commands: imports, agreement, disagreements, validation, stopping."""
from __future__ import annotations

import math


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{100 * value:.0f}%"


def _ci(pair) -> str:
    low, high = pair
    if low != low:
        return "(95% CI n/a)"
    if low == high:  # every resample alike: the records are too few or all agree
        return "(95% CI not estimable: too few records)"
    return f"(95% CI {low:.2f}-{high:.2f})"


def format_import(result: dict) -> str:
    skipped = "".join(f"\n  line {line}: {why}" for line, why in result["skipped"])
    more = result["n_skipped"] - len(result["skipped"])
    by_reviewer = (" by " + ", ".join(f"{who} ({n})" for who, n in result["by_reviewer"].items())
                   if len(result["by_reviewer"]) > 1 else "")
    return (f"imported {result['imported']} reviews ("
            + ", ".join(f"{v} {k}" for k, v in result["by_label"].items())
            + f"){by_reviewer}; {result['n_skipped']} rows skipped{skipped}"
            + (f"\n  ... and {more} more" if more > 0 else "")
            + ("\n  skipped rows are kept in the review_rejects table" if result["n_skipped"]
               else ""))


def format_agreement(result: dict) -> str:
    if not result["pairs"]:
        who = ", ".join(result["reviewers"]) or "nobody"
        return (f"no record has decisions from two reviewers yet (reviewers: {who}); agreement "
                "needs records both reviewed")
    lines = [f"agreement between reviewers of \u201c{result['question']}\u201d:"]
    for p in result["pairs"]:
        kappa = "n/a" if math.isnan(p["kappa"]) else f"{p['kappa']:.2f}"
        lines.append(f"  {p['reviewers'][0]} and {p['reviewers'][1]}: {p['n']} records, "
                     f"agree on {_pct(p['agreement'])} {_ci(p['agreement_ci'])}, Cohen's kappa "
                     f"{kappa} {_ci(p['kappa_ci'])}, {p['disagree']} disagreements")
    lines.append(f"{result['disputed']} disputed records to settle: `litlab review QUESTION "
                 "--mode disagreements`" if result["disputed"] else "no disputed records")
    return "\n".join(lines)


def format_disagreements(frame) -> str:
    if frame.empty:
        return "No disagreements: every record's reviewers agree (or it is settled)."
    lines = [f"{len(frame)} disputed records (settle them with `litlab review QUESTION "
             "--mode disagreements`):"]
    for row in frame.itertuples():
        decided = ", ".join(f"{who} {label}" for who, label in row.decisions.items())
        lines.append(f"  [{row.record_id}] {(row.title or '(no title)')[:80]}  —  {decided}")
    return "\n".join(lines)


def format_sample(sample: dict) -> str:
    strata = (f"; by {sample.get('stratified_by') or 'label'}: " + ", ".join(f"{s} {k} of {n}" for s, (k, n) in
                                         sample["strata"].items())) if sample["stratified"] else ""
    return (f"drew {sample['drawn']} of run {sample['run_id']}'s {sample['population']:,} "
            f"records at random (seed {sample['seed']}){strata}. They come first in "
            f"`litlab review \"{sample['question']}\"`, the model's label hidden; then "
            f"`litlab evaluate {sample['run_id']}` reports the estimates.")


def format_validation(report: dict) -> list[str]:
    """The validation part of `litlab evaluate`."""
    a = report["agreement"]
    kind = report.get("design") or ("stratified by label" if report["stratified"]
                                    else "simple random")
    lines = [f"validation sample ({kind}, seed {report['seed']}): {report['reviewed']} of "
             f"{report['drawn']} reviewed"
             + (f", {report['disputed']} disputed (not counted until settled)"
                if report["disputed"] else ""),
             f"  accuracy {a['accuracy']:.3f} {_ci(a['ci']['accuracy'])}, Cohen's kappa "
             f"{a['kappa']:.3f} {_ci(a['ci']['kappa'])}",
             f"  {'option':<14}{'precision':>22}{'recall':>22}{'F1':>22}"]
    for option in a["f1"]:
        lines.append(f"  {option:<14}" + "".join(
            f"{a[m][option]:>8.3f} {_ci(a['ci'][m][option]):>13}" for m in
            ("precision", "recall", "f1")))
    lines.append(f"share of all {report['n_labels']:,} records (labels corrected by the "
                 "reviewed sample, 95% CI):")
    for option, s in report["shares"].items():
        lines.append(f"  {option:<14}{_pct(s['estimate']):>6} ({_pct(s['ci'][0])}-"
                     f"{_pct(s['ci'][1])}); labeled {_pct(s['labeled_share'])}")
    return lines


def estimate_sentence(report: dict, option: str, question: str, source: str) -> str:
    """One sentence for a methods section, e.g. "31% (95% CI 27-35%) of the articles ..."."""
    s = report["shares"][option]
    return (f"An estimated {_pct(s['estimate'])} (95% CI {_pct(s['ci'][0])}-"
            f"{_pct(s['ci'][1])}) of the {report['n_labels']:,} articles are {option} for "
            f"\u201c{question}\u201d, from {report['n_labels']:,} {source} labels corrected by "
            f"{s['n_reviewed']} reviewed at random (difference estimator"
            + (f", {report.get('design') or 'stratified by label'}" if report["stratified"]
               else "") + ").")


def format_stopping(status: dict) -> str:
    return status["message"]


def format_question(settings: dict) -> str:
    """A question's stored criteria and exclusion reasons."""
    reasons = settings["exclusion_reasons"]
    lines = [f"question: {settings['question']}",
             "exclusion reasons (full text): " + ("; ".join(reasons) if reasons else "none set")]
    criteria = settings["criteria"]
    lines += ["eligibility criteria:", *("  " + l for l in criteria.splitlines())] if criteria \
        else ["eligibility criteria: none set"]
    return "\n".join(lines)
