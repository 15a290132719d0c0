# Two commands set everything up on a fresh machine (Python 3.11+, nothing else):
#   make demo   - a checklist for an example article, on embedded defaults (no keys, no servers)
#   make test   - lint and the whole test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data
ARTICLE ?= examples/harbour-strike.txt

.PHONY: demo test lint bench accuracy install clean llm-check

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/factcheck check $(ARTICLE)

lint: $(STAMP)
	$(BIN)/ruff check bot bench tests standins

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench --data $(DATA)

# Judge the configured LLM endpoint (OPENAI_API_KEY, OPENAI_BASE_URL, FACTCHECK_MODEL) before editors do.
llm-check: $(STAMP)
	$(BIN)/factcheck doctor

accuracy: $(STAMP)
	$(BIN)/python -m bench.accuracy --data $(DATA)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
