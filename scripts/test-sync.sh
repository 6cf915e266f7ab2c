#!/usr/bin/env bash
# Sync through a real engine: two Syncthing instances on 127.0.0.1 (with
# every way out of the machine switched off, by ../shared/syncthing/pair.sh)
# replicate one folder between two paths, and two data folders sync
# through it with the tsuzuri command. Checks: a write on A appears on B; a
# concurrent edit ends as a conflict on both with both texts kept; a
# delete; an image; a 5,000-entry import arrives complete and searchable;
# then the same engine through an encrypted folder, and a passphrase change.
# Skips when the pair script or syncthing is missing (a user's clone).
set -euo pipefail
cd "$(dirname "$0")/.."
pair=../shared/syncthing/pair.sh
if [ ! -x "$pair" ] && [ ! -f "$pair" ]; then
  echo "test-sync: skipped ($pair not found)"; exit 0
fi
for tool in syncthing curl python3; do
  if ! command -v "$tool" >/dev/null; then echo "test-sync: skipped ($tool not installed)"; exit 0; fi
done

work=$(mktemp -d -t tsuzuri-sync-XXXXXX)
cleanup() {
  if [ -n "${ST_HOME:-}" ]; then bash "$pair" stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/tsuzuri" ./cmd/tsuzuri
tz() { local side=$1; shift; "$work/tsuzuri" --data "$work/data$side" "$@" 2> >(grep -v '^backed up the diary' >&2); }
fail() { echo "test-sync: FAIL: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "test-sync: ok: $*"; }
# says TEXT CMD...: CMD succeeds and its output holds TEXT. The output is
# read whole: grep -q in a pipe stops reading at the first match, and a
# command still writing then fails on the closed pipe, which pipefail
# turned into a failed check now and then.
says() {
	local text=$1 out
	shift
	out=$("$@") || return 1
	grep -qF -- "$text" <<<"$out"
}

eval "$(bash "$pair" start "$work/folderA" "$work/folderB")"
bash "$pair" wait
# The engine carries everything across, then the named ends take it in.
arrive() { bash "$pair" synced; for side in "$@"; do tz "$side" sync >/dev/null; done; }

# 1. A write on A appears on B.
cat > "$work/first.jsonl" <<'EOF'
{"id":"meetup-1","title":"勉強会メモ","body":"Bytebase でスキーマ変更をレビューする話を聞いた。","date":"2026-11-28","tags":["meetup"]}
EOF
tz A import "$work/first.jsonl" >/dev/null
tz A sync --folder "$work/folderA" >/dev/null
tz B sync --folder "$work/folderB" >/dev/null
arrive B
says '"id":"meetup-1"' tz B search --json Bytebase || fail "B does not find A's entry"
ok "a write on A is found on B"

# 2. Both edit the same entry before either hears of the other: a conflict
# on both, the same current text, the other text kept.
printf '%s\n' '{"id":"meetup-1","title":"勉強会メモ","body":"A の追記: 懇親会で監視の話をした。","date":"2026-11-28","tags":["meetup"]}' > "$work/editA.jsonl"
printf '%s\n' '{"id":"meetup-1","title":"勉強会メモ","body":"B の追記: スライドは後で共有される。","date":"2026-11-28","tags":["meetup"]}' > "$work/editB.jsonl"
tz A import "$work/editA.jsonl" >/dev/null
tz B import "$work/editB.jsonl" >/dev/null
tz A sync >/dev/null
tz B sync >/dev/null
arrive A B
for side in A B; do
  tz $side sync status --json | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["conflicts"]==["meetup-1"] else 1)' \
    || fail "$side does not show the conflict"
  texts=$(tz $side export --format jsonl - ; tz $side history meetup-1 --json | python3 -c '
import json,subprocess,sys
for r in json.load(sys.stdin): print(r["number"])' | while read -r n; do tz $side history meetup-1 --show "$n"; done)
  grep -q "A の追記" <<<"$texts" || fail "$side lost A's text"
  grep -q "B の追記" <<<"$texts" || fail "$side lost B's text"
done
[ "$(tz A export --format jsonl - | grep meetup-1)" = "$(tz B export --format jsonl - | grep meetup-1)" ] || fail "A and B show different texts"
ok "a concurrent edit is a conflict on both, with both texts kept"

# 3. A delete on B reaches A.
tz B trash meetup-1 >/dev/null
tz B sync >/dev/null
arrive A
says '"id":"meetup-1"' tz A search --json Bytebase && fail "A still finds the entry B deleted"
ok "a delete on B reaches A"

# 4. An image, attached on A, arrives on B.
mkdir -p "$work/md"
python3 - "$work/md/pic.png" <<'PY'
import sys, zlib, struct
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([200, 80, 40]) * 4 for _ in range(4))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
printf '# ホワイトボード\n\n構成図を撮った。\n\n![構成図](pic.png)\n' > "$work/md/board.md"
tz A import --format markdown "$work/md/board.md" >/dev/null
tz A sync >/dev/null
arrive B
img=$(ls "$work/dataA/attachments/" | head -1)
[ -n "$img" ] || fail "the import on A kept no image"
cmp -s "$work/dataA/attachments/$img" "$work/dataB/attachments/$img" || fail "the image did not arrive on B"
ok "an image arrives"

# 5. A 5,000-entry import on A arrives on B complete and searchable.
python3 - "$work/bulk.jsonl" <<'PY'
import json, sys
words = "障害 対応 監視 設計 レビュー 移行 本番 検証".split()
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        f.write(json.dumps({"id": f"bulk-{i}", "title": f"日報 {i}", "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                            "body": f"{words[i % len(words)]} の記録 token{i}x", "tags": ["bulk"]}, ensure_ascii=False) + "\n")
PY
tz A import "$work/bulk.jsonl" >/dev/null
tz A sync >/dev/null
arrive B
n=$(tz B stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
want=$(tz A stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
[ "$n" = "$want" ] || fail "B has $n entries, A has $want"
says '"id":"bulk-4999"' tz B search --json token4999x || fail "B does not find the last imported entry"
tz B verify >/dev/null || fail "B's verify found a problem"
ok "a 5,000-entry import arrives complete ($n entries) and searchable"

# 6. The same engine carries an encrypted folder (a subfolder of the
# replicated one, with two more data folders): C makes it, D joins with
# the passphrase after a wrong one is refused, an entry and an image
# arrive, a passphrase change reaches D, and the files the engine holds
# show none of the notes' text.
sealedA=$work/folderA/sealed sealedB=$work/folderB/sealed
cat > "$work/secret.jsonl" <<'EOF'
{"id":"sealed-1","title":"秘密の題名ZQ","body":"本文の目印 marker-body-8812","date":"2026-12-01","tags":["tag-marker-yoru"]}
EOF
mkdir -p "$work/md2"
cp "$work/md/pic.png" "$work/md2/pic2.png"
printf 'image-marker-4411' >> "$work/md2/pic2.png"
printf '# 鍵の写真\n\n![写真](pic2.png)\n' > "$work/md2/photo.md"
tz C import "$work/secret.jsonl" >/dev/null
tz C import --format markdown "$work/md2/photo.md" >/dev/null
TSUZURI_PASSPHRASE='エンジン越しの合言葉' tz C sync --folder "$sealedA" --encrypt >/dev/null
arrive
if TSUZURI_PASSPHRASE='違う合言葉' tz D sync --folder "$sealedB" >/dev/null 2>&1; then fail "D joined with a wrong passphrase"; fi
says "sync is off" tz D sync status || fail "a refused join changed D"
TSUZURI_PASSPHRASE='エンジン越しの合言葉' tz D sync --folder "$sealedB" >/dev/null
says '"id":"sealed-1"' tz D search --json 秘密の題名ZQ || fail "D does not find C's encrypted entry"
img2=$(ls "$work/dataC/attachments/" | head -1)
cmp -s "$work/dataC/attachments/$img2" "$work/dataD/attachments/$img2" || fail "the image did not arrive on D"
says "encrypted      yes" tz D sync status || fail "D's status does not say encrypted"
ok "an encrypted folder: a wrong passphrase is refused, the right one joins, an entry and an image arrive"

TSUZURI_PASSPHRASE='エンジン越しの合言葉' TSUZURI_NEW_PASSPHRASE='新しい合言葉' tz C sync passphrase >/dev/null
arrive
notice=$(tz D sync 2>&1 >/dev/null) || fail "D's sync after the change failed"
grep -qF "sync unlock" <<<"$notice" || fail "D did not notice the new passphrase"
TSUZURI_PASSPHRASE='新しい合言葉' tz D sync unlock >/dev/null
ok "a passphrase changed on C is asked for once on D"

python3 - "$sealedA" "$sealedB" <<'PY' || fail "plaintext in the encrypted folder"
import gzip, io, os, sys, zlib
markers = ["秘密の題名ZQ", "marker-body-8812", "tag-marker-yoru", "image-marker-4411"]
pats = [p for m in markers for p in (m.encode(), m.encode("utf-16-le"), m.encode("utf-16-be"))]
bad = seen = 0
for root in sys.argv[1:]:
    for d, _, files in os.walk(root):
        for f in files:
            seen += 1
            data = open(os.path.join(d, f), "rb").read()
            views = [data]
            at = data.find(b"\x1f\x8b")
            while at >= 0:
                try:
                    views.append(gzip.GzipFile(fileobj=io.BytesIO(data[at:])).read(64 << 20))
                except (OSError, EOFError, zlib.error):
                    pass
                at = data.find(b"\x1f\x8b", at + 1)
            for v in views:
                for p in pats:
                    if p in v:
                        print(f"{os.path.join(d, f)} holds {p!r}", file=sys.stderr)
                        bad += 1
if seen < 6:  # on each side: the key file, segments, the image
    print(f"only {seen} files to look at", file=sys.stderr)
    bad += 1
sys.exit(1 if bad else 0)
PY
ok "no file of the encrypted folder shows the notes' text (UTF-8, UTF-16, gzip)"

echo "test-sync: $passed passed, 0 failed"
