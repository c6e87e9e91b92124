# edugap — `make` builds everything (creating .venv first if needed); `make help` lists the targets.
# Every target is a real file with its complete prerequisites, so `make` rebuilds only what changed.
# A step that writes several files has one main target, written last; its other outputs depend on it
# with an empty recipe (the region profiles, written together, are one grouped target: GNU make >= 4.3). Each step's code prerequisites are generated from its imports, and the plans'
# normalization rules from their checked metadata (analysis/deps.py -> data/interim/make.mk), so they
# cannot drift, and nothing from a data file is ever evaluated by make or a shell.

SHELL := /bin/bash
.DEFAULT_GOAL := all
# Independent steps (the notebooks, the report) run side by side; each job's log is printed whole.
# `make JOBS=1` runs one step at a time.
JOBS ?= 2
MAKEFLAGS += -j$(JOBS) --output-sync=target
.DELETE_ON_ERROR:
.SUFFIXES:
ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or later is needed (this is $(MAKE_VERSION)); on macOS: brew install make, then gmake)
endif

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The command line, run from this tree (`edugap` itself once installed): python -m puts this tree first on
# the import path, whatever an editable install elsewhere points at.
EDUGAP := $(PY) -m analysis.cli
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages

# No network, no analytics, same bytes every run.
export GX_ANALYTICS_ENABLED := False
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1763856000

# One build at a time in a tree: a second `make` waits for the first (scripts/make-lock.sh). Makes started
# by a recipe (the tests run some) inherit the lock through EDUGAP_MAKE_LOCK.
ifndef EDUGAP_MAKE_LOCK
ifneq ($(filter-out help,$(or $(MAKECMDGOALS),all)),)
$(shell bash scripts/make-lock.sh $$PPID)
export EDUGAP_MAKE_LOCK := held
endif
endif

# ---- inputs ----------------------------------------------------------------------------------
# The list of raw files, rewritten only when a file appears or disappears: a deleted .meta.yaml or
# an extra file re-runs the snapshot check, which stops the build (plain prerequisites miss deletions).
RAW_LIST := data/interim/raw-files.list
$(shell mkdir -p data/interim && find data/raw -type f -print | LC_ALL=C sort > $(RAW_LIST).tmp \
        && { cmp -s $(RAW_LIST).tmp $(RAW_LIST) || mv -f $(RAW_LIST).tmp $(RAW_LIST); }; rm -f $(RAW_LIST).tmp)
# A raw file name make cannot take as a prerequisite ("observations (copy).csv", a ';' or '$') would stop
# make at "No rule to make target"; stop first with one line (unsafe characters shown as '?', never run).
ifneq ($(filter-out help clean distclean,$(or $(MAKECMDGOALS),all)),)
UNSAFE_RAW := $(shell find data/raw -type f -name '*[!A-Za-z0-9_.-]*' -print | LC_ALL=C sort | head -n 1 \
                | tr -c 'A-Za-z0-9_./\n-' '?')
