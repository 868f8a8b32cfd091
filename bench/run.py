#!/usr/bin/python3
"""Prikbord next to Chromium in kiosk mode, on one Xvfb display (1920x1080x24), in one run.

  bench/run.py --prikbord BUILD/prikbord [--micro BUILD/micro/prikbord_micro] [--out DIR]
               [--warmup 20] [--measure 60] [--static 60] [--first-runs 3] [--memory-variants]

Players: Prikbord with the renderer it chooses (OpenGL; llvmpipe on a machine without a GPU),
Prikbord with --software, and Chromium (--kiosk --disable-gpu) showing an HTML/CSS page made
by bench/kiosk_page.py from the same feed and layout, in the same rotation order, with the same
dwell (10 s) and crossfade (600 ms). Everything is local: the page and the feed are files, and
Chromium's resolver and proxy point nowhere but 127.0.0.1.

Per player (docs/performance.md explains the method):
  first content   launch to the first screen capture that matches the player's own finished
                  first slide (rows of the root window, header left out), median of N launches;
                  Prikbord from a warm cache, Chromium with a warm and with a fresh profile
  CPU             utime+stime of the whole process tree (reaped children included) over the
                  measured window after the warm-up, in CPU-seconds per minute
  memory          RSS and PSS summed over the tree from /proc/PID/smaps_rollup every second:
                  median over the measured window and peak over the whole run
  screen updates  from the X server (DAMAGE): updates per second and how much of the screen
Then a static slide (no slide changes, the clock ticking) for Prikbord and Chromium, where an
update per minute and its size are what counts, and the micro-benchmarks (bench/micro).
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import kiosk_page  # noqa: E402
import xscreen  # noqa: E402

W, H = 1920, 1080
CLK = os.sysconf("SC_CLK_TCK")
CHROMIUM = "/usr/lib/chromium/chromium"  # what /usr/bin/chromium runs, without its default flags

PRIKBORD_CONF = """# bench/run: Prikbord's settings equal to the page's: 10 s per slide, 600 ms crossfade.
[display]
slide_seconds = {slide}
max_slide_seconds = {slide}
photo_seconds = 0
transition_ms = 600
max_fps = 30
language = nl
clock_24h = true
window = fullscreen
# The page shows the photo; so does Prikbord (an introduction video would change the slide's
# time and what is drawn, and is not part of this comparison).
[video]
enabled = false
[log]
level = info
"""

# Chromium as a kiosk with software rendering, nothing first-run, and no network: every name
# resolves to nothing except 127.0.0.1, and any request that still tries goes to a closed
# local port.
CHROMIUM_FLAGS = [
    "--kiosk", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--window-position=0,0", "--window-size=%d,%d" % (W, H),
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-breakpad",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--metrics-recording-only", "--no-pings", "--password-store=basic", "--use-mock-keychain",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes


def read_stat(pid):
    """(ppid, utime+stime+cutime+cstime in ticks) or None when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] is the state (field 3); utime is field 14, so rest[11]
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def tree(root, tag=None):
    """The root and its descendants, plus (tag) any process whose command line holds tag, with
    its descendants: a helper that Chromium re-parents would otherwise escape."""
    children, tagged = {}, []
    for pid in all_pids():
        st = read_stat(pid)
        if st:
            children.setdefault(st[0], []).append(pid)
        if tag:
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if tag.encode() in f.read():
                        tagged.append(pid)
            except OSError:
                pass
    found, todo = set(), [root] + tagged
    while todo:
        p = todo.pop()
        if p not in found:
            found.add(p)
            todo.extend(children.get(p, []))
    return sorted(p for p in found if os.path.exists("/proc/%d" % p))


def cpu_ticks(pids):
    return sum(st[1] for st in (read_stat(p) for p in pids) if st)


def rollup(pid):
    out = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                    out[k] = int(v.split()[0])
    except OSError:
        return None
    return out


def memory(pids):
    tot = {"rss": 0, "pss": 0, "uss": 0, "procs": 0}
    for p in pids:
        r = rollup(p)
        if r:
            tot["rss"] += r.get("Rss", 0)
            tot["pss"] += r.get("Pss", 0)
            tot["uss"] += r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
            tot["procs"] += 1
    return tot


def system_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4]  # all but idle and iowait


