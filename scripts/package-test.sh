#!/usr/bin/env bash
# package-test.sh: checks the installers and archives that `make packages` wrote
# (run it through `make test-packages`, which builds them first and passes their
# paths). One PASS/FAIL line per check, then "N passed, M failed"; the exit code
# is non-zero when any check failed. Runs unattended as root; installs into
# throwaway roots only (dpkg --root, rpm --root), never into the system.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

for v in VERSION LINUX_BIN TARBALL DEB RPM WIN_EXE MSI SUMS; do
	[ -n "${!v:-}" ] || { echo "package-test: $v is not set; run make test-packages" >&2; exit 2; }
	[ "$v" = VERSION ] || printf -v "$v" '%s' "$(realpath -m "${!v}")"
done
FYNE=${FYNE:-.cache/bin/fyne-v1.7.4}
readonly app_id=com.cloudmoo.desktop
readonly upgrade_code='{0FB1A365-0F84-4DE3-96E1-8524CCCC4B82}'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloudmoo-package-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# check NAME CMD...: runs CMD with its output in a log, which is shown on failure.
check() {
	local name=$1; shift
	local log=$tmp/log
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1)); echo "PASS $name"
	else
		failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' "$log" | tail -40
	fi
}
# has FILE WORDS...: every word occurs as a whole line in FILE.
has() { local f=$1 w; shift; for w in "$@"; do grep -qxF -- "$w" "$f" || { echo "missing: $w"; return 1; }; done; }
note() { echo "     $*"; }

# ---- Sources: desktop entry and AppStream metainfo -----------------------------
t_desktop_src() { desktop-file-validate packaging/linux/$app_id.desktop && [ -z "$(desktop-file-validate packaging/linux/$app_id.desktop)" ]; }
check "desktop-file-validate packaging/linux/$app_id.desktop (no errors, warnings or hints)" t_desktop_src

t_metainfo_src() {
	appstreamcli validate --no-net packaging/linux/$app_id.metainfo.xml || return 1
	# Pedantic notes are allowed (PACKAGING.md lists them) but not errors or warnings.
	appstreamcli validate --no-net --pedantic packaging/linux/$app_id.metainfo.xml | tee "$tmp/asv"
	! grep -qE '^[EW]:' "$tmp/asv"
}
check "appstreamcli validate --no-net packaging/linux/$app_id.metainfo.xml (no errors or warnings)" t_metainfo_src

t_release() { grep -q "<release version=\"$VERSION\" date=\"[0-9-]*\"" packaging/linux/$app_id.metainfo.xml; }
check "metainfo has a <release> for $VERSION (the version from FyneApp.toml)" t_release

# ---- The release binary the Linux packages share --------------------------------
t_bin() {
	[ "$("$LINUX_BIN" version)" = "cloudmoo-desktop $VERSION" ] || return 1
	file "$LINUX_BIN" | tee /dev/stderr | grep -q 'ELF 64-bit LSB pie executable, x86-64.*stripped' || return 1
	readelf -d "$LINUX_BIN" | grep -q 'FLAGS_1.*NOW PIE'
}
check "linux binary: stripped x86-64 PIE with BIND_NOW, 'version' prints cloudmoo-desktop $VERSION" t_bin

readelf -d "$LINUX_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u >"$tmp/needed"
strings -a "$LINUX_BIN" | grep -E '^lib[A-Za-z0-9_+-]+\.so\.[0-9]+$' | sort -u >"$tmp/dlopen"
note "NEEDED: $(tr '\n' ' ' <"$tmp/needed")"

# ---- Tarball (fyne package) ---------------------------------------------------
t_tar_list() {
	tar -tJf "$TARBALL" | sort >"$tmp/tar.list"; cat "$tmp/tar.list"
	has "$tmp/tar.list" cloudmoo-desktop/Makefile cloudmoo-desktop/usr/local/bin/cloudmoo-desktop \
		cloudmoo-desktop/usr/local/share/applications/$app_id.desktop \
		cloudmoo-desktop/usr/local/share/pixmaps/$app_id.png
}
check "tarball $(basename "$TARBALL") lists Makefile, binary, desktop entry, icon" t_tar_list

