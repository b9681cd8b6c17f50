# The README's quick start: `make demo` and `make test`. Both install what is
# missing (Debian 12, as root), build, and run.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 30
CMAKE_FLAGS = -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache
# Installing is checked once per change of the package list, not per build.
DEPS_STAMP = $(BUILD)/.deps-installed
# C++ checked by `make lint`: every folder of ours (bpf/ has its own kernel
# style in bpf/.clang-format; clang-format picks it by directory).
LINT_FORMAT = git ls-files '*.cc' '*.h' '*.c'
LINT_TIDY   = git ls-files '*.cc' | grep -E '^(common|api|datapath|flowd|relay|cli)/'

.PHONY: all deps build build-asan build-fuzz test lint format tidy demo demo-down bench bench-quick clean

all: build

deps: $(DEPS_STAMP)

$(DEPS_STAMP): scripts/install-deps.sh
	@scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DFLOWS_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target all_unit_tests

build-fuzz: deps
	cmake -S . -B $(BUILD_FUZZ) -DFLOWS_FUZZ_ONLY=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS)

# Every tier: unit (also under ASan+UBSan), BPF_PROG_TEST_RUN, netns
# integration, bounded fuzzing. Privileged tiers fail, never skip, without root.
test: build build-asan build-fuzz
	scripts/run-tests.sh $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(FUZZ_SECONDS)

# Formatting and clang-tidy (.clang-tidy) over every C++ folder; fails on
# any finding. Needs the build for compile_commands.json and generated code.
lint: build
	$(LINT_FORMAT) | xargs clang-format --dry-run -Werror
	$(LINT_TIDY) | xargs run-clang-tidy -p $(BUILD) -j $(JOBS) -quiet >$(BUILD)/clang-tidy.log 2>&1 \
	  || { grep -E 'warning:|error:' $(BUILD)/clang-tidy.log; echo "clang-tidy: findings above"; exit 1; }

format:
	$(LINT_FORMAT) | xargs clang-format -i

tidy: lint

demo: build
	scripts/demo.sh $(BUILD)

demo-down:
	scripts/demo.sh --down

bench: build
	bench/run.sh $(BUILD) full

bench-quick: build
	bench/run.sh $(BUILD) quick

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
