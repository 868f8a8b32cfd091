#!/usr/bin/env python3
"""What an intro video costs while it plays: Prikbord at 1920x1080 under Xvfb, one
introduction whose video (made here with ffmpeg: 30 s of moving test pattern, H.264) is 720p
or 1080p, played in the photo area. Reports CPU seconds per minute of playback (the process,
utime + stime, after a 5 s warm-up, over 20 s), and RSS and PSS (median and peak, sampled
every 0.5 s), with the renderer Prikbord picked and with --software, next to the same slide
without a video.

  bench/video/run.py [--prikbord build/prikbord] [--seconds 20]

Figures, not a test: on a busy machine they are noisy. Needs ffmpeg and Xvfb
(scripts/deps --test)."""

import argparse, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "tools"))
from xdisplay import start_xvfb  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_kb(pid):
    rss = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def make_video(path, w, h, seconds):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=s=%dx%d:r=30:d=%d" % (w, h, seconds), "-c:v", "libx264",
                    "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60", path], check=True)


def feed_with(path, video):
    item = {"id": "i-bench", "type": "introduction",
            "group": {"id": "g", "name": "All", "visibility": "open"},
            "published_at": "2026-11-20T09:00:00Z", "expires_at": "2036-01-01T00:00:00Z",
            "person": {"name": "Sanne de Vries", "role": "Engineer", "start_date": "2026-11-20"},
            "body": "Hoi, ik ben Sanne."}
    if video:
        item["video_url"] = video
    json.dump({"version": 1, "community": {"name": "Bench"}, "items": [item]}, open(path, "w"))


def run(binary, display, feed, conf, cache, software, seconds):
    env = dict(os.environ, DISPLAY=display)
    env.pop("SDL_VIDEODRIVER", None)
    args = [binary, "--window", "1920x1080", "--feed", feed, "--config", conf,
            "--cache-dir", cache]
    if software:
        args.append("--software")
    log = open(os.path.join(cache + ".log"), "w")
    p = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(5)  # start, first frame, the video opened
        c0, t0 = cpu_seconds(p.pid), time.time()
        rss, pss = [], []
        while time.time() - t0 < seconds:
            r, q = memory_kb(p.pid)
            rss.append(r)
            pss.append(q)
            time.sleep(0.5)
        cpu = (cpu_seconds(p.pid) - c0) / (time.time() - t0) * 60
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(15)
        log.close()
    text = open(cache + ".log").read()
    renderer = text.split("renderer ")[1].split(",")[0] if "renderer " in text else "?"
    return {"cpu_s_per_min": round(cpu, 1), "rss_median_mb": round(statistics.median(rss) / 1024),
            "rss_peak_mb": round(max(rss) / 1024), "pss_median_mb": round(statistics.median(pss) / 1024),
            "pss_peak_mb": round(max(pss) / 1024), "renderer": renderer}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prikbord", default=os.path.join(SRC, "build", "prikbord"))
    ap.add_argument("--seconds", type=int, default=20)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="prikbord-bench-video-")
    make_video(os.path.join(tmp, "v720.mp4"), 1280, 720, 40)
    make_video(os.path.join(tmp, "v1080.mp4"), 1920, 1080, 40)
    conf = os.path.join(tmp, "bench.conf")
    with open(conf, "w") as f:
        f.write("[display]\nslide_seconds = 600\nmax_slide_seconds = 600\n"
                "[video]\nmax_seconds = 600\n")
    xvfb, display = start_xvfb(1920, 1080)
    rows = []
    try:
        for name, video in (("no video", None), ("720p H.264", "v720.mp4"),
                            ("1080p H.264", "v1080.mp4")):
            feed = os.path.join(tmp, "feed-%s.json" % (video or "none"))
            feed_with(feed, video)
            for software in (False, True):
                cache = os.path.join(tmp, "cache-%s-%d" % (video or "none", software))
                r = run(a.prikbord, display, feed, conf, cache, software, a.seconds)
                r["case"] = name
                rows.append(r)
                print(json.dumps(r), flush=True)
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    print("\n| slide at 1920x1080 | renderer | CPU s/min | RSS median / peak MB | PSS median / peak MB |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| %s | %s | %.1f | %d / %d | %d / %d |" % (
            r["case"], r["renderer"], r["cpu_s_per_min"], r["rss_median_mb"], r["rss_peak_mb"],
            r["pss_median_mb"], r["pss_peak_mb"]))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
