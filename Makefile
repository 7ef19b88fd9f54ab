# policytrace: `make run` sets up and builds the seed dataset; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= datasets

.PHONY: run test install bench docs screenshot model clean

# The venv is rebuilt when the dependency pins change, or the CRF's C loops (compiled by the install).
$(VENV)/.installed: pyproject.toml constraints.txt pipelines/extract/entities/_crfloops.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# pip 23 (Python 3.11's own) fails to resolve lxml[html-clean] asked for twice; 25.3 does not.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip==25.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,notebook,bench]'
	touch $@

# The CRF's tables, compiled once from the shipped model so that every process loads them in
# milliseconds instead of building them (0.16-0.27 s); rebuilt when the model or the code changes.
COMPILED_CRF := pipelines/data/models/ner_crf.crfsuite.compiled.pkl
$(COMPILED_CRF): $(VENV)/.installed pipelines/data/models/ner_crf.crfsuite pipelines/extract/entities/fastcrf.py
	$(BIN)/python -c 'from pipelines.extract.entities import crf; crf.compile_model()'

install: $(VENV)/.installed $(COMPILED_CRF)

run: install
	$(BIN)/policytrace build seeds --out $(OUT)
	@echo
	@echo '$$ policytrace sql "SELECT title, author, issuer, published, n_chars FROM documents"'
	@$(BIN)/policytrace sql "SELECT title, author, issuer, published, n_chars FROM documents" --out $(OUT)
	@echo '$$ policytrace sql "SELECT pos, count(*) AS n FROM tokens GROUP BY pos ORDER BY n DESC LIMIT 5"'
	@$(BIN)/policytrace sql "SELECT pos, count(*) AS n FROM tokens GROUP BY pos ORDER BY n DESC LIMIT 5" --out $(OUT)
	@echo '$$ policytrace sql "SELECT path, title FROM task_tree WHERE path LIKE '"'"'二/%'"'"' AND depth = 2"'
	@$(BIN)/policytrace sql "SELECT path, title FROM task_tree WHERE path LIKE '二/%' AND depth = 2" --out $(OUT)
	@echo '$$ policytrace sql "SELECT text, kind, value, unit, plenum, period_start, period_end FROM figures ORDER BY start"'
	@$(BIN)/policytrace sql "SELECT text, kind, value, unit, plenum, period_start, period_end FROM figures ORDER BY start" --out $(OUT)
	@echo '$$ policytrace sql "SELECT label, count(*) AS mentions, count(DISTINCT normalized) AS names FROM entities GROUP BY label ORDER BY mentions DESC"'
	@$(BIN)/policytrace sql "SELECT label, count(*) AS mentions, count(DISTINCT normalized) AS names FROM entities GROUP BY label ORDER BY mentions DESC" --out $(OUT)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/big_document.py

# A comparison report of the 2023 and 2024 reports, and its screenshot in headless Chromium
# (Debian's chromium and fonts-noto-cjk are installed when missing; needs root and apt).
screenshot: install
	command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || (apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)
	$(BIN)/policytrace build ../shared/corpus/national --out benchmarks/out/report-datasets
	$(BIN)/policytrace compare 2023年中华人民共和国国务院政府工作报告 2024年中华人民共和国国务院政府工作报告 \
		--out benchmarks/out/report-datasets --report benchmarks/out/compare-2023-2024.html
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir=$$(mktemp -d) --window-size=1300,1800 \
		--screenshot=docs/compare-report.png file://$(abspath benchmarks/out/compare-2023-2024.html)

# Retrain the entity models (pipelines/data/models/) from ../shared/ner (research corpora, not in the
# repository): the CRF (about 8 min) and the BiLSTM-CRF (PyTorch, CPU build, training only; about 30 min).
# Training gets its own venv: with PyTorch installed, spaCy's import (through thinc) loads it, which
# costs every build 0.8 s of start-up, and tagging needs no PyTorch.
NER ?= ../shared/ner
TRAIN_VENV := .venv-train
$(TRAIN_VENV)/.installed: pyproject.toml constraints.txt
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'pip==25.3'
	$(TRAIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[train]'
	touch $@

model: $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python -m pipelines.extract.entities.crf train --ner $(NER)
	$(TRAIN_VENV)/bin/python -m pipelines.extract.entities.bilstm_train train --ner $(NER)

docs: install
	$(BIN)/python -m pipelines.store.docs

clean:
	rm -rf $(VENV) $(TRAIN_VENV) *.egg-info
