#!/usr/bin/env bash
# End to end for the platform sources: the shared api-samples (plus private, hidden and
# reply messages made from them) are served by tests/tools/testserver.py, which imitates
# Yammer's, HumHub's and Discourse's endpoints with paging and a 429. For each platform,
# `--check-feed URL --source NAME --json` must say which items are shown and why the others
# are not, `--headless --source NAME` must draw exactly the shown ones, and the token (from a
# token file) must reach the platform's API and never the second origin its images live on.
set -u
bin=${PRIKBORD_BINARY:?} src=${PRIKBORD_SOURCE_DIR:?}
shared=${PRIKBORD_SHARED_DIR:-$src/../shared}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

echo "s3cr3t-platform-token" > "$work/token"
mkdir -p "$work/www"
python3 "$src/tests/tools/testserver.py" --root "$work/www" --second-port --ignore-stdin \
  --max-seconds 600 >"$work/server.out" 2>/dev/null &
server_pid=$!
for _ in $(seq 100); do grep -q '^PORT2 ' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^PORT /{print $2}' "$work/server.out")
port2=$(awk '/^PORT2 /{print $2}' "$work/server.out")
base="http://127.0.0.1:$port"
other="http://127.0.0.1:$port2"

# The platforms' data: the samples with their hosts moved to this server (images of Yammer's
# CDN, of a HumHub file and of a Discourse upload on the second origin), and the cases the
# samples lack, made from them.
python3 - "$shared/api-samples" "$src/assets/demo/images" "$work/www" "$base" "$other" <<'PY'
import copy, json, os, shutil, sys
samples, images, www, base, other = sys.argv[1:6]
def load(name, moves):
    text = open(os.path.join(samples, name)).read()
    for old, new in moves:
        text = text.replace(old, new)
    return json.loads(text)
def save(path, doc):
    os.makedirs(os.path.dirname(os.path.join(www, path)), exist_ok=True)
    json.dump(doc, open(os.path.join(www, path), "w"))
def picture(path, name):
    os.makedirs(os.path.dirname(os.path.join(www, path)), exist_ok=True)
    shutil.copy(os.path.join(images, name), os.path.join(www, path))

# Yammer
ymoves = [("https://www.yammer.com/api/v1", base + "/yammer/api/v1"),
          ("https://mugshot0eu-1.assets-yammer.com/mugshot/", other + "/file/mugshot/")]
new = load("yammer_messages_in_group.json", ymoves)
m2 = new["messages"][1]
def variant(msg_id, **fields):
    m = copy.deepcopy(m2)
    m.update(id=msg_id, thread_id=msg_id)
    m.update(fields)
    return m
new["messages"] += [
    variant(2860000000000004, sender_id=2210398715904, created_at="2024/08/26 08:00:00 +0000",
            body={"plain": "Hi all, I am Liisa and I just joined the SRE team. Ask me about "
                           "incident drills!", "parsed": "", "rich": "<b>rich</b>"}),
    variant(2860000000000003, privacy="private",
            body={"plain": "PRIVATE-MESSAGE-TEXT", "parsed": "", "rich": ""}),
    variant(2860000000000002, replied_to_id=2869011824222208, thread_id=2869011824222208,
            body={"plain": "REPLY-TEXT", "parsed": "", "rich": ""}),
    variant(2860000000000001, direct_message=True,
            body={"plain": "DIRECT-MESSAGE-TEXT", "parsed": "", "rich": ""}),
]
praise = load("yammer_praise.json", ymoves)
new["references"].append([r for r in praise["references"] if r["id"] == 2210398715904][0])
save("yammer/group-31158067201.json", new)
save("yammer/group-31200455681.json", praise)
groups = load("yammer_groups.json", ymoves)
leads = copy.deepcopy(new)
leads["messages"] = [variant(2874399921586176, group_id=31299001345,
                             body={"plain": "LEADS-ONLY-TEXT", "parsed": "", "rich": ""})]
