# edugap — `make` builds everything (creating .venv first if needed); `make help` lists the targets.
# Every target is a real file with its complete prerequisites, so `make` rebuilds only what changed.
# A step that writes several files has one main target; its other outputs depend on it with an
# empty recipe (GNU make 4.3's grouped targets do not propagate under --dry-run).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages

# No network, no analytics, same bytes every run.
export GX_ANALYTICS_ENABLED := False
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1763856000

# ---- inputs ----------------------------------------------------------------------------------
CORE := analysis/__init__.py analysis/paths.py analysis/errors.py analysis/atomic.py \
        analysis/snapshot.py analysis/tables.py
RAW_FILES := $(shell find data/raw -type f | LC_ALL=C sort)
REFERENCE := $(wildcard data/raw/reference/regions.csv* data/raw/reference/indicators.csv*)
ERRATA := $(wildcard data/raw/reference/errata.csv*)
REGISTER := $(wildcard data/raw/register/*)
STATISTICS := $(wildcard data/raw/statistics/*)
POLICY_TEXTS := $(wildcard data/raw/policies/*.txt)
# A plan's normalized text is named by the document_id in the .meta.yaml beside it.
doc_id = $(shell sed -n 's/^document_id: *//p' $(1).meta.yaml)
NORMALIZED := $(foreach t,$(POLICY_TEXTS),data/interim/texts/$(call doc_id,$(t)).txt)
NOTEBOOKS := $(filter-out notebooks/04_region_profile.py,$(wildcard notebooks/[0-9]*.py))
# The region profile runs once per region that has a plan (region_code in the plans' .meta.yaml).
PLAN_REGIONS := $(sort $(shell sed -n 's/^region_code: *"\([0-9]*\)".*/\1/p' data/raw/policies/*.meta.yaml))
EXECUTED := $(patsubst notebooks/%.py,reports/_build/notebooks/%.ipynb,$(NOTEBOOKS)) \
            $(foreach r,$(PLAN_REGIONS),reports/_build/notebooks/04_region_profile-$(r).ipynb)

SNAPSHOT := data/interim/snapshot.json
TARGETS := data/processed/targets.csv
CANDIDATES := data/processed/candidates.csv
OBSERVATIONS := data/processed/observations.csv
VALIDATION := data/processed/validation_summary.json
ASSESSMENTS := data/processed/assessments.csv
DATAPACKAGE := data/processed/datapackage.json
REPORT := reports/_site/index.html

.PHONY: all help venv verify normalize register candidates statistics validate assess datapackage \
        notebooks report test test-fast bench record clean distclean

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
	$(PY) -m analysis.snapshot verify

$(SNAPSHOT): $(RAW_FILES) $(CORE) | $(STAMP)
	$(PY) -m analysis.snapshot verify --write $@

normalize: $(NORMALIZED) ## Normalize the plan texts into data/interim/texts

define NORMALIZE_RULE
data/interim/texts/$(call doc_id,$(1)).txt: $(1) $(1).meta.yaml $(ERRATA) analysis/normalize.py \
    analysis/errata.py analysis/documents.py $(CORE) | $(STAMP)
	$(PY) -m analysis.normalize $(call doc_id,$(1))
endef
$(foreach t,$(POLICY_TEXTS),$(eval $(call NORMALIZE_RULE,$(t))))

register: $(TARGETS) $(CANDIDATES) ## Prove every register row by its quote; check candidate coverage

$(TARGETS): $(NORMALIZED) $(REGISTER) $(REFERENCE) analysis/register.py analysis/numbers.py \
    analysis/reference.py analysis/documents.py $(CORE) | $(STAMP)
	$(PY) -m analysis.register

$(CANDIDATES): $(NORMALIZED) $(REGISTER) analysis/candidates.py analysis/register.py $(CORE) | $(STAMP)
	$(PY) -m analysis.candidates

statistics: $(OBSERVATIONS) ## Load the official statistics into data/processed/observations.csv

$(OBSERVATIONS): $(STATISTICS) $(REFERENCE) analysis/statistics.py analysis/reference.py $(CORE) | $(STAMP)
	$(PY) -m analysis.statistics
data/processed/observations.parquet data/processed/sources.csv data/processed/sources.parquet: $(OBSERVATIONS) ;

validate: $(VALIDATION) ## Run the Great Expectations suites (errors stop the build)

$(VALIDATION): $(OBSERVATIONS) $(TARGETS) $(wildcard expectations/*.json) \
    $(STATISTICS) $(REFERENCE) params.yaml analysis/validation.py analysis/statistics.py \
    analysis/reference.py $(CORE) | $(STAMP)
	$(PY) -m analysis.validation
reports/validation.html: $(VALIDATION) ;

assess: $(ASSESSMENTS) ## Assess every target against the observations

$(ASSESSMENTS): $(TARGETS) $(OBSERVATIONS) $(VALIDATION) $(REFERENCE) params.yaml analysis/assess.py \
    analysis/summary.py $(CORE) | $(STAMP)
	$(PY) -m analysis.assess
data/processed/assessments.parquet data/processed/context.csv data/processed/context.parquet \
    data/processed/summary.csv data/processed/summary.parquet: $(ASSESSMENTS) ;

datapackage: $(DATAPACKAGE) ## Describe data/processed as a Frictionless data package

$(DATAPACKAGE): $(TARGETS) $(CANDIDATES) $(OBSERVATIONS) $(VALIDATION) $(ASSESSMENTS) $(SNAPSHOT) \
    analysis/datapackage.py $(CORE) | $(STAMP)
	$(PY) -m analysis.datapackage

notebooks: $(EXECUTED) ## Execute the step notebooks; keep executed copies for the report

reports/_build/notebooks/%.ipynb: notebooks/%.py $(DATAPACKAGE) analysis/notebooks.py | $(STAMP)
	$(PY) -m analysis.notebooks $< $@

reports/_build/notebooks/04_region_profile-%.ipynb: notebooks/04_region_profile.py $(DATAPACKAGE) \
    analysis/notebooks.py | $(STAMP)
	$(PY) -m analysis.notebooks $< $@ -p region_code=$*

report: $(REPORT) ## Render the HTML report (Quarto if installed, else the Jupyter fallback)

$(REPORT): $(wildcard reports/*.py reports/_quarto.yml reports/assets/*) CITATION.cff $(DATAPACKAGE) \
    $(VALIDATION) $(SNAPSHOT) analysis/report.py analysis/figures.py analysis/reference.py | $(STAMP) $(SYSTEM_STAMP)
	$(PY) -m analysis.report

# ---- checks ----------------------------------------------------------------------------------
test: all ## Run the test suite (builds first: tests assert on the real outputs)
	$(PY) -m pytest -q

bench: | $(STAMP) ## National-scale benchmark: time and memory per stage (writes reports/benchmarks/)
	$(PY) -m benchmarks.run

record: | $(STAMP) ## Record the checksum of a new or changed raw file: make record FILE=data/raw/...
	$(PY) -m analysis.snapshot record $(FILE)

clean: ## Remove generated files (never data/raw)
	rm -rf data/interim/* data/processed/* reports/_site reports/_build reports/validation.html \
	       reports/benchmarks tests/artifacts .pytest_cache

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)