t_tar_content() {
	mkdir "$tmp/tar" && tar -xJf "$TARBALL" -C "$tmp/tar" || return 1
	local d=$tmp/tar/cloudmoo-desktop
	[ "$("$d/usr/local/bin/cloudmoo-desktop" version)" = "cloudmoo-desktop $VERSION" ] || { echo "wrong version"; return 1; }
	cmp "$d/usr/local/share/applications/$app_id.desktop" packaging/linux/$app_id.desktop || return 1
	cmp "$d/usr/local/share/pixmaps/$app_id.png" assets/icon-256.png || return 1
	# Its Makefile installs into a staging root.
	make -s -C "$d" install DESTDIR="$tmp/tar-inst" PREFIX=/usr || return 1
	find "$tmp/tar-inst" -type f | sort
	[ -x "$tmp/tar-inst/usr/bin/cloudmoo-desktop" ] && [ -f "$tmp/tar-inst/usr/share/applications/$app_id.desktop" ] &&
		[ -f "$tmp/tar-inst/usr/share/pixmaps/$app_id.png" ]
}
check "tarball: binary prints $VERSION, our desktop entry and icon, its Makefile installs them" t_tar_content

# ---- .deb ----------------------------------------------------------------------
deb_files=(/usr/bin/cloudmoo-desktop
	"/usr/share/applications/$app_id.desktop"
	"/usr/share/metainfo/$app_id.metainfo.xml"
	"/usr/share/icons/hicolor/48x48/apps/$app_id.png"
	"/usr/share/icons/hicolor/128x128/apps/$app_id.png"
	"/usr/share/icons/hicolor/256x256/apps/$app_id.png"
	"/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
	/usr/share/man/man1/cloudmoo-desktop.1.gz
	/usr/share/doc/cloudmoo-desktop/copyright
	/usr/share/doc/cloudmoo-desktop/changelog.Debian.gz)
t_deb_list() {
	dpkg-deb -c "$DEB" | awk '{print $NF}' | sed 's/^\.//' | sort >"$tmp/deb.list"; cat "$tmp/deb.list"
	has "$tmp/deb.list" "${deb_files[@]}"
}
check "deb: dpkg-deb -c lists binary, desktop entry, metainfo, hicolor icons, man page, copyright" t_deb_list

t_deb_fields() {
	dpkg-deb -f "$DEB" Package Version Architecture Depends Recommends Maintainer | tee "$tmp/deb.fields"
	[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION-1" ] && [ "$(dpkg-deb -f "$DEB" Architecture)" = amd64 ] &&
		dpkg-deb -f "$DEB" Recommends | grep -qF 'gnome-keyring | keepassxc'
}
check "deb: version $VERSION-1, amd64, recommends gnome-keyring | keepassxc" t_deb_fields

t_deb_x() {
	mkdir "$tmp/debx" && dpkg-deb -x "$DEB" "$tmp/debx" || return 1
	[ "$("$tmp/debx/usr/bin/cloudmoo-desktop" version)" = "cloudmoo-desktop $VERSION" ] || return 1
	desktop-file-validate "$tmp/debx/usr/share/applications/$app_id.desktop" || return 1
	zcat "$tmp/debx/usr/share/man/man1/cloudmoo-desktop.1.gz" | grep -q '^\.TH CLOUDMOO-DESKTOP 1' || return 1
	local s
	for s in 48 128 256; do
		file "$tmp/debx/usr/share/icons/hicolor/${s}x${s}/apps/$app_id.png" | grep -q "$s x $s" || { echo "icon ${s}x$s has the wrong size"; return 1; }
	done
	# The installed tree as a whole: metainfo, its launchable and the icons.
	appstreamcli validate-tree --no-net "$tmp/debx"
}
check "deb: extracted usr/bin/cloudmoo-desktop prints $VERSION; entry, man page, icon sizes, appstreamcli validate-tree" t_deb_x

# Every NEEDED library is declared, with the oldest glibc that has every symbol
# the binary uses; every declared library is NEEDED or named for dlopen.
t_deb_deps() {
	local deps lib path pkg min
	deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/^ *//')
	echo "$deps"
	while read -r lib; do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
		pkg=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$pkg" ] || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$pkg" ] || { echo "cannot tell which package ships $lib (is it installed?)"; return 1; }
		echo "NEEDED $lib -> $pkg"
		echo "$deps" | grep -qE "^$pkg( |$)" || { echo "NEEDED $lib ($pkg) is not in Depends"; return 1; }
	done <"$tmp/needed"
	min=$(objdump -T "$LINUX_BIN" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | cut -d_ -f2)
	echo "$deps" | grep -qxF "libc6 (>= $min)" || { echo "Depends lacks libc6 (>= $min)"; return 1; }
	for pkg in $(echo "$deps" | awk '{print $1}' | grep -vx libc6); do
		local found=
		for lib in $(dpkg -L "$pkg" 2>/dev/null | grep -oE 'lib[^/]*\.so\.[0-9]+$' | sort -u); do
			grep -qxF "$lib" "$tmp/needed" "$tmp/dlopen" && found=$lib
		done
		[ -n "$found" ] || { echo "Depends: $pkg: none of its libraries is NEEDED or dlopened by the binary (or it is not installed here)"; return 1; }
		echo "Depends $pkg <- $found"
	done
}
check "deb: Depends covers every NEEDED library (libc6 >= highest GLIBC_ symbol), nothing unused" t_deb_deps