def stop(proc, pids, timeout=10):
    """SIGTERM to the process we started, then SIGKILL to what is left of its tree."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    end = time.monotonic() + 5
    for p in pids:
        while os.path.exists("/proc/%d" % p) and time.monotonic() < end:
            time.sleep(0.05)
        if os.path.exists("/proc/%d" % p):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


# ---------------------------------------------------------------- memory breakdown


def classify(path):
    if "libLLVM" in path:
        return "libLLVM (llvmpipe's JIT compiler)"
    if any(k in path for k in ("/dri/", "libgallium", "libGLX_mesa", "libglapi", "libEGL_mesa",
                                "libvulkan", "libGL.so", "libGLX.so", "libEGL.so", "libGLdispatch",
                                "libgbm", "libdrm")):
        return "Mesa / GL libraries"
    if path.endswith("/prikbord"):
        return "prikbord program"
    if ".so" in path:
        return "other shared libraries"
    if path == "[heap]":
        return "heap (main malloc arena)"
    if path.startswith("[stack"):
        return "stacks"
    if path.endswith((".ttf", ".otf", ".ttc")):
        return "fonts (mapped files)"
    if "fontconfig" in path:
        return "fontconfig caches (mapped)"
    if path.startswith(("/SYSV", "/dev/shm", "/memfd:")) or "SYSV" in path:
        return "shared memory (MIT-SHM, memfd)"
    if path.startswith("/dev/dri"):
        return "GPU device"
    if path in ("[vvar]", "[vdso]", "[vsyscall]"):
        return "kernel pages"
    if path:
        return "other mapped files"
    return "anonymous"


def smaps_breakdown(pid):
    """Rss and Pss per kind of mapping, and the largest anonymous mappings (textures, frames and
    decoded pictures live there, as do the malloc arenas of threads)."""
    cats, anon, cur = {}, [], None
    try:
        with open("/proc/%d/smaps" % pid) as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    hdr = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$")
    for line in lines:
        m = hdr.match(line)
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            cur = {"start": lo, "size": (hi - lo) // 1024, "perms": m.group(3),
                   "path": m.group(4).strip(), "rss": 0, "pss": 0}
            cur["cat"] = classify(cur["path"])
            if cur["cat"] == "anonymous":
                anon.append(cur)
            c = cats.setdefault(cur["cat"], {"rss": 0, "pss": 0, "mappings": 0})
            c["mappings"] += 1
            continue
        if cur is None:
            continue
        if line.startswith("Rss:"):
            v = int(line.split()[1])
            cur["rss"] = v
            cats[cur["cat"]]["rss"] += v
        elif line.startswith("Pss:"):
            v = int(line.split()[1])
            cur["pss"] = v
            cats[cur["cat"]]["pss"] += v
    # Anonymous memory by shape. glibc gives each thread that allocates an arena of its own in
    # a 64 MiB-aligned reservation; a block of 128 KiB or more is mmapped on its own (until
    # glibc raises that threshold after the first such free), so a texture, a frame or a
    # decoded picture is often one mapping of its size: 8100 KiB is one 1080p RGBA frame.
    frame_kb = W * H * 4 // 1024
    g_arena = "anonymous: malloc arenas of threads (64 MiB-aligned)"
    g_frame = "anonymous: blocks of one 1080p frame (8100 KiB: textures, frames)"
    g_big = "anonymous: other blocks >= 1 MiB (decoded pictures, render buffers, ...)"
    g_small = "anonymous: small blocks < 1 MiB"
    groups = {g_arena: 0, g_frame: 0, g_big: 0, g_small: 0}
    for a in anon:
        if a["start"] % (64 << 20) == 0 and a["size"] <= 65536:
            a["kind"] = g_arena
        elif frame_kb - 16 <= a["size"] <= frame_kb + 2048:
            a["kind"] = g_frame
        elif a["size"] >= 1024:
            a["kind"] = g_big
        else:
            a["kind"] = g_small
        groups[a["kind"]] += a["rss"]
    biggest = sorted(anon, key=lambda a: -a["rss"])[:14]
    return {"categories": cats, "anonymous_groups": groups,
            "largest_anonymous": [{"size_kb": a["size"], "rss_kb": a["rss"], "perms": a["perms"],
                                   "kind": a["kind"]} for a in biggest]}


# ---------------------------------------------------------------- players


class Player:
    def __init__(self, key, label, cmd, env, tag=None, profile=None):
        self.key, self.label, self.cmd, self.env, self.tag, self.profile = key, label, cmd, env, tag, profile

    def launch(self, work, fresh_profile=True):
        cmd = list(self.cmd)
        env = dict(self.env)
        tag = None
        if self.profile is not None:
            if fresh_profile or not self.profile.get("dir"):
                d = tempfile.mkdtemp(prefix="chromium-", dir=work)
                self.profile["dir"] = d
            d = self.profile["dir"]
            tag = d
            env.update(HOME=d, XDG_CONFIG_HOME=os.path.join(d, "config"),
                       XDG_CACHE_HOME=os.path.join(d, "cache"))
            cmd = cmd[:1] + ["--user-data-dir=" + os.path.join(d, "profile")] + cmd[1:]
        err = open(os.path.join(work, "%s-%d.log" % (self.key, int(time.time() * 1000))), "w")
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        p.t0, p.errpath, p.tag = t0, err.name, tag
        err.close()
        return p


def rows_y():
    # 24 full-width rows from just under the header band to the footer: the clock is left out,
    # every region of every slide type is crossed.
    n = 24
    return [int(H * (0.12 + k * 0.80 / (n - 1))) for k in range(n)]


def reference(player, display, work, out, wait=6.0):
    """Launches once (filling Prikbord's cache, warming Chromium's profile) and keeps the rows of
    the finished first slide, and a screenshot of it."""
    probe = xscreen.Rows(display, rows_y())
    p = player.launch(work, fresh_profile=True)
    try:
        time.sleep(wait)
        _, ref = probe.sample()
        time.sleep(0.5)
        _, again = probe.sample()
        stable = xscreen.differs(ref, again, W) < 0.002
        xscreen.grab_png(display, os.path.join(out, "first-slide-%s.png" % player.key))
    finally:
        pids = tree(p.pid, p.tag)
        stop(p, pids)
        probe.close()
    time.sleep(1.0)
    return ref, stable


def first_content(player, display, work, ref, fresh_profile, limit=25.0, threshold=0.01):
    """Seconds from launch to the first capture matching ref (None: not within limit)."""
    probe = xscreen.Rows(display, rows_y())
    p = player.launch(work, fresh_profile=fresh_profile)
    t = None
    try:
        while time.monotonic() - p.t0 < limit:
            tm, rows = probe.sample()
            if xscreen.differs(rows, ref, W) < threshold:
                t = tm - p.t0
                break
            time.sleep(0.005)
    finally:
        pids = tree(p.pid, p.tag)
        stop(p, pids)
        probe.close()
    time.sleep(1.0)
    return t


def malloc_probe(pid):
    """Asks glibc inside the running process, through gdb, what its heap holds (malloc_stats()
    to the process's stderr), then to give free memory back (malloc_trim(0)); returns the
    process's RSS and PSS after that. None without gdb."""
    gdb = shutil.which("gdb")
    if not gdb:
        return None
    before = rollup(pid) or {}
    subprocess.run([gdb, "-p", str(pid), "-batch", "-nx", "-ex", "call (void)malloc_stats()",
                    "-ex", "call (int)malloc_trim(0)", "-ex", "detach"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    after = rollup(pid) or {}
    return {"rss_before_mb": before.get("Rss", 0) / 1024, "pss_before_mb": before.get("Pss", 0) / 1024,
            "rss_after_trim_mb": after.get("Rss", 0) / 1024, "pss_after_trim_mb": after.get("Pss", 0) / 1024}


def parse_malloc_stats(text):
    """The totals malloc_stats() printed: arenas, bytes taken from the system, bytes in use."""
    arenas = len(re.findall(r"^Arena \d+:", text, re.M))
    m = re.search(r"Total \(incl\. mmap\):\s*system bytes\s*=\s*(\d+)\s*in use bytes\s*=\s*(\d+)", text)
    mm = re.search(r"max mmap bytes\s*=\s*(\d+)", text)
    if not m:
        return None
    return {"arenas": arenas, "system_mb": int(m.group(1)) / 2**20, "in_use_mb": int(m.group(2)) / 2**20,
            "max_mmap_mb": int(mm.group(1)) / 2**20 if mm else None}


XSERVER_PID = None  # Xvfb's CPU is reported next to each player's: it copies their frames


def measure(player, display, work, warmup, window, dmg, breakdown=False, probe=False):
    """CPU, memory and screen updates of one run: warm-up, then the measured window."""
    p = player.launch(work, fresh_profile=True)
    samples, peak = [], {"rss": 0, "pss": 0}
    res = {}
    try:
        t_end_warm = p.t0 + warmup
        t_end = t_end_warm + window
        cpu0 = sys0 = mark0 = None
        t_cpu0 = None
        while True:
            now = time.monotonic()
            pids = tree(p.pid, p.tag)
            if cpu0 is None and now >= t_end_warm:
                cpu0, sys0, t_cpu0, mark0 = cpu_ticks(pids), system_busy_ticks(), now, dmg.mark()
                x0 = cpu_ticks([XSERVER_PID])
            if now >= t_end:
                cpu1, sys1, t_cpu1, mark1 = cpu_ticks(pids), system_busy_ticks(), now, dmg.mark()
                x1 = cpu_ticks([XSERVER_PID])
                break
            m = memory(pids)
            peak["rss"] = max(peak["rss"], m["rss"])
            peak["pss"] = max(peak["pss"], m["pss"])
            if cpu0 is not None:
                samples.append(m)
            if p.poll() is not None:
                raise RuntimeError("%s exited early (%s); see %s" % (player.label, p.returncode, p.errpath))
            time.sleep(max(0.0, min(1.0, (t_end_warm if cpu0 is None else t_end) - time.monotonic())))
        secs = t_cpu1 - t_cpu0
        cpu = (cpu1 - cpu0) / CLK
        xcpu = (x1 - x0) / CLK
        other = (sys1 - sys0) / CLK - cpu - xcpu
        res = {
            "window_s": secs, "cpu_s": cpu, "cpu_s_per_min": cpu / secs * 60,
            "xserver_cpu_s_per_min": xcpu / secs * 60,
            "other_load_cores": max(0.0, other / secs),
            "rss_median_mb": statistics.median(s["rss"] for s in samples) / 1024,
            "pss_median_mb": statistics.median(s["pss"] for s in samples) / 1024,
            "uss_median_mb": statistics.median(s["uss"] for s in samples) / 1024,
            "rss_peak_mb": peak["rss"] / 1024, "pss_peak_mb": peak["pss"] / 1024,
            "processes": max(s["procs"] for s in samples),
            "screen": dmg.summary(mark0, mark1, secs),
        }
        if breakdown:
            pids = tree(p.pid, p.tag)
            if len(pids) == 1:
                res["smaps"] = smaps_breakdown(pids[0])
            else:
                per = []
                for q in pids:
                    try:
                        with open("/proc/%d/cmdline" % q, "rb") as f:
                            # Chromium rewrites its command line as one space-separated string
                            args = f.read().replace(b"\0", b" ").split()
                    except OSError:
                        continue
                    kind = next((a.decode().split("=", 1)[1] for a in args if a.startswith(b"--type=")), "browser")
                    sub = next((a.decode().split("=", 1)[1] for a in args if a.startswith(b"--utility-sub-type=")), "")
                    r = rollup(q) or {}
                    per.append({"pid": q, "type": kind + (" " + sub if sub else ""),
                                "rss_mb": r.get("Rss", 0) / 1024, "pss_mb": r.get("Pss", 0) / 1024})
                res["processes_detail"] = per
        if probe and len(tree(p.pid, p.tag)) == 1:
            res["malloc_trim"] = malloc_probe(p.pid)
    finally:
        pids = tree(p.pid, p.tag)
        stop(p, pids)
    with open(p.errpath, errors="replace") as f:
        text = f.read()
    m = re.search(r"quit after (\d+) frames", text)
    if m:
        res["frames_total"] = int(m.group(1))
    m = re.search(r"renderer (\w+)", text)
    if m:
        res["renderer"] = m.group(1)
    ms = parse_malloc_stats(text)
    if ms:
        res["malloc_stats"] = ms
    res["log"] = os.path.basename(p.errpath)
    time.sleep(1.0)
    return res


# ---------------------------------------------------------------- machine


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    deb = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    arch = sh(["dpkg", "--print-architecture"])
    mesa = sh(["dpkg-query", "-W", "-f=${Version}", "libgl1-mesa-dri:" + arch])
    # The LLVM that Mesa's llvmpipe links, not just any installed one.
    llvm = sh(["sh", "-c", "ldd /usr/lib/*/dri/swrast_dri.so 2>/dev/null | grep -o 'libLLVM[^ ]*' | head -1"])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "debian": deb,
            "kernel": os.uname().release, "chromium": sh([CHROMIUM, "--version"]),
            "mesa": mesa, "llvm": llvm, "sdl2": sh(["dpkg-query", "-W", "-f=${Version}", "libsdl2-2.0-0:" + arch]),
            "loadavg_start": open("/proc/loadavg").read().split()[:3]}


# ---------------------------------------------------------------- report


def fmt(v, nd=2):
    return "-" if v is None else ("%.*f" % (nd, v))


def ratio(a, b):
    return None if a is None or not b else a / b


def report(r):
    lines = []
    P, S, C = r["runs"].get("prikbord"), r["runs"].get("prikbord-sw"), r["runs"].get("chromium")
    pl = "Prikbord (%s)" % (P or {}).get("renderer", "auto")
    lines.append("| per player | %s | Prikbord (--software) | Chromium kiosk | %s / Chromium | software / Chromium |" % (pl, pl.split(" ")[0] + " " + (P or {}).get("renderer", "")))
    lines.append("|---|---|---|---|---|---|")

    def row(name, key, nd=2):
        a, b, c = (x.get(key) if x else None for x in (P, S, C))
        lines.append("| %s | %s | %s | %s | %s | %s |" % (name, fmt(a, nd), fmt(b, nd), fmt(c, nd),
                                                         fmt(ratio(a, c), 3), fmt(ratio(b, c), 3)))

    row("CPU s per minute", "cpu_s_per_min")
    row("X server's CPU s per minute meanwhile", "xserver_cpu_s_per_min")
    row("PSS median, MB", "pss_median_mb", 1)
    row("PSS peak, MB", "pss_peak_mb", 1)
    row("RSS median (summed), MB", "rss_median_mb", 1)
    row("RSS peak (summed), MB", "rss_peak_mb", 1)
    lines.append("| processes | %s | %s | %s | | |" % tuple(str(x["processes"]) if x else "-" for x in (P, S, C)))
    for x in (P, S, C):
        if x:
            x["updates_per_s"] = x["screen"]["updates_per_s"]
            x["screens_per_s"] = x["screen"]["screens_per_s"]
    row("screen updates per s (X DAMAGE)", "updates_per_s", 2)
    row("screen area updated per s (screens)", "screens_per_s", 2)
    fc = r.get("first_content", {})
    fp, fs, fcw, fcf = (fc.get(k, {}).get("median") for k in ("prikbord", "prikbord-sw", "chromium", "chromium-fresh"))
    lines.append("| first content, median s (warm cache / warm profile) | %s | %s | %s | %s | %s |"
                 % (fmt(fp), fmt(fs), fmt(fcw), fmt(ratio(fp, fcw), 3), fmt(ratio(fs, fcw), 3)))
    lines.append("| first content, Chromium with a fresh profile | | | %s | %s | %s |"
                 % (fmt(fcf), fmt(ratio(fp, fcf), 3), fmt(ratio(fs, fcf), 3)))
    lines.append("| other load on the machine during the window, cores | %s | %s | %s | | |"
                 % tuple(fmt(x["other_load_cores"]) if x else "-" for x in (P, S, C)))
    st = r.get("static", {})
    if st:
        a, c = st.get("prikbord"), st.get("chromium")
        lines.append("")
        lines.append("| static slide, clock ticking | %s | Chromium kiosk | ratio |" % pl)
        lines.append("|---|---|---|---|")
        for name, key, nd in (("CPU s per minute", "cpu_s_per_min", 3),
                              ("X server's CPU s per minute meanwhile", "xserver_cpu_s_per_min", 3),
                              ("PSS median, MB", "pss_median_mb", 1)):
            lines.append("| %s | %s | %s | %s |" % (name, fmt(a.get(key) if a else None, nd),
                                                  fmt(c.get(key) if c else None, nd),
                                                  fmt(ratio(a.get(key) if a else None, c.get(key) if c else None), 3)))
        for name, key, nd in (("screen updates per s", "updates_per_s", 3),
                              ("largest update (fraction of the screen)", "largest_update_screens", 3),
                              ("screen area updated per s (screens)", "screens_per_s", 4)):
            lines.append("| %s | %s | %s | |" % (name, fmt(a["screen"][key] if a else None, nd),
                                                fmt(c["screen"][key] if c else None, nd)))
    bd = [(k, r["runs"][k]) for k in ("prikbord", "prikbord-sw") if k in r["runs"] and "smaps" in r["runs"][k]]
    if bd:
        lines.append("")
        lines.append("| Prikbord's memory at the end of the window, PSS (RSS) MB | %s |"
                     % " | ".join(k for k, _ in bd))
        lines.append("|---|%s" % ("---|" * len(bd)))
        names = []
        for _, x in bd:
            sm = x["smaps"]
            for c in list(sm["categories"]) + list(sm["anonymous_groups"]):
                if c not in names and c != "anonymous":
                    names.append(c)

        def val(sm, c):
            if c in sm["anonymous_groups"]:
                v = sm["anonymous_groups"][c] / 1024
                return "%.1f" % v
            v = sm["categories"].get(c)
            return "%.1f (%.1f)" % (v["pss"] / 1024, v["rss"] / 1024) if v else "-"
        for c in sorted(names, key=lambda c: -max((bd_x["smaps"]["categories"].get(c, {}).get("pss", 0)
                                                   or bd_x["smaps"]["anonymous_groups"].get(c, 0))
                                                  for _, bd_x in bd)):
            lines.append("| %s | %s |" % (c, " | ".join(val(x["smaps"], c) for _, x in bd)))
        for k, x in bd:
            if x.get("malloc_stats"):
                ms = x["malloc_stats"]
                lines.append("| %s: glibc malloc_stats | %d arenas, %.1f MB from the system, %.1f MB in use |"
                             % (k, ms["arenas"], ms["system_mb"], ms["in_use_mb"]) + " |" * (len(bd) - 1))
    mv = r.get("memory_variants")
    if mv:
        lines.append("")
        lines.append("| memory variant (no code change) | CPU s/min | PSS median MB | PSS peak MB | RSS median MB | PSS after malloc_trim(0) |")
        lines.append("|---|---|---|---|---|---|")
        for k in ("prikbord", "prikbord-sw"):
            x = r["runs"].get(k)
            if x:
                t = x.get("malloc_trim") or {}
                lines.append("| %s as is | %.2f | %.1f | %.1f | %.1f | %s |" % (
                    k, x["cpu_s_per_min"], x["pss_median_mb"], x["pss_peak_mb"], x["rss_median_mb"],
                    fmt(t.get("pss_after_trim_mb"), 1)))
        for name, x in mv.items():
            t = x.get("malloc_trim") or {}
            lines.append("| %s | %.2f | %.1f | %.1f | %.1f | %s |" % (
                name, x["cpu_s_per_min"], x["pss_median_mb"], x["pss_peak_mb"], x["rss_median_mb"],
                fmt(t.get("pss_after_trim_mb"), 1)))
    mic = r.get("micro")
    if mic:
        lines.append("")
        lines.append("| micro-benchmark | result |")
        lines.append("|---|---|")
        for m in mic:
            lines.append("| %s | %s |" % (m["name"], m["summary"]))
    return "\n".join(lines)


# ---------------------------------------------------------------- micro


def run_micro(binary, display, work):
    out = []
    env = dict(os.environ, PRIKBORD_SOURCE_DIR=SRC)
    env.pop("DISPLAY", None)
    jobs = [["parse", "1000"], ["parse", "10000"], ["text"], ["jpeg"],
            ["fade", "offscreen", "software", "1920x1080"], ["fade", "offscreen", "opengl", "1920x1080"],
            ["fade", "offscreen", "software", "3840x2160"], ["fade", "offscreen", "opengl", "3840x2160"],
            ["fade", "x11", "software", "1920x1080"], ["fade", "x11", "opengl", "1920x1080"],
            ["memory", "x11", "opengl", "1920x1080"], ["memory", "x11", "software", "1920x1080"]]
    for j in jobs:
        e = dict(env)
        if len(j) > 1 and j[1] == "x11":
            e["DISPLAY"] = display
        try:
            cp = subprocess.run([binary] + j + ["--work", work], env=e, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            log("micro %s timed out" % " ".join(j))
            continue
        if cp.returncode != 0:
            log("micro %s failed (%d): %s" % (" ".join(j), cp.returncode, cp.stderr[-800:]))
            continue
        for line in cp.stdout.splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
    return out


# ---------------------------------------------------------------- main


def start_xvfb():
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "%dx%dx24" % (W, H),
                          "-nolisten", "tcp", "-br", "-noreset"], pass_fds=[w],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    num = b""
    while not num.endswith(b"\n"):
        c = os.read(r, 1)
        if not c:
            raise RuntimeError("Xvfb did not start")
        num += c
    os.close(r)
    return x, ":" + num.decode().strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prikbord", required=True, help="the prikbord binary (a Release build)")
    ap.add_argument("--micro", help="bench/micro's prikbord_micro built against that build")
    ap.add_argument("--out", default=None, help="results folder (default: next to the binary)")
    ap.add_argument("--warmup", type=float, default=20, help="seconds before the measured window")
    ap.add_argument("--measure", type=float, default=60, help="seconds measured per player")
    ap.add_argument("--static", type=float, default=60, help="measured seconds on a static slide (0: skip)")
    ap.add_argument("--first-runs", type=int, default=3, help="launches per player for first content")
    ap.add_argument("--only", default="prikbord,prikbord-sw,chromium", help="players to run")
    ap.add_argument("--skip", default="", help="comma list of: first,main,static,micro")
    ap.add_argument("--memory-variants", action="store_true",
                    help="also run Prikbord with SDL_FRAMEBUFFER_ACCELERATION=0 and with glibc "
                         "allocator settings, and ask its malloc through gdb (+5 minutes)")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    t_start = time.monotonic()
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.prikbord)), "bench-results")
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="prikbord-bench-")
    os.chmod(work, 0o755)
    res = {"machine": machine(), "args": vars(a), "runs": {}, "first_content": {}, "static": {}}
    if not os.path.exists(CHROMIUM):
        sys.exit("bench: %s is missing (Debian's chromium package)" % CHROMIUM)
    global XSERVER_PID
    xvfb, display = start_xvfb()
    XSERVER_PID = xvfb.pid
    dmg = None
    try:
        log("Xvfb on %s; work folder %s" % (display, work))
        dmg = xscreen.Damage(display)
        feed = os.path.join(SRC, "assets", "demo", "feed.json")
        cache = os.path.join(work, "prikbord-cache")
        conf = os.path.join(work, "prikbord.conf")
        with open(conf, "w") as f:
            f.write(PRIKBORD_CONF.format(slide=10))
        sconf = os.path.join(work, "prikbord-static.conf")
        with open(sconf, "w") as f:
            f.write(PRIKBORD_CONF.format(slide=600))
        # The rotation Prikbord shows, from a headless run; it also fills the cache.
        shots = os.path.join(work, "headless")
        cp = subprocess.run([a.prikbord, "--config", conf, "--headless", "--screenshot-dir", shots,
                             "--cache-dir", cache], capture_output=True, text=True, timeout=300)
        if cp.returncode != 0:
            raise RuntimeError("headless run failed: " + cp.stderr[-1000:])
        order = [re.sub(r"^\d+-[a-z_]+-", "", n)[:-4] for n in sorted(os.listdir(shots)) if n.endswith(".png")]
        layout = os.path.join(SRC, "layouts", "landscape.json")
        page = kiosk_page.make_page(feed, layout, order, os.path.join(work, "page"), 10000, 600)
        spage = kiosk_page.make_page(feed, layout, order, os.path.join(work, "page-static"), 600000, 600)
        shutil.copy(page, os.path.join(out, "kiosk-page.html"))
        log("rotation of %d slides: %s" % (len(order), ",".join(order)))
        penv = dict(os.environ, DISPLAY=display)
        penv.pop("SDL_VIDEODRIVER", None)
        cenv = dict(os.environ, DISPLAY=display, DBUS_SESSION_BUS_ADDRESS="disabled:")
        for k in ("GOOGLE_API_KEY", "GOOGLE_DEFAULT_CLIENT_ID", "GOOGLE_DEFAULT_CLIENT_SECRET"):
            cenv.pop(k, None)
        cflags = list(CHROMIUM_FLAGS) + (["--no-sandbox"] if os.geteuid() == 0 else [])

        def players(conf_path, page_path):
            return {
                "prikbord": Player("prikbord", "Prikbord", [a.prikbord, "--config", conf_path, "--cache-dir", cache], penv),
                "prikbord-sw": Player("prikbord-sw", "Prikbord --software",
                                      [a.prikbord, "--config", conf_path, "--cache-dir", cache, "--software"], penv),
                "chromium": Player("chromium", "Chromium", [CHROMIUM] + cflags + ["file://" + page_path], cenv,
                                   profile={}),
            }

        only = [k for k in a.only.split(",") if k]
        pl = players(conf, page)
        if "first" not in skip:
            refs = {}
            for k in only:
                refs[k], stable = reference(pl[k], display, work, out)
                if not stable:
                    log("warning: %s's first slide was still changing 6 s after launch" % k)
            times = {k: [] for k in only}
            if "chromium" in only:
                times["chromium-fresh"] = []
            for i in range(a.first_runs):
                for k in only:
                    # Chromium's warm profile is the one the run before it left.
                    times[k].append(first_content(pl[k], display, work, refs[k], fresh_profile=False))
                    if k == "chromium":
                        times["chromium-fresh"].append(first_content(pl[k], display, work, refs[k], fresh_profile=True))
            for k, v in times.items():
                ok = [x for x in v if x is not None]
                res["first_content"][k] = {"runs": v, "median": statistics.median(ok) if ok else None}
                log("first content %s: %s" % (k, ", ".join(fmt(x, 3) for x in v)))
        if "main" not in skip:
            for k in only:
                log("measuring %s: %g s warm-up, %g s measured" % (k, a.warmup, a.measure))
                res["runs"][k] = measure(pl[k], display, work, a.warmup, a.measure, dmg, breakdown=True,
                                         probe=a.memory_variants and k != "chromium")
                log("  %.2f CPU s/min, PSS %.1f MB" % (res["runs"][k]["cpu_s_per_min"], res["runs"][k]["pss_median_mb"]))
        if a.static > 0 and "static" not in skip:
            sp = players(sconf, spage)
            for k in [k for k in ("prikbord", "chromium") if k in only]:
                log("static slide %s: 10 s warm-up, %g s measured" % (k, a.static))
                res["static"][k] = measure(sp[k], display, work, 10, a.static, dmg)
        if a.memory_variants:
            # Settings that need no code change, to size the proposals in docs/performance.md:
            # the software renderer without SDL's OpenGL probe (which loads Mesa and LLVM for
            # nothing), and glibc's allocator with fewer arenas and a fixed mmap threshold.
            res["memory_variants"] = {}
            base = players(conf, page)
            no_probe = {"SDL_FRAMEBUFFER_ACCELERATION": "0"}
            alloc = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}
            for k, name, extra in (("prikbord-sw", "SDL_FRAMEBUFFER_ACCELERATION=0", no_probe),
                                   ("prikbord", "MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072", alloc),
                                   ("prikbord-sw", "both", dict(no_probe, **alloc))):
                p = base[k]
                v = Player(k, p.label, p.cmd, dict(p.env, **extra))
                log("memory variant %s %s" % (k, name))
                res["memory_variants"]["%s with %s" % (k, name)] = measure(
                    v, display, work, a.warmup, a.measure / 2, dmg, breakdown=True, probe=True)
        if a.micro and "micro" not in skip:
            log("micro-benchmarks")
            res["micro"] = run_micro(a.micro, display, work)
    finally:
        if dmg:
            dmg.close()
        xvfb.terminate()
        xvfb.wait(timeout=10)
    res["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    res["elapsed_s"] = time.monotonic() - t_start
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    text = report(res)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(text + "\n")
    logs = os.path.join(out, "logs")
    os.makedirs(logs, exist_ok=True)
    for n in os.listdir(work):
        if n.endswith(".log"):
            shutil.copy(os.path.join(work, n), logs)
    print(text)
    print("\nbench: %.0f s; results in %s (results.json, report.md, first-slide-*.png); load average %s -> %s"
          % (res["elapsed_s"], out, " ".join(res["machine"]["loadavg_start"]), " ".join(res["machine"]["loadavg_end"])))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
