#!/usr/bin/env bash
# `prikbord --check-feed FILE --json` on every file of JSONTestSuite's test_parsing/:
# no crash or hang on any of them; every n_* and y_* file is an unusable feed (none is a feed)
# with exit status 1 and exactly one stderr line "prikbord: <reason>"; stdout is valid JSON
# that says usable: false with the same kind of reason. i_* files may go either way but must
# not crash. Environment (set by CTest): PRIKBORD_BINARY, PRIKBORD_SHARED_DIR.
set -u

binary=${PRIKBORD_BINARY:?PRIKBORD_BINARY is not set}
corpus=${PRIKBORD_SHARED_DIR:?PRIKBORD_SHARED_DIR is not set}/corpora/jsontestsuite/test_parsing

if [[ ! -x $binary ]]; then
    echo "check_feed_corpus: no binary at $binary (build the prikbord target)" >&2
    exit 1
fi
shopt -s nullglob
files=("$corpus"/*.json)
if ((${#files[@]} == 0)); then
    echo "check_feed_corpus: no files in $corpus" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A problem # file name -> first problem found
note() {
    [[ -n ${problem[$1]:-} ]] || problem[$1]=$2
}

# Pass 1: run the binary on every file; check exit status and stderr in the shell.
i=0
for f in "${files[@]}"; do
    name=${f##*/}
    out=$tmp/$i.out err=$tmp/$i.err
    printf '%s\t%s\n' "$name" "$out" >>"$tmp/list"
    timeout 20 "$binary" --check-feed "$f" --json >"$out" 2>"$err" </dev/null
    rc=$?
    i=$((i + 1))
    if ((rc == 124)); then
        note "$name" "hung (killed after 20 s)"
    elif ((rc >= 128)); then
        note "$name" "crashed (exit status $rc, signal $((rc - 128)))"
    fi
    if grep -qE 'Sanitizer|runtime error:' "$err"; then
        note "$name" "sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$err")"
    fi
    lines=$(wc -l <"$err")
    first=$(head -n 1 "$err")
    case $name in
    n_* | y_*)
        ((rc == 1)) || note "$name" "exit status $rc, want 1 (unusable)"
        if ((lines != 1)); then
            note "$name" "$lines lines on stderr, want exactly 1: $(head -n 3 "$err" | tr '\n' '|')"
        elif [[ ! $first =~ ^prikbord:\ .*[^[:space:]] ]]; then
            note "$name" "stderr line is not 'prikbord: <reason>': $first"
        fi
        ;;
    i_*)
        ((rc == 0 || rc == 1)) || note "$name" "exit status $rc, want 0 or 1"
        ((lines <= 1)) || note "$name" "$lines lines on stderr: $(head -n 3 "$err" | tr '\n' '|')"
        ;;
    esac
done

# Pass 2: one Python process validates every stdout (one interpreter start per file would
# cost more than all the runs of the binary together).
python3 - "$tmp/list" >"$tmp/json_problems" <<'EOF'
import json, sys
lenient = []  # n_* files the JSON layer accepted (refused later, as not a feed)
strict = []  # y_* files the JSON layer refused (corpora/README.md: a test records them)
for line in open(sys.argv[1], encoding="utf-8"):
    name, path = line.rstrip("\n").split("\t")
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        print(f"{name}\tstdout is not valid JSON: {e}")
        continue
    if not isinstance(doc, dict) or set(doc) != {"usable", "error", "items"}:
        print(f"{name}\tstdout is not a check report: {str(doc)[:80]}")
        continue
    if name.startswith(("n_", "y_")):
        if doc["usable"] is not False:
            print(f"{name}\treported as a usable feed")
        elif not isinstance(doc["error"], str) or not doc["error"].strip() or "\n" in doc["error"]:
            print(f"{name}\tno one-line reason in the JSON: {doc['error']!r}")
        elif doc["items"]:
            print(f"{name}\tan unusable feed with item verdicts (a partial result)")
        elif name.startswith("n_") and not doc["error"].startswith(("invalid JSON", "feed is empty")):
            lenient.append(name)
        elif name.startswith("y_") and doc["error"].startswith("invalid JSON"):
            strict.append(name)
print(f"note: the JSON layer refuses {len(strict)} y_* files" + (": " if strict else "")
      + " ".join(sorted(strict)), file=sys.stderr)
if lenient:
    print(f"note: the JSON layer accepts {len(lenient)} n_* files (refused only as feeds): "
          + " ".join(sorted(lenient)), file=sys.stderr)
EOF
if (($? != 0)); then
    echo "check_feed_corpus: the JSON validation itself failed" >&2
    exit 1
fi
while IFS=$'\t' read -r name msg; do
    note "$name" "$msg"
done <"$tmp/json_problems"

passed=0 failed=0
for f in "${files[@]}"; do
    name=${f##*/}
    if [[ -n ${problem[$name]:-} ]]; then
        echo "FAIL $name: ${problem[$name]}"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed"
((failed == 0))
