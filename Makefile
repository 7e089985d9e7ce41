# art28 — the two Quick-start commands are `make demo` and `make test`; both set everything up.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
ART28 := $(BIN)/art28
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench browser debian-tools clean lock messages screenshots

# Development values for the two Quick-start commands (production sets its own: docs/deploy.md). With
# DEBUG off art28 refuses to start without them; a value already in the environment wins.
DEV_ENV := SECRET_KEY="$${SECRET_KEY:-insecure-development-key-for-make-demo-and-make-test-only}" \
	ART28_BASE_URL="$${ART28_BASE_URL:-http://127.0.0.1:8000}"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
browser:
	@scripts/ensure-chromium

# Debian's python3-apt (apt_pkg), dpkg's version order for the tests of tests/patching.
debian-tools:
	@scripts/ensure-python3-apt

# PORT (default 8000) picks the port; scripts/demo derives ART28_BASE_URL from it unless that is set.
demo: $(STAMP)
	@SECRET_KEY="$${SECRET_KEY:-insecure-development-key-for-make-demo-and-make-test-only}" \
		ART28_STAFF_MFA_REQUIRED=0 scripts/demo

test: $(STAMP) browser debian-tools
	$(DEV_ENV) $(BIN)/pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(BIN)/lint-imports
	$(BIN)/python scripts/check-licences
	$(DEV_ENV) scripts/check-messages

bench: $(STAMP)
	$(DEV_ENV) $(BIN)/python -m bench

# Pictures of the main pages, desktop and phone, into docs/screenshots/ (shown in the README): a small
# demo in a temporary folder, served on a free port, photographed by Debian's Chromium (about a minute).
screenshots: $(STAMP) browser
	$(DEV_ENV) $(BIN)/python scripts/screenshots

# Re-pin every dependency after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.13 -o requirements.lock

# Translations (fr, de, it) live in src/art28/locale/; both the .po and the compiled .mo files are
# committed, so that a machine without gettext still runs translated. After changing any marked
# string, run `make messages`: it re-extracts the strings from src/art28 only (no third-party code,
# no migrations) and recompiles. New strings arrive with an empty msgstr and changed ones are marked
# fuzzy: translators then fill in every new msgstr (and clear the fuzzy flags), and run
# `make messages` again. tests/i18n fails while any string is untranslated, fuzzy or not compiled;
# `make lint` (scripts/check-messages) fails while a string of the sources is missing from the catalogues.
LANGUAGES := fr de it
messages: $(STAMP)
	cd src/art28 && $(DEV_ENV) ART28_DATA_DIR=$(CURDIR)/var ../../$(ART28) makemessages $(LANGUAGES:%=-l %) \
		--ignore "*/migrations/*" --no-obsolete
	cd src/art28 && $(DEV_ENV) ART28_DATA_DIR=$(CURDIR)/var ../../$(ART28) compilemessages $(LANGUAGES:%=-l %)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
