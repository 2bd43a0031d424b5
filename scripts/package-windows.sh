#!/usr/bin/env bash
# package-windows.sh: the Windows pieces of `make windows` (see PACKAGING.md).
#
#   scripts/package-windows.sh exe  OUT.exe         cross-build the GUI exe with icon and version info
#   scripts/package-windows.sh ico  OUT.ico         the app icon as a Windows .ico
#   scripts/package-windows.sh msi  EXE ICO OUT.msi the installer (wixl)
#   scripts/package-windows.sh sign FILE            Authenticode-sign FILE when a key is configured
#
# Environment: VERSION (required), BUILD (FyneApp.toml's Details.Build, default 1),
# FYNE (the fyne CLI), CC (default x86_64-w64-mingw32-gcc); for signing either
# SIGN_CERT + SIGN_KEY (PEM or DER certificate chain and key, SIGN_PASS if the key
# is encrypted) or SIGN_PFX + SIGN_PASS (PKCS#12), and SIGN_TIMESTAMP (an RFC 3161
# time-stamp URL, optional).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

: "${VERSION:?VERSION is not set (the Makefile reads it from FyneApp.toml)}"
BUILD=${BUILD:-1}
FYNE=${FYNE:-.cache/bin/fyne-v1.7.4}
readonly app_id=com.cloudmoo.desktop

die() { echo "package-windows: $*" >&2; exit 1; }

# stage copies the module's source files (tracked and untracked, not ignored)
# into a scratch folder and prints its path. `fyne package -os windows` writes
# fyne.syso, fyne_metadata_init.go, an .ico, a manifest and the exe into --src
# while it builds; on the copy none of that can reach the working tree, where
# other builds (go test ./..., make build) would pick up a Windows .syso.
stage() {
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf - | tar -xf - -C "$dst"
	else
		tar --exclude=./.cache --exclude=./dist --exclude=./bin --exclude=./.git -cf - . | tar -xf - -C "$dst"
	fi
	[ -f "$dst/go.mod" ] || die "staging the source into $dst failed"
}

cmd_exe() {
	local out stage_dir src
	out=$(realpath -m "$1")
	[ -x "$FYNE" ] || die "no fyne CLI at $FYNE (make installs it)"
	command -v "${CC:-x86_64-w64-mingw32-gcc}" >/dev/null || die "no ${CC:-x86_64-w64-mingw32-gcc}: install mingw-w64 (scripts/install-deps.sh package)"
	stage_dir=$root/.cache/pkg/$VERSION/windows-src
	stage "$stage_dir"
	src=$stage_dir/cmd/cloudmoo-desktop

	# fyne builds the exe itself (it must link the .syso it generates), with
	# -H=windowsgui, and with --release also -trimpath, -s -w and the release
	# tag; the version stamp reaches the linker through GOFLAGS, the only way
	# fyne passes extra -ldflags. -buildvcs=false: the copy is not a checkout.
	# The placeholder --executable makes fyne skip its first, throw-away build
	# (it builds once before adding the resources and once after).
	: >"$src/cloudmoo-desktop.exe"
	(
		cd "$src"
		GOFLAGS="$(go env GOFLAGS) -buildvcs=false -ldflags=-X=main.version=$VERSION"
		export GOFLAGS
		export CC=${CC:-x86_64-w64-mingw32-gcc} CGO_ENABLED=1 GOOS=windows GOARCH=amd64
		"$root/$FYNE" package -os windows --release \
			--src "$src" \
			--executable "$src/cloudmoo-desktop.exe" \
			--icon "$root/assets/icon-256.png" \
			--name CloudMoo --app-id "$app_id" --app-version "$VERSION" --app-build "$BUILD" \
			--tags migrated_fynedo
	)
	[ -s "$src/CloudMoo.exe" ] || die "fyne package wrote no CloudMoo.exe"
	mkdir -p "$(dirname "$out")"
	mv "$src/CloudMoo.exe" "$out"
	rm -rf "$stage_dir"
}

