# teamchat — build, test, demo, install. `make demo` and `make test` work on a fresh machine: they install what is
# missing first.

SWIFT    ?= swift
PREFIX   ?= /usr/local
DESTDIR  ?=
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBUG    := .build/debug/teamchat
RELEASE  := .build/release/teamchat
GENERATED_MAN := .build/plugins/GenerateManual/outputs/teamchat/teamchat.1
# The man page's date: fixed so that regenerating it is reproducible; bump it with the CLI.
MAN_DATE := 2026-11-25

.PHONY: all deps build release demo test completions man check-generated install uninstall clean

all: build

## Install system packages the build needs when they are missing (libedit for the interactive prompt).
deps:
	@command -v $(SWIFT) >/dev/null || { echo "make: the Swift toolchain ($(SWIFT)) is not on PATH" >&2; exit 1; }
	@if command -v dpkg >/dev/null && ! dpkg -s libedit-dev >/dev/null 2>&1; then \
		echo "make: installing libedit-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libedit-dev pkg-config >/dev/null; \
	fi

build: deps
	$(SWIFT) build --product teamchat

release: deps
	$(SWIFT) build -c release --product teamchat

## The zero-setup tour: an in-process simulated team, nothing else to run.
demo: release
	$(RELEASE) demo

## The whole suite: unit, integration (real sockets on 127.0.0.1) and CLI tests, then the generated-files check.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) check-generated

completions: build
	mkdir -p completions
	$(DEBUG) --generate-completion-script bash > completions/teamchat.bash
	$(DEBUG) --generate-completion-script zsh > completions/_teamchat
	$(DEBUG) --generate-completion-script fish > completions/teamchat.fish

man: deps
	$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE)
	mkdir -p man
	cp $(GENERATED_MAN) man/teamchat.1

## Fails when completions/ or man/teamchat.1 do not match the command definitions.
check-generated: build
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(DEBUG) --generate-completion-script bash > $$tmp/teamchat.bash && \
	$(DEBUG) --generate-completion-script zsh > $$tmp/_teamchat && \
	$(DEBUG) --generate-completion-script fish > $$tmp/teamchat.fish && \
	$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE) >/dev/null && \
	cp $(GENERATED_MAN) $$tmp/teamchat.1 && \
	for f in teamchat.bash _teamchat teamchat.fish; do \
		cmp -s $$tmp/$$f completions/$$f || { echo "completions/$$f is stale: run 'make completions'" >&2; exit 1; }; \
	done && \
	{ cmp -s $$tmp/teamchat.1 man/teamchat.1 || { echo "man/teamchat.1 is stale: run 'make man'" >&2; exit 1; }; } && \
	echo "generated files are current"

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
