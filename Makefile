# kxfuzz: every target sets up .venv itself (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kxfuzz-installed

.PHONY: setup test lint typecheck unit fuzz corpus-merge selftest seeds bench docs clean

# make fuzz [TARGET=dh] [FUZZ_SECONDS=60] [JOBS=1]
FUZZ_SECONDS ?= 60
JOBS ?= 1
TARGET ?=
TARGET_FLAGS := $(foreach t,$(TARGET),--target $(t))

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

fuzz: $(STAMP)
	$(BIN)/kxfuzz fuzz $(TARGET_FLAGS) --seconds $(FUZZ_SECONDS) --jobs $(JOBS)

corpus-merge: $(STAMP)
	$(BIN)/kxfuzz merge $(TARGET_FLAGS)

# make selftest [PLANT=name ...] [SELFTEST_TRIALS=3] [SELFTEST_SECONDS=120] [SELFTEST_JSON=path]
SELFTEST_TRIALS ?= 3
SELFTEST_SECONDS ?= 120
SELFTEST_JSON ?= .kxfuzz/selftest.json
PLANT ?=

selftest: $(STAMP)
	$(BIN)/kxfuzz selftest $(foreach p,$(PLANT),--plant $(p)) --trials $(SELFTEST_TRIALS) \
		--seconds $(SELFTEST_SECONDS) --json $(SELFTEST_JSON)

seeds: $(STAMP)
	$(BIN)/python corpus/generate.py

bench: $(STAMP)
	$(BIN)/python bench/bench_programs.py
	$(BIN)/python bench/bench_targets.py
	$(BIN)/python bench/bench_algorithms.py
	$(BIN)/python bench/bench_corpus.py

docs: $(STAMP)
	$(BIN)/kxfuzz abi > docs/ABI.md.tmp && mv docs/ABI.md.tmp docs/ABI.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .kxfuzz
