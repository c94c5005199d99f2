# Makefile: the front door. CMake does the building.
#   make run        install what is missing, build, serve ./var/ismsd.sock
#   make test       install what is missing, build, run every test
#   make asan       build with AddressSanitizer + UBSan into build-asan/
#   make test-asan  run every test on the sanitizer build

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
VAR        ?= var

.PHONY: all deps build run test asan test-asan format clean

all: build

deps:
	@./scripts/install-deps.sh

# Configuring every time is cheap and heals a half-configured tree.
build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p $(VAR)
	@echo "ismsd: serving $(VAR)/ on unix:$(VAR)/ismsd.sock (Ctrl-C stops it)"
	@echo "in another terminal:  $(BUILD)/bin/ismsctl --endpoint unix:$(VAR)/ismsd.sock status"
	exec $(BUILD)/bin/ismsd --data-dir $(VAR) --listen unix:$(VAR)/ismsd.sock --foreground

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DISMS_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
