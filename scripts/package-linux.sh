#!/usr/bin/env bash
# package-linux.sh: the Linux pieces of `make package-linux`, `make deb` and
# `make rpm` (see PACKAGING.md). The Makefile builds the release binary once;
# this script never builds Go code and never writes into the source tree.
#
#   scripts/package-linux.sh docs    BIN OUTDIR     copyright, changelog.Debian.gz, man page
#   scripts/package-linux.sh tarball BIN OUT.tar.xz `fyne package` tarball with its install Makefile
#   scripts/package-linux.sh release-date|release-epoch  VERSION's release date in the metainfo
#
# Environment: VERSION (required), FYNE (the fyne CLI, default .cache/bin/fyne-v1.7.4),
# PKG_MAINTAINER (the Debian changelog's signer).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

: "${VERSION:?VERSION is not set (the Makefile reads it from FyneApp.toml)}"
FYNE=${FYNE:-.cache/bin/fyne-v1.7.4}
PKG_MAINTAINER=${PKG_MAINTAINER:-CloudMoo Desktop authors <desktop@cloudmoo.com>}
readonly app_id=com.cloudmoo.desktop
readonly metainfo=packaging/linux/$app_id.metainfo.xml
readonly desktop=packaging/linux/$app_id.desktop

die() { echo "package-linux: $*" >&2; exit 1; }

# release_date prints the date of VERSION's <release> in the metainfo, which is
# where each version's release notes live; a version without one is an error,
# so the notes cannot be forgotten when FyneApp.toml's Version is bumped.
release_date() {
	local d
	d=$(sed -n "s/.*<release version=\"${VERSION//./\\.}\" date=\"\([0-9-]*\)\".*/\1/p" "$metainfo" | head -1)
	[ -n "$d" ] || die "$metainfo has no <release version=\"$VERSION\" date=\"YYYY-MM-DD\">: add the release notes there first (PACKAGING.md, \"Releasing\")"
	echo "$d"
}

# release_notes prints VERSION's release description as plain text lines.
release_notes() {
	awk -v v="$VERSION" '
		index($0, "<release version=\"" v "\"") { on = 1; next }
		on && /<\/release>/ { exit }
		on { print }' "$metainfo" |
		sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/^[[:space:]]*//' |
		awk 'NF'
}

