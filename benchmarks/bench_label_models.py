"""The labeling models side by side (llama.cpp backend), on the developers' gold set.

    nice -n 10 python benchmarks/bench_label_models.py [--n-gold 147] [--n-speed 8]
        [--models qwen2.5-coder-1.5b-instruct,qwen2.5-coder-0.5b-instruct,smollm2-135m-instruct]

Per model, each in its own process (for its peak RAM), over the first --n-gold rows of
benchmarks/gold_bibliometric.csv (TRUE/FALSE) matched in ../shared/corpora/scisci:
  * AUC of P(TRUE); kappa of the raw labels;
  * kappa of the calibrated labels from 10, 20 and 50 reviews (5 random draws each: the
    calibration is fitted on the drawn records and scored on the others);
  * seconds per abstract, litlab's backend vs a bare llama.cpp loop over the same prompts
    (llama-cpp-python's Llama: the whole prompt and each option decoded per article);
  * five questions against one (litlab's backend); peak RAM (ru_maxrss of the process).
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci"
QUESTION = "Does the article use bibliometric analysis?"
FIVE = [QUESTION, "Is the article about medicine?", "Does the article report a survey?",
        "Is the article a review?", "Does the article use machine learning?"]
MODELS = "qwen2.5-coder-1.5b-instruct,qwen2.5-coder-0.5b-instruct,smollm2-135m-instruct"


def gold_texts(n: int) -> tuple[list[str], np.ndarray]:
    import litlab
    from litlab.labeling.gold import read_gold

    corpus = litlab.open(Path(tempfile.mkdtemp()) / "bench.duckdb")
    corpus.ingest([SCISCI / "science_of_science.csv"])
    gold = read_gold(corpus.con, ROOT / "benchmarks" / "gold_bibliometric.csv")
    gold = gold[gold.gold.isin(["TRUE", "FALSE"])].head(n)
    texts = dict(corpus.con.execute(
        "SELECT record_id, concat_ws('\n', 'Title: ' || title, 'Abstract: ' || abstract) "
        "FROM records WHERE list_contains(?, record_id)", [gold.record_id.tolist()]).fetchall())
    return [texts[r] for r in gold.record_id], (gold.gold == "TRUE").to_numpy()


def bare_loop(backend, texts: list[str], question) -> float:
    """The same prompts through llama-cpp-python's Llama, nothing shared between articles."""
    from llama_cpp import Llama

    from litlab.labeling.prompts import article_text

    llm = Llama(str(backend.path), n_ctx=backend.window, n_threads=backend.threads,
                verbose=False)
    head, middle, tail = backend._pieces()
    options = [backend._tokens(o) for o in question.options]
    start = time.perf_counter()
    for text in texts:
        prompt = (backend._tokens(head, special=True, bos=True)
                  + backend._tokens(article_text(text))[:backend.max_context_tokens]
                  + backend._tokens(middle, special=True) + backend._tokens(question.block())
                  + backend._tokens(tail, special=True))
        llm.reset()
        llm.eval(prompt)
        for option in options:  # each option's further tokens after the prompt
            if len(option) > 1:
                llm.n_tokens = len(prompt)
                llm.eval(option[:-1])
    return (time.perf_counter() - start) / len(texts)


def child(model: str, n_gold: int, n_speed: int) -> dict:
    from sklearn.metrics import cohen_kappa_score, roc_auc_score

    from litlab.labeling import calibration
    from litlab.labeling.backends import LLM_BACKENDS
    from litlab.labeling.prompts import make_question
    from litlab.settings import LabelSettings

    texts, truth = gold_texts(n_gold)
    backend = LLM_BACKENDS.create("llama.cpp", model=model,
                                  models_dir=LabelSettings().models_dir)
    q = make_question(QUESTION)
    start = time.perf_counter()
    scores = backend.score(texts, [q])
    seconds_gold = (time.perf_counter() - start) / len(texts)
    probs = [[math.exp(v) for v in s.logprobs[0]] for s in scores]
    probs = [[v / sum(p) for v in p] for p in probs]
    p_true = np.array([p[0] for p in probs])
    gold = [0 if t else 1 for t in truth]
    raw = [int(np.argmax(p)) for p in probs]
    out = {"model": backend.model_id, "n": len(texts), "positives": int(truth.sum()),
           "auc": float(roc_auc_score(truth, p_true)),
           "kappa_raw": float(cohen_kappa_score(gold, raw, labels=[0, 1, 2])),
           "share_true_raw": float(np.mean([r == 0 for r in raw])), "calibrated": {}}
    rng = np.random.default_rng(0)
    for k in (10, 20, 50):
        if k >= len(texts) - 5:
            continue
        kappas = []
        for _ in range(5):
            train = rng.choice(len(texts), k, replace=False)
            test = np.setdiff1d(np.arange(len(texts)), train)
            fitted = calibration.fit([probs[i] for i in train], [gold[i] for i in train], 3)
            pred = [int(np.argmax(calibration.apply(fitted, probs[i]))) for i in test]
            kappas.append(cohen_kappa_score([gold[i] for i in test], pred, labels=[0, 1, 2]))
        out["calibrated"][k] = {"mean": float(np.nanmean(kappas)),
                                "min": float(np.nanmin(kappas)), "max": float(np.nanmax(kappas))}
    few = texts[:n_speed]
    backend.score(few[:1], [q])  # warm
    start = time.perf_counter()
    backend.score(few, [q])
    one = time.perf_counter() - start
    start = time.perf_counter()
    backend.score(few, [make_question(x) for x in FIVE])
    five = time.perf_counter() - start
    out.update({"s_per_abstract_gold": seconds_gold, "litlab_s_per_abstract": one / len(few),
                "bare_s_per_abstract": bare_loop(backend, few, q), "five_over_one": five / one,
                "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6})
    out["speed_vs_bare"] = out["bare_s_per_abstract"] / out["litlab_s_per_abstract"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-gold", type=int, default=147)
    parser.add_argument("--n-speed", type=int, default=8)
    parser.add_argument("--models", default=MODELS)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n_gold, args.n_speed)))
        return
    print(f"gold: first {args.n_gold} TRUE/FALSE rows of benchmarks/gold_bibliometric.csv; "
          f"speed on the first {args.n_speed}")
    print(f"{'model':<48}{'n':>4}{'AUC':>6}{'kappa raw':>10}{'cal@10':>8}{'cal@20':>8}"
          f"{'cal@50':>8}{'s/abs':>7}{'bare s/abs':>11}{'vs bare':>8}{'5q/1q':>7}{'RAM GB':>7}")
    for model in args.models.split(","):
        done = subprocess.run([sys.executable, __file__, "--child", model, "--n-gold",
                               str(args.n_gold), "--n-speed", str(args.n_speed)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{model:<48} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        cal = [f"{r['calibrated'][str(k)]['mean']:.2f}" if str(k) in r["calibrated"] else "-"
               for k in (10, 20, 50)]
        print(f"{r['model'][:47]:<48}{r['n']:>4}{r['auc']:>6.2f}{r['kappa_raw']:>10.2f}"
              f"{cal[0]:>8}{cal[1]:>8}{cal[2]:>8}{r['litlab_s_per_abstract']:>7.2f}"
              f"{r['bare_s_per_abstract']:>11.2f}{r['speed_vs_bare']:>7.2f}x"
              f"{r['five_over_one']:>6.2f}x{r['peak_rss_gb']:>7.2f}")


if __name__ == "__main__":
    main()
