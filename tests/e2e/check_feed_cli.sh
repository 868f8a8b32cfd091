#!/usr/bin/env bash
# `prikbord --check-feed` from the command line: the bundled demo feed (every visibility rule
# it exercises), files that are not feeds, a feed too large to read, and a feed over HTTP from
# the local test server. Environment (set by CTest): PRIKBORD_BINARY, PRIKBORD_SOURCE_DIR.
set -u

binary=${PRIKBORD_BINARY:?PRIKBORD_BINARY is not set}
source_dir=${PRIKBORD_SOURCE_DIR:?PRIKBORD_SOURCE_DIR is not set}
demo=$source_dir/assets/demo/feed.json

if [[ ! -x $binary ]]; then
    echo "check_feed_cli: no binary at $binary (build the prikbord target)" >&2
    exit 1
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
ok() {
    echo "ok   $1"
    passed=$((passed + 1))
}
not_ok() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# Runs the binary with a timeout; sets rc, and leaves stdout in $tmp/out, stderr in $tmp/err.
run() {
    timeout 20 "$binary" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

# Checks an unusable outcome: exit status 1, one stderr line "prikbord: ..." that contains
# want (may be empty), and no crash.
expect_unusable() {
    local what=$1 want=$2
    local lines first
    lines=$(wc -l <"$tmp/err")
    first=$(head -n 1 "$tmp/err")
    if ((rc != 1)); then
        not_ok "$what" "exit status $rc, want 1; stderr: $(head -n 3 "$tmp/err" | tr '\n' '|')"
    elif ((lines != 1)); then
        not_ok "$what" "$lines lines on stderr, want 1: $(head -n 3 "$tmp/err" | tr '\n' '|')"
    elif [[ ! $first =~ ^prikbord:\ .*[^[:space:]] ]]; then
        not_ok "$what" "stderr is not 'prikbord: <reason>': $first"
    elif [[ -n $want && $first != *"$want"* ]]; then
        not_ok "$what" "stderr does not say \"$want\": $first"
    else
        ok "$what"
    fi
}

# Checks the JSON report of the demo feed in $tmp/out; prints the problems, one per line.
check_demo_json() {
    python3 - "$tmp/out" <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    print(f"stdout is not valid JSON: {e}")
    sys.exit()
if doc.get("usable") is not True or doc.get("error") is not None:
    print(f"not usable: {doc.get('error')!r}")
items = {it["id"]: it for it in doc.get("items", [])}
want = {"p-1007": "closed group", "i-2005": "opted out", "p-1006": "not highlighted",
        "p-1008": "expired"}
for id, reason in want.items():
    it = items.get(id)
    if it is None:
        print(f"{id} is not in the report")
    elif it["shown"] is not False or it["reason"] != reason or not it["detail"]:
        print(f"{id}: shown={it['shown']} reason={it['reason']!r}, want hidden as {reason!r}")
for type in ("post", "introduction", "shoutout", "help_request"):
    if not any(it["shown"] and it["type"] == type for it in items.values()):
        print(f"no shown item of type {type}")
EOF
}

# ---- the demo feed ----
run --check-feed "$demo" --json
problems=$(check_demo_json)
if ((rc != 0)); then
    not_ok "demo feed (json)" "exit status $rc, want 0; stderr: $(head -n 3 "$tmp/err" | tr '\n' '|')"
elif [[ -n $problems ]]; then
    not_ok "demo feed (json)" "$(tr '\n' ';' <<<"$problems")"
else
    ok "demo feed (json): p-1007 closed group, i-2005 opted out, p-1006 not highlighted, p-1008 expired"
fi

run --check-feed "$demo"
missing=$(python3 - "$demo" "$tmp/out" <<'EOF'
import json, sys
ids = [it["id"] for it in json.load(open(sys.argv[1], encoding="utf-8"))["items"]]
text = open(sys.argv[2], encoding="utf-8").read()
print(" ".join(i for i in ids if i not in text))
EOF
)
if ((rc != 0)); then
    not_ok "demo feed (text)" "exit status $rc, want 0"
elif [[ -n $missing ]]; then
    not_ok "demo feed (text)" "does not mention $missing"
elif ! grep -q 'feed usable' "$tmp/out"; then
    not_ok "demo feed (text)" "no summary line: $(head -n 1 "$tmp/out")"
else
    ok "demo feed (text) mentions every id"
fi

# ---- files that are not feeds ----
run --check-feed "$tmp/does-not-exist.json"
expect_unusable "missing file" "does-not-exist.json"
run --check-feed "$tmp/does-not-exist.json" --json
if python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["usable"] is not False)' <"$tmp/out" 2>/dev/null; then
    expect_unusable "missing file (json)" ""
else
    not_ok "missing file (json)" "stdout is not a JSON report saying usable: false"
fi

mkdir "$tmp/a-directory"
run --check-feed "$tmp/a-directory"
expect_unusable "directory" ""

run --check-feed /dev/null
expect_unusable "/dev/null" "feed is empty"

head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$tmp/spaces.json"
start=$(date +%s%N)
run --check-feed "$tmp/spaces.json"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_unusable "20 MB of spaces" "over the limit"
if ((elapsed_ms > 5000)); then
    not_ok "20 MB of spaces, quickly" "took $elapsed_ms ms"
else
    ok "20 MB of spaces refused in $elapsed_ms ms"
fi
rm -f "$tmp/spaces.json"

# ---- over HTTP from the local test server ----
server=$source_dir/tests/tools/testserver.py
if [[ ! -f $server ]]; then
    echo "skip http: $server does not exist"
else
    mkdir "$tmp/www"
    cp "$demo" "$tmp/www/feed.json"
    printf '{"version": 2, "items": []}' >"$tmp/www/v2.json"
    # A coprocess: its stdin is our pipe, so it also stops by itself when this script ends.
    coproc SERVER { exec python3 "$server" --root "$tmp/www" --max-seconds 120; }
    server_pid=$SERVER_PID
    port=
    if read -r -t 10 word port <&"${SERVER[0]}" && [[ $word == PORT && $port =~ ^[0-9]+$ ]]; then
        base=http://127.0.0.1:$port
        run --check-feed "$base/file/feed.json" --json
        problems=$(check_demo_json)
        if ((rc != 0)); then
            not_ok "http feed" "exit status $rc; stderr: $(head -n 3 "$tmp/err" | tr '\n' '|')"
        elif [[ -n $problems ]]; then
            not_ok "http feed" "$(tr '\n' ';' <<<"$problems")"
        else
            ok "http feed: the same verdicts as from the file"
        fi
        run --check-feed "$base/file/v2.json"
        expect_unusable "http feed of version 2" "version 2"
        run --check-feed "$base/status/404"
        expect_unusable "http 404" ""
        run --check-feed "$base/status/500" --json
        expect_unusable "http 500" ""
    else
        not_ok "http" "the test server did not print its port"
    fi
fi

echo "$passed passed, $failed failed"
((failed == 0))