leads["references"] = [r for r in new["references"] if r["type"] == "user"] + [groups[1]]
save("yammer/group-31299001345.json", leads)
picture("mugshot/images/kT3vWbMtXbkp952gqLQlDqKj8s3Fw42Xc", "sanne-de-vries.jpg")
picture("mugshot/images/Q2xvdWRGaXh0dXJlT21hcg", "daan-bakker.jpg")
picture("mugshot/images/Q2xvdWRGaXh0dXJlTGlpc2E", "priya-raghunathan.jpg")
picture("yammer/api/v1/uploaded_files/2871592968740864/version/2894736210190336/large_preview/_",
        "intro-ozlem-yildiz.jpg")

# HumHub
hmoves = [("https://intranet.example.com/file/", other + "/file/humhub/file/"),
          ("https://intranet.example.com", base + "/humhub")]
save("humhub/spaces.json", load("humhub_spaces.json", hmoves))
posts = load("humhub_posts.json", hmoves)["results"]
def post(post_id, cid=5, message=None, **meta):
    p = copy.deepcopy(posts[1])
    p["id"] = post_id
    if message:
        p["message"] = message
    p["content"]["metadata"].update(contentcontainer_id=cid, **meta)
    p["content"]["topics"] = []
    return p
results = posts + [post(420, message="PRIVATE-CONTENT", visibility=0),
                   post(421, message="ARCHIVED-CONTENT", archived=True),
                   post(422, message="DRAFT-CONTENT", state=10)]
save("humhub/container-5.json", {"results": results})
save("humhub/container-11.json", {"results": [post(430, cid=11, message=
     "Who has a spare monitor for the new starters?\n\nTwo are needed by Monday.")]})
save("humhub/container-19.json", {"results": [post(440, cid=19, message="LEADS-SPACE")]})
picture("humhub/uploads/profile_image/c0ffee00-1111-4222-8333-444455556666.jpg", "sanne-de-vries.jpg")
picture("humhub/uploads/profile_image/d00dfeed-2222-4333-8444-555566667777.jpg", "daan-bakker.jpg")
picture("humhub/file/file/download", "post-coffee.jpg")

# Discourse (served as if installed under /discourse)
dmoves = [("https://community.example.com/uploads/", other + "/file/discourse/uploads/"),
          ('"/user_avatar/', '"/discourse/user_avatar/'),
          ('"/letter_avatar_proxy/', '"/discourse/letter_avatar_proxy/'),
          ('"/images/', '"/discourse/images/')]
save("discourse/categories.json", load("discourse_categories.json", dmoves))
save("discourse/latest.json", load("discourse_latest.json", dmoves))
picture("discourse/user_avatar/community.example.com/maria/240/58_2.png", "sanne-de-vries.jpg")
picture("discourse/user_avatar/community.example.com/omar/240/61_2.png", "daan-bakker.jpg")
picture("discourse/images/discourse-logo-sketch-small.png", "logo.png")
picture("discourse/uploads/default/optimized/2X/3/3f1c0a9b7d2e4f5a6b7c8d9e0f1a2b3c4d5e6f70_2_690x690.jpeg",
        "intro-ozlem-yildiz.jpg")
PY

cat >"$work/prikbord.conf" <<CONF
[feed]
token_file = $work/token
# The shortest interval there is: Yammer still waits a minute between polls.
refresh_interval = 10
connect_timeout = 2
stall_timeout = 2
transfer_timeout = 6

[content]
# The samples are from 2024: no "shown for N days" limit, so the screen shows them.
introduction_days = 0
shoutout_days = 0

[yammer]
base_url = $base/yammer/api/v1
groups = 31158067201, 31200455681, 31299001345
introduction_groups = 31158067201

[humhub]
base_url = $base/humhub
spaces = 2, 4, 7
help_spaces = 4
help_topics = Help wanted

