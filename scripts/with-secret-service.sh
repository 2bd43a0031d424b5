#!/usr/bin/env bash
# with-secret-service.sh runs a command against a throwaway, unlocked
# gnome-keyring Secret Service on a private D-Bus session bus, the way
# go-keyring's own CI does. It exists so keychain integration tests never touch
# the developer's real keyring and never depend on a desktop session.
#
# Usage: scripts/with-secret-service.sh CMD [ARGS...]
#   e.g. scripts/with-secret-service.sh go test -race -run . -count=1 ./core/keychain/
#
# The command sees CLOUDMOO_SECRET_SERVICE=1 (which enables the integration
# tests), a fresh HOME/XDG_DATA_HOME/XDG_RUNTIME_DIR and the private bus in
# DBUS_SESSION_BUS_ADDRESS. The script exits with the command's exit code and
# leaves no gnome-keyring-daemon, dbus-daemon or temporary files behind.
#
# Needs: dbus (dbus-run-session, dbus-send) and gnome-keyring. Works as root.
set -euo pipefail

# The login keyring password of the throwaway keyring; it protects nothing.
readonly keyring_password=test

if [[ $# -eq 0 ]]; then
	echo "usage: $0 CMD [ARGS...]   (runs CMD with a throwaway unlocked Secret Service)" >&2
	exit 2
fi

for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found; install it with: apt install dbus gnome-keyring libsecret-tools" >&2
		exit 127
	fi
done

# A new HOME matters: an old login.keyring with another password makes
# gnome-keyring refuse to unlock ("failed to unlock correct collection").
# Go's caches and settings live under HOME by default, so pin them first;
# otherwise `go test` would start with an empty module cache and need the
# network.
if command -v go >/dev/null 2>&1; then
	GOPATH="$(go env GOPATH)"
	GOCACHE="$(go env GOCACHE)"
	GOMODCACHE="$(go env GOMODCACHE)"
	GOENV="$(go env GOENV)"
	export GOPATH GOCACHE GOMODCACHE GOENV
fi

# is_a reports whether pid still exists as the named command (a zombie
# counts: it only vanishes once init reaps it). Checking the name means a
# recycled pid is never touched.
is_a() {
	[[ $1 =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2" ]]
}

zombie() {
	[[ "$(cut -d" " -f3 "/proc/$1/stat" 2>/dev/null)" == Z ]]
}

# wait_gone waits up to 5 s for a process to disappear, so that `pgrep` right
# after this script shows nothing; it returns as soon as the process is gone
# or the pid belongs to another program.
wait_gone() {
	for _ in $(seq 50); do
		is_a "$1" "$2" || return 0
		sleep 0.1
	done
}

# stragglers lists processes other than this script that still run with our
# throwaway HOME: only this run can have started them. gnome-keyring-daemon
# started with --login or --daemonize, for example, detaches from the bus and
# would otherwise run forever.
stragglers() {
	local dir pid
	for dir in /proc/[0-9]*; do
		pid=${dir#/proc/}
		[[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
		zombie "$pid" && continue
		if grep -qzx -- "HOME=$tmp/home" "$dir/environ" 2>/dev/null; then
			echo "$pid $(cat "$dir/comm" 2>/dev/null)"
		fi
	done
}

# cleanup runs on every exit. dbus-run-session signals its bus daemon on exit
# but does not wait for it, so wait here; then stop whatever the command left
# running and delete the throwaway HOME.
cleanup() {
	local bus_pid pid comm
	bus_pid="$(cat "$tmp/bus.pid" 2>/dev/null || true)"
	wait_gone "$bus_pid" dbus-daemon
	if is_a "$bus_pid" dbus-daemon && ! zombie "$bus_pid"; then
		kill "$bus_pid" 2>/dev/null || true
	fi
	while read -r pid comm; do
		echo "with-secret-service.sh: stopping $comm (pid $pid), left behind by the command" >&2
		kill "$pid" 2>/dev/null || true
		wait_gone "$pid" "$comm"
		if is_a "$pid" "$comm" && ! zombie "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done < <(stragglers)
	rm -rf -- "$tmp"
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cloudmoo-secret-service.XXXXXXXX")"
# We do not exec dbus-run-session: staying the parent lets cleanup (below)
# stop leftover daemons and delete the temporary keyring, which holds test
# tokens, even when dbus-run-session fails or the run is interrupted.
trap cleanup EXIT

mkdir -m 700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export CLOUDMOO_SECRET_SERVICE=1
export CLOUDMOO_SECRET_SERVICE_TMP="$tmp"
# Nothing from the caller's desktop may leak in: a display would let
# gnome-keyring show real prompts, and these point at the caller's daemons.
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS

# The inner script runs on the private bus. It starts the daemon in the
# foreground as its own child, so it can kill and reap it (a daemonized one
# would be re-parented and could outlive the bus).
inner='
set -euo pipefail
tmp=$CLOUDMOO_SECRET_SERVICE_TMP
unset CLOUDMOO_SECRET_SERVICE_TMP

printf %s "$KEYRING_PASSWORD" |
	gnome-keyring-daemon --foreground --unlock --components=secrets \
		>"$tmp/keyring.env" 2>"$tmp/keyring.log" &
keyring_pid=$!
unset KEYRING_PASSWORD

stop_keyring() {
	if kill -0 "$keyring_pid" 2>/dev/null; then
		kill "$keyring_pid" 2>/dev/null || true
	fi
	wait "$keyring_pid" 2>/dev/null || true
}
trap stop_keyring EXIT

# Some gnome-keyring versions print VAR=value lines (GNOME_KEYRING_CONTROL,
# SSH_AUTH_SOCK); pass them on without eval so odd output cannot run code.
export_keyring_env() {
	local line
	while IFS= read -r line; do
		if [[ $line =~ ^[A-Z_][A-Z0-9_]*= ]]; then
			export "${line%%=*}=${line#*=}"
		fi
	done <"$tmp/keyring.env"
}

# Poll with NameHasOwner: it does not activate services, whereas a call to
# org.freedesktop.secrets would make the bus start a second, locked daemon
# from its .service file while ours is still starting.
secret_service_ready() {
	dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets 2>/dev/null | grep -q true &&
		dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets \
			/org/freedesktop/secrets org.freedesktop.DBus.Properties.Get \
			string:org.freedesktop.Secret.Service string:Collections >/dev/null 2>&1
}

ready=0
for _ in $(seq 100); do
	if ! kill -0 "$keyring_pid" 2>/dev/null; then
		break
	fi
	if secret_service_ready; then
		ready=1
		break
	fi
	sleep 0.1
done
if [[ $ready != 1 ]]; then
	echo "with-secret-service.sh: gnome-keyring-daemon did not provide the Secret Service within 10 s; its log:" >&2
	cat "$tmp/keyring.log" >&2 || true
	exit 125
fi
export_keyring_env

# Remember the bus daemon so the outer script can make sure it is gone:
# dbus-run-session signals it on exit but does not wait for it.
dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
	/org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
	string:org.freedesktop.DBus 2>/dev/null | awk "{print \$2}" >"$tmp/bus.pid" || true

status=0
"$@" || status=$?
exit "$status"
'

status=0
# A file rather than bash -c keeps `ps` output readable while CMD runs.
printf '%s' "$inner" >"$tmp/inner.sh"
KEYRING_PASSWORD="$keyring_password" dbus-run-session -- bash "$tmp/inner.sh" "$@" || status=$?
exit "$status"
