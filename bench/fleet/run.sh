#!/usr/bin/env bash
# The fleet benchmark (see run.py): builds the harness, installs nginx if missing, runs the
# three scenarios. About 2 minutes. Extra arguments go to run.py (e.g. --minutes 30).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/deps
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
build=${PRIKBORD_BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target prikbord_fleet_bench >/dev/null
exec python3 bench/fleet/run.py --harness "$build/prikbord_fleet_bench" "$@"
