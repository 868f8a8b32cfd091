#!/usr/bin/env bash
# End to end against a real, fault-injecting HTTP server on 127.0.0.1: for every way a feed
# server can fail, a screen with a warm cache keeps showing the last good content, exits its
# headless refresh cleanly, and recovers when the server is good again. Deletions reach the
# screen and the cache at the next good refresh. The token never reaches another origin.
set -u
bin=${PRIKBORD_BINARY:?} src=${PRIKBORD_SOURCE_DIR:?}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

mkdir -p "$work/www"
cp -r "$src/assets/demo/images" "$work/www/images"
echo "s3cr3t-token-for-tests" > "$work/token"
start_server() {
  python3 "$src/tests/tools/testserver.py" --root "$work/www" --second-port --ignore-stdin \
    --max-seconds 600 >"$work/server.out" 2>/dev/null &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^PORT2 ' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
  port=$(awk '/^PORT /{print $2}' "$work/server.out")
  port2=$(awk '/^PORT2 /{print $2}' "$work/server.out")
}
start_server
base="http://127.0.0.1:$port"
# The demo feed with its images at absolute URLs on this server; one variant without the
# coffee-machine post (p-1002), one with the avatars on a second origin.
python3 - "$src/assets/demo/feed.json" "$work/www" "$port" "$port2" <<'PY'
import copy, json, sys
src, www, port, port2 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
d = json.load(open(src))
def absolute(doc, avatar_port):
    doc = copy.deepcopy(doc)
    for it in doc["items"]:
        people = [it.get(k) for k in ("author", "person", "from")] + list(it.get("to", []))
        for p in people:
            if isinstance(p, dict) and p.get("avatar_url"):
                p["avatar_url"] = "http://127.0.0.1:%s/file/%s" % (avatar_port, p["avatar_url"])
        if it.get("image_url"):
            it["image_url"] = "http://127.0.0.1:%s/file/%s" % (port, it["image_url"])
    return doc
json.dump(absolute(d, port), open(www + "/feed.json", "w"))
less = absolute(d, port)
less["items"] = [i for i in less["items"] if i["id"] != "p-1002"]
json.dump(less, open(www + "/feed-less.json", "w"))
json.dump(absolute(d, port2), open(www + "/feed-2nd.json", "w"))
PY
# ...and one whose every picture is a broken file from the shared corpora.
shared=${PRIKBORD_SHARED_DIR:-$src/../shared}
mkdir -p "$work/www/broken"
cp "$shared"/corpora/pngsuite/x*.png "$shared"/corpora/jpeg/{empty,missing-sof,null_height,max_size,truncated_jpeg,invalid-dimensions}.jpg "$work/www/broken/" 2>/dev/null
python3 - "$work/www" "$port" <<'PY'
import json, os, sys
www, port = sys.argv[1], sys.argv[2]
broken = sorted(os.listdir(www + "/broken"))
d = json.load(open(www + "/feed.json"))
n = 0
for it in d["items"]:
    for p in [it.get(k) for k in ("author", "person", "from")] + list(it.get("to", [])):
        if isinstance(p, dict):
            p["avatar_url"] = "http://127.0.0.1:%s/file/broken/%s" % (port, broken[n % len(broken)]); n += 1
    it["image_url"] = "http://127.0.0.1:%s/file/broken/%s" % (port, broken[n % len(broken)]); n += 1
json.dump(d, open(www + "/feed-broken.json", "w"))
PY
control() { python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1]).read()' "$base/control?feed=$1"; }

cat >"$work/prikbord.conf" <<CONF
[feed]
url = $base/feed
token_file = $work/token
connect_timeout = 2
stall_timeout = 2
transfer_timeout = 6
CONF

# Runs one headless refresh; sets n (slides), rc, secs.
shoot() {
  rm -rf "$work/shots"
  local t0=$(date +%s.%N)
  "$bin" --config "$work/prikbord.conf" --headless --screenshot-dir "$work/shots" \
    --cache-dir "$work/cache" --window 640x360 "$@" >"$work/out" 2>"$work/err"
  rc=$?
  secs=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)")
  n=$(ls "$work/shots" 2>/dev/null | wc -l)
}
cache_file() { ls "$work"/cache/feed-*.json 2>/dev/null | head -1; }

