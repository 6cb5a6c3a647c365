"""Labeling speed and quality, side by side with the baselines named in the issue.

    python benchmarks/bench_label.py [--n 100] [--skip-quality] [--json]

Same model (the bundled SmolLM2-135M-Instruct), same shared abstracts (the first --n records
with an abstract of the scisci corpus, by record id), one process:
  1. seconds per article for one question: litlab's label run (option scoring, evidence,
     storage) vs a transformers text-generation pipeline writing up to 50 tokens per article,
     one article at a time, the answer parsed from the text (what litlab replaces);
  2. five questions in one litlab run vs five single-question runs;
  3. the lower bound: one batched forward pass over the same prompts, nothing else;
  4. quality on benchmarks/gold_bibliometric.csv (random stratum): accuracy, F1(TRUE), kappa,
     ECE and AUC, beside a zero-shot embedding baseline (cosine of the article to the question
     under all-MiniLM-L6-v2; TRUE above the mean cosine).
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import litlab

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci"
QUESTION = "Does the article use bibliometric analysis?"
FIVE = [QUESTION, "Does the article report an experiment?", "Is the article about open access?",
        "Does the article analyse gender differences?", "Does the article use machine learning?"]


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def pipeline_baseline(backend, texts: list[str]) -> float:
    """Generate up to 50 tokens per article, one at a time, and parse the answer."""
    from transformers import pipeline

    from litlab.labeling.prompts import make_question, messages

    generate = pipeline("text-generation", model=backend.model, tokenizer=backend.tokenizer)
    block = make_question(QUESTION).block()
    start, written = time.perf_counter(), 0
    for text in texts:
        out = generate(messages(text, block), max_new_tokens=50, do_sample=False)
        answer = out[0]["generated_text"][-1]["content"]
        re.search(r"TRUE|FALSE|UNCLEAR", answer.upper())
        written += len(backend.tokenizer(answer, add_special_tokens=False).input_ids)
    seconds = time.perf_counter() - start
    return seconds, written / len(texts)


def lower_bound(backend, texts: list[str]) -> float:
    """One batched forward pass over the full prompts: no options, no evidence, no storage."""
    import torch

    from litlab.labeling.prompts import make_question, messages

    block = make_question(QUESTION).block()
    prompts = [backend.tokenizer.apply_chat_template(messages(t, block), tokenize=False,
                                                     add_generation_prompt=True) for t in texts]
    prompts.sort(key=len)
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(prompts), backend.batch_size):
            enc = backend.tokenizer(prompts[i:i + backend.batch_size], return_tensors="pt",
                                    padding=True, add_special_tokens=False,
                                    truncation=True, max_length=backend.max_context_tokens + 120)
            backend.model(**enc)
    return time.perf_counter() - start


def quality(corpus, run_id: int) -> dict:
    from sklearn.metrics import cohen_kappa_score, f1_score, roc_auc_score

    from litlab.index.embedders import load_embedder
    from litlab.labeling.gold import read_gold

    gold_all = pd.read_csv(ROOT / "benchmarks" / "gold_bibliometric.csv", dtype=str)
    path = Path(tempfile.mkdtemp()) / "gold.csv"
    gold_all[gold_all.stratum == "random"].to_csv(path, index=False)
    gold = read_gold(corpus.con, path)
    gold = gold[gold.gold.isin(["TRUE", "FALSE"])]
    evaluation = corpus.evaluate(run_id, path)
    labels = corpus.labels(run_id).set_index("record_id").loc[gold.record_id]
    truth = (gold.gold == "TRUE").to_numpy()
    texts = corpus.con.execute("SELECT record_id, concat_ws('. ', title, abstract) FROM records "
                               "WHERE list_contains(?, record_id)", [gold.record_id.tolist()]).df()
    texts = texts.set_index("record_id").loc[gold.record_id].iloc[:, 0].tolist()
    embedder = load_embedder("all-MiniLM-L6-v2")
    cosine = embedder.encode(texts) @ embedder.encode([QUESTION])[0]
    base_pred = cosine > cosine.mean()
    llm_pred = (labels.label == "TRUE").to_numpy()
    return {
        "n_gold": int(len(gold)), "n_true": int(truth.sum()),
        "litlab": {"accuracy": float((llm_pred == truth).mean()), "f1_true": float(f1_score(truth, llm_pred)),
                   "kappa": float(cohen_kappa_score(truth, llm_pred)), "ece": evaluation["ece"],
                   "auc": float(roc_auc_score(truth, labels.p_TRUE))},
        "embedding_baseline": {"accuracy": float((base_pred == truth).mean()),
                               "f1_true": float(f1_score(truth, base_pred)),
                               "kappa": float(cohen_kappa_score(truth, base_pred)), "ece": None,
                               "auc": float(roc_auc_score(truth, cosine))},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpus = litlab.open(Path(tempfile.mkdtemp()) / "bench.duckdb")
    corpus.ingest([SCISCI / "science_of_science.csv"])
    ids = [r for (r,) in corpus.con.execute(
        "SELECT record_id FROM records WHERE abstract IS NOT NULL ORDER BY record_id LIMIT ?",
        [args.n]).fetchall()]
    texts = [t for (t,) in corpus.con.execute(
        "SELECT concat_ws('\n', 'Title: ' || title, 'Abstract: ' || abstract) FROM records "
        "WHERE list_contains(?, record_id) ORDER BY record_id", [ids]).fetchall()]
    backend = corpus.backend
    corpus.label(QUESTION, scope="abstract", filters={"record_ids": ids[:4]})  # warm-up
    one_s, one = timed(lambda: corpus.label(QUESTION, scope="abstract", filters={"record_ids": ids}))
    five_s, _ = timed(lambda: corpus.label(FIVE, scope="abstract", filters={"record_ids": ids}))
    bound_s = lower_bound(backend, texts)
    pipe_s, pipe_tokens = pipeline_baseline(backend, texts)
    n = len(ids)
    figures = {
        "n": n, "litlab_s_per_article": one_s / n, "pipeline_s_per_article": pipe_s / n,
        "pipeline_tokens_written": pipe_tokens,
        "speedup_vs_pipeline": pipe_s / one_s, "five_questions_s": five_s, "one_question_s": one_s,
        "five_over_one": five_s / one_s, "lower_bound_s": bound_s, "litlab_over_lower_bound": one_s / bound_s,
    }
    if not args.skip_quality:
        gold_ids = read_gold_ids(corpus)
        run = corpus.label(QUESTION, scope="abstract", filters={"record_ids": gold_ids})
        figures["quality"] = quality(corpus, run.run_ids[0])
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"Labeling {n} shared abstracts, one process, {backend.describe()['model_id']} on "
          f"{backend.describe()['device']}")
    print(f"  text-generation pipeline (50 tokens, parsed)  {pipe_s / n:6.3f} s/article   "
          f"(wrote {pipe_tokens:.1f} tokens an article before its end token)")
    print(f"  litlab label (option scoring + evidence)      {one_s / n:6.3f} s/article   "
          f"{pipe_s / one_s:4.1f}x faster (target >= 3x)")
    print(f"  five questions in one run                     {five_s:6.1f} s   "
          f"{five_s / one_s:4.2f}x one question (target <= 1.5x)")
    print(f"  lower bound: one batched forward pass         {bound_s:6.1f} s   "
          f"litlab takes {one_s / bound_s:4.2f}x (target within 2x)")
    if "quality" in figures:
        q = figures["quality"]
        print(f"Quality on the gold set's random stratum ({q['n_gold']} abstracts, "
              f"{q['n_true']} TRUE), TRUE vs not:")
        print(f"  {'':22}{'accuracy':>9}{'F1(TRUE)':>9}{'kappa':>8}{'ECE':>7}{'AUC':>7}")
        for name in ("litlab", "embedding_baseline"):
            m = q[name]
            ece = f"{m['ece']:7.3f}" if m["ece"] is not None else "    n/a"
            print(f"  {name:22}{m['accuracy']:9.3f}{m['f1_true']:9.3f}{m['kappa']:8.3f}{ece}"
                  f"{m['auc']:7.3f}")


def read_gold_ids(corpus) -> list[int]:
    from litlab.labeling.gold import read_gold

    return read_gold(corpus.con, ROOT / "benchmarks" / "gold_bibliometric.csv").record_id.tolist()


if __name__ == "__main__":
    main()
