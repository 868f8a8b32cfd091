#!/usr/bin/env bash
# The package, end to end: builds the .deb from this build folder (cpack), checks its
# dependencies and control files, installs it into a scratch root with dpkg --root (the
# maintainer scripts run chrootless with DPKG_ROOT, as when an image is built), checks the
# files, the user and the cache folder, runs the installed binary from there (--check-feed and
# a headless render of the installed demo, finding its data next to itself, not in the build
# tree), verifies the unit with systemd-analyze, and purges the package again.
set -u
build=${PRIKBORD_BUILD_DIR:?} bin_dir=usr/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

for tool in cpack dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "package test needs $tool (scripts/deps --test)"; exit 1; }
done

# 1. the .deb
cpack -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1
deb=$(ls "$work"/out/*.deb 2>/dev/null | head -1)
check "cpack builds a .deb ($(tail -3 "$work/cpack.log"))" '[ -n "$deb" ] && [ -s "$deb" ]'
[ -n "$deb" ] || { echo "0 passed, $((fail)) failed"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for want in libsdl2-2.0-0 libsdl2-ttf-2.0-0 libsdl2-image-2.0-0 libcurl4 libcjson1 libinih1 \
            libfontconfig1 libsystemd0 libc6 fonts-noto-core fonts-noto-color-emoji ca-certificates; do
  check "Depends names $want ($depends)" '[[ ", $depends" == *", $want"* ]]'
done
check "no sanitizer runtime in Depends" '[[ "$depends" != *libasan* && "$depends" != *libubsan* ]]'
check "architecture is the build's" '[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ]'
dpkg-deb -e "$deb" "$work/control"
check "the default config is a conffile" 'grep -qx /etc/prikbord/prikbord.conf "$work/control/conffiles"'
for s in postinst prerm postrm; do
  check "$s is executable" '[ -x "$work/control/$s" ]'
done

# 2. installed into a scratch root; only the groups the user joins exist there yet
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
grep -E '^(root|video|render|input):' /etc/group >"$root/etc/group" || true
grep -E '^root:' /etc/passwd >"$root/etc/passwd"
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >"$work/dpkg.log" 2>&1
rc=$?
check "dpkg --root installs it (rc $rc: $(tail -3 "$work/dpkg.log"))" '[ $rc -eq 0 ]'
for f in $bin_dir/prikbord usr/share/prikbord/assets/demo/feed.json usr/share/prikbord/layouts/landscape.json \
         usr/lib/systemd/system/prikbord.service usr/lib/sysusers.d/prikbord.conf \
         usr/lib/tmpfiles.d/prikbord.conf etc/prikbord/prikbord.conf usr/share/doc/prikbord/README.md; do
  check "installs /$f" '[ -s "$root/$f" ]'
done
check "installs the cache folder" '[ -d "$root/var/cache/prikbord" ]'
check "the installed config loads without a feed URL" \
  '! grep -qE "^(url|token) *=" "$root/etc/prikbord/prikbord.conf"'
check "the unit starts the installed binary" \
  'grep -qx "ExecStart=/usr/bin/prikbord --config /etc/prikbord/prikbord.conf" "$root/usr/lib/systemd/system/prikbord.service"'
uid=$(awk -F: '$1 == "prikbord" { print $3 }' "$root/etc/passwd")
check "postinst made the prikbord user (systemd-sysusers)" '[ -n "$uid" ]'
for g in video render input; do
  check "prikbord is in $g" 'grep -qE "^$g:.*[:,]prikbord(,|$)" "$root/etc/group"'
done
check "the cache folder belongs to prikbord (systemd-tmpfiles)" '[ -n "$uid" ] && [ "$(stat -c %u "$root/var/cache/prikbord")" = "$uid" ]'

# 3. the installed binary, from its installed location
"$root/$bin_dir/prikbord" --config "$root/etc/prikbord/prikbord.conf" \
  --check-feed "$root/usr/share/prikbord/assets/demo/feed.json" >"$work/check.out" 2>&1
rc=$?
check "installed --check-feed on the installed demo exits 0 (got $rc)" '[ $rc -eq 0 ]'
env -u PRIKBORD_VIDEO_PLUGIN "$root/$bin_dir/prikbord" --config "$root/etc/prikbord/prikbord.conf" --headless \
  --screenshot-dir "$work/shots" --cache-dir "$work/cache" --window 800x480 --log-level debug \
  >"$work/run.out" 2>&1
rc=$?
n=$(ls "$work/shots" 2>/dev/null | wc -l)
check "installed headless render exits 0 (got $rc)" '[ $rc -eq 0 ]'
check "installed headless render draws the demo ($n slides)" '[ "$n" -ge 10 ]'
check "the data comes from the installed share folder, not the build tree" \
  'grep -q "bundled data in $root/usr/share/prikbord$" "$work/run.out"'
check "the installed video plugin (FFmpeg) loads for the demo's video" \
  'grep -q "video plugin $root/$bin_dir/.*/prikbord-video.so loaded" "$work/run.out"'

# 4. the unit, as systemd would load it from that root (plus the system's own units)
if command -v systemd-analyze >/dev/null; then
  cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
  cp /usr/bin/kill "$root/usr/bin/kill"
  [ -e "$root/bin" ] || ln -s usr/bin "$root/bin"
  [ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
  (cd "$work" && systemd-analyze verify --root="$root" /usr/lib/systemd/system/prikbord.service) >"$work/verify.out" 2>&1
  rc=$?
  check "systemd-analyze verify (rc $rc: $(cat "$work/verify.out"))" '[ $rc -eq 0 ] && [ ! -s "$work/verify.out" ]'
  exposure=$(cd "$work" && systemd-analyze security --offline=yes --root="$root" prikbord.service 2>/dev/null |
             sed -n 's/.*Overall exposure level for prikbord.service: \([0-9.]*\).*/\1/p')
  echo "systemd-analyze security: exposure $exposure (0 safest, 10 unprotected)"
  check "sandboxed: exposure below 3 (got $exposure)" 'awk -v e="${exposure:-10}" "BEGIN { exit !(e < 3) }"'
else
  bad "systemd-analyze is missing (apt-get install systemd)"
fi

# 5. purge leaves nothing of it behind
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null --purge prikbord >"$work/purge.log" 2>&1
rc=$?
check "dpkg --purge (rc $rc: $(tail -2 "$work/purge.log"))" '[ $rc -eq 0 ]'
check "purge removes the binary, the config and the cache" \
  '[ ! -e "$root/$bin_dir/prikbord" ] && [ ! -e "$root/etc/prikbord/prikbord.conf" ] && [ ! -e "$root/var/cache/prikbord" ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