t_deb_install() {
	local r=$tmp/dpkgroot
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers" "$r/usr/bin"
	: >"$r/var/lib/dpkg/status"; : >"$r/var/lib/dpkg/available"
	dpkg --root="$r" --force-depends --force-script-chrootless -i "$DEB" || return 1
	dpkg --root="$r" -s cloudmoo-desktop | grep -qx 'Status: install ok installed' || return 1
	[ "$("$r/usr/bin/cloudmoo-desktop" version)" = "cloudmoo-desktop $VERSION" ] || return 1
	dpkg --root="$r" --force-script-chrootless -P cloudmoo-desktop || return 1
	local left
	left=$(find "$r/usr" -type f)
	[ -z "$left" ] || { echo "left behind after purge:"; echo "$left"; return 1; }
}
check "deb: dpkg --root installs into a throwaway root, the binary runs, purge removes every file" t_deb_install

t_lintian() {
	# Accepted tags are overridden in packaging/linux/lintian-overrides (shipped
	# in the package), each with its reason; PACKAGING.md has the list.
	lintian --fail-on error,warning --display-info --tag-display-limit 0 "$DEB"
	local rc=$?
	# Again to list the overridden tags (--show-overrides turns the exit code into 2).
	lintian --display-info --show-overrides --tag-display-limit 0 "$DEB" >"$tmp/lintian" 2>/dev/null
	echo "errors: $(grep -c '^E:' "$tmp/lintian"), warnings: $(grep -c '^W:' "$tmp/lintian"), info: $(grep -c '^I:' "$tmp/lintian"), overridden: $(grep -c '^O:' "$tmp/lintian")"
	return "$rc"
}
check "deb: lintian has no errors or warnings (overrides listed with reasons)" t_lintian
grep -E '^[EWIO]:' "$tmp/lintian" 2>/dev/null | sed 's/^/     lintian /' | head -30

# ---- .rpm ----------------------------------------------------------------------
t_rpm_list() {
	rpm -qlp "$RPM" 2>/dev/null | sort >"$tmp/rpm.list"; cat "$tmp/rpm.list"
	has "$tmp/rpm.list" /usr/bin/cloudmoo-desktop /usr/share/applications/$app_id.desktop \
		/usr/share/metainfo/$app_id.metainfo.xml /usr/share/icons/hicolor/48x48/apps/$app_id.png \
		/usr/share/icons/hicolor/128x128/apps/$app_id.png /usr/share/icons/hicolor/256x256/apps/$app_id.png \
		/usr/share/icons/hicolor/scalable/apps/$app_id.svg /usr/share/man/man1/cloudmoo-desktop.1.gz \
		/usr/share/doc/cloudmoo-desktop/LICENSE
	[ "$(rpm -qp --qf '%{VERSION}-%{RELEASE}.%{ARCH}' "$RPM" 2>/dev/null)" = "$VERSION-1.x86_64" ] || { echo "wrong version/arch"; return 1; }
}
check "rpm: rpm -qlp lists the same files (LICENSE as %license), version $VERSION-1.x86_64" t_rpm_list

