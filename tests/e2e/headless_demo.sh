#!/usr/bin/env bash
# End to end: the real binary renders the demo community headless, offline from its cache,
# and on first boot with no network; the hidden items never appear, on screen or on disk.
set -u
bin=${PRIKBORD_BINARY:?} src=${PRIKBORD_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

png_size() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"; }

# 1. the demo at the default size
"$bin" --headless --screenshot-dir "$work/shots" --cache-dir "$work/cache" >"$work/out" 2>"$work/err"
rc=$?
check "headless run exits 0 (got $rc)" '[ $rc -eq 0 ]'
check "says where the PNGs are" 'grep -q "wrote 16 slides to $work/shots" "$work/out"'
n=$(ls "$work/shots" | wc -l)
check "16 slides written (got $n)" '[ "$n" -eq 16 ]'
for t in post introduction shoutout help_request; do
  check "a $t slide" 'ls "$work/shots" | grep -q -- "-$t-"'
done
for hidden in p-1006 p-1007 p-1008 i-2005; do
  check "hidden item $hidden is on no slide" '! ls "$work/shots" | grep -q -- "-$hidden.png"'
done
check "file names are NNN-TYPE-ID.png" '! ls "$work/shots" | grep -vqE "^[0-9]{3}-[a-z_]+-[A-Za-z0-9._-]+\.png$"'
first=$(ls "$work/shots" | head -1)
check "1920x1080 by default" '[ "$(png_size "$work/shots/$first")" = 1920x1080 ]'
cached=$(ls "$work"/cache/feed-*.json 2>/dev/null | head -1)
check "the cache holds the feed" '[ -s "$cached" ]'
check "the closed group never reaches the disk" '! grep -rq "Reorganisatie" "$work/cache"'
check "the opted-out item never reaches the disk" '! grep -rq "i-2005" "$work/cache"'
check "no error lines" '! grep -q " error " "$work/err"'

# 2. another size
"$bin" --headless --screenshot-dir "$work/small" --window 800x480 --cache-dir "$work/cache2" >/dev/null 2>&1
first=$(ls "$work/small" | head -1)
check "--window 800x480 gives 800x480 slides" '[ -n "$first" ] && [ "$(png_size "$work/small/$first")" = 800x480 ]'

# 3. offline: the feed cannot be read any more, the last good content is shown
mkdir -p "$work/site"
cp -r "$src/assets/demo/images" "$work/site/images"
cp "$src/assets/demo/feed.json" "$work/site/feed.json"
"$bin" --headless --screenshot-dir "$work/online" --cache-dir "$work/cache3" --feed "$work/site/feed.json" >/dev/null 2>&1
mv "$work/site/feed.json" "$work/site/feed.json.away"
"$bin" --headless --screenshot-dir "$work/offline" --cache-dir "$work/cache3" --feed "$work/site/feed.json" >/dev/null 2>"$work/err3"
rc=$?
n=$(ls "$work/offline" | wc -l)
check "offline run exits 0 (got $rc)" '[ $rc -eq 0 ]'
check "offline shows the cached 16 slides (got $n)" '[ "$n" -eq 16 ]'
check "offline logs why" 'grep -q "feed.json" "$work/err3"'
mv "$work/site/feed.json.away" "$work/site/feed.json"

# 4. first boot, no network, no cache: a friendly status slide, not a blank screen
"$bin" --headless --screenshot-dir "$work/first" --cache-dir "$work/empty-cache" --feed http://127.0.0.1:9/feed.json >/dev/null 2>&1
rc=$?
check "first boot offline exits 0 (got $rc)" '[ $rc -eq 0 ]'
check "first boot offline shows one status slide" '[ "$(ls "$work/first")" = 001-status.png ]'

# 5. a removed post disappears at the next refresh, from the screen and from the cache
python3 - "$work/site/feed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["items"] = [i for i in d["items"] if i["id"] != "p-1002"]
json.dump(d, open(sys.argv[1], "w"))
PY
"$bin" --headless --screenshot-dir "$work/removed" --cache-dir "$work/cache3" --feed "$work/site/feed.json" >/dev/null 2>&1
check "removed post p-1002 is on no slide" '! ls "$work/removed" | grep -q -- "-p-1002.png"'
check "removed post p-1002 is gone from the cache" '! grep -q "\"p-1002\"" "$work"/cache3/feed-*.json'
check "its photo is gone from the image cache" '! grep -lq "post-coffee" "$work"/cache3/images/*.img'
check "15 slides after the removal" '[ "$(ls "$work/removed" | wc -l)" -eq 15 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
