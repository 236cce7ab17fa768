# mockroom: the targets the README names. Everything installs what it needs first.
SHELL := /bin/bash
# uv from PATH, else as a module of the system Python (installed on first use).
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export UV_LINK_MODE ?= copy

.PHONY: setup practice test lint typecheck unit bench eval doctor clean

setup:  ## install mockroom and its tools from the lock file
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --quiet

practice: setup  ## a practice interview in the terminal (SQLite, offline interviewer)
	@$(UV) run --frozen --quiet mockroom practice $(ARGS)

lint: setup  ## ruff (lint and format check) and the import rules
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

typecheck: setup  ## mypy on the source
	$(UV) run --frozen mypy

# pytest-xdist: one test process per core (JOBS=0 runs them in this process).
JOBS ?= auto

unit: setup  ## the test suite alone, in parallel
	$(UV) run --frozen pytest -n $(JOBS) --durations=10 $(PYTEST_ARGS)

test: lint typecheck unit  ## everything CI checks

bench: setup  ## benchmarks that print their figures
	$(UV) run --frozen python -m bench.engine
	-$(UV) run --frozen python -m bench.tokens  # exits 1 while its targets are missed (docs/performance.md)
	$(UV) run --frozen python -m bench.load
	$(UV) run --frozen python -m bench.load --backend postgres --replicas 2
	$(UV) run --frozen python -m bench.stream_cpu
	$(UV) run --frozen python -m bench.pool_cpu

eval: setup  ## rule-judged offline turns over scripted personas (bench/turns.py), then model-judged turns and grader agreement; replays bench/recordings/ when no model is set
	$(UV) run --frozen python -m bench.eval $(ARGS)

doctor: setup  ## check the configuration and that the model answers
	@$(UV) run --frozen --quiet mockroom doctor

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
