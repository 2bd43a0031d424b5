#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a make target needs, only when some
# are missing. As root (or with sudo) it runs apt-get; otherwise it prints
# the exact command and fails, so nothing happens behind the user's back.
#   scripts/install-deps.sh build|test|package ...
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev wayland-protocols libxkbcommon-dev)
test_pkgs=(xvfb xdotool x11-utils imagemagick gnome-keyring libsecret-tools dbus desktop-file-utils appstream bc procps)
package_pkgs=(rpm lintian wixl msitools mingw-w64 file xz-utils binutils desktop-file-utils appstream osslsigncode openssl)

want=()
for group in "$@"; do
  case "$group" in
    build) want+=("${build_pkgs[@]}") ;;
    test) want+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    package) want+=("${build_pkgs[@]}" "${package_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$group' (build, test or package)" >&2; exit 2 ;;
  esac
done

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed. Install Go 1.26 from https://go.dev/dl/ and run make again." >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: this is not a Debian/Ubuntu system; install the equivalents of: ${want[*]}" >&2
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# De-duplicate while keeping order.
readarray -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Missing packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo ${cmd[*]}" >&2
  exit 1
fi
echo "Installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" "${cmd[@]}"