t_rpm_requires() {
	rpm -qp --requires "$RPM" 2>/dev/null | tee "$tmp/rpm.req"
	echo "recommends: $(rpm -qp --recommends "$RPM" 2>/dev/null)"
	local lib so
	while read -r lib; do
		grep -qxF "$lib()(64bit)" "$tmp/rpm.req" || { echo "NEEDED $lib is not required as $lib()(64bit)"; return 1; }
	done <"$tmp/needed"
	for so in $(sed -n 's/^\(lib[^(]*\.so\.[0-9]*\)()(64bit)$/\1/p' "$tmp/rpm.req"); do
		grep -qxF "$so" "$tmp/needed" "$tmp/dlopen" || { echo "required $so is neither NEEDED nor dlopened"; return 1; }
	done
	rpm -qp --recommends "$RPM" 2>/dev/null | grep -qF '(gnome-keyring or keepassxc)'
}
check "rpm: rpm -qp --requires names every NEEDED soname, nothing unused; recommends a Secret Service" t_rpm_requires
note "rpm requires: $(grep -v '^rpmlib' "$tmp/rpm.req" 2>/dev/null | tr '\n' ' ')"

t_rpm_install() {
	local r=$tmp/rpmroot
	mkdir -p "$r"
	rpm --root "$r" --initdb || return 1
	rpm --root "$r" -i --nodeps --noscripts --notriggers "$RPM" || return 1
	[ "$("$r/usr/bin/cloudmoo-desktop" version)" = "cloudmoo-desktop $VERSION" ] || return 1
	rpm --root "$r" -e --nodeps --noscripts cloudmoo-desktop || return 1
	local left
	left=$(find "$r/usr" -type f 2>/dev/null)
	[ -z "$left" ] || { echo "left behind after erase:"; echo "$left"; return 1; }
}
check "rpm: rpm --root installs into a throwaway root, the binary runs, erase removes every file" t_rpm_install

# ---- Windows -------------------------------------------------------------------
t_exe() {
	file "$WIN_EXE" | tee /dev/stderr | grep -q 'PE32+ executable (GUI) x86-64' || return 1
	# VS_VERSIONINFO strings are UTF-16.
	strings -a -el "$WIN_EXE" >"$tmp/exe.strings"
	if ! grep -qxF CloudMoo "$tmp/exe.strings" || ! grep -qxF "$VERSION.${BUILD:-1}" "$tmp/exe.strings"; then
		echo "no ProductName CloudMoo / ProductVersion $VERSION.${BUILD:-1} in the version resource"; return 1
	fi
	# Resource types: 3 RT_ICON, 0xe RT_GROUP_ICON, 0x10 RT_VERSION, 0x18 RT_MANIFEST.
	x86_64-w64-mingw32-objdump -p "$WIN_EXE" | tee "$tmp/exe.pe" | grep -E 'Subsystem|^[0-9a-f]{3}   Entry: ID:'
	grep -q 'Subsystem.*(Windows GUI)' "$tmp/exe.pe" || return 1
	local type
	for type in 0x000003 0x00000e 0x000010 0x000018; do
		grep -qE "^[0-9a-f]{3}   Entry: ID: $type," "$tmp/exe.pe" || { echo "no resource of type $type"; return 1; }
	done
}
check "exe: PE32+ executable (GUI) x86-64; icon, version (CloudMoo $VERSION.${BUILD:-1}) and manifest resources" t_exe

