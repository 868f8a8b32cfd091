#!/usr/bin/env bash
# A power cut at any moment leaves the old or the new snapshot, never a broken one: the
# program is killed with SIGKILL at random moments while it writes its cache, many times;
# after every kill the cache must load, and at the end the screen must show it.
set -u
bin=${PRIKBORD_BINARY:?} src=${PRIKBORD_SOURCE_DIR:?}
rounds=${PRIKBORD_KILL_ROUNDS:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

mkdir -p "$work/feed"
cp -r "$src/assets/demo/images" "$work/feed/images"
# Two large feeds (500 items with long bodies, about 4 MB each) that differ, so that every
# start writes a new snapshot over the old one.
python3 - "$src/assets/demo/feed.json" "$work/feed" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
shown = [i for i in d["items"] if i["group"]["visibility"] == "open"]
for variant in ("a", "b"):
    items = []
    for n in range(500):
        it = copy.deepcopy(shown[n % len(shown)])
        it["id"] = "%s-%d" % (variant, n)
        it.pop("expires_at", None)
        if it["type"] == "post":
            it["highlighted"] = True
        text = ("Variant %s, item %d. " % (variant, n)) * 300
        for k in ("body", "message"):
            if k in it:
                it[k] = text[:7900]
        items.append(it)
    d2 = dict(d, items=items)
    json.dump(d2, open("%s/feed-%s.json" % (sys.argv[2], variant), "w"))
PY
ls -la "$work/feed" | grep json | awk '{print "  " $5 " bytes " $9}'

# One whole run first, so that there is a good snapshot to protect (a slow build, such as
# the sanitizer one, may not reach its first cache write before a random kill).
cp "$work/feed/feed-a.json" "$work/feed/feed.json"
"$bin" --headless --screenshot-dir "$work/shots" --cache-dir "$work/cache" --window 320x180 \
  --feed "$work/feed/feed.json" --log-level error >/dev/null 2>&1
check "the first run writes the cache" '[ -n "$(ls "$work"/cache/feed-*.json 2>/dev/null)" ]'

killed=0
for i in $(seq "$rounds"); do
  variant=$([ $((i % 2)) -eq 0 ] && echo a || echo b)
  cp "$work/feed/feed-$variant.json" "$work/feed/feed.json.new" && mv "$work/feed/feed.json.new" "$work/feed/feed.json"
  "$bin" --headless --screenshot-dir "$work/shots" --cache-dir "$work/cache" --window 320x180 \
    --feed "$work/feed/feed.json" --log-level error >/dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c "import random; print(random.uniform(0.02, 1.2))")"
  kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  for f in "$work"/cache/feed-*.json; do
    [ -e "$f" ] || continue
    "$bin" --check-feed "$f" >/dev/null 2>&1
    check "round $i: the cached feed loads after SIGKILL" '[ $? -eq 0 ]'
  done
  for f in "$work"/cache/images/*.img; do
    [ -e "$f" ] || continue
    check "round $i: cached image $(basename "$f") is whole" '[ "$(head -c 9 "$f")" = "PRIKIMG1" ]'
  done
done
echo "  killed $killed of $rounds runs while they worked"

# The feed is gone now: what the screen shows comes from the cache alone.
mv "$work/feed/feed.json" "$work/feed/feed.json.gone"
rm -rf "$work/shots"
"$bin" --headless --screenshot-dir "$work/shots" --cache-dir "$work/cache" --window 320x180 \
  --feed "$work/feed/feed.json" >/dev/null 2>&1
rc=$?
n=$(ls "$work/shots" | wc -l)
check "after the kills the cached content is shown (rc $rc, $n slides)" '[ $rc -eq 0 ] && [ "$n" -gt 1 ]'
check "no temporary files are left behind" '[ -z "$(find "$work/cache" -name "*.tmp.*")" ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
