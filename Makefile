# rdash. `make run` starts the dashboard; `make test` runs every test. Both first build .venv
# from requirements.lock (exact versions) with the machine's python3 (3.11 or newer).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: run test bench browser clean

run: $(READY)
	$(BIN)/rdash run

# In CI (CI=true) the browser smoke test and PostgreSQL are required, so Chromium is installed first.
test: $(READY) $(if $(filter true 1,$(CI)),browser)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/rdash bench --invoices 1000000

$(READY): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Debian's chromium (and CJK fonts for Chinese names) for the headless browser test. Needs root;
# Playwright never downloads a browser.
browser:
	@dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache data/*.sqlite*
