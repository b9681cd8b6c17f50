# The README's quick start: `make demo` and `make test`. Both install what is
# missing (Debian 12, as root), build, and run.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 30
CMAKE_FLAGS = -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

.PHONY: all deps build build-asan build-fuzz test test-unit test-asan test-bpf test-netns test-fuzz \
        demo demo-down bench bench-quick format tidy clean

all: build

deps:
	@scripts/install-deps.sh

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

demo: build
	scripts/demo.sh $(BUILD)

demo-down:
	scripts/demo.sh --down

bench: build
	bench/run.sh $(BUILD) full

bench-quick: build
	bench/run.sh $(BUILD) quick

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

tidy: build
	git ls-files 'datapath/*.cc' | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
