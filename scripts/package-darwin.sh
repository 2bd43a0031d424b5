#!/usr/bin/env bash
# package-darwin.sh: `make darwin`, CloudMoo.app and a .dmg (see PACKAGING.md, "macOS").
#
#   scripts/package-darwin.sh all OUTDIR      on a Mac: universal binary, .app, signature, .dmg
#   scripts/package-darwin.sh app EXE OUTDIR  assemble CloudMoo.app around EXE (any OS; the
#                                             test suite uses it with a stand-in executable)
#
# Environment: VERSION (required), BUILD (FyneApp.toml's Details.Build), FYNE (the
# fyne CLI); optional MACOS_SIGN_IDENTITY ("Developer ID Application: …") and
# MACOS_NOTARY_PROFILE (a `xcrun notarytool store-credentials` profile name).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

: "${VERSION:?VERSION is not set (the Makefile reads it from FyneApp.toml)}"
BUILD=${BUILD:-1}
FYNE=${FYNE:-.cache/bin/fyne-v1.7.4}
GO=${GO:-go}
readonly app_id=com.cloudmoo.desktop

die() { echo "package-darwin: $*" >&2; exit 1; }
# abs prints an absolute path (macOS before 13 has no realpath, none has -m).
abs() { mkdir -p "$(dirname "$1")" && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# cmd_app writes OUTDIR/CloudMoo.app: Info.plist (bundle ID, version, build),
# Contents/MacOS/cloudmoo-desktop and an .icns made from the 256 px icon.
# `fyne package -os darwin --executable` only assembles files (it builds
# nothing and, without a FyneApp.toml in --src, rewrites nothing).
cmd_app() {
	local exe out
	exe=$(abs "$1"); out=$(abs "$2")
	[ -x "$FYNE" ] || die "no fyne CLI at $FYNE (make installs it)"
	mkdir -p "$out"
	rm -rf "$out/CloudMoo.app"
	(cd "$out" && "$root/$FYNE" package -os darwin --release \
		--src "$root/cmd/cloudmoo-desktop" \
		--executable "$exe" \
		--icon "$root/assets/icon-256.png" \
		--name CloudMoo --app-id "$app_id" --app-version "$VERSION" --app-build "$BUILD" \
		--tags migrated_fynedo)
	[ -f "$out/CloudMoo.app/Contents/Info.plist" ] || die "fyne package wrote no CloudMoo.app"
}

cmd_all() {
	local out work
	[ "$(uname -s)" = Darwin ] || die "a macOS .app and .dmg can only be built on a Mac (cgo against Cocoa with Xcode's clang); this is $(uname -s). See PACKAGING.md, \"macOS\"."
	command -v clang >/dev/null || die "no clang: run xcode-select --install"
	out=$(abs "$1")
	work=$root/.cache/pkg/$VERSION/darwin
	rm -rf "$work"; mkdir -p "$work" "$out"

	# One binary per architecture, then one universal binary. The deployment
	# target matches Fyne's (macOS 11 is the oldest that runs on Apple silicon).
	local arch
	for arch in arm64 amd64; do
		CGO_ENABLED=1 GOOS=darwin GOARCH=$arch \
			CGO_CFLAGS="-mmacosx-version-min=11.0" CGO_LDFLAGS="-mmacosx-version-min=11.0" \
			"$GO" build -tags migrated_fynedo,release -trimpath \
			-ldflags "-s -w -X main.version=$VERSION" \
			-o "$work/$arch/cloudmoo-desktop" ./cmd/cloudmoo-desktop
	done
	lipo -create -output "$work/cloudmoo-desktop" "$work/arm64/cloudmoo-desktop" "$work/amd64/cloudmoo-desktop"
	"$work/cloudmoo-desktop" version | grep -qx "cloudmoo-desktop $VERSION" || die "the universal binary does not report version $VERSION"

	cmd_app "$work/cloudmoo-desktop" "$work"
	local app=$work/CloudMoo.app
	if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
		# Hardened runtime + secure timestamp: what notarization requires.
		codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
	else
		# Ad hoc: Apple silicon refuses to run unsigned code; Gatekeeper will
		# still ask the user to confirm an app from an unidentified developer.
		codesign --force --sign - "$app"
	fi
	codesign --verify --strict --verbose=2 "$app"
	if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
		ditto -c -k --keepParent "$app" "$work/CloudMoo.zip"
		xcrun notarytool submit "$work/CloudMoo.zip" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
		xcrun stapler staple "$app"
	fi
	ditto -c -k --keepParent "$app" "$out/cloudmoo-desktop-$VERSION-macos-universal.app.zip"

	# The disk image: the app and a shortcut to /Applications to drag it onto.
	mkdir "$work/dmg"
	cp -R "$app" "$work/dmg/"
	ln -s /Applications "$work/dmg/Applications"
	local dmg=$out/cloudmoo-desktop-$VERSION-macos-universal.dmg
	hdiutil create -volname CloudMoo -srcfolder "$work/dmg" -fs HFS+ -format UDZO -ov "$dmg"
	if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
		codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
		if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
			xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
			xcrun stapler staple "$dmg"
		fi
	fi
	echo "package-darwin: wrote $dmg and the .app.zip beside it"
}

case "${1:-}" in
all) [ $# -eq 2 ] || die "usage: $0 all OUTDIR"; cmd_all "$2" ;;
app) [ $# -eq 3 ] || die "usage: $0 app EXE OUTDIR"; cmd_app "$2" "$3" ;;
*) die "usage: $0 all|app ..." ;;
esac
