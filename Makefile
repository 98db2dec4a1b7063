# starch — front door. `make run` builds and runs the example; `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps).

BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build run test clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@scripts/install-deps
	meson setup $(BUILD) $(MESON_OPTS) >&2

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) --quiet

run: build
	@$(BUILD)/examples/todo/todo-page

test: build
	@scripts/run-tests $(BUILD)

clean:
	rm -rf $(BUILD)

# Benchmarks side by side with other template engines (bench/README.md); not part of `make test`.
.PHONY: bench
bench:
	@bench/run --build-dir $(BUILD) $(BENCH_ARGS)
