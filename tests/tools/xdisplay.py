"""An X display for end-to-end tests: a private Xvfb on a free display number, and xwd
captures of its screen read without any image library (xwd's dump is uncompressed)."""

import os, struct, subprocess, time


# ---- screen captures: xwd's dump of the X screen (what a person sees), uncompressed ----

def xwd_read(path):
    data = open(path, "rb").read()
    f = struct.unpack(">25I", data[:100])
    header, w, h, byte_order, bpp, stride, ncolors = f[0], f[4], f[5], f[7], f[11], f[12], f[19]
    assert bpp == 32, "a 24-bit screen gives 32 bits a pixel"
    pixels = data[header + ncolors * 12:]
    return (w, h, stride, byte_order, pixels)


def pixel(img, x, y):
    w, h, stride, byte_order, d = img
    i = y * stride + x * 4
    b, g, r = (d[i], d[i + 1], d[i + 2]) if byte_order == 0 else (d[i + 3], d[i + 2], d[i + 1])
    return (r, g, b)


def brightness(img, x0, y0, x1, y1, step=4):
    """Mean of r+g+b over a rectangle (every step-th pixel)."""
    total = n = 0
    for y in range(y0, y1, step):
        for x in range(x0, x1, step):
            total += sum(pixel(img, x, y))
            n += 1
    return total / max(n, 1)


def differing(a, b, x0, y0, x1, y1, step=4):
    """Fraction of sampled pixels that differ clearly between two screenshots."""
    diff = n = 0
    for y in range(y0, y1, step):
        for x in range(x0, x1, step):
            pa, pb = pixel(a, x, y), pixel(b, x, y)
            diff += sum(abs(pa[k] - pb[k]) for k in range(3)) > 30
            n += 1
    return diff / max(n, 1)


# ---- the display and the program ----

def free_display():
    for n in range(90, 200):
        if not os.path.exists("/tmp/.X11-unix/X%d" % n) and not os.path.exists("/tmp/.X%d-lock" % n):
            return n
    raise SystemExit("no free X display number")



def start_xvfb(w, h):
    """A new Xvfb at w x h x 24; returns (process, display name)."""
    n = free_display()
    display = ":%d" % n
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "%dx%dx24" % (w, h), "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while not os.path.exists("/tmp/.X11-unix/X%d" % n):
        if time.time() > deadline or xvfb.poll() is not None:
            raise SystemExit("Xvfb did not start")
        time.sleep(0.05)
    return xvfb, display


def capture(env, path):
    """What the X screen of env's DISPLAY shows now, saved to path and read."""
    subprocess.run(["xwd", "-root", "-silent", "-out", path], env=env, check=True)
    return xwd_read(path)
