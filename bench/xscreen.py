"""What an X display shows, seen from outside the program that draws it (Xlib and the DAMAGE
extension through ctypes, so that nothing beyond Debian's libx11-6 and libxdamage1 is needed).

  Rows(display, ys)       grabs a few full-width pixel rows of the root window: a cheap,
                          identical probe for any program (used for the time to first content)
  grab_png(display, path) the whole root window as a PNG (python3-pil)
  Damage(display)         counts the screen's updates: every rectangle any client changes,
                          reported by the X server itself (XDamageReportRawRectangles)
"""
import ctypes
import ctypes.util
import threading
import time

_x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
_x11.XOpenDisplay.restype = ctypes.c_void_p
_x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
_x11.XDefaultRootWindow.restype = ctypes.c_ulong
_x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
_x11.XGetImage.restype = ctypes.c_void_p
_x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                           ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
_x11.XFree.argtypes = [ctypes.c_void_p]
_x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
_x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
_x11.XPending.argtypes = [ctypes.c_void_p]
_x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_x11.XConnectionNumber.argtypes = [ctypes.c_void_p]
_x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
_x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF


class _XImage(ctypes.Structure):
    # The leading fields of Xlib's XImage (stable ABI since X11R6).
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int),
                ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
                ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


class Display:
    def __init__(self, name):
        self.dpy = _x11.XOpenDisplay(name.encode())
        if not self.dpy:
            raise RuntimeError("cannot open X display %s" % name)
        self.root = _x11.XDefaultRootWindow(self.dpy)
        self.w = _x11.XDisplayWidth(self.dpy, 0)
        self.h = _x11.XDisplayHeight(self.dpy, 0)

    def grab(self, x, y, w, h):
        """BGRX bytes of a rectangle of the root window (32 bits per pixel at depth 24)."""
        p = _x11.XGetImage(self.dpy, self.root, x, y, w, h, ALL_PLANES, ZPIXMAP)
        if not p:
            raise RuntimeError("XGetImage failed")
        img = _XImage.from_address(p)
        try:
            n = img.bytes_per_line * img.height
            data = ctypes.string_at(img.data, n)
            bpl = img.bytes_per_line
        finally:
            # XDestroyImage is a macro: for a ZPixmap from XGetImage it frees data, then the struct.
            _x11.XFree(img.data)
            _x11.XFree(p)
        if bpl != w * 4:
            data = b"".join(data[r * bpl:r * bpl + w * 4] for r in range(h))
        return data

    def close(self):
        if self.dpy:
            _x11.XCloseDisplay(self.dpy)
            self.dpy = None


class Rows:
    """A probe of len(ys) full-width rows. sample() returns (t_mid, bytes): the rows as the X
    server held them at about monotonic time t_mid (the middle of the requests)."""

    def __init__(self, display, ys):
        self.d = Display(display)
        self.ys = ys

    def sample(self):
        t0 = time.monotonic()
        parts = [self.d.grab(0, y, self.d.w, 1) for y in self.ys]
        t1 = time.monotonic()
        return (t0 + t1) / 2, b"".join(parts)

    def close(self):
        self.d.close()


def differs(a, b, width, tol=40):
    """Fraction of pixels (BGRX rows of the given width) whose largest channel difference
    exceeds tol. PIL does the work in C, so that the probe stays cheap next to the program
    being measured."""
    from PIL import Image, ImageChops
    if len(a) != len(b) or not a:
        return 1.0
    rows = len(a) // (4 * width)
    ia = Image.frombytes("RGBX", (width, rows), a).convert("RGB")
    ib = Image.frombytes("RGBX", (width, rows), b).convert("RGB")
    d = ImageChops.difference(ia, ib).split()
    m = ImageChops.lighter(ImageChops.lighter(d[0], d[1]), d[2])
    over = m.point(lambda v: 255 if v > tol else 0).histogram()[255]
    return over / (width * rows)


def grab_png(display, path):
    from PIL import Image
    d = Display(display)
    try:
        data = d.grab(0, 0, d.w, d.h)
        Image.frombuffer("RGBX", (d.w, d.h), data, "raw", "BGRX", 0, 1).convert("RGB").save(path)
    finally:
        d.close()


# ---- DAMAGE ----

_xd = ctypes.CDLL(ctypes.util.find_library("Xdamage") or "libXdamage.so.1")
_xd.XDamageQueryExtension.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                      ctypes.POINTER(ctypes.c_int)]
_xd.XDamageCreate.restype = ctypes.c_ulong
_xd.XDamageCreate.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int]
_xd.XDamageDestroy.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
DAMAGE_REPORT_RAW_RECTANGLES = 0


class _XRectangle(ctypes.Structure):
    _fields_ = [("x", ctypes.c_short), ("y", ctypes.c_short),
                ("width", ctypes.c_ushort), ("height", ctypes.c_ushort)]


class _XDamageNotifyEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("drawable", ctypes.c_ulong),
                ("damage", ctypes.c_ulong), ("level", ctypes.c_int), ("more", ctypes.c_int),
                ("timestamp", ctypes.c_ulong), ("area", _XRectangle), ("geometry", _XRectangle)]


class Damage:
    """Records every damaged rectangle of the screen on a thread of its own, with the X server's
    millisecond timestamp. An update is a burst of rectangles with less than gap_ms between
    them (one presented frame of a program arrives as one or a few rectangles)."""

    def __init__(self, display):
        self.d = Display(display)
        ev, err = ctypes.c_int(), ctypes.c_int()
        if not _xd.XDamageQueryExtension(self.d.dpy, ctypes.byref(ev), ctypes.byref(err)):
            raise RuntimeError("the X server has no DAMAGE extension")
        self.notify = ev.value  # XDamageNotify is event 0 of the extension
        self.damage = _xd.XDamageCreate(self.d.dpy, self.d.root, DAMAGE_REPORT_RAW_RECTANGLES)
        _x11.XSync(self.d.dpy, 0)
        self.rects = []  # (server ms, x, y, w, h)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        import select
        fd = _x11.XConnectionNumber(self.d.dpy)
        buf = ctypes.create_string_buffer(256)  # an XEvent is 192 bytes
        while not self.stop.is_set():
            while _x11.XPending(self.d.dpy):
                _x11.XNextEvent(self.d.dpy, buf)
                e = _XDamageNotifyEvent.from_buffer(buf)
                if e.type == self.notify:
                    a = e.area
                    with self.lock:
                        self.rects.append((e.timestamp, a.x, a.y, a.width, a.height))
            select.select([fd], [], [], 0.1)

    def mark(self):
        """Index into the record, to take a window of it later."""
        with self.lock:
            return len(self.rects)

    def summary(self, start, end, seconds, gap_ms=8):
        with self.lock:
            rs = self.rects[start:end]
        updates, last, px, biggest, cur = 0, None, 0, 0, 0
        full = self.d.w * self.d.h
        for t, x, y, w, h in rs:
            if last is None or t - last > gap_ms:
                updates += 1
                biggest = max(biggest, cur)
                cur = 0
            last = t
            cur += w * h
            px += w * h
        biggest = max(biggest, cur)
        return {"updates": updates, "updates_per_s": updates / seconds if seconds else 0,
                "rects": len(rs), "mpx_per_s": px / 1e6 / seconds if seconds else 0,
                "largest_update_px": biggest, "largest_update_screens": biggest / full,
                "screens_per_s": px / full / seconds if seconds else 0}

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        _xd.XDamageDestroy(self.d.dpy, self.damage)
        self.d.close()
