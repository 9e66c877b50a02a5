# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Thin wrapper around CMake: `make demo` and `make test` are the Quick start.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= 2

.PHONY: all deps configure build test demo demo-gate bench asan fuzz clean \
        install deb

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS); fi

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Everything (plugin, agents, C++ and Python SDKs, the bundled suite) under
# PREFIX; `switchyard paths` then shows what the Python side found.
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

# The same as a Debian package, $(BUILD)/switchyard_<version>_<arch>.deb.
deb: build
	@cd $(BUILD) && cpack -G DEB

# The researcher's main job: a short random search for pass orders from
# Python over part of the bundled suite, validated (under 3 minutes).
demo: build
	@scripts/research_demo.sh $(BUILD)

# One clang build under a running agent: decisions per kind, IR and .text.
demo-gate: build
	@scripts/demo.sh $(BUILD)

bench: build
	@bench/run_all.sh $(BUILD)

# The unit and lit tests again, built with AddressSanitizer and UBSan, the
# plugin loaded into opt and clang with ASan's runtime preloaded.
asan:
	@JOBS=$(JOBS) scripts/asan.sh

# Each libFuzzer target for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 60
fuzz:
	@JOBS=$(JOBS) scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
