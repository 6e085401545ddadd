# Two commands on a fresh machine: `make build` and `make test`.
# Everything they need is installed here, from pyproject.toml, package.json and Debian.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.afkb-installed
NODE_STAMP := node_modules/.afkb-installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: all setup build test lint serve bench browser system-tools builders clean

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(NODE_STAMP)

# Other builders of the written site source, each in its own environment (they pin their own
# MkDocs and theme), for the tests that build the site three ways.
.venv-%/.afkb-installed: requirements/%.txt
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -r $<
	touch $@

builders: .venv-properdocs/.afkb-installed .venv-zensical/.afkb-installed

# Debian's packages the tests drive: Chromium for the site, and the citation tools that read
# our exports (pdflatex with natbib/hyperref, bibtex, biber, pandoc, pdftotext).
# Root on the CI machine; sudo elsewhere.
DEBIAN_PACKAGES := chromium texlive-latex-base texlive-latex-recommended texlive-bibtex-extra \
	texlive-fonts-recommended lmodern biber pandoc poppler-utils
SYSTEM_TOOLS := $(CHROMIUM) /usr/share/texmf/tex/latex/lm/lmodern.sty /usr/bin/pdflatex /usr/bin/bibtex /usr/bin/biber /usr/bin/pandoc /usr/bin/pdftotext

system-tools:
	@missing=""; for tool in $(SYSTEM_TOOLS); do [ -e "$$tool" ] || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; \
	fi

browser: system-tools

build: setup
	$(BIN)/afkb build

serve: setup
	$(BIN)/mkdocs serve

test: setup system-tools builders lint
	$(BIN)/afkb schema --check
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check tools tests benchmarks
	$(BIN)/ruff format --check tools benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-properdocs .venv-zensical node_modules site .pytest_cache
