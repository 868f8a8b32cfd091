"""The Chromium side of the benchmark: one static HTML/CSS page that shows the same slides as
Prikbord does for a feed, laid out from the same layout file (layouts/landscape.json: regions
in fractions of the screen, text sizes in fractions of its height, the same theme colours and
font), with the same pictures, a header with the community's name, the date and a live clock
(changed at the top of each minute, as Prikbord's), a fixed dwell per slide and a crossfade
(the incoming slide fades in over the outgoing one, below the header, as Prikbord's does).

What it leaves out, because a page would do it differently anyway: Prikbord's exact text
fitting (here a size is estimated from the length of the text and lines are clamped with CSS),
and the colour-emoji scaling. Both sides draw with fontconfig's "Noto Sans" and the system's
emoji font.

  make_page(feed_path, layout_path, order, out_dir, dwell_ms, fade_ms) -> path of index.html
"""
import ctypes
import ctypes.util
import datetime
import html
import json
import os

# Prikbord's Dutch catalogue (firmware/i18n.c), for the strings a slide shows.
NL = {
    "label_post": "Uitgelicht", "label_introduction": "Nieuwe collega", "label_shoutout": "Shout-out",
    "label_help_ask": "\U0001F64B Wie helpt?", "label_help_offer": "\U0001F91D Biedt hulp aan",
    "started_on": "Begonnen op %s", "starts_on": "Begint op %s", "from": "Van %s", "to": "Aan %s",
    "and": " en ", "until": "tot %s",
    "cta_post": "Lees verder", "cta_introduction": "Zeg welkom", "cta_shoutout": "Bedank mee",
    "cta_help_ask": "Ik kan helpen", "cta_help_offer": "Vraag het",
}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
QUIET_ZONE = 4


def _qr_svg(text, color):
    """A QR code as inline SVG, through the same libqrencode Prikbord links (level M, 8-bit)."""
    lib = ctypes.CDLL(ctypes.util.find_library("qrencode") or "libqrencode.so.4")

    class QRcode(ctypes.Structure):
        _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int),
                    ("data", ctypes.POINTER(ctypes.c_ubyte))]

    lib.QRcode_encodeString8bit.restype = ctypes.POINTER(QRcode)
    lib.QRcode_encodeString8bit.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.QRcode_free.argtypes = [ctypes.POINTER(QRcode)]
    q = lib.QRcode_encodeString8bit(text.encode(), 0, 1)  # QR_ECLEVEL_M
    if not q:
        return ""
    n = q.contents.width
    d = q.contents.data
    path = []
    for y in range(n):
        x = 0
        while x < n:
            if not d[y * n + x] & 1:
                x += 1
                continue
            run = 1
            while x + run < n and d[y * n + x + run] & 1:
                run += 1
            path.append("M%d %dh%dv1h-%dz" % (x + QUIET_ZONE, y + QUIET_ZONE, run, run))
            x += run
    lib.QRcode_free(q)
    span = n + 2 * QUIET_ZONE
    return ('<svg viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" '
            'fill="#fff"/><path fill="%s" d="%s"/></svg>' % (span, span, span, span, color, "".join(path)))


def _initials(name):
    words = [w for w in name.split() if w]
    if not words:
        return "?"
    s = words[0][0]
    if len(words) > 1:
        s += words[-1][0]
    return s.upper()


def _name_color(name):
    # A stable, dark colour per name (Prikbord derives one the same way: a hash into a palette).
    palette = ["#B3402A", "#1F5C8C", "#1D6E47", "#6646A0", "#8A4B08", "#7A2E5C", "#2E6A6E", "#4F5867"]
    h = 2166136261
    for b in name.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return palette[h % len(palette)]


def _date_nl(iso):
    d = datetime.date.fromisoformat(iso[:10])
    return "%d %s %d" % (d.day, MONTHS[d.month - 1], d.year) if d.year != datetime.date.today().year \
        else "%d %s" % (d.day, MONTHS[d.month - 1])


