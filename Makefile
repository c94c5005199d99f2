# Makefile: the front door. CMake does the building.
#   make run        install what is missing, build, serve ./var/ismsd.sock
#   make test       install what is missing, build, run every test
#   make asan       build with AddressSanitizer + UBSan into build-asan/
#   make test-asan  run every test on the sanitizer build
#   make fuzz       libFuzzer (clang, ASan + UBSan) on each fuzz target for
#                   FUZZ_SECONDS each, into build-fuzz/ (tests/fuzz/)
#   make fuzz-ci    the same, 30 s each (CI)
#   make builds     the whole tree as a packager may build it, warnings as
#                   errors: Release with gcc (-O3) into build-gcc-release/,
#                   Release with clang into build-clang-release/ (CI)
#   make bench      ismsbench's standard set on a fresh daemon: each figure
#                   beside its ceiling or target (bench/run.sh, ~2 min)
#   make bench-due  the Due query on BENCH_DUE_N (1,000,000) risks
#   make bench-import  import of BENCH_IMPORT_N (100,000) risks from CSV in
#                   one batch, then report risks -o html and export of them:
#                   time and peak memory (bench/import_report.sh)
#   make bench-http ismsd-http beside ismsd's RPCs: ingest and get, 50
#                   clients each (bench/run.sh gateway, ~1.5 min; root)
#   make bench-ui   the web interface on BENCH_UI_N (10,000) risks: sign-in
#                   to a usable dashboard and the risk list in headless
#                   Chromium, cold and warm, and ismsd-http's requests/s on
#                   the dashboard's API calls (bench/ui.sh, ~1.5 min; root)
#   make install    the install layout under PREFIX (/usr), below DESTDIR
#                   when given (make install DESTDIR=/tmp/stage stages it)
#   make deb        the Debian package (packaging/debian, dh + CMake) into
#                   build-deb/, then its checks: file list, Depends, lintian

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
VAR        ?= var
FUZZ_BUILD ?= build-fuzz
FUZZ_CC    ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_frame fuzz_dispatch fuzz_json fuzz_hooks
PREFIX     ?= /usr
DEB_BUILD  ?= build-deb
GCC_REL    ?= build-gcc-release
CLANG_REL  ?= build-clang-release

.PHONY: all deps build run test asan test-asan fuzz-deps fuzz-build fuzz \
	fuzz-ci fuzz-seeds builds bench-build bench bench-due bench-import bench-http bench-ui format clean \
	install pkg-deps deb

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

fuzz-deps:
	@./scripts/install-deps.sh fuzz

# Only the fuzz targets: the rest of the tree is the sanitizer build's job.
fuzz-build: fuzz-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=$(FUZZ_CC) -DISMS_FUZZ=ON -DBUILD_TESTING=OFF \
	  >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS) fuzz_seeds

# Each target on a copy of its committed corpus (tests/fuzz/run.sh).
fuzz: fuzz-build
	./tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# Each optimiser and compiler warns about different things: the normal
# build is gcc at -O2, so -O3 and clang are checked here.
builds: fuzz-deps
	cmake -S . -B $(GCC_REL) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=gcc >/dev/null
	cmake --build $(GCC_REL) -j $(JOBS)
	cmake -S . -B $(CLANG_REL) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(FUZZ_CC) >/dev/null
	cmake --build $(CLANG_REL) -j $(JOBS)

# Rewrites the committed seed corpora from tests/fuzz/fuzz_seeds.c.
fuzz-seeds: fuzz-build
	rm -rf tests/fuzz/corpus
	$(FUZZ_BUILD)/fuzz/fuzz_seeds tests/fuzz/corpus

# Only what the benchmarks run, in the normal build dir.
bench-build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS) --target ismsbench ismsd ismsctl

bench: bench-build
	./bench/run.sh $(BUILD) standard

bench-due: bench-build
	./bench/run.sh $(BUILD) due

BENCH_IMPORT_N ?= 100000
bench-import: build
	./bench/import_report.sh $(BUILD) $(BENCH_IMPORT_N)

bench-http: bench-build
	cmake --build $(BUILD) -j $(JOBS) --target ismsd-http
	./bench/run.sh $(BUILD) gateway

BENCH_UI_N ?= 10000
bench-ui: build
	./bench/ui.sh $(BUILD) $(BENCH_UI_N)

install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

pkg-deps:
	@./scripts/install-deps.sh pkg

# dpkg-buildpackage on a copy of the tree (tracked and new files, not the
# build dirs) with packaging/debian as debian/; the .deb lands in
# $(DEB_BUILD)/, then packaging/deb-check.sh checks it.
deb: pkg-deps
	rm -rf $(DEB_BUILD) && mkdir -p $(DEB_BUILD)/src
	git ls-files -z --cached --others --exclude-standard | \
	  xargs -0 cp -P --parents -t $(DEB_BUILD)/src
	cp -rL packaging/debian $(DEB_BUILD)/src/debian
	cd $(DEB_BUILD)/src && DEB_BUILD_OPTIONS="nocheck parallel=$(JOBS)" \
	  dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
	  { tail -40 ../build.log; exit 1; }
	./packaging/deb-check.sh $(DEB_BUILD)/ismsd_*.deb

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(GCC_REL) $(CLANG_REL) \
	  $(DEB_BUILD)
