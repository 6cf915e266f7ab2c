# Tsuzuri — `make run` builds and launches the desktop app, `make test` runs
# every test. Both install what they need first (see `deps`).

SHELL := /bin/bash
GO ?= go
WAILS_VERSION := v2.16.0
GOBIN := $(shell $(GO) env GOPATH)/bin
WAILS := $(GOBIN)/wails
UNAME := $(shell uname -s)

# Linux builds use WebKitGTK 4.1 (Debian 12, Ubuntu 22.04+).
ifeq ($(UNAME),Linux)
WAILS_TAGS := -tags webkit2_41
APP_BIN := build/bin/tsuzuri
else ifeq ($(UNAME),Darwin)
APP_BIN := build/bin/Tsuzuri.app/Contents/MacOS/tsuzuri
endif

# Debian/Ubuntu packages: the WebKitGTK/GTK headers for the app, a C compiler
# for -race, and Xvfb, xdotool, ImageMagick, D-Bus and Chromium for the
# window and browser tests, fcitx5 with mozc for typing Japanese into the window.
APT_PACKAGES := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev \
	xvfb xauth x11-utils xdotool imagemagick dbus dbus-x11 chromium python3 \
	fcitx5 fcitx5-mozc fcitx5-frontend-gtk3
# ...Syncthing, for the test of sync through a real engine (test-sync)...
APT_PACKAGES += syncthing curl
# ...a CJK font, as every Japanese user has: the window tests and
# bench-start then draw (and time) the text as users see it.
APT_PACKAGES += fonts-noto-cjk
# ...and for make dist: makensis (the Windows installer), desktop-file-validate, zip.
APT_PACKAGES += nsis desktop-file-utils zip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build deps deps-system deps-wails deps-frontend frontend cli test test-go test-sync test-frontend test-e2e test-window test-ime test-windows-build lint bench bench-ui bench-start bench-crash bench-sync lexicon clean
.PHONY: build-windows dist test-dist

# The release number has one home, info.productVersion in wails.json (see
# version/version.go for why); every build stamps it in.
VERSION := $(shell sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
VERSION_LDFLAGS := -X github.com/tsuzuri/tsuzuri/version.Number=$(VERSION)

run: build
	./$(APP_BIN)

build: deps frontend
	$(WAILS) build $(WAILS_TAGS) -clean -ldflags "$(VERSION_LDFLAGS)"

cli:
	$(GO) build -ldflags "-s -w $(VERSION_LDFLAGS)" -o build/bin/tsuzuri-cli ./cmd/tsuzuri

deps: deps-system deps-wails deps-frontend

deps-system:
ifeq ($(UNAME),Linux)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi
endif

deps-wails:
	@[ -x $(WAILS) ] && $(WAILS) version 2>/dev/null | grep -q '$(WAILS_VERSION)' || \
		GOFLAGS= $(GO) install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

deps-frontend:
	cd frontend && npm ci --no-audit --no-fund

frontend: deps-frontend
	cd frontend && npm run build

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

test: deps lint test-go test-sync test-frontend test-e2e test-window test-ime test-windows-build test-dist
	@echo "all tests passed"

# Under the race detector the app package takes 6–9 minutes on two cores:
# go test's default limit of 10 would fail it on a slow day.
test-go:
	$(GO) test -race -count=1 -timeout 30m ./...

test-frontend:
	cd frontend && npm run check && npm test

test-e2e: frontend
	cd frontend && npm run e2e

test-window: build
	scripts/smoke-window.sh $(APP_BIN)

# Japanese typed through fcitx5 + mozc into the real window; skips without
# ../shared/ime (the IME session script) or the fcitx5 packages.
test-ime: build
	scripts/ime-window.sh $(APP_BIN)

# Windows builds are cross-compiled (no cgo on Windows); this proves they still compile.
test-windows-build: build-windows

# The Windows app and its installer (makensis), from the frontend already built.
build-windows: deps-wails frontend
	$(WAILS) build -platform windows/amd64 -s -skipbindings -nsis -ldflags "$(VERSION_LDFLAGS)" -o tsuzuri-windows.exe

# Packages to install from, in dist/ (see scripts/dist.sh). It packs the
# builds the tests use, so make test builds each app once.
dist: build build-windows cli
	VERSION=$(VERSION) scripts/dist.sh

# Installs the .deb into a scratch folder and runs what it installed.
test-dist: dist
	VERSION=$(VERSION) scripts/test-dist.sh

bench:
	$(GO) run ./cmd/tsuzuri bench --corpus ../shared/corpus

# Keystroke to rendered results in the real UI on 100k entries (Chromium);
# make test runs the same spec on 20k.
bench-ui: frontend
	cd frontend && E2E_SPECS=typing E2E_TYPING_ENTRIES=100000 npm run e2e

# Launch to timeline on screen, and idle memory, on 100k entries under Xvfb
# (the diary is made once and kept in ~/.cache/tsuzuri-bench).
bench-start: build
	scripts/bench-start.sh build/bin/tsuzuri

# Sync between simulated computers through an unreliable copier, 10,000
# operations with kills (test-go runs a short version), then the figures:
# joining a 20,000-entry diary, 10,000 remote changes into an open
# 100,000-entry one, the folder's size, idle watching.
bench-sync:
	$(GO) run ./cmd/syncsim -devices 4 -ops 10000 -figures

# Two real Syncthing instances on 127.0.0.1 carry a diary between two data
# folders (skips without ../shared/syncthing or syncthing).
test-sync:
	scripts/test-sync.sh

# kill -9 at 1,000 random points of saves, imports, index rebuilds and
# backups, checking the data folder after each (test-go runs a short version);
# then a 3,000-entry diary damaged seven ways, with what verify says and what
# salvage brings back (test-go asserts the same floors on 150 entries).
bench-crash:
	$(GO) run ./cmd/crashharness -kills 1000
	$(GO) run ./cmd/damagesuite -entries 3000

# Search's dictionaries (lexicon/*.tsv, search/analyser.dict) are generated
# from pinned sources and committed, as x/text does with its tables; this
# regenerates them. The UniDic and IPA versions are pinned in lexicon/gen/go.mod.
SUDACHI_SYNONYMS := sudachi-synonyms-dictionary@18.0.0
lexicon:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	(cd $$tmp && npm pack --silent $(SUDACHI_SYNONYMS) >/dev/null && tar xzf *.tgz) && \
	cd lexicon/gen && $(GO) run . -sudachi $$tmp/package/sudachi-synonyms-dictionary.json -out ..

clean:
	rm -rf build/bin out frontend/dist/assets frontend/dist/index.html
	rm -rf dist build/windows/installer
