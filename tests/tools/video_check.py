#!/usr/bin/env python3
"""End to end: introduction videos on the wall.

Makes its own videos with ffmpeg (5 s that grow brighter every frame, in H.264 and in VP9,
and broken ones: truncated, empty, a text file named .mp4, 8K), puts them in a feed next to
the feed file, runs the real program in a 640x360 window on SDL's offscreen driver (the
dummy driver under the sanitizers, as ctest sets it), and checks on its own screenshots
(SIGUSR1) and in its log that the video plays in order in the photo's place, that its slide
stays as long as the video while another stays its own time, and that every broken video is
refused with a reason while its slide shows the photo. Under the sanitizer build the same run
proves there is no crash and no report (the exit status). Needs ffmpeg."""

import json, os, re, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pngread import mean_brightness, png_read  # noqa: E402

SRC = os.environ.get("PRIKBORD_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.environ.get("PRIKBORD_BINARY") or os.path.join(SRC, "build", "prikbord")
W, H = 640, 360
failures = 0


def check(what, cond):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1
    return cond


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y"] + list(args), check=True)


def make_media(d):
    ramp = "color=c=black:s=640x360:r=25:d=5,geq=lum='20+200*T/5':cb=128:cr=128"
    ffmpeg("-f", "lavfi", "-i", ramp, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25",
           os.path.join(d, "ramp.mp4"))
    ffmpeg("-f", "lavfi", "-i", ramp, "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v",
           "200k", "-deadline", "realtime", os.path.join(d, "ramp.webm"))
    data = open(os.path.join(d, "ramp.mp4"), "rb").read()
    open(os.path.join(d, "truncated.mp4"), "wb").write(data[:len(data) // 3])
    open(os.path.join(d, "zero.mp4"), "wb").close()
    with open(os.path.join(d, "text.mp4"), "w") as f:
        f.write("this is not a video\n" * 50)
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=7680x4320:r=25:d=0.04", "-frames:v", "1",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", os.path.join(d, "8k.mp4"))
    ffmpeg("-f", "lavfi", "-i", "color=c=0x3070c0:s=320x320", "-frames:v", "1",
           os.path.join(d, "photo.png"))


def item(iid, video, photo=None, published="2026-11-20T09:00:00Z"):
    it = {"id": iid, "type": "introduction",
          "group": {"id": "g", "name": "All", "visibility": "open"},
          "published_at": published, "expires_at": "2036-01-01T00:00:00Z",
          "person": {"name": "Video %s" % iid, "role": "Tester", "start_date": "2026-11-20"},
          "body": "Hello from %s." % iid}
    if video:
        it["video_url"] = video
    if photo:
        it["image_url"] = photo
    return it


def photo_rect():
    """Where an introduction's photo is on a 640x360 screen (the layout for small panels)."""
    lay = json.load(open(os.path.join(SRC, "layouts", "landscape-small.json")))
    x, y, w, h = lay["slides"]["introduction"]["photo"]["rect"]
    return int(x * W), int(y * H), int((x + w) * W), int((y + h) * H)


def screenshot(proc, cache, out):
    """Asks the program for a screenshot of its next frame (SIGUSR1) and keeps it as out."""
    latest = os.path.join(cache, "screenshot-latest.png")
    before = os.stat(latest).st_mtime_ns if os.path.exists(latest) else 0
    proc.send_signal(signal.SIGUSR1)
    deadline = time.time() + 5
    while time.time() < deadline:
        if os.path.exists(latest) and os.stat(latest).st_mtime_ns != before:
            break
        time.sleep(0.02)
    time.sleep(0.05)
    shutil.copy(latest, out)
    return out


def main():
    for tool in ("ffmpeg",):
        if not shutil.which(tool):
            print("FAIL %s is not installed (scripts/deps --test installs it)" % tool)
            return 1
    tmp = tempfile.mkdtemp(prefix="prikbord-video-")
    make_media(tmp)
    broken = ["truncated.mp4", "zero.mp4", "text.mp4", "8k.mp4"]
    items = [item("v-h264", "ramp.mp4", published="2026-11-24T09:00:00Z"),
             item("v-vp9", "ramp.webm", published="2026-11-23T09:00:00Z")]
    items += [item("b-%s" % b.split(".")[0], b, "photo.png") for b in broken]
    items.append({"id": "p-plain", "type": "post",
                  "group": {"id": "g", "name": "All", "visibility": "open"},
                  "published_at": "2026-11-22T09:00:00Z", "highlighted": True,
                  "expires_at": "2036-01-01T00:00:00Z",
                  "author": {"name": "Someone"}, "title": "A post", "body": "Short."})
    feed = os.path.join(tmp, "feed.json")
    json.dump({"version": 1, "community": {"name": "Video test"}, "items": items},
              open(feed, "w"))
    conf = os.path.join(tmp, "video.conf")
    with open(conf, "w") as f:
        f.write("[display]\nslide_seconds = 3\nmax_slide_seconds = 3\nphoto_seconds = 0\n"
                "transition_ms = 300\n[content]\nfresh_hours = 0\n")
    env = dict(os.environ)
    env.setdefault("SDL_VIDEODRIVER", "offscreen")
    cache = os.path.join(tmp, "cache")
    log_path = os.path.join(tmp, "log.txt")
    log = open(log_path, "w")
    proc = subprocess.Popen([BIN, "--window", "%dx%d" % (W, H), "--config", conf, "--feed", feed,
                             "--cache-dir", cache, "--log-level", "debug"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    seen = []  # (time first seen, item id) of every "on screen" line
    shots = []  # (seconds into v-h264's slide, capture)
    box = photo_rect()
    inner = (box[0] + 10, box[1] + 10, box[2] - 10, box[3] - 20)  # clear of the progress line
    try:
        deadline = time.time() + 70
        vid_start = None
        while time.time() < deadline and proc.poll() is None:
            text = open(log_path, errors="replace").read()
            ids = re.findall(r"on screen: (\S+)", text)
            while len(seen) < len(ids):
                seen.append((time.time(), ids[len(seen)]))
                if ids[len(seen) - 1] == "v-h264" and vid_start is None:
                    vid_start = time.time()
            if vid_start and len(shots) < 3:
                t = time.time() - vid_start
                due = (1.0, 2.5, 4.0)[len(shots)]
                if t >= due:
                    shots.append((t, screenshot(proc, cache, os.path.join(
                        tmp, "play-%d.png" % len(shots)))))
            # two full cycles of the seven items are enough
            if sum(1 for _, i in seen if i == "p-plain") >= 2:
                break
            time.sleep(0.05)
        alive = proc.poll() is None
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
    text = open(log_path, errors="replace").read()
    check("the program ran the whole time", alive)
    check("it exited cleanly", proc.returncode == 0)
    for b in broken:
        check("%s is refused with a reason" % b,
              re.search(r"video \S*%s refused: \S" % re.escape(b), text) is not None)
    check("the H.264 video plays", re.search(r"ramp\.mp4: mov\S* h264 640x360", text))
    check("the VP9 video plays", re.search(r"ramp\.webm: matroska\S* vp9 640x360", text))

    # Time on screen: from one "on screen" line to the next.
    spans = {}
    for (t0, i), (t1, _) in zip(seen, seen[1:]):
        spans.setdefault(i, []).append(t1 - t0)
    print("time on screen (s):", {k: [round(x, 1) for x in v] for k, v in spans.items()})
    vid = spans.get("v-h264", [])
    plain = spans.get("p-plain", [])
    check("the video's slide stays as long as the video (5 s)",
          vid and all(4.8 <= s <= 6.8 for s in vid))
    check("a slide without a video stays its own 3 s",
          plain and all(2.8 <= s <= 4.5 for s in plain))
    for b in broken:
        i = "b-%s" % b.split(".")[0]
        check("%s's slide is shown (with its photo) for its own time" % i,
              spans.get(i) and all(2.8 <= s <= 4.5 for s in spans[i]))

    # The video plays in order: the photo area grows brighter from capture to capture.
    levels = [mean_brightness(png_read(path), *inner) for _, path in shots]
    print("brightness of the photo area at %s s: %s" %
          ([round(t, 1) for t, _ in shots], [round(x) for x in levels]))
    check("three captures while it plays", len(levels) == 3)
    check("successive captures show later frames",
          len(levels) == 3 and levels[0] + 40 < levels[1] and levels[1] + 40 < levels[2])
    if failures:
        print("%d check(s) failed; files in %s" % (failures, tmp))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