cmd_docs() {
	local bin=$1 out=$2 date epoch
	[ -x "$bin" ] || die "no binary at $bin"
	date=$(release_date)
	epoch=$(date -u -d "$date" +%s)
	mkdir -p "$out"

	# Debian's machine-readable copyright file, its licence text from LICENSE.
	{
		echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
		echo "Upstream-Name: cloudmoo-desktop"
		echo "Source: https://github.com/cloudmoo/cloudmoo-desktop"
		echo
		echo "Files: *"
		echo "Copyright: $(sed -n 's/^Copyright (c) //p' LICENSE | head -1)"
		echo "License: Expat"
		echo
		echo "License: Expat"
		sed -e '1,/^Copyright/d' LICENSE | sed -e '/./,$!d' -e 's/^$/./' -e 's/^/ /'
	} >"$out/copyright"

	# A Debian changelog entry for this version, from the metainfo's notes.
	{
		echo "cloudmoo-desktop ($VERSION-1) stable; urgency=medium"
		echo
		release_notes | fold -s -w 74 | sed -e '1s/^/  * /' -e '2,$s/^/    /' -e 's/[[:space:]]*$//'
		echo
		echo " -- $PKG_MAINTAINER  $(LC_ALL=C date -u -d "$date" '+%a, %d %b %Y %H:%M:%S +0000')"
	} | gzip -9n >"$out/changelog.Debian.gz"

	# The man page: fixed sections plus the binary's own --help, so the
	# command list never drifts from the program.
	local help
	help=$("$bin" --help 2>&1) || die "$bin --help failed"
	{
		echo ".TH CLOUDMOO-DESKTOP 1 \"$date\" \"cloudmoo-desktop $VERSION\" \"User Commands\""
		echo ".SH NAME"
		echo "cloudmoo-desktop \\- watch Hetzner Cloud projects and their API rate limits"
		echo ".SH SYNOPSIS"
		echo ".B cloudmoo-desktop"
		echo "[\\fB\\-\\-demo\\fR]"
		echo ".br"
		echo ".B cloudmoo-desktop"
		echo "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]"
		echo ".SH DESCRIPTION"
		echo "Without a command, CloudMoo opens its window: your Hetzner Cloud projects, each"
		echo "project's API token kept only in the system keychain (Secret Service), its"
		echo "permission (Read or Read & Write) and its live rate-limit budget."
		echo "With a command it is a command-line tool and opens no window."
		echo ".SH USAGE"
		echo ".nf"
		printf '%s\n' "$help" | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"
		echo ".fi"
		echo ".SH FILES"
		echo ".TP"
		echo ".I \$XDG_CONFIG_HOME/cloudmoo/projects.json"
		echo "The projects and settings (no tokens). Tokens live in the keychain under the"
		echo "service com.cloudmoo.desktop."
		echo ".SH SEE ALSO"
		echo "https://github.com/cloudmoo/cloudmoo-desktop"
	} | gzip -9n >"$out/cloudmoo-desktop.1.gz"
	touch -d "@$epoch" "$out"/*
}

cmd_tarball() {
	local bin=$1 out=$2 work
	[ -x "$bin" ] || die "no binary at $bin"
	[ -x "$FYNE" ] || die "no fyne CLI at $FYNE (make installs it)"
	bin=$(realpath "$bin")
	out=$(realpath -m "$out")
	work=$(mktemp -d "${TMPDIR:-/tmp}/cloudmoo-tarball.XXXXXX")
	trap 'rm -rf "$work"' RETURN

	# --executable: fyne packs the release binary the Makefile built (the same
	# bytes as in the .deb and .rpm) instead of building its own, so it writes
	# nothing into --src (no fyne_metadata_init.go, no binary). There is no
	# FyneApp.toml in --src, so it has nothing to bump either; the flags carry
	# what FyneApp.toml would. fyne writes the tarball into its working
	# directory: a temporary one.
	(cd "$work" && "$root/$FYNE" package -os linux --release \
		--src "$root/cmd/cloudmoo-desktop" \
		--executable "$bin" \
		--icon "$root/assets/icon-256.png" \
		--name CloudMoo --app-id "$app_id" --app-version "$VERSION" \
		--tags migrated_fynedo)
	[ -f "$work/CloudMoo.tar.xz" ] || die "fyne package wrote no CloudMoo.tar.xz"

	# Swap fyne's generated desktop entry (Keywords=fyne;, no Comment or
	# Categories) for ours, the one the .deb and .rpm ship, and repack
	# reproducibly: same layout, owner root, mtime of the release date.
	mkdir "$work/x"
	tar -xJf "$work/CloudMoo.tar.xz" -C "$work/x"
	local entry
	[ -d "$work/x/cloudmoo-desktop" ] || die "fyne's tarball has no cloudmoo-desktop/ folder"
	entry=$(find "$work/x" -path "*/share/applications/$app_id.desktop")
	[ -n "$entry" ] || die "fyne's tarball has no $app_id.desktop"
	install -m 0644 "$desktop" "$entry"
	local epoch
	epoch=$(date -u -d "$(release_date)" +%s)
	mkdir -p "$(dirname "$out")"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
		-C "$work/x" -cf - cloudmoo-desktop | xz -T0 -6 >"$out.tmp"
	mv "$out.tmp" "$out"
}

case "${1:-}" in
docs) [ $# -eq 3 ] || die "usage: $0 docs BIN OUTDIR"; cmd_docs "$2" "$3" ;;
tarball) [ $# -eq 3 ] || die "usage: $0 tarball BIN OUT.tar.xz"; cmd_tarball "$2" "$3" ;;
release-date) release_date ;;
release-epoch) date -u -d "$(release_date)" +%s ;;
*) die "usage: $0 docs|tarball|release-date|release-epoch ..." ;;
esac