ifneq ($(UNSAFE_RAW),)
$(shell echo 'error: $(UNSAFE_RAW): a raw file name may hold only letters, digits and . _ - (make cannot take spaces or shell characters); rename it' >&2)
$(error stopped)
endif
endif
RAW_FILES := $(sort $(wildcard data/raw/*/*))
ERRATA := $(wildcard data/raw/reference/errata.csv*)
REFERENCE := $(filter-out $(ERRATA),$(wildcard data/raw/reference/*))
REGISTER := $(wildcard data/raw/register/*)
SEARCHES := $(wildcard data/raw/statistics/searches.csv*)
STATISTICS := $(filter-out $(SEARCHES),$(wildcard data/raw/statistics/*))
PARAMS := params.yaml

# Generated: CODE_<STEP> (each step's code), NORMALIZED, PLAN_REGIONS and one rule per plan.
GENERATED := data/interim/make.mk
ifneq ($(filter-out help clean distclean,$(or $(MAKECMDGOALS),all)),)
include $(GENERATED)
endif
# $(RAW_LIST) too: a deleted plan text or .meta.yaml must regenerate the rules that name it (make would
# otherwise stop at "No rule to make target", before the snapshot check can say what is missing).
$(GENERATED): $(shell find analysis -name '*.py') $(wildcard notebooks/*.py reports/*.py \
    data/raw/policies/*.meta.yaml) $(RAW_LIST) | $(STAMP)
	$(PY) -m analysis.deps > $@.tmp && mv -f $@.tmp $@

SNAPSHOT := data/interim/snapshot.json
# The register and statistics steps stage their tables; validate publishes them into data/processed only
# when the suites pass, so data/processed always holds the last validated state.
STAGED := data/interim/staged
STAGED_TARGETS := $(STAGED)/targets.csv
STAGED_OBSERVATIONS := $(STAGED)/observations.csv
TARGETS := data/processed/targets.csv
CANDIDATES := data/processed/candidates.csv
OBSERVATIONS := data/processed/observations.csv
VALIDATION := data/processed/validation_summary.json
ASSESSMENTS := data/processed/assessments.csv
TARGET_SEARCHES := data/processed/target_searches.csv
DATAPACKAGE := data/processed/datapackage.json
REPORT := reports/_site/index.html
NOTEBOOKS := $(filter-out notebooks/04_region_profile.py,$(wildcard notebooks/[0-9]*.py))
PROFILES := $(foreach r,$(PLAN_REGIONS),reports/_build/notebooks/04_region_profile-$(r).ipynb)
EXECUTED := $(patsubst notebooks/%.py,reports/_build/notebooks/%.ipynb,$(NOTEBOOKS)) $(PROFILES)

.PHONY: all help venv verify normalize register candidates statistics validate assess searches datapackage \
        notebooks report test test-fast lint bench record release clean distclean

all: $(REPORT) $(DATAPACKAGE) $(EXECUTED) ## Build everything: verify, normalize, register, validate, assess, report

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

# ---- environment -----------------------------------------------------------------------------
venv: $(STAMP) $(SYSTEM_STAMP) ## Create .venv and install the package (re-done when pyproject.toml changes)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# CJK fonts for the figures, Chromium for the browser test: Debian packages, installed when missing.
$(SYSTEM_STAMP): scripts/system-packages.sh | $(STAMP)
	bash scripts/system-packages.sh
	@touch $@

# ---- pipeline --------------------------------------------------------------------------------
verify: | $(STAMP) ## Check every raw file against its recorded sha256
	$(EDUGAP) verify

$(SNAPSHOT): $(RAW_LIST) $(RAW_FILES) $(CODE_SNAPSHOT) | $(STAMP)
	$(EDUGAP) verify --write $@

normalize: $(NORMALIZED) ## Normalize the plan texts into data/interim/texts

register: $(STAGED_TARGETS) $(CANDIDATES) ## Prove every register row by its quote; check candidate coverage

$(STAGED_TARGETS): $(NORMALIZED) $(REGISTER) $(REFERENCE) $(CODE_REGISTER) | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) register
$(STAGED)/targets.parquet: $(STAGED_TARGETS) ;

# Uncovered candidates fail this step; their draft rows go to data/interim/drafts/ (not a target, so
# .DELETE_ON_ERROR keeps them) and the step says how to accept them.
$(CANDIDATES): $(NORMALIZED) $(REGISTER) $(CODE_CANDIDATES) | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) candidates

statistics: $(STAGED_OBSERVATIONS) ## Load and check the official statistics (staged until validation passes)

$(STAGED_OBSERVATIONS): $(STATISTICS) $(REFERENCE) $(CODE_STATISTICS) | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) statistics
$(STAGED)/observations.parquet $(STAGED)/sources.csv $(STAGED)/sources.parquet \
    $(STAGED)/conflicts.csv $(STAGED)/conflicts.parquet: $(STAGED_OBSERVATIONS) ;

validate: $(VALIDATION) ## Run the Great Expectations suites; publish targets and statistics only if no error

$(VALIDATION): $(STAGED_OBSERVATIONS) $(STAGED_TARGETS) $(wildcard expectations/*.json) $(STATISTICS) $(REFERENCE) \
    $(PARAMS) $(CODE_VALIDATE) | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) validate
# Published with it (written before it): later steps depend on $(VALIDATION) itself, which is newer.
$(TARGETS) data/processed/targets.parquet $(OBSERVATIONS) data/processed/observations.parquet \
    data/processed/sources.csv data/processed/sources.parquet data/processed/conflicts.csv \
    data/processed/conflicts.parquet reports/validation.html: $(VALIDATION) ;

assess: $(ASSESSMENTS) ## Assess every target against the observations

$(ASSESSMENTS): $(VALIDATION) $(REFERENCE) $(PARAMS) $(CODE_ASSESS) | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) assess
data/processed/assessments.parquet data/processed/context.csv data/processed/context.parquet \
    data/processed/actuals.csv data/processed/actuals.parquet \
    data/processed/summary.csv data/processed/summary.parquet: $(ASSESSMENTS) ;

searches: $(TARGET_SEARCHES) ## Link the search trail to the targets: one outcome per target without an actual

$(TARGET_SEARCHES): $(ASSESSMENTS) $(VALIDATION) $(SEARCHES) $(REFERENCE) $(CODE_SEARCHES) \
    | $(STAMP) $(SNAPSHOT)
	$(EDUGAP) searches
data/processed/target_searches.parquet data/processed/search_coverage.csv \
    data/processed/search_coverage.parquet data/processed/searches.csv \
    data/processed/searches.parquet: $(TARGET_SEARCHES) ;

datapackage: $(DATAPACKAGE) ## Describe data/processed as a Frictionless data package

$(DATAPACKAGE): $(CANDIDATES) $(VALIDATION) $(ASSESSMENTS) $(TARGET_SEARCHES) $(SNAPSHOT) \
    CHANGELOG.md CITATION.cff $(CODE_DATAPACKAGE) | $(STAMP)
	$(EDUGAP) datapackage

notebooks: $(EXECUTED) ## Execute the step notebooks; the report links the executed copies

# A step notebook re-runs when a table it reads changes (NOTEBOOK_READS_<name>; a notebook not listed
# reads the whole data package). All but the first also wait for the data package to be written
# (NOTEBOOK_WAITS_FOR_<name>, an order-only prerequisite, which never re-runs anything): make has no
# priorities, and the report, the longest step, must not wait for a notebook to free a job slot. 01 runs
# beside the assessment. The rule that reads these is at the end of this file (it needs second expansion).
NOTEBOOK_READS_01_validate_statistics := $(VALIDATION)
NOTEBOOK_READS_02_target_register := $(VALIDATION) $(CANDIDATES)
NOTEBOOK_READS_03_gap_analysis := $(ASSESSMENTS) $(REFERENCE)
NOTEBOOK_READS_04_region_profile := $(ASSESSMENTS) $(VALIDATION) $(REFERENCE)
NOTEBOOK_WAITS_FOR_01_validate_statistics := $(VALIDATION)

# The region profile once per plan region (PROFILES), all in one kernel: one start instead of one per region.
comma := ,
$(PROFILES) &: notebooks/04_region_profile.py $(NOTEBOOK_READS_04_region_profile) $(CODE_NOTEBOOKS) \
    | $(STAMP) $(DATAPACKAGE)
	$(EDUGAP) notebook $< 'reports/_build/notebooks/04_region_profile-{region_code}.ipynb' \
	    --each region_code=$(subst $() ,$(comma),$(strip $(PLAN_REGIONS)))

report: $(REPORT) ## Render the HTML report (Quarto if installed, else the Jupyter fallback)

$(REPORT): $(wildcard reports/*.py reports/_quarto.yml reports/assets/*) CITATION.cff CHANGELOG.md $(DATAPACKAGE) \
    $(VALIDATION) $(TARGET_SEARCHES) $(SNAPSHOT) $(PARAMS) $(REFERENCE) $(CODE_REPORT) | $(STAMP) $(SYSTEM_STAMP)
	$(EDUGAP) report

# ---- checks ----------------------------------------------------------------------------------
test: all ## Build everything, then run every test (code tests, data acceptance checks, build and browser tests)
	$(PY) -m ruff check .
	$(PY) -m pytest -q

test-fast: | $(STAMP) ## Code tests only: constructed and fixture data, no build needed (about a minute)
	$(PY) -m pytest -q -m "not data and not build"

lint: | $(STAMP) ## ruff (configured in pyproject.toml)
	$(PY) -m ruff check .

bench: | $(STAMP) ## National-scale benchmark, time and memory per stage beside their floors: make bench [SIZE=10k|100k|1m]
	$(PY) -m benchmarks.run $(if $(SIZE),--size $(SIZE)) $(BENCH_ARGS)

release: | $(STAMP) ## Citable archive dist/edugap-<version>.tar.gz (clean tree, new version in CHANGELOG.md)
	$(EDUGAP) release

# FILE is read by the shell from the environment, never spliced into the recipe: a file name cannot run
# a command. Globbing is off; several files are separated by spaces.
record: | $(STAMP) ## Record the checksum of a new or changed raw file: make record FILE=data/raw/...
	@set -f; test -n "$$FILE" || { echo "error: give the file: make record FILE=data/raw/..." >&2; exit 2; }; \
	$(EDUGAP) record $$FILE

clean: ## Remove generated files (never data/raw)
	rm -rf data/interim/* data/processed/* reports/_site reports/_build reports/validation.html \
	       reports/benchmarks tests/artifacts .pytest_cache

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

# ---- step notebooks (last: .SECONDEXPANSION expands every prerequisite list after it a second time) ----
.SECONDEXPANSION:
reports/_build/notebooks/%.ipynb: notebooks/%.py $$(or $$(NOTEBOOK_READS_$$*),$$(DATAPACKAGE)) $(CODE_NOTEBOOKS) \
    | $(STAMP) $$(or $$(NOTEBOOK_WAITS_FOR_$$*),$$(DATAPACKAGE))
	$(EDUGAP) notebook $< $@
