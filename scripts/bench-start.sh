#!/usr/bin/env bash
# Start-up on a large diary: launch the built app under Xvfb on a data folder
# of ENTRIES entries (synth.py; 100,000 unless set), RUNS times, and time each
# launch until the timeline is on screen (the app logs "first screen shown"
# once the UI has drawn it), and print where the time went: the app logs
# marks from main to the first screen (see startupSplit in startup.go). Then,
# with the app left alone, its resident memory: the Go process, and with
# WebKit's processes.
# The first run of a day also makes the day's backup in the background.
set -euo pipefail
. "$(dirname "$0")/headless.sh"
bin=${1:-build/bin/tsuzuri}
entries=${ENTRIES:-100000}
runs=${RUNS:-5}
idle=${IDLE_SECONDS:-20}
corpus=${CORPUS:-../shared/corpus}
diary=${BENCH_DIARY:-${XDG_CACHE_HOME:-$HOME/.cache}/tsuzuri-bench/diary-$entries}

tmp=$(mktemp -d)
app_pid= xvfb_pid=
trap 'kill $app_pid $xvfb_pid ${DBUS_SESSION_BUS_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT

if [ ! -f "$diary/tsuzuri.db" ]; then
  echo "bench-start: making a diary of $entries entries in $diary (once)…"
  go build -o "$tmp/cli" ./cmd/tsuzuri
  python3 "$corpus/synth.py" "$corpus/dev.jsonl.gz" "$entries" >"$tmp/synth.jsonl"
  mkdir -p "$diary"
  "$tmp/cli" --data "$diary" import "$tmp/synth.jsonl" >/dev/null
  rm "$tmp/synth.jsonl"
fi

start_xvfb
export DISPLAY=$display TSUZURI_DATA=$diary
window_env "$tmp"
# A desktop session has its D-Bus session bus (and the accessibility bus
# it starts) running before any app: without one, every launch would spend
# about half a second starting its own, which no user's launch does.
eval "$(dbus-launch --sh-syntax)"

# split prints where one launch's time went, each mark in ms after launch:
# the app logs its marks in ms after main, and when main began.
split() {
  local line=$1 launch=$2
  field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
  local main_at offset
  main_at=$(field main_unix_ms)
  offset=$((main_at - launch))
  printf '  %-34s %5d ms\n' "process start → main" "$offset"
  local mark label v
  for mark in window_ms:"window created (WebKit starting)" opened_ms:"data folder open" \
    page_ms:"page requested" script_ms:"UI code running" mounted_ms:"UI first rendered" \
    first_page_ms:"first timeline page in" \
    first_paint_ms:"first paint" fonts_ms:"fonts loaded" shown_ms:"first screen drawn"; do
    v=$(field "${mark%%:*}")
    label=${mark#*:}
    [ -n "$v" ] && printf '  %-34s %5d ms\n' "$label" $((offset + v))
  done
}

# wait_for_line prints the first line of file $1 that contains $2, waiting
# up to $3 seconds while the app runs. It reads the log as it grows with
# shell builtins alone: polling with grep and sleep every 20 ms would take
# half a core, on two cores a real part of what is being timed.
wait_for_line() {
  local file=$1 want=$2 until=$((${EPOCHREALTIME/./} + $3 * 1000000)) line partial=""
  local fd nap
  exec {fd}<"$file" {nap}<> <(:)
  while ((${EPOCHREALTIME/./} < until)); do
    if IFS= read -r -u "$fd" line; then
      line=$partial$line partial=""
      if [[ $line == *"$want"* ]]; then
        printf '%s\n' "$line"
        break
      fi
      continue
    fi
    partial+=$line # a line still being written: the rest comes later
    kill -0 "$app_pid" 2>/dev/null || break
    read -r -t 0.02 -u "$nap" _ || true
  done
  exec {fd}<&- {nap}<&-
}

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

times=()
for run in $(seq "$runs"); do
  log=$tmp/run$run.log
  : >"$log" # there before the app, for wait_for_line to open
  start=$(date +%s%3N)
  "$bin" >>"$log" 2>&1 &
  app_pid=$!
  shown=$(wait_for_line "$log" 'msg="first screen shown"' 12)
  end=$(date +%s%3N)
  if [ -z "$shown" ]; then
    echo "bench-start: run $run: no first screen within 12 s; log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if [[ "$shown" != *screen=timeline* ]]; then
    echo "bench-start: run $run showed another first screen than the timeline: $shown" >&2
    exit 1
  fi
  ms=$((end - start))
  times+=("$ms")
  echo "run $run: first screen ${ms} ms after launch"
  split "$shown" "$start" | tee -a "$tmp/splits"
  if [ "$run" = "$runs" ]; then
    sleep "$idle"
    core=$(rss_mb "$app_pid")
    all=$core
    for child in $(pgrep -P "$app_pid" 2>/dev/null); do
      all=$((all + $(rss_mb "$child")))
    done
    detail=$(awk '/^Rss(Anon|File):/ { printf "%s %d MB ", $1, $2 / 1024 }' "/proc/$app_pid/status")
    echo "idle after ${idle} s: core RSS ${core} MB (${detail% }), with WebKit's processes ${all} MB"
  fi
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "start-up on $entries entries: median ${median} ms, fastest $(echo "$sorted" | head -1) ms, slowest $(echo "$sorted" | tail -1) ms over $runs launches"
echo "the split, median of each mark over the runs (ms after launch):"
while IFS= read -r label; do
  median_of=$(grep -F "  $label " "$tmp/splits" | awk '{ print $(NF - 1) }' | sort -n |
    awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '  %-34s %5d ms\n' "$label" "$median_of"
done < <(sed -n 's/^  \(.*[^ ]\)  *-\{0,1\}[0-9][0-9]* ms$/\1/p' "$tmp/splits" | awk '!seen[$0]++')
