"""The llama.cpp backend on real GGUF models: the bundled SmolLM2-135M, and the pulled
Qwen2.5-Coder-1.5B on a few records (`make test` pulls it)."""
from __future__ import annotations

import math

import pytest

from conftest import DEMO, demo_truth, run_cli

pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by `make install`")

from litlab.labeling.backends import LLM_BACKENDS  # noqa: E402
from litlab.labeling.prompts import make_question  # noqa: E402

QUESTION = "Does the article use bibliometric analysis?"
OTHERS = ["Is the article about medicine?", "Does the article report a survey?",
          "Is the article a review?", "Does the article use machine learning?"]
ARTICLE = ("Title: Mapping forty years of scientometrics. Abstract: We retrieved 12,000 "
           "Web of Science records and analysed co-citation networks and author collaboration.")


@pytest.fixture(scope="module")
def smollm():
    return LLM_BACKENDS.create("llama.cpp", model="smollm2-135m-instruct")


def _bare_llama_logprob(backend, question, option: str) -> float:
    """The option's log-probability from the whole prompt (the backend's tokens) decoded in
    one sequence by llama-cpp-python's own Llama (logits for every position): the reference."""
    import numpy as np
    from llama_cpp import Llama

    from litlab.labeling.prompts import article_text

    head, middle, tail = backend._pieces()
    prompt = (backend._tokens(head, special=True, bos=True) + backend._tokens(article_text(
        ARTICLE)) + backend._tokens(middle, special=True) + backend._tokens(question.block())
        + backend._tokens(tail, special=True))
    target = backend._tokens(option)
    llm = Llama(str(backend.path), n_ctx=2048, logits_all=True, verbose=False)
    llm.eval(prompt + target[:-1])
    total = 0.0
    for k, token in enumerate(target):
        row = np.asarray(llm.scores[len(prompt) - 1 + k], dtype=np.float64)
        total += row[token] - row.max() - math.log(np.exp(row - row.max()).sum())
    return total


def test_one_pass_equals_each_prompt_decoded_alone(smollm):
    """Five questions and their options scored in one decode after the article give every
    option the log-probability it has when its prompt is decoded on its own."""
    questions = [make_question(q) for q in [QUESTION] + OTHERS]
    together = smollm.score([ARTICLE], questions)[0].logprobs
    for qi, question in enumerate(questions):
        alone = smollm.score([ARTICLE], [question])[0].logprobs[0]
        assert together[qi] == pytest.approx(alone, abs=1e-4)
    for oi, option in enumerate(questions[0].options):  # TRUE, FALSE, UNCLEAR (two tokens)
        assert together[0][oi] == pytest.approx(
            _bare_llama_logprob(smollm, questions[0], option), abs=1e-3)
    assert smollm.describe()["backend"] == "llama.cpp"


def test_generate_writes_text(smollm):
    assert smollm.generate("Name one colour.", max_tokens=8).strip()


def test_default_label_run_says_it_is_uncalibrated(tmp_path):
    """Without reviews, `label` says the probabilities are uncalibrated and how many reviews
    would calibrate them (the default model here: the bundled SmolLM2 through llama.cpp)."""
    db = tmp_path / "demo.duckdb"
    assert run_cli("ingest", DEMO / "scopus_demo.csv", "--db", db).exit_code == 0
    out = run_cli("label", QUESTION, "--limit", "12", "--db", db)
    assert out.exit_code == 0, out.output
    assert "12 records labeled" in out.output and "UNCALIBRATED" in out.output
    assert "review at least 5 records of each of two options" in out.output
    shown = run_cli("runs", "show", "1", "--db", db).output
    assert "SmolLM2-135M-Instruct" in shown


def test_pulled_qwen_1_5b_ranks_real_abstracts(tmp_path, installed_models):
    """The 1.5B on six demo records: every record it labels gets a probability for each
    option, and the true bibliometric studies rank above the others by P(TRUE)."""
    import litlab
    from litlab.labeling.catalogue import installed_path
    from litlab.settings import LabelSettings, Settings

    if installed_path(installed_models, "qwen2.5-coder-1.5b-instruct") is None:
        pytest.skip("litlab models pull qwen2.5-coder-1.5b-instruct (make test pulls it)")
    settings = Settings(label=LabelSettings(backend="llama.cpp", model="default",
                                            models_dir=installed_models))
    with litlab.open(tmp_path / "c.duckdb", settings) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
        truth = demo_truth(corpus)
        picked = [r for r in sorted(truth) if truth[r]][:3] + \
                 [r for r in sorted(truth) if not truth[r]][:3]
        assert "Qwen2.5-Coder-1.5B" in corpus.backend.describe()["model_id"]
        scores = corpus.backend.score(
            [corpus.con.execute("SELECT concat_ws(' ', title, abstract) FROM records WHERE "
                                "record_id = ?", [r]).fetchone()[0] for r in picked],
            [make_question(QUESTION)])
    p_true = [math.exp(s.logprobs[0][0]) / sum(math.exp(v) for v in s.logprobs[0])
              for s in scores]
    assert min(p_true[:3]) > max(p_true[3:]), p_true
