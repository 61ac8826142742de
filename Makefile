# oncorwd — every target installs what it needs first: on a fresh machine `make demo` and
# `make test` are the whole set-up.
SHELL := /bin/bash
UV_VERSION := 0.9.30
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen --all-extras
DEMO_HOME := .oncorwd/demo
export UV_LINK_MODE := copy

.PHONY: install circe-env services demo test bench lint generate clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --all-extras

# OHDSI circepy (pins sqlglot<30.18, pulls Ibis) in its own test-only env tools/circe/.venv,
# never in oncorwd's: tests/cohort_circe and benchmarks/bench_cohort_circe.py call it.
circe-env: $(UV)
	$(UV) sync --frozen --project tools/circe

services:
	bash scripts/ensure-services.sh

demo: install services
	ONCORWD_HOME=$(DEMO_HOME) RUN="$(RUN)" bash scripts/demo.sh

test: install circe-env services
	$(RUN) pytest -q

bench: install circe-env services
	$(RUN) python benchmarks/run.py

lint: install
	$(RUN) ruff check src tests benchmarks
	$(RUN) mypy src

generate: install
	$(RUN) oncorwd dictionary generate

clean:
	rm -rf .oncorwd .pytest_cache .mypy_cache .ruff_cache
