# The two commands: `make run` (demo site on http://127.0.0.1:8000) and `make test`.
# Everything else here serves them. Nothing needs a database or broker server.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# One pytest worker per core, each with its own test database; browser journeys stay on one worker.
PYTEST_PARALLEL ?= -n auto --dist loadgroup

.PHONY: run test test-plugin install prepare lint messages clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "NLU needs Python >= 3.11: run make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP)

# Translations compiled, database migrated (with Wagtail page translation columns), demo loaded.
prepare: install
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput
	$(MANAGE) sync_translation_fields --noinput
	$(MANAGE) load_demo

run: prepare
	@mkdir -p var/log
	@echo "Starting the Celery worker with beat (log: var/log/celery.log)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/celery -A nlu worker --beat --loglevel=INFO --concurrency=2 >var/log/celery.log 2>&1 & \
	if [ -z "$$BBB_URL" ]; then \
		echo "Starting the BigBlueButton stand-in on http://127.0.0.1:8090/ (log: var/log/bbb.log)"; \
		$(MANAGE) bbb_devserver --port 8090 >var/log/bbb.log 2>&1 & \
	fi; \
	echo ""; \
	echo "  NLU is starting on http://$(HOST):$(PORT)/"; \
	echo "  Demo logins (password nlu-demo): coordinator, tutor, steward, researcher"; \
	echo "  Admin: http://$(HOST):$(PORT)/admin/ (coordinator)"; \
	echo "  Try a live session: sign in as tutor, open Sessions, start the drop-in session; then as steward in another browser"; \
	echo "  E-mails (such as sign-up verification) are printed in var/log/celery.log"; \
	echo ""; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(MANAGE) compile_translations --verbosity 0
	$(BIN)/pytest $(PYTEST_PARALLEL)

# One app's own tests in a bare Wagtail host holding only that app and its declared dependencies
# (tests/hosts/): make test-plugin APP=wiki (suite, courses, seminars, timebank, wiki).
test-plugin: install
	$(BIN)/python -m tests.hosts.run $(APP) $(PYTEST_PARALLEL)

lint: install
	$(BIN)/ruff check .

# Refresh the catalogues after marking new strings: the host's in locale/, each app's in <app>/locale/
# (makemessages puts each string in the locale/ folder nearest its source file).
messages: install
	$(MANAGE) makemessages --all --no-obsolete --add-location file --ignore "tests/*" --ignore "bench/*"

clean:
	rm -rf $(VENV) var

# The wiki's maps draw with mermaid, pinned from npm and vendored (committed: run and test need no npm).
# `make vendor` fetches the pinned version again and installs it only if it matches the committed
# sha256 sums; `make vendor-check` checks the committed copy against them and the pin.
MERMAID_VERSION := 12.4.0
MERMAID_DIR := wiki/static/wiki/vendor/mermaid

.PHONY: vendor vendor-check
vendor:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null && tar xzf mermaid-$(MERMAID_VERSION).tgz) && \
	mkdir "$$tmp/out" && cp "$$tmp/package/dist/mermaid.min.js" "$$tmp/package/LICENSE" "$$tmp/out/" && \
	if ! (cd "$$tmp/out" && sha256sum --check --quiet "$(CURDIR)/$(MERMAID_DIR)/SHA256SUMS"); then \
		echo "mermaid $(MERMAID_VERSION) from npm does not match $(MERMAID_DIR)/SHA256SUMS. If you changed"; \
		echo "MERMAID_VERSION on purpose, review the release and put these lines in that file:"; \
		(cd "$$tmp/out" && sha256sum mermaid.min.js LICENSE); exit 1; \
	fi && \
	cp "$$tmp/out/mermaid.min.js" "$$tmp/out/LICENSE" $(MERMAID_DIR)/ && \
	echo $(MERMAID_VERSION) > $(MERMAID_DIR)/VERSION && \
	echo "mermaid $(MERMAID_VERSION) vendored in $(MERMAID_DIR)"

vendor-check:
	cd $(MERMAID_DIR) && sha256sum --check --quiet SHA256SUMS && grep -qx '$(MERMAID_VERSION)' VERSION
