# ferrum: `make demo` and `make test` work on a fresh Debian 12 as root: each first
# installs what is missing (scripts/setup.sh), then configures, builds and runs.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# Fuzzing (tests/fuzz, docs/reliability.md): clang + libFuzzer in a build of its own.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_SMOKE ?= 1
FUZZ_LONG_RUNS ?= 10000000

.PHONY: all setup configure build demo test bench soak test-asan fuzz fuzz-long fuzz-build docs clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@$(BUILD)/apps/ferrum-demo --clients 3 --duration 20 --out out/demo

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300
	@if [ "$(FUZZ_SMOKE)" = 1 ]; then $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS); fi

fuzz-build: setup
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DFERRUM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Each target for FUZZ_SECONDS on seeds recorded from a real match; fails on a crash.
fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The campaign: each target for FUZZ_LONG_RUNS inputs (10^7), one after another;
# fails on a crash or a target that ran fewer. Hours on 2 cores (docs/reliability.md).
fuzz-long: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) 0 $(FUZZ_LONG_RUNS)

bench: build
	@mkdir -p out/bench
	@for age in 1 6 12; do \
	  $(BUILD)/apps/ferrum-bench bandwidth --input bench/data/gdc2015-cubes-60hz.bin.zst \
	    --baseline-age $$age --json out/bench/recorded-age$$age.json || exit 1; \
	done
	@$(BUILD)/apps/ferrum-bench bandwidth --scenario cubes --json out/bench/scenario-cubes.json

soak: build
	@mkdir -p out
	@$(BUILD)/apps/ferrum-soak --duration 600 --clients 16 --json out/soak-600s.json

# The API reference from the public headers: out/api/html/index.html.
docs:
	@bash scripts/setup.sh docs
	@mkdir -p out/api
	@doxygen docs/Doxyfile
	@echo "API reference: out/api/html/index.html"

test-asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan FUZZ_SMOKE=0 CMAKE_FLAGS="-DFERRUM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD) out
