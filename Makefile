# The two commands: `make run` (set up and serve the site) and `make test`.
.DEFAULT_GOAL := run
.PHONY: run test lint format check setup clean bench audit

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTHON_CANDIDATES := python3.13 python3.12 python3 python

setup: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(PYTHON) ]; then \
	  for candidate in $(PYTHON_CANDIDATES); do \
	    if command -v $$candidate >/dev/null 2>&1 && \
	       $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	      found=$$candidate; break; \
	    fi; \
	  done; \
	  if [ -z "$$found" ]; then \
	    echo "error: Python 3.12 or newer is needed to create $(VENV), and none of" \
	         "'$(PYTHON_CANDIDATES)' on PATH is 3.12+. Install Python 3.13 (see" \
	         ".python-version) and run make again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$($$found --version)"; \
	  $$found -m venv $(VENV) || exit 1; \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PYTHON) -m pip install --quiet --disable-pip-version-check ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

run: setup
	DJANGO_DEBUG=1 $(PYTHON) manage.py migrate --no-input --verbosity 0
	DJANGO_DEBUG=1 $(PYTHON) manage.py demo
	@# The task worker sends the e-mails (printed to this console in debug);
	@# it stops with the server.
	DJANGO_DEBUG=1 $(PYTHON) manage.py db_worker --reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=1 $(PYTHON) manage.py runserver 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Django's checks with production settings: debug off, a real secret key.
check: setup
	DJANGO_DEBUG=1 $(PYTHON) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DJANGO_ALLOWED_HOSTS=reviews.example.com DJANGO_RELEASE=check \
	  $(PYTHON) manage.py check --deploy --fail-level WARNING

test: setup lint check
	$(BIN)/pytest

# Requests per second per page under gunicorn, beside a trivial view; fills its
# own database (bench.sqlite3, or DATABASE_URL). Knobs: see bench/run.py.
# BENCH_MODE=mixed: readers and writes at once, per cache design (bench/mixed.py);
# BENCH_MODE=front: hits through Varnish beside Django's own (bench/front.py).
bench: setup
	$(PYTHON) -m bench.$(if $(filter mixed front,$(BENCH_MODE)),$(BENCH_MODE),run)

# Lighthouse on four pages, mobile and desktop, under gunicorn with debug off and
# its own database (audit.sqlite3); fails below 100 in accessibility, best
# practices or SEO. See audit/run.py.
AUDIT_MODULES := audit/node_modules/.package-lock.json

audit: setup $(AUDIT_MODULES)
	$(PYTHON) -m audit.run

$(AUDIT_MODULES): audit/package.json audit/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "error: make audit needs Node.js 20 or newer and npm to install" \
	       "Lighthouse (apt-get install nodejs npm)." >&2; exit 1; }
	cd audit && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles audit/node_modules
