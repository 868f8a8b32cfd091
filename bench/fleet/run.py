#!/usr/bin/env python3
"""Fleet benchmark: 200 simulated screens poll one feed, with and without a caching reverse
proxy (Debian's nginx) in front of the origin, on an accelerated clock. Everything listens on
127.0.0.1 only and stops by itself.

  bench/fleet/run.py --harness BUILD/prikbord_fleet_bench [--displays 200] [--minutes 10]
                     [--speed 30] [--interval 60] [--change-every 5] [--json OUT]

The origin is tests/tools/testserver.py serving the demo feed (ETag, Last-Modified, gzip,
304 on a match). The feed changes every --change-every simulated minutes. Scenarios:
  direct     nginx passes every request through (no cache): what the origin would see alone
  cached     nginx caches one copy for all screens (the display= parameter left out of the key),
             fresh for 30 simulated seconds (the origin's Cache-Control: max-age), revalidated
             with If-None-Match, one request at a time (proxy_cache_lock); while one request
             revalidates, the others get the cached copy (proxy_cache_use_stale updating)
  per-screen the same cache keyed per screen, as when the server gives each screen its own
             selection by display=ID
Reports requests reaching the origin per simulated interval and the bytes on each side."""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    log_format bench '$msec $status $bytes_sent $upstream_cache_status "$upstream_addr" $upstream_bytes_received';
    access_log {dir}/access.log bench;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=feed:1m max_size=64m inactive=1d use_temp_path=off;
    # The screens' display=ID does not change the feed unless the server personalises it.
    map $args $args_without_display {{
        ~^(?<a>.*?)&?display=[^&]*(?<b>.*)$ $a$b;
        default $args;
    }}
    upstream origin {{
        server 127.0.0.1:{origin_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
{cache}
        }}
    }}
}}
"""

CACHE = """
            proxy_cache feed;
            proxy_cache_key "$uri?{key_args}";
            proxy_cache_valid 200 {ttl}s;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5s;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
            add_header X-Cache-Status $upstream_cache_status;
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bench: nothing listens on 127.0.0.1:%d" % port)


class Feed:
    """The origin's feed file, changed every `every_s` simulated seconds (a new post)."""

    def __init__(self, root, speed, every_s):
        with open(os.path.join(SRC, "assets", "demo", "feed.json")) as f:
            self.base = json.load(f)
        self.path = os.path.join(root, "feed.json")
        self.speed, self.every_s, self.version = speed, every_s, 0
        self.stop = threading.Event()
        self.write()

    def write(self):
        data = dict(self.base)
        data["items"] = [dict(it) for it in self.base["items"]]
        data["items"][0]["title"] = "%s (%d)" % (data["items"][0].get("title", ""), self.version)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f)
        os.replace(tmp, self.path)
        self.version += 1

    def run(self):
        while not self.stop.wait(self.every_s / self.speed):
            self.write()


def scenario(name, a, origin_port, work):
    d = os.path.join(work, name)
    os.makedirs(d)
    port = free_port()
    ttl = max(1, round(30 / a.speed))
    cache = ""
    if name != "direct":
        cache = CACHE.format(ttl=ttl, key_args="$args_without_display" if name == "cached" else "$args")
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=d, origin_port=origin_port, port=port, cache=cache))
    nginx = subprocess.Popen([a.nginx, "-c", os.path.join(d, "nginx.conf"), "-p", d],
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "nginx.err"), "w"))
    try:
        wait_port(port)
        base = json.load(urllib.request.urlopen("http://127.0.0.1:%d/log" % origin_port))
        feed = Feed(a.root, a.speed, a.change_every * 60)
        changer = threading.Thread(target=feed.run, daemon=True)
        changer.start()
        out = subprocess.run([a.harness, "http://127.0.0.1:%d/file/feed.json" % port,
                              "--displays", str(a.displays), "--interval", str(a.interval),
                              "--minutes", str(a.minutes), "--speed", str(a.speed)],
                             capture_output=True, text=True, timeout=a.minutes * 60 / a.speed + 120)
        feed.stop.set()
        changer.join()
        if out.returncode != 0:
            sys.exit("bench: harness failed (%d): %s" % (out.returncode, out.stderr[-2000:]))
        screens = json.loads(out.stdout.strip().splitlines()[-1])
        log = json.load(urllib.request.urlopen("http://127.0.0.1:%d/log" % origin_port))[len(base):]
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    start, speed = screens["start_epoch"], screens["speed"]
    intervals = [0] * (a.minutes * 60 // a.interval)
    for e in log:
        if e["path"].startswith("/file/feed.json"):
            i = int((e["t"] - start) * speed // a.interval)
            if 0 <= i < len(intervals):
                intervals[i] += 1
    to_screens = from_origin = 0
    statuses = {}
    with open(os.path.join(d, "access.log")) as f:
        for line in f:
            parts = line.split()
            statuses[parts[1]] = statuses.get(parts[1], 0) + 1
            to_screens += int(parts[2])
            from_origin += sum(int(x) for x in parts[5].replace(",", " ").replace(":", " ").split()
                               if x.isdigit())
    origin_total = sum(1 for e in log if e["path"].startswith("/file/feed.json"))
    return {
        "scenario": name,
        "screen_requests": screens["requests"],
        "screen_200": screens["ok"],
        "screen_304": screens["not_modified"],
        "screen_errors": screens["errors"],
        "origin_requests": origin_total,
        "origin_requests_per_interval": intervals,
        "bytes_to_screens": to_screens,
        "bytes_from_origin": from_origin,
        "statuses": statuses,
        "harness_worst_lag_sim_ms": screens["worst_lag_sim_ms"],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--harness", required=True)
    p.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    p.add_argument("--displays", type=int, default=200)
    p.add_argument("--minutes", type=int, default=10)
    p.add_argument("--interval", type=int, default=60)
    p.add_argument("--speed", type=float, default=30)
    p.add_argument("--change-every", type=int, default=5, help="simulated minutes between feed changes")
    p.add_argument("--scenarios", default="direct,cached,per-screen")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="prikbord-fleet-")
    os.chmod(work, 0o755)  # nginx's workers run as another user when started by root
    a.root = os.path.join(work, "origin")
    os.makedirs(a.root)
    max_age = max(1, round(30 / a.speed))
    origin = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "tools", "testserver.py"),
                               "--root", a.root, "--max-seconds", "3600",
                               "--cache-control", "public, max-age=%d" % max_age],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        origin_port = int(origin.stdout.readline().split()[1])
        results = [scenario(s, a, origin_port, work) for s in a.scenarios.split(",")]
    finally:
        origin.stdin.close()
        origin.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    print("%d screens, poll every %d s (+ up to 10 %% jitter), %d simulated minutes at %gx, "
          "feed changes every %d min, cache fresh for 30 s" % (a.displays, a.interval, a.minutes,
                                                               a.speed, a.change_every))
    print("%-11s %9s %9s %9s %14s %14s  %s" % ("scenario", "screen req", "origin req", "per intv",
                                               "bytes->screens", "bytes<-origin", "origin requests per interval"))
    for r in results:
        per = r["origin_requests_per_interval"]
        print("%-11s %9d %9d %9.1f %14d %14d  %s" % (
            r["scenario"], r["screen_requests"], r["origin_requests"], sum(per) / max(1, len(per)),
            r["bytes_to_screens"], r["bytes_from_origin"], per))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"displays": a.displays, "minutes": a.minutes, "interval_s": a.interval,
                       "speed": a.speed, "change_every_min": a.change_every, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