def _fit(text, size, min_size, w, h, max_lines):
    """A font size (fraction of the screen height) at which text about fits a w x h box (in
    fractions of a 16:9 screen): Prikbord shrinks text until it fits, a page cannot measure
    before it draws, so the size is estimated from an average glyph width."""
    if not size:
        return size
    aspect = 16 / 9
    s = size
    while True:
        per_line = max(1, int(w * aspect / (0.52 * s)))
        lines = sum(max(1, -(-len(p) // per_line)) for p in text.split("\n"))
        if max_lines:
            lines = min(lines, max_lines)
        if lines * 1.36 * s <= h or s <= (min_size or size):
            return s
        s = max(min_size or size, s * 0.94)


class _Slide:
    def __init__(self, layout, kind, images):
        self.layout, self.regions, self.images, self.parts = layout, layout["slides"][kind], images, []

    def rect(self, name, no_photo=False):
        r = self.regions[name]
        return r.get("rect_no_photo", r["rect"]) if no_photo else r["rect"]

    @staticmethod
    def box(rect):
        x, y, w, h = rect
        return "left:%.3fvw;top:%.3fvh;width:%.3fvw;height:%.3fvh" % (x * 100, y * 100, w * 100, h * 100)

    def style(self, name, text="", no_photo=False):
        r = self.regions[name]
        col = self.layout["theme"]["colors"][r.get("color", "text")]
        rect = self.rect(name, no_photo)
        size = _fit(text, r.get("size"), r.get("min_size"), rect[2], rect[3], r.get("max_lines", 0))
        s = "color:%s;font-size:%.3fvh;text-align:%s" % (col, (size or 0.03) * 100, r.get("align", "left"))
        if r.get("weight") == "bold":
            s += ";font-weight:700"
        # As many lines as the box holds (Prikbord cuts the last one with an ellipsis too).
        fit = max(1, int(rect[3] / (1.34 * (size or 0.03))))
        s += ";-webkit-line-clamp:%d" % min(fit, r.get("max_lines") or fit)
        return s

    def text(self, name, text, no_photo=False, inner=None):
        if name not in self.regions or not text:
            return ""
        r = self.regions[name]
        valign = {"middle": "center", "bottom": "flex-end"}.get(r.get("valign"), "flex-start")
        body = inner if inner is not None else html.escape(text).replace("\n", "<br>")
        return ('<div class="t" style="%s;%s;justify-content:%s"><div class="c" style="%s">%s</div></div>'
                % (self.box(self.rect(name, no_photo)), "display:flex;flex-direction:column", valign,
                   self.style(name, text, no_photo), body))

    def flow(self, names, texts, no_photo=False):
        """Regions that follow each other ("follows" in the layout): one column in flow from the
        first one's place, each after the one before with its gap."""
        head = self.rect(names[0], no_photo)
        bottom = max(self.rect(n, no_photo)[1] + self.rect(n, no_photo)[3] for n in names)
        out = ['<div class="flow" style="%s">' % self.box((head[0], head[1], head[2], bottom - head[1]))]
        for n in names:
            t = texts.get(n)
            if not t:
                continue
            r = self.regions[n]
            rect = self.rect(n, no_photo)
            gap = r.get("gap", 0) * 100 if r.get("follows") else 0
            out.append('<div class="c" style="%s;margin-top:%.3fvh;width:%.3fvw;max-height:%.3fvh">%s</div>'
                       % (self.style(n, t, no_photo), gap, rect[2] * 100, rect[3] * 100,
                          html.escape(t).replace("\n", "<br>")))
        out.append("</div>")
        return "".join(out)

    def image(self, name, url, circle=False, person=None, no_photo=False, rect=None):
        if name not in self.regions:
            return ""
        rect = rect or self.rect(name, no_photo)
        radius = "50%" if circle else "%.3fvh" % (self.layout["theme"]["corner_radius"] * 100)
        src = self.images(url) if url else None
        if src:
            return ('<img class="img" src="%s" style="%s;border-radius:%s" alt="">' % (src, self.box(rect), radius))
        if person is not None:
            return ('<div class="ini" style="%s;border-radius:%s;background:%s;font-size:%.3fvh">%s</div>'
                    % (self.box(rect), radius, _name_color(person["name"]), rect[3] * 40,
                       html.escape(_initials(person["name"]))))
        return ""

    def pill(self, text, color):
        r = self.regions["label"]
        return ('<div class="t" style="%s;display:flex;align-items:center"><span class="pill" '
                'style="background:%s;font-size:%.3fvh">%s</span></div>'
                % (self.box(r["rect"]), color, r["size"] * 100, html.escape(text)))

    def qr(self, url):
        if "qr" not in self.regions or not url:
            return ""
        rect = self.regions["qr"]["rect"]
        side = min(rect[2] * 16 / 9, rect[3])  # square, in fractions of the height
        return ('<div class="qr" style="%s;width:%.3fvh;height:%.3fvh">%s</div>'
                % (self.box(rect), side * 100, side * 100, _qr_svg(url, "#000")))


def _slide_html(layout, it, page, pages, images):
    kind = it["type"]
    s = _Slide(layout, kind, images)
    theme = layout["theme"]
    tcol = theme["type_colors"][kind]
    out = ['<div class="card" style="%s;background:%s;border-radius:%.3fvh"></div>'
           % (s.box(s.rect("card")), theme["colors"]["surface"], theme["corner_radius"] * 100)]
    photo = it.get("image_url")
    no_photo = not photo
    if kind == "post":
        p = it["author"]
        out.append(s.pill(NL["label_post"], tcol))
        out.append(s.image("avatar", p.get("avatar_url"), circle=True, person=p))
        out.append(s.text("name", p["name"]))
        out.append(s.text("role", " · ".join(x for x in (p.get("role"), p.get("team")) if x)))
        out.append(s.flow(["title", "body"], {"title": it.get("title"), "body": it.get("body")}, no_photo))
        if photo:
            out.append(s.image("photo", photo))
        r = it.get("reactions") or {}
        out.append(s.text("reactions", "\U0001F44D %d     \U0001F4AC %d" % (r.get("likes", 0), r.get("comments", 0))))
        cta = NL["cta_post"]
    elif kind == "introduction":
        p = it["person"]
        out.append(s.image("photo", photo or p.get("avatar_url"), person=p))
        out.append(s.pill(NL["label_introduction"], tcol))
        meta = NL["started_on"] % _date_nl(p["start_date"]) if p.get("start_date") else ""
        body = it.get("body")
        out.append(s.flow(["name", "role", "meta", "body"],
                          {"name": p["name"], "role": " · ".join(x for x in (p.get("role"), p.get("team")) if x),
                           "meta": meta, "body": "\u201c%s\u201d" % body if body else ""}))
        cta = NL["cta_introduction"]
    elif kind == "shoutout":
        p = it["from"]
        out.append(s.pill(NL["label_shoutout"], tcol))
        if it.get("badge"):
            out.append(s.text("badge", "\U0001F389 " + it["badge"]))
        rec = s.regions["recipients"]["rect"]
        d = rec[3]
        for i, t in enumerate(it.get("to", [])[:6]):
            out.append(s.image("recipients", t.get("avatar_url"), circle=True, person=t,
                               rect=(rec[0] + i * (d * 9 / 16 + 0.01), rec[1], d * 9 / 16, d)))
        names = [t["name"] for t in it.get("to", [])]
        to = names[0] if len(names) == 1 else ", ".join(names[:-1]) + NL["and"] + names[-1]
        out.append(s.flow(["title", "body"], {"title": NL["to"] % to,
                                              "body": "\u201c%s\u201d" % it.get("message", "")}))
        out.append(s.image("avatar", p.get("avatar_url"), circle=True, person=p))
        out.append(s.text("name", NL["from"] % p["name"]))
        out.append(s.text("role", " · ".join(x for x in (p.get("role"), p.get("team")) if x)))
        cta = NL["cta_shoutout"]
    else:
        p = it["author"]
        ask = it.get("kind", "ask") == "ask"
        out.append(s.pill(NL["label_help_ask" if ask else "label_help_offer"], tcol))
        out.append(s.image("avatar", p.get("avatar_url"), circle=True, person=p))
        out.append(s.text("name", p["name"]))
        out.append(s.text("role", " · ".join(x for x in (p.get("role"), p.get("team")) if x)))
        meta = "  ".join("#" + t for t in it.get("tags", []))
        if it.get("until"):
            meta += ("  ·  " if meta else "") + NL["until"] % _date_nl(it["until"])
        out.append(s.flow(["title", "body", "meta"], {"title": it.get("title"), "body": it.get("body"), "meta": meta}))
        cta = NL["cta_help_ask" if ask else "cta_help_offer"]
    out.append(s.qr(it.get("url")))
    out.append(s.text("cta", cta))
    out.append(s.text("footer", "%d / %d" % (page, pages)))
    return "".join(x for x in out if x)


PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Prikbord (HTML)</title>
<style>
html,body{margin:0;padding:0;overflow:hidden;width:100vw;height:100vh;cursor:none}
body{background:%(bg)s;font-family:'%(font)s',sans-serif;line-height:1.34;
     -webkit-font-smoothing:antialiased}
#header{position:absolute;left:0;top:0;width:100vw;height:%(hh).3fvh;background:%(hbg)s;z-index:10}
#header div{position:absolute;display:flex;align-items:center;color:%(htext)s;white-space:nowrap}
.slide{position:absolute;left:0;top:0;width:100vw;height:100vh;background:%(bg)s;visibility:hidden}
.slide.show{visibility:visible;z-index:1}
.slide.enter{z-index:2;animation:fade %(fade)dms linear}
@keyframes fade{from{opacity:0}to{opacity:1}}
.card,.t,.img,.ini,.qr,.flow{position:absolute;box-sizing:border-box}
.flow{overflow:hidden}
.c{display:-webkit-box;-webkit-box-orient:vertical;overflow:hidden;overflow-wrap:anywhere}
.img{object-fit:cover;object-position:50%% 33%%}
.ini{display:flex;align-items:center;justify-content:center;color:#fff;font-weight:700}
.pill{color:#fff;font-weight:700;border-radius:999px;padding:0.25em 0.85em}
.qr svg{width:100%%;height:100%%;display:block}
</style></head><body>
<div id="header">
 <div style="%(title_box)s;font-size:%(title_size).3fvh;font-weight:700">%(community)s</div>
 <div id="date" style="%(date_box)s;font-size:%(date_size).3fvh;justify-content:flex-end"></div>
 <div id="clock" style="%(clock_box)s;font-size:%(clock_size).3fvh;font-weight:700;justify-content:flex-end"></div>
</div>
%(slides)s
<script>
const DAYS=['zondag','maandag','dinsdag','woensdag','donderdag','vrijdag','zaterdag'];
const MONTHS=%(months)s;
function pad(n){return (n<10?'0':'')+n}
function clock(){
  const d=new Date();
  document.getElementById('clock').textContent=pad(d.getHours())+':'+pad(d.getMinutes());
  document.getElementById('date').textContent=DAYS[d.getDay()]+' '+d.getDate()+' '+MONTHS[d.getMonth()];
  setTimeout(clock,60000-d.getSeconds()*1000-d.getMilliseconds()+5);
}
clock();
const slides=document.querySelectorAll('.slide');
let cur=0;
slides[0].classList.add('show');
setInterval(function(){
  const prev=slides[cur];
  cur=(cur+1)%%slides.length;
  const next=slides[cur];
  next.classList.add('show','enter');
  setTimeout(function(){prev.classList.remove('show');next.classList.remove('enter');},%(fade)d);
},%(dwell)d);
</script>
</body></html>
"""


def make_page(feed_path, layout_path, order, out_dir, dwell_ms=10000, fade_ms=600):
    with open(feed_path, encoding="utf-8") as f:
        feed = json.load(f)
    with open(layout_path, encoding="utf-8") as f:
        layout = json.load(f)
    base = os.path.dirname(os.path.abspath(feed_path))
    by_id = {it["id"]: it for it in feed["items"]}

    def images(url):
        p = os.path.join(base, url)
        return "file://" + p if not url.startswith(("http:", "https:")) and os.path.isfile(p) else None

    slides = []
    for i, item_id in enumerate(order):
        slides.append('<div class="slide">%s</div>' % _slide_html(layout, by_id[item_id], i + 1, len(order), images))
    h = layout["header"]
    c = layout["theme"]["colors"]

    def hbox(r):
        x, y, w, hh = r["rect"]
        return "left:%.3fvw;top:%.3fvh;width:%.3fvw;height:%.3fvh" % (x * 100, y * 100, w * 100, hh * 100)

    page = PAGE % {
        "bg": c["background"], "font": layout["theme"]["font"], "hbg": c["header_background"],
        "htext": c["header_text"], "hh": h["rect"][3] * 100, "fade": fade_ms, "dwell": dwell_ms,
        "title_box": hbox(h["title"]), "title_size": h["title"]["size"] * 100,
        "date_box": hbox(h["date"]), "date_size": h["date"]["size"] * 100,
        "clock_box": hbox(h["clock"]), "clock_size": h["clock"]["size"] * 100,
        "community": html.escape(feed["community"]["name"]), "months": json.dumps(MONTHS),
        "slides": "\n".join(slides)}
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


if __name__ == "__main__":
    import sys
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    order = sys.argv[2].split(",") if len(sys.argv) > 2 else None
    feed = os.path.join(src, "assets", "demo", "feed.json")
    if order is None:
        order = [it["id"] for it in json.load(open(feed))["items"]][:4]
    print(make_page(feed, os.path.join(src, "layouts", "landscape.json"), order, sys.argv[1]))