[discourse]
base_url = $base/discourse
categories = 1, 7, 8, 9, 12
introduction_categories = 7
help_categories = 8
CONF
control() { python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1]).read()' "$base/control?$1"; }
# verdicts FILE: "id shown reason" per item of a --check-feed --json report
verdicts() { python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]: print(i["id"], i["shown"], i["reason"])' "$1"; }

run_source() { # NAME BASE: check-feed (json and text), then a headless run with a cache
  local name=$1 url=$2
  "$bin" --config "$work/prikbord.conf" --check-feed "$url" --source "$name" --json \
    >"$work/$name.json" 2>"$work/$name.check.err"
  check_rc=$?
  "$bin" --config "$work/prikbord.conf" --check-feed "$url" --source "$name" \
    >"$work/$name.txt" 2>>"$work/$name.check.err"
  rm -rf "$work/shots-$name"
  "$bin" --config "$work/prikbord.conf" --source "$name" --headless --window 960x540 --log-level debug \
    --screenshot-dir "$work/shots-$name" --cache-dir "$work/cache-$name" \
    >"$work/$name.out" 2>"$work/$name.err"
  head_rc=$?
  verdicts "$work/$name.json" >"$work/$name.v"
  shots=$(ls "$work/shots-$name" 2>/dev/null | sed 's/^[0-9]*-//; s/\.png$//' | sort | tr '\n' ' ')
}
has() { grep -qx "$2" "$work/$1.v"; }

# --- Yammer ---
run_source yammer "$base/yammer/api/v1"
check "yammer: check-feed exits 0 ($check_rc)" '[ $check_rc -eq 0 ]'
check "yammer: headless exits 0 ($head_rc)" '[ $head_rc -eq 0 ]'
check "yammer: intro with a mention shown" 'has yammer "2871593302876160 True None"'
check "yammer: intro group message without a mention shown" 'has yammer "2869011824222208 True None"'
check "yammer: page 2 read (older intro)" 'has yammer "2860000000000004 True None"'
check "yammer: praise shown" 'has yammer "2873004478685184 True None"'
check "yammer: private message hidden" 'has yammer "2860000000000003 False not public"'
check "yammer: page 3 read: reply hidden" 'has yammer "2860000000000002 False unknown type"'
check "yammer: direct message hidden" 'has yammer "2860000000000001 False not public"'
check "yammer: private group hidden" 'has yammer "2874399921586176 False closed group"'
check "yammer: 8 verdicts" '[ $(wc -l <"$work/yammer.v") -eq 8 ]'
check "yammer: slides are the shown items ($shots)" '[ "$shots" = "introduction-2871593302876160 post-2860000000000004 post-2869011824222208 shoutout-2873004478685184 " ]'
check "yammer: text report says why" 'grep -q "a direct message" "$work/yammer.txt"'
check "yammer: at most one poll a minute ($(grep -o 'next poll in [0-9]* s' "$work/yammer.err"))" 'grep -qE "next poll in 6[0-6] s" "$work/yammer.err"'
check "yammer: no private text in the cache" '! grep -rqE "PRIVATE-MESSAGE|REPLY-TEXT|DIRECT-MESSAGE|LEADS-ONLY" "$work/cache-yammer"'

# --- HumHub ---
run_source humhub "$base/humhub"
check "humhub: check-feed exits 0 ($check_rc)" '[ $check_rc -eq 0 ]'
check "humhub: headless exits 0 ($head_rc)" '[ $head_rc -eq 0 ]'
check "humhub: pinned post shown" 'has humhub "412 True None"'
check "humhub: help topic shown" 'has humhub "409 True None"'
check "humhub: help space shown" 'has humhub "430 True None"'
check "humhub: private content hidden" 'has humhub "420 False not public"'
check "humhub: archived hidden" 'has humhub "421 False not public"'
check "humhub: page 3 read: draft hidden" 'has humhub "422 False not public"'
check "humhub: private space not read" 'has humhub "space-7 False closed group"'
check "humhub: slides are the shown items ($shots)" '[ "$shots" = "help_request-409 help_request-430 post-412 " ]'
check "humhub: the configured interval ($(grep -o 'next poll in [0-9]* s' "$work/humhub.err"))" 'grep -qE "next poll in 1[01] s" "$work/humhub.err"'
check "humhub: no private text in the cache" '! grep -rqE "PRIVATE-CONTENT|ARCHIVED|DRAFT|LEADS-SPACE" "$work/cache-humhub"'