t_msi_tables() {
	msiinfo tables "$MSI" | tr '\n' ' '; echo
	msiinfo export "$MSI" File | tee "$tmp/msi.file"
	grep -qP '^CloudMooExe\tMainExecutable\tcloudmoo-desktop\.exe\t' "$tmp/msi.file" || return 1
	msiinfo export "$MSI" Shortcut | tee "$tmp/msi.shortcut"
	grep -qP '^CloudMooStartMenu\tProgramMenuFolder\tCloudMoo\tStartMenuShortcut\t\[#CloudMooExe\]' "$tmp/msi.shortcut" || return 1
	msiinfo export "$MSI" Property | tee "$tmp/msi.property"
	grep -qP "^ProductVersion\t$VERSION\r?$" "$tmp/msi.property" || { echo "ProductVersion is not $VERSION"; return 1; }
	grep -qP "^UpgradeCode\t\Q$upgrade_code\E\r?$" "$tmp/msi.property" || { echo "UpgradeCode changed"; return 1; }
	grep -qP '^ARPPRODUCTICON\t' "$tmp/msi.property" || return 1
}
check "msi: File table has cloudmoo-desktop.exe, Shortcut table the Start-menu shortcut, Property ProductVersion $VERSION" t_msi_tables

t_msi_install_logic() {
	msiinfo export "$MSI" Directory | tee "$tmp/msi.dir"
	grep -qP '^INSTALLDIR\tProgramFiles64Folder\tCloudMoo\r?$' "$tmp/msi.dir" || { echo "not installed to Program Files\\CloudMoo"; return 1; }
	msiinfo export "$MSI" Component | tee "$tmp/msi.comp"
	# 256 = msidbComponentAttributes64bit on every component.
	awk -F'\t' 'NR > 3 && $4 % 512 < 256 {bad = 1; print "32-bit component: " $1} END {exit bad}' "$tmp/msi.comp" || return 1
	msiinfo export "$MSI" Upgrade | tee "$tmp/msi.upg"
	grep -qF "$upgrade_code" "$tmp/msi.upg" || return 1
	msiinfo export "$MSI" InstallExecuteSequence >"$tmp/msi.seq"
	local a
	for a in FindRelatedProducts RemoveExistingProducts RemoveShortcuts RemoveFiles InstallFiles CreateShortcuts RegisterProduct PublishProduct; do
		grep -qP "^$a\t" "$tmp/msi.seq" || { echo "InstallExecuteSequence lacks $a"; return 1; }
	done
	msiinfo suminfo "$MSI" | tee "$tmp/msi.sum"
	grep -qx 'Template: x64;1033' "$tmp/msi.sum"
}
check "msi: Program Files\\CloudMoo, 64-bit components, MajorUpgrade rows, uninstall entry (RegisterProduct/PublishProduct)" t_msi_install_logic

t_msi_payload() {
	mkdir "$tmp/msix" && (cd "$tmp/msix" && msiextract "$MSI" >/dev/null) || return 1
	find "$tmp/msix" -type f | sed "s|$tmp/msix/||"
	local exe
	exe=$(find "$tmp/msix" -name cloudmoo-desktop.exe | head -1)
	[ -n "$exe" ] && cmp "$exe" "$WIN_EXE" && [ -n "$(find "$tmp/msix" -name LICENSE.txt)" ]
}
check "msi: msiextract yields the same cloudmoo-desktop.exe and LICENSE.txt" t_msi_payload

t_sign() {
	# The optional signing step, with a throwaway self-signed certificate.
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=CloudMoo test signing" \
		-keyout "$tmp/sign.key" -out "$tmp/sign.crt" 2>/dev/null || return 1
	cp "$WIN_EXE" "$tmp/signed.exe"; cp "$MSI" "$tmp/signed.msi"
	SIGN_CERT=$tmp/sign.crt SIGN_KEY=$tmp/sign.key scripts/package-windows.sh sign "$tmp/signed.exe" || return 1
	SIGN_CERT=$tmp/sign.crt SIGN_KEY=$tmp/sign.key scripts/package-windows.sh sign "$tmp/signed.msi" || return 1
	osslsigncode verify -CAfile "$tmp/sign.crt" -in "$tmp/signed.exe" | grep -q 'CloudMoo test signing' || return 1
	osslsigncode verify -CAfile "$tmp/sign.crt" -in "$tmp/signed.msi" | grep -q 'CloudMoo test signing' || return 1
	openssl pkcs12 -export -passout pass:test -inkey "$tmp/sign.key" -in "$tmp/sign.crt" -out "$tmp/sign.pfx" || return 1
	cp "$WIN_EXE" "$tmp/signed2.exe"
	SIGN_PFX=$tmp/sign.pfx SIGN_PASS=test scripts/package-windows.sh sign "$tmp/signed2.exe" || return 1
	osslsigncode verify -CAfile "$tmp/sign.crt" -in "$tmp/signed2.exe" | grep -q 'CloudMoo test signing'
}
check "signing: osslsigncode signs the exe and the msi (PEM cert+key, and PKCS#12 + password)" t_sign

