# Packaging: installers and archives in dist/, see PACKAGING.md. Included by the
# top Makefile, whose GO, TAGS, APP_ID, VERSION (FyneApp.toml's Version, the one
# place the version is kept), LDFLAGS (-s -w -X main.version=$(VERSION)), DIST and
# PKG_MAIN it uses. Everything intermediate lives in .cache/ (gitignored); the
# rules depend on the sources, so a second run rebuilds nothing that is current.
#
#   make package-linux   dist/…-linux-amd64.tar.xz   (fyne package tarball + install Makefile)
#   make deb / make rpm  dist/…_amd64.deb, dist/….x86_64.rpm  (nfpm)
#   make windows         dist/…-windows-amd64.exe and .msi    (mingw-w64, fyne, wixl)
#   make darwin          a Mac only: CloudMoo.app (zipped) and a .dmg
#   make packages        all this machine can build, and dist/SHA256SUMS
#   make test-packages   packages, then scripts/package-test.sh checks them

FYNE_VERSION   := v1.7.4
NFPM_VERSION   := v2.45.2
PKG_TOOLS      := .cache/bin
FYNE           := $(PKG_TOOLS)/fyne-$(FYNE_VERSION)
NFPM           := $(PKG_TOOLS)/nfpm-$(NFPM_VERSION)
# Release builds add Fyne's release tag (what `fyne package --release` adds).
PKG_TAGS       := $(TAGS),release
# The Linux binary is hardened the way Debian builds C programs: a PIE, full
# RELRO, fortified and stack-protected cgo code (lintian: hardening-*).
PKG_CGO_CFLAGS  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fcf-protection
PKG_CGO_LDFLAGS := -Wl,-z,relro,-z,now
PKG_BUILD      := $(shell sed -n 's/^Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
PKG_RELEASE    := 1
PKG_MAINTAINER ?= CloudMoo Desktop authors <desktop@cloudmoo.com>
PKG_WORK       := .cache/pkg/$(VERSION)

LINUX_BIN   := $(PKG_WORK)/linux-amd64/cloudmoo-desktop
LINUX_DOC   := $(PKG_WORK)/doc
WIN_BUILT   := $(PKG_WORK)/windows-amd64/cloudmoo-desktop.exe
WIN_ICO     := $(PKG_WORK)/windows-amd64/CloudMoo.ico
SIGN_STAMP  := $(PKG_WORK)/signing

TARBALL     := $(DIST)/cloudmoo-desktop-$(VERSION)-linux-amd64.tar.xz
DEB         := $(DIST)/cloudmoo-desktop_$(VERSION)-$(PKG_RELEASE)_amd64.deb
RPM         := $(DIST)/cloudmoo-desktop-$(VERSION)-$(PKG_RELEASE).x86_64.rpm
WIN_EXE     := $(DIST)/cloudmoo-desktop-$(VERSION)-windows-amd64.exe
MSI         := $(DIST)/cloudmoo-desktop-$(VERSION)-windows-amd64.msi
SUMS        := $(DIST)/SHA256SUMS
ARTEFACTS   := $(TARBALL) $(DEB) $(RPM) $(WIN_EXE) $(MSI)

# What the binaries are built from (tests excluded; untracked new files included).
PKG_GO_SRC := $(filter-out %_test.go,$(wildcard $(shell \
	git ls-files --cached --others --exclude-standard -- '*.go' go.mod go.sum 'assets/*' 2>/dev/null || \
	find . -path ./.cache -prune -o \( -name '*.go' -o -name go.mod -o -name go.sum -o -path './assets/*' \) -print)))
LINUX_FILES := packaging/linux/com.cloudmoo.desktop.desktop packaging/linux/com.cloudmoo.desktop.metainfo.xml \
	assets/icon-48.png assets/icon-128.png assets/icon-256.png assets/icon.svg LICENSE

PKG_ENV = VERSION='$(VERSION)' BUILD='$(PKG_BUILD)' FYNE='$(FYNE)' GO='$(GO)' PKG_MAINTAINER='$(PKG_MAINTAINER)'
# Signing is configured when a key is given; the stamp changes with it so the
# Windows files are signed (or not) again.
PKG_SIGNING = $(if $(SIGN_PFX),pkcs12 $(SIGN_PFX),$(if $(and $(SIGN_CERT),$(SIGN_KEY)),pem $(SIGN_CERT) $(SIGN_KEY),unsigned))

.PHONY: deps-package package-tools package-linux deb rpm windows darwin packages test-packages clean-packages

deps-package:
	@scripts/install-deps.sh package

package-tools: $(FYNE) $(NFPM)

# go install into .cache/bin: go.mod and go.sum are not touched.
$(FYNE):
	@mkdir -p $(@D)
	GOBIN=$(abspath $(@D)) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)
	mv $(@D)/fyne $@

$(NFPM):
	@mkdir -p $(@D)
	GOBIN=$(abspath $(@D)) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)
	mv $(@D)/nfpm $@

