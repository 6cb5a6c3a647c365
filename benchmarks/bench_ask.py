"""`ask` on the shared science-of-science corpus: seconds per answer, and every citation printed
beside the sentence it is attached to, so that a person can judge whether the passage supports
the sentence.

    python benchmarks/bench_ask.py [--db indexed.duckdb] [--out ask_judging.md]

Without ``--db`` it ingests the shared CSV and the 27 PDFs into a throw-away file and indexes
them (several minutes). The ten questions below were written for this corpus before any answer
was seen. The judgements are in benchmarks/README.md; this script only produces what is judged.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import litlab

HERE = Path(__file__).resolve().parent
SCISCI = HERE.parents[1] / "shared" / "corpora" / "scisci"
QUESTIONS = [
    "How is the disruption index (CD index) of a paper computed?",
    "Do open access articles receive more citations than closed access articles?",
    "What data sources do studies of scientific collaboration use?",
    "Is there a gender gap in citations or publications?",
    "How do team size and novelty relate in science?",
    "What are sleeping beauties in science?",
    "How is the h-index criticised?",
    "What predicts the future impact of a scientist?",
    "How does peer review affect which papers get published?",
    "Does scientific mobility of researchers change their productivity?",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report(answers) -> str:
    lines = []
    for i, a in enumerate(answers, 1):
        lines += [f"## Q{i}. {a.question}", "", f"**Answer ({a.seconds:.1f} s):** {a.answer}", ""]
        for c in a.citations:
            where = f"p. {c['page']}" if c.get("page") else "abstract"
            said = c.get("sentence") or "(cited by the model)"
            lines += [f"- [{c['n']}] by {c['by']}"
                      + (f" (cosine {c['similarity']:.2f})" if c.get("similarity") else "")
                      + f", record {c['record_id']}, {where}: *{c['title']}*",
                      f"  - sentence: {said}", f"  - passage: {c['passage'][:500]}"]
        if not a.citations:
            lines.append("- no citation")
        if a.uncited_sentences:
            lines.append(f"- uncited sentences: {a.uncited_sentences}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, default=Path("ask_judging.md"))
    parser.add_argument("--max-tokens", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "scisci.duckdb"
            with litlab.open(db) as corpus:
                log("ingesting and indexing the shared corpus ...")
                corpus.ingest([SCISCI / "science_of_science.csv", SCISCI / "pdfs"])
                corpus.index()
        with litlab.open(db) as corpus:
            corpus.ask("warm up: what is bibliometrics?", k=5, max_tokens=8)
            answers = []
            for question in QUESTIONS:
                answers.append(corpus.ask(question, k=5, max_tokens=args.max_tokens))
                log(f"{answers[-1].seconds:5.1f} s  {question}")
    args.out.write_text(report(answers), encoding="utf-8")
    seconds = [a.seconds for a in answers]
    by = [c["by"] for a in answers for c in a.citations]
    print(f"{len(answers)} answers: median {statistics.median(seconds):.1f} s, "
          f"max {max(seconds):.1f} s per answer")
    print(f"citations: {by.count('model')} written by the model, {by.count('similarity')} "
          f"attributed by similarity; answers with none: "
          f"{sum(1 for a in answers if not a.citations)}")
    print(f"for judging: {args.out}")


if __name__ == "__main__":
    main()
