# The two commands of the README: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_SIZE ?= normal
# The test suite on every core (at most four), a module's tests on one worker, so that a school
# built once per module is built once. `make test TEST_WORKERS=` runs it in one process.
TEST_WORKERS ?= -n auto --maxprocesses=4 --dist loadscope
# The demo runs as production does (the site's own error pages, the collected static files), on
# plain HTTP: see DEMO in ejournal/settings.py. Tasks run in-process: no worker to stop.
DEMO_ENV := DEMO=1 DEBUG=0 CELERY_TASK_ALWAYS_EAGER=1 STATIC_ROOT=$(CURDIR)/staticfiles
# The files that name the classes and icons the pages use (assets/build.mjs reads them).
ASSET_SOURCES := assets/build.mjs $(shell find templates static/js -type f) \
	$(shell find . -name '*.py' -not -path './.venv/*' -not -path './node_modules/*' \
	        -not -path './tests/*' -not -path './bench/*')

.PHONY: setup demo test bench lint chromium wrk clean

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What the pages load of the npm packages, built into static/build/ (a second): Bootstrap
# trimmed to the classes the templates use, the icons they show, the scripts in one file.
static/build/.built: node_modules/.installed $(ASSET_SOURCES)
	node assets/build.mjs
	touch $@

setup: $(BIN)/.installed node_modules/.installed static/build/.built

# The demo serves the static files as production does: collected with hashed names, compressed
# (Brotli, gzip) and cached for good by browsers; collected again when any of them changed.
staticfiles/staticfiles.json: $(BIN)/.installed static/build/.built \
		$(shell find static -type f -not -path 'static/build/*')
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput -v0

# Headless Chromium for the browser tests and Lighthouse, and poppler-utils (pdftotext,
# pdffonts) for the PDF checks, from Debian's packages when they are missing.
chromium:
	@{ command -v chromium && command -v pdftotext && command -v pdffonts; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; \
	  else echo "NOTICE: chromium or poppler-utils is not installed and cannot be installed here; browser and PDF-text tests will be skipped"; fi; }

# wrk, the load generator of the diary_load benchmark, from Debian's packages when it is missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; \
	  else echo "NOTICE: wrk is not installed and cannot be installed here; the diary_load benchmark will fail"; fi; }

# One process, started with exec: Ctrl-C stops it at any step, and make leaves quietly.
demo: setup staticfiles/staticfiles.json
	@$(DEMO_ENV) exec $(BIN)/python manage.py demo --port $(PORT) --size $(DEMO_SIZE)

test: setup chromium
	@DATABASE_URL="$$($(BIN)/python tests/database_url.py)"; export DATABASE_URL; \
	if [ -z "$$DATABASE_URL" ]; then echo "NOTICE: no PostgreSQL answers on 127.0.0.1:5432 and DATABASE_URL is not set; the tests run on SQLite"; \
	else echo "Tests run on PostgreSQL: $$DATABASE_URL"; fi; \
	$(BIN)/ruff check . && \
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run -v1 && \
	$(BIN)/python -m pytest $(TEST_WORKERS) $(PYTEST_ARGS)

bench: setup wrk chromium
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules static/build var staticfiles test-artifacts
