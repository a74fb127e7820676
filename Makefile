# The two commands of the quickstart: `make run` and `make test`. Both bootstrap .venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench snapshot dev dbt clean install

install: $(STAMP)

# Reinstall only when the pinned dependencies change.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (or make PYTHON=...)"; exit 1; }; $(PYTHON) -m venv $(VENV); }
	@echo "installing pinned dependencies into $(VENV) (about a minute the first time)"
	@{ $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip && \
	   $(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]'; } > $(VENV)/install.log 2>&1 \
	   || { tail -40 $(VENV)/install.log; echo "install failed (full log: $(VENV)/install.log)"; exit 1; }
	@$(BIN)/python -c "import orchestration, dagster_dbt" || { echo "install failed"; exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/cpb refresh

test: $(STAMP)
	$(BIN)/ruff check orchestration expectations tests scripts bench
	$(BIN)/sqlfluff lint dbt_project/models --disable-progress-bar --nocolor
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/sqlfluff lint dbt_project/models --disable-progress-bar --nocolor
	$(BIN)/ruff check orchestration expectations tests scripts bench
	$(BIN)/ruff format --check orchestration expectations tests scripts bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Regenerate the committed embedded snapshot (deterministic).
snapshot: $(STAMP)
	$(BIN)/python scripts/generate_embedded_snapshot.py

# dbt by hand on the latest snapshot (after a refresh): make dbt ARGS="build -s indicator_status"
ARGS ?= build
dbt: $(STAMP)
	$(BIN)/cpb dbt $(ARGS)

# The UI and daemon on the code location `orchestration` (pyproject's [tool.dagster]); its instance
# (runs, schedules) is the one `cpb refresh` records in: DAGSTER_HOME, or the git-ignored
# warehouse/dagster_home, with the dagster.yaml orchestration/instance.py writes.
dev: $(STAMP)
	DAGSTER_HOME=$$($(BIN)/python -m orchestration.instance) $(BIN)/dagster dev

clean:
	rm -rf warehouse dbt_project/target dbt_project/logs