# ---- macOS recipe, checksums, tracked files ------------------------------------
t_darwin() {
	local out
	out=$(make -s darwin 2>&1); local rc=$?
	echo "$out"
	[ "$(uname -s)" = Darwin ] && return 0
	[ $rc -ne 0 ] && echo "$out" | grep -q 'only be built on a Mac'
}
check "make darwin fails here with a clear message (not macOS)" t_darwin

t_darwin_app() {
	printf '#!/bin/sh\necho stand-in\n' >"$tmp/stand-in"; chmod +x "$tmp/stand-in"
	scripts/package-darwin.sh app "$tmp/stand-in" "$tmp/mac" || return 1
	local plist=$tmp/mac/CloudMoo.app/Contents/Info.plist
	cat "$plist"
	grep -A1 CFBundleIdentifier "$plist" | grep -q "<string>$app_id</string>" &&
		grep -A1 CFBundleShortVersionString "$plist" | grep -q "<string>$VERSION</string>" &&
		[ -x "$tmp/mac/CloudMoo.app/Contents/MacOS/stand-in" ] && [ -s "$tmp/mac/CloudMoo.app/Contents/Resources/icon.icns" ]
}
check "macOS recipe: fyne assembles CloudMoo.app (bundle id, version, icns) around a stand-in executable" t_darwin_app

t_sums() {
	(cd "$(dirname "$SUMS")" && sha256sum -c "$(basename "$SUMS")") || return 1
	local f
	for f in "$TARBALL" "$DEB" "$RPM" "$WIN_EXE" "$MSI"; do
		grep -q "  $(basename "$f")\$" "$SUMS" || { echo "$(basename "$f") is not in SHA256SUMS"; return 1; }
	done
}
check "SHA256SUMS lists all five artefacts and sha256sum -c passes" t_sums

# fyne package must leave the working tree alone: run the three fyne steps
# again (tarball, Windows exe, .app) and compare the tree before and after.
snapshot() {
	{
		git status --porcelain --untracked-files=all -- FyneApp.toml go.mod go.sum cmd assets packaging 2>/dev/null
		git ls-files -z -- FyneApp.toml go.mod go.sum cmd assets packaging 2>/dev/null | xargs -0 sha256sum 2>/dev/null
		find cmd assets packaging FyneApp.toml -newer "$tmp/start" -print 2>/dev/null
	}
}
t_tree_untouched() {
	git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "not a git checkout"; return 1; }
	touch "$tmp/start"; sleep 1
	snapshot >"$tmp/before"
	scripts/package-linux.sh tarball "$LINUX_BIN" "$tmp/again/t.tar.xz" || return 1
	scripts/package-windows.sh exe "$tmp/again/w.exe" || return 1
	printf '#!/bin/sh\n' >"$tmp/again/x"; chmod +x "$tmp/again/x"
	scripts/package-darwin.sh app "$tmp/again/x" "$tmp/again/mac" || return 1
	snapshot >"$tmp/after"
	diff "$tmp/before" "$tmp/after" || return 1
	file "$tmp/again/w.exe" | grep -q 'PE32+ executable (GUI) x86-64'
}
check "fyne package (tarball, Windows exe, .app) again: no tracked or source file changed, FyneApp.toml untouched" t_tree_untouched

echo
echo "artefacts:"
for f in "$TARBALL" "$DEB" "$RPM" "$WIN_EXE" "$MSI"; do
	printf '  %-52s %9s bytes (%s)\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(du -h "$f" | cut -f1)"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