## The Linux release binary: one build for the tarball, the .deb and the .rpm.
$(LINUX_BIN): $(PKG_GO_SRC) | deps-package
	@mkdir -p $(@D)
	CGO_CFLAGS='$(PKG_CGO_CFLAGS)' CGO_LDFLAGS='$(PKG_CGO_LDFLAGS)' \
		$(GO) build -buildmode=pie -tags $(PKG_TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $@ $(PKG_MAIN)
	./$@ version | grep -qx 'cloudmoo-desktop $(VERSION)'

$(LINUX_DOC)/.stamp: $(LINUX_BIN) LICENSE packaging/linux/com.cloudmoo.desktop.metainfo.xml scripts/package-linux.sh
	$(PKG_ENV) scripts/package-linux.sh docs $(LINUX_BIN) $(LINUX_DOC)
	@touch $@

package-linux: $(TARBALL)
$(TARBALL): $(LINUX_BIN) $(FYNE) $(LINUX_FILES) scripts/package-linux.sh | deps-package
	$(PKG_ENV) scripts/package-linux.sh tarball $(LINUX_BIN) $@

# nfpm reads packaging/linux/nfpm.yaml; the version, the binary, the generated
# docs and the oldest glibc the binary needs (its highest GLIBC_ symbol
# version) come from here. SOURCE_DATE_EPOCH (the release date) stamps every
# file, so the same commit gives byte-identical packages.
NFPM_RUN = $(PKG_ENV) PKG_RELEASE='$(PKG_RELEASE)' PKG_BIN='$(LINUX_BIN)' PKG_DOCDIR='$(LINUX_DOC)' \
	SOURCE_DATE_EPOCH="$$(VERSION='$(VERSION)' scripts/package-linux.sh release-epoch)" \
	PKG_GLIBC_MIN="$$(objdump -T $(LINUX_BIN) | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | cut -d_ -f2)" \
	$(NFPM) package --config packaging/linux/nfpm.yaml
NFPM_DEPS = $(LINUX_BIN) $(LINUX_DOC)/.stamp $(NFPM) packaging/linux/nfpm.yaml $(LINUX_FILES)

deb: $(DEB)
$(DEB): $(NFPM_DEPS) packaging/linux/lintian-overrides | deps-package
	@mkdir -p $(@D)
	$(NFPM_RUN) --packager deb --target $@

rpm: $(RPM)
$(RPM): $(NFPM_DEPS) | deps-package
	@mkdir -p $(@D)
	$(NFPM_RUN) --packager rpm --target $@

## Windows: fyne builds the GUI exe (icon, version info, manifest) on a copy of
## the source; wixl makes the .msi; osslsigncode signs both when a key is set.
windows: $(WIN_EXE) $(MSI)

$(WIN_BUILT): $(PKG_GO_SRC) FyneApp.toml $(FYNE) scripts/package-windows.sh | deps-package
	$(PKG_ENV) scripts/package-windows.sh exe $@

$(WIN_ICO): assets/icon-48.png assets/icon-256.png scripts/package-windows.sh
	@mkdir -p $(@D)
	$(PKG_ENV) scripts/package-windows.sh ico $@

$(SIGN_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(PKG_SIGNING)' | cmp -s - $@ || echo '$(PKG_SIGNING)' >$@

$(WIN_EXE): $(WIN_BUILT) $(SIGN_STAMP)
	@mkdir -p $(@D)
	cp $(WIN_BUILT) $@.tmp
	$(PKG_ENV) scripts/package-windows.sh sign $@.tmp
	mv $@.tmp $@

$(MSI): $(WIN_EXE) $(WIN_ICO) packaging/windows/cloudmoo.wxs LICENSE $(SIGN_STAMP) | deps-package
	$(PKG_ENV) scripts/package-windows.sh msi $(WIN_EXE) $(WIN_ICO) $@.tmp
	$(PKG_ENV) scripts/package-windows.sh sign $@.tmp
	mv $@.tmp $@

## macOS: only on a Mac (see PACKAGING.md); elsewhere it says so and fails.
darwin: $(FYNE)
ifeq ($(shell uname -s),Darwin)
	$(PKG_ENV) scripts/package-darwin.sh all $(DIST)
else
	@echo "make darwin: a macOS .app and .dmg can only be built on a Mac (cgo against Cocoa with Xcode's clang, then codesign and hdiutil); this machine runs $(shell uname -s). See PACKAGING.md, section \"macOS\"." >&2
	@exit 1
endif

## Everything this machine can build, and the checksums of exactly those files.
packages: $(SUMS)
$(SUMS): $(ARTEFACTS)
	cd $(DIST) && sha256sum $(notdir $(ARTEFACTS)) >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	@cd $(DIST) && ls -l $(notdir $(ARTEFACTS)) SHA256SUMS

test-packages: packages
	$(PKG_ENV) LINUX_BIN='$(LINUX_BIN)' TARBALL='$(TARBALL)' DEB='$(DEB)' RPM='$(RPM)' \
		WIN_EXE='$(WIN_EXE)' MSI='$(MSI)' SUMS='$(SUMS)' scripts/package-test.sh

clean-packages:
	rm -rf .cache/pkg $(DIST)
