#!/usr/bin/env bash
# Types Japanese into the real window through a real input method (fcitx5
# with mozc, under Xvfb; ../shared/ime/ime-session.sh starts them), the way
# a person does: romaji keys, conversion with Space, commit with Enter.
# Checks that
#   - nothing is saved or searched while text is half-composed (the app's
#     debug log lists every save and search with its text),
#   - the Enter that commits a conversion fires nothing (it would open the
#     first search result),
#   - the committed text is what the data folder holds after quitting.
# Screenshots go to out/ime-*.png. Skips (exit 0) when the IME session
# script or the fcitx5/mozc packages are missing.
set -euo pipefail
. "$(dirname "$0")/headless.sh"
bin=${1:-build/bin/tsuzuri}
out=${OUT:-out}
ime=${IME_SESSION:-../shared/ime/ime-session.sh}
if [ ! -f "$ime" ]; then
  echo "ime-window: skipped: $ime not found"
  exit 0
fi
for p in fcitx5 fcitx5-mozc fcitx5-frontend-gtk3; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then
    echo "ime-window: skipped: the $p package is not installed"
    exit 0
  fi
done
mkdir -p "$out"
tmp=$(mktemp -d)
chmod 755 "$tmp" # the IME runs as another user
display=$((200 + RANDOM % 300))
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  bash "$ime" stop "$display" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/tsuzuri" ./cmd/tsuzuri

# A diary with one entry, so a search has something to open.
printf '%s\n' '{"id":"seed","title":"サーバー移行","body":"本番サーバーを移した。","date":"2024-07-03"}' >"$tmp/seed.jsonl"
TSUZURI_DATA=$tmp/diary "$tmp/tsuzuri" import "$tmp/seed.jsonl" >/dev/null

eval "$(bash "$ime" "$display")"
export TSUZURI_DATA=$tmp/diary TSUZURI_LOG=debug
window_env "$tmp"
log=$out/ime-window.log
"$bin" >"$log" 2>&1 &
app_pid=$!

fail() {
  echo "ime-window: $*" >&2
  import -display "$DISPLAY" -window root "$out/ime-failed.png" 2>/dev/null || true
  echo "--- app log (tail) ---" >&2
  tail -20 "$log" >&2
  exit 1
}
shot() { import -display "$DISPLAY" -window root "$out/ime-$1.png"; }

window=$(timeout 60 xdotool search --sync --onlyvisible --name '^Tsuzuri$' 2>/dev/null | head -1 || true)
[ -n "$window" ] || fail "no Tsuzuri window within 60 s"
sleep 5
xdotool windowfocus "$window" 2>/dev/null || true
xdotool mousemove 900 600 click 1
sleep 0.5

ime_on() { xdotool key ctrl+space; sleep 0.5; }
ime_off() { xdotool key ctrl+space; sleep 0.5; }
# saved TEXT: how many saves carried TEXT (in a title or body) so far.
saved() { grep -c "msg=save .*$1" "$log" || true; }
searched() { grep -c "msg=search query=\"\?$1" "$log" || true; }

# 1. A title, composed: nothing is saved while it reads にっき.
xdotool key ctrl+n
sleep 1.5
ime_on
xdotool type --delay 80 nikki
sleep 2.5 # well past the autosave delay (0.8 s)
shot preedit
[ "$(saved にっき)" = 0 ] || fail "the half-composed title にっき was saved"
xdotool key space
sleep 1
shot candidates
[ "$(saved にっき)$(saved 日記)" = 00 ] || fail "a save ran during conversion"
xdotool key Return
sleep 2.5
ime_off
[ "$(saved 日記)" -ge 1 ] || fail "the committed title 日記 was not saved"

# 2. The body, composed the same way. Enter, now that nothing is being
# converted, goes on from the title to the body.
xdotool key Return
sleep 0.5
ime_on
xdotool type --delay 80 kaigi
sleep 2.5
[ "$(saved かいぎ)" = 0 ] || fail "the half-composed body かいぎ was saved"
xdotool key space
sleep 1
xdotool key Return
sleep 2.5
ime_off
[ "$(saved 会議)" -ge 1 ] || fail "the committed body 会議 was not saved"
shot body

# 3. The search box: no search on さーばー, and the Enter that commits
# opens nothing.
opened_before=$(grep -c "msg=\"open entry\"" "$log" || true)
xdotool key ctrl+k
sleep 0.5
ime_on
xdotool type --delay 80 sa-ba-
sleep 1.5 # past the search delay (0.12 s)
shot search-preedit
[ "$(searched さーばー)" = 0 ] || fail "a search ran on the half-composed さーばー"
xdotool key space
sleep 1
xdotool key Return
sleep 1.5
ime_off
shot search
[ "$(grep -c "msg=\"open entry\"" "$log" || true)" = "$opened_before" ] || fail "the Enter that committed the conversion opened a result"
[ "$(searched サーバー)" -ge 1 ] || fail "no search ran for the committed サーバー"

# 4. Quit; the committed text is in the data folder, the preedit nowhere.
xdotool key Escape
sleep 0.3
xdotool key ctrl+q
for _ in $(seq 60); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.25; done
kill -0 "$app_pid" 2>/dev/null && fail "the app did not quit within 15 s of Ctrl+Q"
app_pid=
found=$("$tmp/tsuzuri" search --json '日記 会議')
grep -q '"total":1' <<<"$found" || fail "the entry typed with the IME is not in the data folder: $found"
grep -q '"title":"日記"' <<<"$found" || fail "the saved title is not 日記: $found"
# Search would find 日記 for にっき by its reading: look at the text itself.
all=$("$tmp/tsuzuri" export --format jsonl -)
for half in にっき かいぎ さーばー; do
  if grep -q "$half" <<<"$all"; then fail "half-composed $half is in the data folder: $all"; fi
done
echo "ime-window: composed 日記 and 会議 with mozc; saved only once committed, no search or shortcut on half-composed text"
