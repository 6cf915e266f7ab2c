#!/usr/bin/env bash
# Smoke test of the real window: start the built app under Xvfb with a new
# data folder and home, wait for its window, take a screenshot and fail if
# it is blank. Then open Help › About from the native menu. Then write a
# note and quit straight away (Ctrl+Q, well within the autosave delay): the
# note must be in the data folder once the app has exited.
# The screenshots are kept in out/ (git-ignored) to look at.
set -euo pipefail
. "$(dirname "$0")/headless.sh"
bin=${1:-build/bin/tsuzuri}
out=${OUT:-out}
mkdir -p "$out"
tmp=$(mktemp -d)
app_pid= xvfb_pid=
trap 'kill $app_pid $xvfb_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Built now, while HOME is still the user's (and so is Go's module cache):
# it reads the data folder after the app has quit.
go build -o "$tmp/tsuzuri" ./cmd/tsuzuri

start_xvfb
export DISPLAY=$display TSUZURI_DATA=$tmp/diary
window_env "$tmp"
dbus-run-session -- "$bin" >"$out/window.log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq 120); do
  window=$(xdotool search --name '^Tsuzuri$' 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  sleep 0.5
done
if [ -z "$window" ]; then
  echo "smoke-window: no Tsuzuri window within 60 s; log:" >&2
  cat "$out/window.log" >&2
  exit 1
fi
# The UI says when its first screen is drawn (bench-start times it).
for _ in $(seq 100); do grep -q 'msg="first screen shown"' "$out/window.log" && break; sleep 0.1; done
if ! grep -q 'msg="first screen shown"' "$out/window.log"; then
  echo "smoke-window: the first screen was not shown within 10 s of the window; log:" >&2
  cat "$out/window.log" >&2
  exit 1
fi
sleep 1
import -display "$display" -window root "$out/window.png"
colours=$(convert "$out/window.png" -format '%k' info:)
if [ "$colours" -lt 16 ]; then
  echo "smoke-window: the window looks blank ($colours colours); see $out/window.png" >&2
  exit 1
fi
echo "smoke-window: window up, screenshot $out/window.png ($colours colours)"

# Without a window manager, a click gives the webview the keyboard.
xdotool mousemove 640 700 click 1 2>/dev/null
sleep 0.5

# Help › About through the native menu, by keyboard: F10 opens the menu bar,
# Left wraps round to the last menu (Help), Down and Enter choose About.
# Its dialog dims the whole window; Escape closes it.
xdotool key F10 2>/dev/null && sleep 0.3 && xdotool key Left Down Return 2>/dev/null
sleep 1.5
import -display "$display" -window root "$out/about.png"
changed=$(compare -metric AE -fuzz 5% "$out/window.png" "$out/about.png" null: 2>&1 | awk '{ print int($1) }' || true)
if [ "${changed:-0}" -lt $((1280 * 800 / 4)) ]; then
  echo "smoke-window: Help › About did not open the About dialog ($changed pixels changed); see $out/about.png" >&2
  exit 1
fi
echo "smoke-window: Help › About opened its dialog, screenshot $out/about.png"
xdotool key Escape 2>/dev/null
sleep 0.5
xdotool key ctrl+n 2>/dev/null
sleep 1.5
xdotool type --delay 30 "quit right after typing" 2>/dev/null
xdotool key ctrl+q 2>/dev/null
for _ in $(seq 60); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$app_pid" 2>/dev/null; then
  echo "smoke-window: the app did not quit within 15 s of Ctrl+Q; log:" >&2
  cat "$out/window.log" >&2
  exit 1
fi
found=$("$tmp/tsuzuri" search --json '"quit right after typing"')
if ! grep -q '"total":1' <<<"$found"; then
  echo "smoke-window: the note typed just before quitting was lost: $found" >&2
  exit 1
fi
echo "smoke-window: a note typed just before Ctrl+Q was saved"
