# The README's commands. `make site` builds the site from the embedded sample;
# `make test` runs the linters and the tests; `make bench` measures scale and speed.
# All set up .venv from the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint serve bench lock clean sample-stats lighthouse

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

site: $(STAMP)
	NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true $(BIN)/manabi build --source sample --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/manabi serve

# 1×, 10× and 100× the sample against a plain Material build, builds with and without
# the learning figures, and `manabi stats` on a 1,000,000-row export against bare pandas;
# prints the table and the ratios, and writes them to docs/maintainers/benchmark.md
# (on 2 cores: about 13 minutes with --scales 1,10, over an hour with 100×).
bench: $(STAMP)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory lighthouse; \
	else echo "npm がないため Lighthouse は測りません"; fi
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Lighthouse for the benchmark (and tests/test_lighthouse.py), from the npm lock in tools/lighthouse/.
LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
lighthouse: $(LIGHTHOUSE)
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The sample's synthetic Udemy export and its monthly figures in data/stats/ (deterministic).
sample-stats: $(STAMP)
	$(BIN)/python scripts/sample_stats.py

# Re-resolve the pinned versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) site test-artifacts .pytest_cache .ruff_cache tools/lighthouse/node_modules
