# The two commands of the README: `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# bench_python.py and bench_scan.py need jax beside jaxray: the conformance suite's virtualenv
# has both once `make test` has run with a package registry in reach.
BENCH_PYTHON ?= $(shell test -x $(BUILD_DIR)/conformance-venv/bin/python && echo $(BUILD_DIR)/conformance-venv/bin/python || echo python3)

.PHONY: all deps configure build test run bench screenshots clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The desktop debugger on its bundled demo; without a display (a headless
# machine, CI) the same demo runs in the CLI instead.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ -x $(BUILD_DIR)/bin/jaxray ]; then \
	  $(BUILD_DIR)/bin/jaxray; \
	else \
	  echo "make run: no display, so the demo runs in the CLI (xvfb-run -a $(BUILD_DIR)/bin/jaxray for the app)"; \
	  $(BUILD_DIR)/bin/jaxray-cli demo seed; \
	fi

# The main views of the desktop debugger, grabbed into docs/screenshots.
screenshots: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/bin/jaxray-screenshots docs/screenshots

bench: build
	$(BUILD_DIR)/bin/bench_core
	$(BUILD_DIR)/bin/bench_transforms
	$(BUILD_DIR)/bin/bench_trace_store
	$(BUILD_DIR)/bin/bench_gui_step
	$(BUILD_DIR)/bin/bench_gui_graph
	PYTHONPATH=$(BUILD_DIR)/python $(BENCH_PYTHON) bench/bench_python.py
	PYTHONPATH=$(BUILD_DIR)/python $(BENCH_PYTHON) bench/bench_scan.py

clean:
	rm -rf $(BUILD_DIR)
