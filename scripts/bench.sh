#!/usr/bin/env bash
# make bench: prints speed and memory figures. Nothing here is a pass/fail
# test; the figures are for people (and the goals named beside them).
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_ENABLED=1
tags=migrated_fynedo
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

echo "== Go benchmarks (check of 50 projects, monitor hour of 200 projects, agent socket round trips, window with 200 projects)"
go test -tags "$tags" -run '^$' -bench . -benchmem ./core/... ./gui/... 2>&1 | grep -E '^(Benchmark|goos|ok|FAIL|---)' || true

echo
echo "== Real binary under Xvfb"
go build -tags "$tags" -trimpath -o "$out/cloudmoo-desktop" ./cmd/cloudmoo-desktop
go build -tags "$tags" -trimpath -o "$out/hellofyne" ./tools/hellofyne

exec 3>"$out/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$out/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$out/display")"
unset WAYLAND_DISPLAY

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

# wait_window TITLE: prints seconds until a window with that title is mapped.
wait_window() {
  local start=$1 title=$2
  for _ in $(seq 600); do
    if xdotool search --onlyvisible --name "^$title\$" >/dev/null 2>&1; then
      echo "scale=3; ($(date +%s%N) - $start) / 1000000000" | bc
      return 0
    fi
    sleep 0.05
  done
  echo "timeout"
}

# Cold start: three runs each, window mapped.
for run in 1 2 3; do
  cfg=$(mktemp -d)
  start=$(date +%s%N)
  CLOUDMOO_CONFIG_DIR=$cfg "$out/cloudmoo-desktop" --demo >/dev/null 2>&1 &
  pid=$!
  t=$(wait_window "$start" CloudMoo)
  echo "cold start to window mapped (demo), run $run: ${t} s"
  pkill -P $pid 2>/dev/null || true; kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  CLOUDMOO_CONFIG_DIR=$cfg "$out/cloudmoo-desktop" agent quit --demo >/dev/null 2>&1 || true
  rm -rf "$cfg"
done

settle=${BENCH_SETTLE_SECONDS:-60}
echo
echo "RSS after ${settle} s (goal: CloudMoo demo with 20 projects <= 1.2x a bare Fyne window):"
"$out/hellofyne" >/dev/null 2>&1 &
hello=$!
cfg=$(mktemp -d)
CLOUDMOO_CONFIG_DIR=$cfg CLOUDMOO_DEMO_PROJECTS=20 "$out/cloudmoo-desktop" --demo >/dev/null 2>&1 &
app=$!
sleep "$settle"
h=$(rss_kb $hello); a=$(rss_kb $app)
echo "  bare Fyne window:        $((h / 1024)) MB"
echo "  CloudMoo window (demo):  $((a / 1024)) MB  ($(echo "scale=2; $a / $h" | bc)x)"
agent_pid=$(CLOUDMOO_CONFIG_DIR=$cfg "$out/cloudmoo-desktop" agent status --demo --json 2>/dev/null | sed -n 's/.*"pid":\([0-9]*\).*/\1/p' || true)
if [ -n "$agent_pid" ] && [ -d "/proc/$agent_pid" ]; then
  echo "  its agent process:       $(( $(rss_kb "$agent_pid") / 1024 )) MB (simulated API included)"
fi
kill $hello $app 2>/dev/null || true; wait $hello $app 2>/dev/null || true
rm -rf "$cfg"

echo
echo "== Agent idle with its tray up (OS keychain on a throwaway Secret Service, stand-in StatusNotifierWatcher)"
CLOUDMOO_BENCH=1 BENCH_SETTLE_SECONDS=$settle scripts/with-secret-service.sh \
  go test -tags "$tags" -count=1 -run '^TestAgentIdleCost$' -v ./cmd/cloudmoo-desktop/ 2>&1 | grep -E 'idle with its tray|FAIL|panic' || true
