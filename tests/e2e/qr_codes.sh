#!/usr/bin/env bash
# Every slide of an item with a url carries a QR code that a phone can read: zbarimg decodes
# it from the real screenshots at each layout size and must find exactly the item's url.
set -u
bin=${PRIKBORD_BINARY:?} src=${PRIKBORD_SOURCE_DIR:?}
command -v zbarimg >/dev/null || { echo "zbarimg is missing (Debian: zbar-tools)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

python3 - "$src/assets/demo/feed.json" >"$work/urls" <<'PY'
import json, sys
for it in json.load(open(sys.argv[1]))["items"]:
    print(it["id"], it.get("url", "-"))
PY

for size in 1920x1080 1080x1920 800x480 720x1280 3840x2160; do
  "$bin" --headless --screenshot-dir "$work/$size" --window "$size" --cache-dir "$work/cache-$size" \
    --log-level error >/dev/null 2>&1
  decoded=0
  for png in "$work/$size"/*.png; do
    id=$(basename "$png" .png | sed -E 's/^[0-9]{3}-[a-z_]+-//')
    want=$(awk -v id="$id" '$1 == id {print $2}' "$work/urls")
    got=$(zbarimg -q --raw "$png" 2>/dev/null)
    if [ "$want" = "-" ] || [ -z "$want" ]; then
      check "$size $id has no url and no code" '[ -z "$got" ]'
    else
      check "$size $id: the code reads '$want' (got '$got')" '[ "$got" = "$want" ]'
      decoded=$((decoded + 1))
    fi
  done
  echo "  $size: $decoded codes decoded"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
