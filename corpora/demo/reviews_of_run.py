"""The demo's "first reviews": the true answers (demo_truth.csv) of the first N records a
label run labeled, written as a review file for `litlab review --import`.

Usage: python corpora/demo/reviews_of_run.py DB RUN TRUTH.csv OUT.csv N
"""
import sys

import pandas as pd

import litlab
from litlab.labeling.gold import match_records

db, run, truth_path, out, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
with litlab.open(db, read_only=True) as corpus:
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    truth["record_id"] = match_records(corpus.con, truth)
    labeled = [r for (r,) in corpus.con.execute(
        "SELECT record_id FROM labels WHERE run_id = ? ORDER BY record_id", [run]).fetchall()]
chosen = truth[truth.record_id.isin(labeled[:n])].drop(columns="record_id")
chosen.to_csv(out, index=False)
print(f"{len(chosen)} reviews of run {run}'s records written to {out}")
