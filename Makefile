# CloudMoo Desktop. `make run` opens the app, `make demo` opens it on the
# built-in simulated Hetzner API, `make test` runs every test. Each target
# installs the Debian/Ubuntu packages it needs when they are missing.

GO        ?= go
TAGS      := migrated_fynedo
APP_ID    := com.cloudmoo.desktop
VERSION   ?= $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS   := -s -w -X main.version=$(VERSION)
BIN       := bin/cloudmoo-desktop
DIST      := dist
PKG_MAIN  := ./cmd/cloudmoo-desktop

export CGO_ENABLED := 1

.PHONY: all deps-build deps-test build run demo test test-go lint bench clean

all: build

deps-build:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

$(BIN): deps-build FORCE
	$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) $(PKG_MAIN)

.PHONY: FORCE
FORCE:

build: $(BIN)

## run: the real app (OS keychain, Hetzner's API or $$HCLOUD_ENDPOINT)
run: build
	./$(BIN)

## demo: the window on the simulated API with sample projects; the real
## keychain and network are never touched
demo: build
	./$(BIN) --demo

## test: formatting, vet, and every test with the race detector, inside a
## private D-Bus session with an unlocked gnome-keyring and under Xvfb
test: deps-test
	@scripts/test.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet -tags $(TAGS) ./...

## bench: speed and memory figures, printed
bench: deps-test
	@scripts/bench.sh

clean:
	rm -rf bin $(DIST)

# Packaging targets (package-linux, deb, rpm, windows, darwin, packages,
# test-packages) live beside their recipes.
include packaging/packaging.mk