# 1. a good server fills the cache
control /file/feed.json
shoot
check "good server: exit 0 (got $rc)" '[ $rc -eq 0 ]'
check "good server: 16 slides (got $n)" '[ $n -eq 16 ]'
check "good server: the feed is cached" '[ -s "$(cache_file)" ]'
images_before=$(ls "$work/cache/images" | wc -l)
check "good server: images are cached ($images_before)" '[ "$images_before" -ge 15 ]'
check "the token never appears in the log" '! grep -q s3cr3t "$work/err"'
good_cache=$(cat "$(cache_file)")

# 2. every fault: the cached community stays on screen
for fault in /status/500 /status/404 /status/401 /status/403 "/status/429?retry_after=120" \
             "/status/503?retry_after=30" /stall /hang "/truncated?bytes=5000" /garbage \
             "/big?bytes=52428800" /gzip-bomb /redirect-loop "/redirect?to=file:///etc/passwd" \
             "/slow?bytes=100000&delay_ms=50"; do
  control "$fault"
  shoot
  check "$fault: exit 0 (got $rc)" '[ $rc -eq 0 ]'
  check "$fault: the 16 cached slides are shown (got $n)" '[ $n -eq 16 ]'
  check "$fault: the cache is untouched" '[ "$(cat "$(cache_file)")" = "$good_cache" ]'
  check "$fault: the reason is logged" 'grep -q "warn \[refresh\]" "$work/err"'
  check "$fault: gave up within the time-outs (${secs}s)" 'python3 -c "import sys; sys.exit(float(sys.argv[1]) > 15)" "$secs"'
  echo "  $fault: ${secs}s, $(grep -m1 'warn \[refresh\]' "$work/err" | sed 's/.*\[refresh\] //')"
done
control /status/401
shoot
check "401 says the token is refused" 'grep -q "refused the token" "$work/err"'

# 3. a snapshot that deletes an item: gone from the screen, the cache and its image
control /file/feed-less.json
shoot
check "deletion: 15 slides (got $n)" '[ $n -eq 15 ]'
check "deletion: not on screen" '! ls "$work/shots" | grep -q -- "-p-1002.png"'
check "deletion: not in the cached feed" '! grep -q "\"p-1002\"" "$(cache_file)"'
check "deletion: its photo left the image cache" '! grep -lq "post-coffee" "$work"/cache/images/*.img'
check "deletion: other images stay" '[ "$(ls "$work/cache/images" | wc -l)" -eq $((images_before - 1)) ]'

# 3b. every picture broken: placeholders, never a crash
control /file/feed-broken.json
shoot
check "broken images: exit 0 (got $rc)" '[ $rc -eq 0 ]'
check "broken images: 16 slides (got $n)" '[ $n -eq 16 ]'
check "broken images: each refusal is logged" '[ "$(grep -c "warn \[refresh\] image" "$work/err")" -ge 10 ]'

# 4. recovery
control /file/feed.json
shoot
check "recovered: 16 slides (got $n)" '[ $n -eq 16 ]'
check "recovered: the photo is back in the cache" 'grep -lq "post-coffee" "$work"/cache/images/*.img'

# 5. the token goes to the feed's origin only, never to an image on another origin
control /file/feed-2nd.json
shoot
python3 - "$base/log" "$port" "$port2" >"$work/auth" <<'PY'
import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1]))
first = [e for e in log if e["port"] == int(sys.argv[2]) and e["path"].split("?")[0] == "/feed"]
second = [e for e in log if e["port"] == int(sys.argv[3])]
print("feed-with-token", sum(e["auth"] for e in first), "of", len(first))
print("second-origin", len(second), "with-token", sum(e["auth"] for e in second))
PY
check "the feed's own origin gets the token" 'grep -q "^feed-with-token [1-9]" "$work/auth"'
check "images on a second origin are fetched" '! grep -q "^second-origin 0 " "$work/auth"'
check "images on a second origin never get the token" 'grep -q "with-token 0$" "$work/auth"'

# 6. the server is gone (connection refused): the cache still shows
control /file/feed.json
shoot
kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=
shoot
check "server gone: exit 0 (got $rc)" '[ $rc -eq 0 ]'
check "server gone: 16 cached slides (got $n)" '[ $n -eq 16 ]'
check "server gone: connection refused is logged" 'grep -qi "connect" "$work/err"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