# --- Discourse ---
run_source discourse "$base/discourse"
check "discourse: check-feed exits 0 ($check_rc)" '[ $check_rc -eq 0 ]'
check "discourse: headless exits 0 ($head_rc)" '[ $head_rc -eq 0 ]'
check "discourse: pinned topic shown" 'has discourse "5 True None"'
check "discourse: intro shown" 'has discourse "212 True None"'
check "discourse: help request shown" 'has discourse "210 True None"'
check "discourse: unpinned post not shown" 'has discourse "214 False not highlighted"'
check "discourse: page 3 read: restricted category hidden" 'has discourse "215 False closed group"'
check "discourse: slides are the shown items ($shots)" '[ "$shots" = "help_request-210 introduction-212 post-5 " ]'
check "discourse: no restricted text in the cache" '! grep -rq "reorg" "$work/cache-discourse"'

# --- the token: to each platform's API, never to the second origin ---
python3 - "$base/log" "$port" "$port2" >"$work/auth" <<'PY'
import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1]))
api = [e for e in log if e["port"] == int(sys.argv[2]) and e["path"].split("/")[1] in
       ("yammer", "humhub", "discourse") and (".json" in e["path"] or "/api/" in e["path"])]
second = [e for e in log if e["port"] == int(sys.argv[3])]
print("api", len(api), "without-token", sum(not e["auth"] for e in api))
print("second-origin", len(second), "with-token", sum(e["auth"] for e in second))
PY
check "the platforms' APIs got the token ($(head -1 "$work/auth"))" 'grep -q "^api [1-9][0-9]* without-token 0$" "$work/auth"'
check "images on a second origin were fetched" '! grep -q "^second-origin 0 " "$work/auth"'
check "the second origin never got the token" 'grep -q "with-token 0$" "$work/auth"'
check "the token never appears in output or logs" '! grep -rq s3cr3t "$work"/*.err "$work"/*.out "$work"/*.json "$work"/*.txt'

# --- 429 with Retry-After: a clear error, and the cached content stays ---
control rate_limit=1
"$bin" --config "$work/prikbord.conf" --check-feed "$base/discourse" --source discourse --json \
  >"$work/429.json" 2>"$work/429.err"
rc=$?
check "429: check-feed exits 1 ($rc)" '[ $rc -eq 1 ]'
check "429: the error says so" 'grep -q "HTTP 429" "$work/429.json"'
control rate_limit=5
run_source discourse "$base/discourse"
check "429: headless exits 0 ($head_rc)" '[ $head_rc -eq 0 ]'
check "429: the cached slides stay ($shots)" '[ "$shots" = "help_request-210 introduction-212 post-5 " ]'
check "429: the refusal is logged" 'grep -q "HTTP 429" "$work/discourse.err"'
check "429: Retry-After 120 is honoured ($(grep -o 'next poll in [0-9]* s' "$work/discourse.err"))" 'grep -qE "next poll in 1[23][0-9] s" "$work/discourse.err"'
control rate_limit=0

# --- a bad allow-list is a usage error, not a silent empty screen ---
sed 's/^groups = 31158067201.*/groups = newcolleagues/' "$work/prikbord.conf" >"$work/bad.conf"
"$bin" --config "$work/bad.conf" --check-feed "$base/yammer/api/v1" --source yammer \
  >/dev/null 2>"$work/bad.err"
rc=$?
check "an allow-list entry that is no id: exit 2 ($rc)" '[ $rc -eq 2 ]'
check "...and says which" 'grep -q "newcolleagues" "$work/bad.err"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
