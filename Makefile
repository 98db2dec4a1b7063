# starch — front door. `make run` builds and starts the example web app; `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps).

BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build run dev test clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@scripts/install-deps
	meson setup $(BUILD) $(MESON_OPTS) >&2

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) --quiet

# The todo app (examples/todo) on http://127.0.0.1:8080/, its todos in $(BUILD)/todo.db;
# Ctrl-C stops it. More options with ARGS (ARGS="--memory --port 9000"); a copy of the
# Datastar client at examples/todo/datastar.js is served instead of the CDN's.
run: build
	@$(BUILD)/examples/todo/todo-app --db $(BUILD)/todo.db \
	    $(if $(wildcard examples/todo/datastar.js),--datastar examples/todo/datastar.js) $(ARGS)

# The development loop (scripts/dev): the todo app as `make run` starts it, but built in
# $(BUILD)-dev with -Ddev=true, its todos in $(BUILD)-dev/todo.db. Every save of a template
# or C file of examples/todo (or of templates/) rebuilds it, restarts it and reloads the
# open page; a build error is printed and the running app is kept. Ctrl-C stops it.
dev: deps
	@scripts/dev --build-dir $(BUILD)-dev -- --db $(BUILD)-dev/todo.db \
	    $(if $(wildcard examples/todo/datastar.js),--datastar examples/todo/datastar.js) $(ARGS)

# (run-tests builds, so that a build failure is counted and the count line still ends it)
test: deps $(BUILD)/build.ninja
	@scripts/run-tests $(BUILD)

clean:
	rm -rf $(BUILD)

# Benchmarks side by side with other template engines (bench/README.md); not part of `make test`.
.PHONY: bench
bench:
	@bench/run --build-dir $(BUILD) $(BENCH_ARGS)

# Fuzzing (tests/fuzz/README.md): each libFuzzer target for FUZZ_SECONDS seconds (default 60)
# in a clang build dir; findings become corpus entries and regression tests.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz $(BUILD)-fuzz $(FUZZ_TARGETS)
