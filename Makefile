# art28 — the two Quick-start commands are `make demo` and `make test`; both set everything up.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
ART28 := $(BIN)/art28
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench browser clean lock

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
browser:
	@scripts/ensure-chromium

demo: $(STAMP)
	@ART28_STAFF_MFA_REQUIRED=0 scripts/demo

test: $(STAMP) browser
	$(BIN)/pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

# Re-pin every dependency after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.13 -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