# cmd_ico writes a Windows icon holding the 48 and 256 px PNGs as they are
# (PNG-compressed entries, understood since Windows Vista).
cmd_ico() {
	local out=$1 pngs=(assets/icon-48.png assets/icon-256.png)
	le16() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))"; }
	le32() { le16 $(($1 & 65535)); le16 $((($1 >> 16) & 65535)); }
	local off=$((6 + 16 * ${#pngs[@]})) p w size
	{
		le16 0; le16 1; le16 ${#pngs[@]}
		for p in "${pngs[@]}"; do
			w=$(file -b "$p" | sed -n 's/^PNG image data, \([0-9]*\) x.*/\1/p')
			[ -n "$w" ] || die "$p is not a PNG"
			size=$(stat -c %s "$p")
			printf "\\x$(printf %02x $((w & 255)))\\x$(printf %02x $((w & 255)))\\x00\\x00"
			le16 1; le16 32; le32 "$size"; le32 "$off"
			off=$((off + size))
		done
		cat "${pngs[@]}"
	} >"$out"
}

cmd_msi() {
	local exe ico out work
	exe=$(realpath "$1"); ico=$(realpath "$2"); out=$(realpath -m "$3")
	command -v wixl >/dev/null || die "no wixl: install it (scripts/install-deps.sh package)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/cloudmoo-msi.XXXXXX")
	trap 'rm -rf "$work"' RETURN
	# wixl resolves sources relative to the folder it runs in (absolute paths
	# trip it up), so everything goes into one scratch folder.
	cp "$exe" "$work/cloudmoo-desktop.exe"
	cp "$ico" "$work/CloudMoo.ico"
	sed 's/$/\r/' LICENSE >"$work/LICENSE.txt"
	cp packaging/windows/cloudmoo.wxs "$work/"
	# -a x64: wixl ignores Platform="x64" on <Package>; Win64="yes" is on
	# every component in the .wxs.
	(cd "$work" && wixl -a x64 \
		-D Version="$VERSION" -D ExePath=cloudmoo-desktop.exe \
		-D IconPath=CloudMoo.ico -D LicensePath=LICENSE.txt \
		-o out.msi cloudmoo.wxs)
	mkdir -p "$(dirname "$out")"
	mv "$work/out.msi" "$out"
}

cmd_sign() {
	local file=$1 args=()
	if [ -n "${SIGN_PFX:-}" ]; then
		args=(-pkcs12 "$SIGN_PFX")
	elif [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; then
		args=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
	else
		echo "package-windows: $(basename "${file%.tmp}") is not signed (set SIGN_PFX+SIGN_PASS or SIGN_CERT+SIGN_KEY to sign)"
		return 0
	fi
	command -v osslsigncode >/dev/null || die "no osslsigncode: apt-get install osslsigncode"
	# The password goes through a private file, not the command line (ps would show it).
	local passdir
	passdir=$(mktemp -d)
	if [ -n "${SIGN_PASS:-}" ]; then
		(umask 077 && printf '%s' "$SIGN_PASS" >"$passdir/pass")
		args+=(-readpass "$passdir/pass")
	fi
	[ -n "${SIGN_TIMESTAMP:-}" ] && args+=(-ts "$SIGN_TIMESTAMP")
	rm -f "$file.signed"
	if ! osslsigncode sign "${args[@]}" -h sha256 \
		-n "CloudMoo" -i "https://github.com/cloudmoo/cloudmoo-desktop" \
		-in "$file" -out "$file.signed"; then
		rm -rf "$passdir"
		die "osslsigncode could not sign $file"
	fi
	rm -rf "$passdir"
	mv "$file.signed" "$file"
	osslsigncode verify -in "$file" >/dev/null 2>&1 ||
		echo "package-windows: note: osslsigncode verify cannot chain $(basename "${file%.tmp}") to a trusted root here (expected for a self-signed or private CA certificate)"
	echo "package-windows: signed $(basename "${file%.tmp}")"
}

case "${1:-}" in
exe) [ $# -eq 2 ] || die "usage: $0 exe OUT.exe"; cmd_exe "$2" ;;
ico) [ $# -eq 2 ] || die "usage: $0 ico OUT.ico"; cmd_ico "$2" ;;
msi) [ $# -eq 4 ] || die "usage: $0 msi EXE ICO OUT.msi"; cmd_msi "$2" "$3" "$4" ;;
sign) [ $# -eq 2 ] || die "usage: $0 sign FILE"; cmd_sign "$2" ;;
*) die "usage: $0 exe|ico|msi|sign ..." ;;
esac
