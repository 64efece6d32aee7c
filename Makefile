# The two commands of the README. Both install dependencies and build as needed.
.PHONY: run test build deps format tidy clean

JOBS ?= $(shell nproc)

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS) --target nzeza

# Paper trading on the simulated market with config/paper.toml: the status block, a line per
# order and fill; Ctrl-C stops in order and prints a summary (see README).
run: build
	./build/default/src/cli/nzeza run

test: deps
	bash scripts/test-all.sh

format:
	git ls-files '*.hpp' '*.cpp' | xargs clang-format -i

tidy:
	cmake --preset default
	git ls-files 'src/*.cpp' | xargs clang-tidy -p build/default --quiet

clean:
	rm -rf build
