# Thin wrapper over CMake: `make run`, `make test` work on a fresh machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
CLANG_BUILD ?= build-clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECS  ?= 7
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO   ?= traces/py/daemon_join_no_join.py
PREFIX     ?= /usr/local

.PHONY: all setup build quiet-build run test install deb sanitize clang fuzz fuzz-smoke bench ci clean

all: build

setup:
	@tools/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

# The build with all its output (for working on threadsim).
build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The same build, quiet (tools/quiet.sh): its output goes to
# $(BUILD)/build.log, a terminal sees one progress line, and the output is
# shown only if the build fails.
quiet-build: setup
	@mkdir -p $(BUILD) && : > $(BUILD)/build.log
	@[ -f $(BUILD)/CMakeCache.txt ] || tools/quiet.sh $(BUILD)/build.log configure -- \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	@tools/quiet.sh $(BUILD)/build.log build -- cmake --build $(BUILD) -j $(JOBS)

# The main job: the seed's tutorial program, run, printed and recorded (with
# its full trace and schedule) in ./threadsim.db; then the recorded run's row.
run: quiet-build
	@echo
	@echo "\$$ threadsim run $(SCENARIO)"
	@$(BUILD)/tools/threadsim run $(SCENARIO) 2>&1
	@echo
	@echo "recorded in ./threadsim.db ('threadsim show last --trace' prints its every event):"
	@$(BUILD)/tools/threadsim runs --limit 1

test: quiet-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The binary, man pages, completion, expected outputs, libthreadsim and its
# headers and threadsim.pc into $(PREFIX) (cmake --install; DESTDIR works too).
install: quiet-build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The Debian package, dpkg-buildpackage from debian/ on a copy of the tree
# (tools/deb.sh): $(BUILD)/threadsim_VERSION_ARCH.deb
deb: setup
	tools/deb.sh $(BUILD)

# AddressSanitizer + UndefinedBehaviorSanitizer build, whole suite.
sanitize: setup
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTHREADSIM_SANITIZE=ON -DTHREADSIM_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# clang with -Werror: the warning-clean check for the second compiler.
clang: setup
	CC=clang cmake -S . -B $(CLANG_BUILD) -DTHREADSIM_WERROR=ON
	cmake --build $(CLANG_BUILD) -j $(JOBS)

# The libFuzzer targets (tests/fuzz), built with clang, ASan and coverage.
fuzz: setup
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTHREADSIM_FUZZ=ON -DTHREADSIM_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_store fuzz_batch fuzz_token fuzz_cli

# Each target for FUZZ_SECS seconds from its seed corpus (about 20 s in all).
fuzz-smoke: fuzz
	tools/fuzz_smoke.sh $(FUZZ_BUILD) $(FUZZ_SECS)

bench: build
	$(BUILD)/tools/bench_engine
	$(BUILD)/tools/bench_threads
	$(BUILD)/tools/bench_store
	env -u PYTHONUNBUFFERED tools/bench_explore.sh

ci: test sanitize clang fuzz-smoke

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(CLANG_BUILD) $(FUZZ_BUILD)
