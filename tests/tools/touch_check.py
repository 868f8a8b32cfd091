#!/usr/bin/env python3
"""End to end: a person at a break-room screen, with real pointer input.

Runs the real program windowed under Xvfb at 1920x1080 and at 800x480, sends pointer input
with xdotool (a click, a press-move-release drag) and keys, and checks the result on the
screen (xwd) and in the program's log: the detail view opens and closes, a drag
changes the slide, and after the idle time (8 s here) the controls are gone and the
slideshow cycles again. Screens are captured with xwd. Needs Xvfb, xdotool and xwd
(scripts/deps --test)."""

import os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xdisplay import brightness, capture, differing, start_xvfb  # noqa: E402

SRC = os.environ.get("PRIKBORD_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.environ.get("PRIKBORD_BINARY") or os.path.join(SRC, "build", "prikbord")
failures = 0
IDLE_S = 8  # input.idle_seconds: long enough for a loaded machine between two steps


def check(what, cond):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1
    return cond


class Screen:
    def __init__(self, w, h, tmp):
        self.w, self.h, self.tmp = w, h, tmp
        self.xvfb, self.display = start_xvfb(w, h)
        self.env = dict(os.environ, DISPLAY=self.display)
        self.env.pop("SDL_VIDEODRIVER", None)  # ctest asks for offscreen; this one is windowed
        self.cache = os.path.join(tmp, "cache-%d" % w)
        conf = os.path.join(tmp, "touch-%d.conf" % w)
        with open(conf, "w") as f:
            f.write("[display]\nslide_seconds = 3\nmax_slide_seconds = 3\nphoto_seconds = 0\n"
                    "language = en\n[input]\nidle_seconds = %d\n" % IDLE_S)
        self.log_path = os.path.join(tmp, "log-%d.txt" % w)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([BIN, "--window", "%dx%d" % (w, h), "--config", conf,
                                      "--cache-dir", self.cache, "--log-level", "debug"],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_log("first content frame", 20)
        time.sleep(1.0)  # the first crossfade is over
        self.shots = 0

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, needle, timeout, after=0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            t = self.text()
            if needle in t[after:]:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def mark(self):
        return len(self.text())

    def wait_drawn(self, after_needle, after=0, timeout=5):
        """Waits until the slide changed by the event logged as after_needle has been drawn
        (a sanitizer build on a loaded machine can take a few hundred ms to render it)."""
        at = self.text().find(after_needle, after)
        return at >= 0 and self.wait_log("rendered in", timeout, at)

    def xdo(self, *args):
        subprocess.run(["xdotool"] + [str(a) for a in args], env=self.env, check=True)

    def shot(self, name):
        """What the X screen shows now."""
        out = os.path.join(self.tmp, "%dx%d-%d-%s.xwd" % (self.w, self.h, self.shots, name))
        self.shots += 1
        return capture(self.env, out)

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.xvfb.terminate()
        self.xvfb.wait(10)
        self.log.close()


def scenario(w, h, tmp):
    """Drives one screen size. Log checks happen as it goes; the pictures are compared at the
    end (Python is slow at it, and the idle time must not run out while it compares)."""
    s = Screen(w, h, tmp)
    tag = "%dx%d: " % (w, h)
    shots, later_checks = {}, []

    def look(what, fn):
        later_checks.append((tag + what, fn))

    try:
        shots["start"] = s.shot("start")
        check(tag + "cycling at first, nobody interacting",
              "someone is using the screen" not in s.text())
        strip = (0, int(h * 0.13), max(int(w * 0.03), 8), int(h * 0.30))
        pill = (int(w * 0.7), int(h * 0.08), w, int(h * 0.25))
        middle = (w // 8, h // 5, 7 * w // 8, 4 * h // 5)

        # A click on the slide opens its detail view over the dimmed slide.
        m = s.mark()
        s.xdo("mousemove", w // 2, int(h * 0.55), "click", 1)
        check(tag + "a click opens the detail view", s.wait_log("detail view of", 5, m))
        s.wait_drawn("detail view of", m)
        time.sleep(0.3)
        shots["detail"] = s.shot("detail")
        look("the slide behind the detail view is dimmed", lambda a: brightness(
            a["detail"], *strip) < 0.8 * brightness(a["start"], *strip))
        look("the detail card covers the middle", lambda a: differing(
            a["start"], a["detail"], w // 4, h // 3, 3 * w // 4, 2 * h // 3) > 0.05)

        # A click outside the card closes it; the controls stay while someone is there.
        m = s.mark()
        s.xdo("mousemove", max(w // 80, 3), int(h * 0.2), "click", 1)
        check(tag + "a click outside the card closes it", s.wait_log("detail view closed", 5, m))
        check(tag + "...and only closes it", "back to the slideshow" not in s.text()[m:])
        time.sleep(0.3)
        shots["closed"] = s.shot("closed")
        look("the slide is bright again", lambda a: brightness(a["closed"], *strip) >
             0.9 * brightness(a["start"], *strip))
        look("the pause sign shows while someone browses",
             lambda a: differing(a["start"], a["closed"], *pill) > 0.05)

        # Press, move, release: the slide follows and the next one settles.
        m = s.mark()
        y = int(h * 0.5)
        s.xdo("mousemove", int(w * 0.8), y, "mousedown", 1)
        for k in range(1, 7):
            s.xdo("mousemove", int(w * (0.8 - 0.1 * k)), y)
        s.xdo("mouseup", 1)
        check(tag + "a drag changes the slide", s.wait_log("(browsed)", 5, m))
        time.sleep(0.8)
        shots["dragged"] = s.shot("dragged")
        look("the screen shows another slide",
             lambda a: differing(a["closed"], a["dragged"], *middle) > 0.10)

        # Keys: Left goes back, Return opens, Escape closes.
        m = s.mark()
        s.xdo("key", "Left")
        check(tag + "Left goes back", s.wait_log("(browsed)", 5, m))
        m = s.mark()
        s.xdo("key", "Return")
        check(tag + "Return opens the detail view", s.wait_log("detail view of", 5, m))
        m = s.mark()
        s.xdo("key", "Escape")
        check(tag + "Escape closes it", s.wait_log("detail view closed", 5, m))
        check(tag + "Escape does not quit a kiosk that is browsing", s.proc.poll() is None)

        # Walk away: after the idle time the controls go and the slideshow cycles again.
        m = s.mark()
        check(tag + "back to the slideshow after the idle time",
              s.wait_log("back to the slideshow", IDLE_S + 3, m))
        check(tag + "the slideshow is drawn again", s.wait_drawn("back to the slideshow", m))
        time.sleep(0.3)
        shots["idle"] = s.shot("idle")
        look("the pause sign is gone", lambda a: differing(a["closed"], a["idle"], *pill) > 0.02
             and brightness(a["idle"], *pill) > brightness(a["closed"], *pill))
        m = s.mark()
        check(tag + "the rotation moves on by itself", s.wait_log("on screen:", 8, m) and
              "(browsed)" not in s.text()[m:])
        time.sleep(1.0)
        shots["cycled"] = s.shot("cycled")
        look("a new slide is on screen",
             lambda a: differing(a["idle"], a["cycled"], *middle) > 0.10)
        check(tag + "the program ran throughout", s.proc.poll() is None)
    finally:
        s.close()
    for what, fn in later_checks:
        check(what, fn(shots))


def main():
    for tool in ("Xvfb", "xdotool", "xwd"):
        if not shutil.which(tool):
            print("FAIL %s is not installed (scripts/deps --test installs it)" % tool)
            return 1
    tmp = tempfile.mkdtemp(prefix="prikbord-touch-")
    for w, h in ((1920, 1080), (800, 480)):
        scenario(w, h, tmp)
    print("screens captured in %s (kept on failure or with PRIKBORD_KEEP_SCREENSHOTS=1)" % tmp)
    if failures:
        print("%d check(s) failed" % failures)
        return 1
    if os.environ.get("PRIKBORD_KEEP_SCREENSHOTS"):
        return 0
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
