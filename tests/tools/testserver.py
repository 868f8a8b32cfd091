#!/usr/bin/env python3
"""Prikbord's local test HTTP server (python3 standard library only).

Binds 127.0.0.1 only. Prints "PORT <n>" as its first stdout line (and "PORT2 <m>" for a
second listener with --second-port: another origin for the token tests), then serves:

  /file/<name>            a file under --root; ETag + Last-Modified, 304 on a match,
                          gzip-encoded when the client accepts gzip
  /status/<code>          that status; ?retry_after=N or ?retry_after=<HTTP-date>
  /slow?bytes=N&delay_ms=M  N bytes, one every M ms
  /stall                  headers promising a body, then nothing
  /big?bytes=N            N bytes
  /gzip-bomb              ~50 KB of gzip that decodes to 50 MB (Content-Encoding: gzip)
  /redirect?to=<url>      302 to <url> (&code=301/303/307/308 for another status)
  /redirect-loop          302 to itself, forever
  /echo-auth              JSON: whether an Authorization header came, and its value
  /headers                JSON: the request headers
  /hang                   reads the request, then never answers
  /truncated?bytes=N      promises 2N bytes, sends N, closes
  /garbage                200 with a body that is not JSON
  /feed                   whatever route /control?feed=<path> last chose (default /file/feed.json),
                          so one feed URL can be made to fail in every way in turn
  /control?feed=<path>    sets what /feed serves
  /log                    JSON list of every request so far: port, path, whether it had
                          an Authorization header (never its value), time t (epoch seconds)
  --cache-control VALUE   also sent with /file/ answers (200 and 304), e.g. "public, max-age=30"
                          for a shared cache in front (bench/fleet)

Community platforms, imitated from data under --root (see serve_yammer and friends), paging
by PLATFORM_PAGE items so that every listing has a page 2:
  /yammer/api/v1/messages/in_group/<id>.json?threaded=true[&older_than=<id>]
                          from yammer/group-<id>.json (messages newest first, older_than
                          paging, meta.older_available)
  /humhub/api/v1/space, /humhub/api/v1/post/container/<id>?page=N&limit=L
                          from humhub/spaces.json and humhub/container-<id>.json (Yii2
                          pagination: total, page, pages, links.next with per-page)
  /discourse/categories.json, /discourse/latest.json?page=N, /discourse/c/<slug>/<id>.json
                          from discourse/categories.json and discourse/latest.json (all topics;
                          more_topics_url while there are more)
  any other /yammer/, /humhub/ or /discourse/ path: the file at that path under --root (a
                          path ending in '/' is the file "_" in that folder): images
  /control?rate_limit=N   the next N platform API requests answer 429 with Retry-After: 120

It stops when stdin closes (unless --ignore-stdin) or after --max-seconds, so that it never
outlives the test that started it.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STOP = threading.Event()
LOG = []
LOG_LOCK = threading.Lock()
FEED_TARGET = ["/file/feed.json"]
RATE_LIMITED = [0]
PLATFORM_PAGE = 2
BOMB_SIZE = 50 * 1024 * 1024
_bomb = None
_bomb_lock = threading.Lock()


def gzip_bomb():
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            _bomb = gzip.compress(bytes(BOMB_SIZE), compresslevel=9, mtime=0)
        return _bomb


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the client's connection reuse is exercised
    server_version = "prikbord-testserver"
    root = "."
    cache_control = ""

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("testserver: " + (fmt % args) + "\n")

    def reply(self, code, body=b"", ctype="text/plain", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, obj):
        self.reply(200, json.dumps(obj).encode(), "application/json")

    def do_GET(self):
        with LOG_LOCK:
            LOG.append({"port": self.server.server_address[1], "path": self.path,
                        "auth": self.headers.get("Authorization") is not None,
                        "t": time.time()})
        if self.path == "/feed" or self.path.startswith("/feed?"):
            self.path = FEED_TARGET[0]
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        parts = url.path.split("/", 2)
        route = {
            "file": self.serve_file, "status": self.serve_status, "slow": self.serve_slow,
            "stall": self.serve_stall, "big": self.serve_big, "gzip-bomb": self.serve_bomb,
            "redirect": self.serve_redirect, "redirect-loop": self.serve_loop,
            "echo-auth": self.serve_echo_auth, "headers": self.serve_headers,
            "hang": self.serve_hang, "truncated": self.serve_truncated,
            "garbage": self.serve_garbage, "control": self.serve_control, "log": self.serve_log,
            "yammer": self.serve_platform, "humhub": self.serve_platform,
            "discourse": self.serve_platform,
        }.get(parts[1])
        try:
            if route:
                route(parts[2] if len(parts) > 2 else "", query)
            else:
                self.reply(404, b"no such route\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as the tests make it do

    def serve_file(self, name, query):
        path = os.path.join(self.root, urllib.parse.unquote(name))
        if not name or ".." in name.split("/") or not os.path.isfile(path):
            return self.reply(404, b"not found\n")
        with open(path, "rb") as f:
            data = f.read()
        mtime = int(os.stat(path).st_mtime)
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        validators = [("ETag", etag), ("Last-Modified", email.utils.formatdate(mtime, usegmt=True))]
        if self.cache_control:
            validators.append(("Cache-Control", self.cache_control))
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            self.send_response(304)
            for header in validators:
                self.send_header(*header)
            self.end_headers()
            return
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, mtime=0)
            validators.append(("Content-Encoding", "gzip"))
        self.reply(200, data, "application/octet-stream", validators)

    def serve_status(self, code, query):
        headers = []
        if "retry_after" in query:
            headers.append(("Retry-After", query["retry_after"]))
        if code == "401":
            headers.append(("WWW-Authenticate", 'Bearer realm="prikbord-test"'))
        self.reply(int(code), ("status %s\n" % code).encode(), headers=headers)

    def serve_slow(self, _, query):
        size, delay = int(query.get("bytes", "10")), int(query.get("delay_ms", "100")) / 1000
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for _ in range(size):
            self.wfile.write(b"s")
            self.wfile.flush()
            if STOP.wait(delay):
                return

    def serve_stall(self, _, query):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        STOP.wait()
        self.close_connection = True

    def serve_big(self, _, query):
        size = int(query.get("bytes", str(1024 * 1024)))
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"x" * 65536
        while size > 0:
            self.wfile.write(chunk[:size])
            size -= len(chunk)

    def serve_bomb(self, _, query):
        self.reply(200, gzip_bomb(), "application/json", [("Content-Encoding", "gzip")])

    def serve_redirect(self, _, query):
        code = int(query.get("code", "302"))
        self.reply(code, headers=[("Location", query.get("to", "/"))])

    def serve_loop(self, _, query):
        self.reply(302, headers=[("Location", "/redirect-loop")])

    def serve_echo_auth(self, _, query):
        value = self.headers.get("Authorization")
        self.reply_json({"authorization": value is not None, "value": value})

    def serve_headers(self, _, query):
        self.reply_json({name: value for name, value in self.headers.items()})


def _hang(self, _, query):
    STOP.wait()


def _truncated(self, _, query):
    n = int(query.get("bytes", "1000"))
    self.send_response(200)
    self.send_header("Content-Type", "application/json")
    self.send_header("Content-Length", str(2 * n))
    self.end_headers()
    self.wfile.write(b"{" + b" " * (n - 1))
    self.wfile.flush()
    self.close_connection = True


def _garbage(self, _, query):
    self.reply(200, b"<html>Service temporarily unavailable</html>\x00\xff{", "application/json")


def _control(self, _, query):
    if "feed" in query:
        FEED_TARGET[0] = query["feed"]
    if "rate_limit" in query:
        RATE_LIMITED[0] = int(query["rate_limit"])
    self.reply_json({"feed": FEED_TARGET[0], "rate_limit": RATE_LIMITED[0]})


def _load(root, name):
    path = os.path.join(root, name)
    if ".." in name.split("/") or not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def _yammer(root, rest, query):
    m = re.fullmatch(r"api/v1/messages/in_group/(\d+)\.json", rest)
    data = m and _load(root, "yammer/group-%s.json" % m.group(1))
    if data is None:
        return None
    messages = sorted(data["messages"], key=lambda x: -int(x["id"]))
    if "older_than" in query:
        messages = [x for x in messages if int(x["id"]) < int(query["older_than"])]
    page = dict(data, messages=messages[:PLATFORM_PAGE])
    page["meta"] = dict(data.get("meta", {}), older_available=len(messages) > PLATFORM_PAGE)
    return page


def _humhub(root, rest, query):
    if rest == "api/v1/space":
        return _load(root, "humhub/spaces.json")
    m = re.fullmatch(r"api/v1/post/container/(\d+)", rest)
    data = m and _load(root, "humhub/container-%s.json" % m.group(1))
    if data is None:
        return None
    per = min(int(query.get("limit", "20")), PLATFORM_PAGE)
    n, page = len(data["results"]), int(query.get("page", "1"))
    pages = max(1, (n + per - 1) // per)
    link = "/api/v1/post/container/%s?page=%%d&per-page=%d" % (m.group(1), per)
    links = {"self": link % page, "last": link % pages}
    if page < pages:
        links["next"] = link % (page + 1)
    return {"total": n, "page": page, "pages": pages, "links": links,
            "results": data["results"][(page - 1) * per:page * per]}


def _discourse(root, rest, query):
    if rest == "categories.json":
        return _load(root, "discourse/categories.json")
    data = _load(root, "discourse/latest.json")
    if data is None:
        return None
    topics = data["topic_list"]["topics"]
    m = re.fullmatch(r"c/[a-z0-9-]+/(\d+)\.json", rest)
    if m:
        topics = [t for t in topics if t.get("category_id") == int(m.group(1))][:PLATFORM_PAGE]
        return dict(data, topic_list={"topics": topics})
    if rest != "latest.json":
        return None
    page = int(query.get("page", "0"))
    chosen = topics[page * PLATFORM_PAGE:(page + 1) * PLATFORM_PAGE]
    listing = {"topics": chosen, "per_page": PLATFORM_PAGE}
    if len(topics) > (page + 1) * PLATFORM_PAGE:
        listing["more_topics_url"] = "/discourse/latest?page=%d" % (page + 1)
    return dict(data, topic_list=listing)


def _platform(self, rest, query):
    platform = self.path.split("/")[1]
    api = {"yammer": _yammer, "humhub": _humhub, "discourse": _discourse}[platform]
    path = urllib.parse.urlsplit(self.path).path
    is_api = not re.search(r"\.(jpg|jpeg|png)$|/_?$|/uploaded_files/|/uploads/|/user_avatar/|"
                           r"/letter_avatar_proxy/|/file/", path)
    if is_api and RATE_LIMITED[0] > 0:
        RATE_LIMITED[0] -= 1
        body = {"response": {"message": "Rate limited due to excessive requests.",
                             "stat": "fail", "code": 33}}
        return self.reply(429, json.dumps(body).encode(), "application/json",
                          [("Retry-After", "120")])
    doc = api(self.root, rest, query)
    if doc is not None:
        return self.reply_json(doc)
    name = path.lstrip("/") + ("_" if path.endswith("/") else "")
    return self.serve_file(name, query)


def _log(self, _, query):
    with LOG_LOCK:
        self.reply_json(list(LOG))


Handler.serve_hang = _hang
Handler.serve_truncated = _truncated
Handler.serve_garbage = _garbage
Handler.serve_control = _control
Handler.serve_platform = _platform
Handler.serve_log = _log


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="directory /file/ serves from")
    parser.add_argument("--port", type=int, default=0, help="0 = an ephemeral port")
    parser.add_argument("--second-port", action="store_true", help="also listen on another port")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="do not stop when stdin closes (for shell scripts)")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    parser.add_argument("--cache-control", default="", help="Cache-Control for /file/ answers")
    args = parser.parse_args()

    Handler.root = args.root
    Handler.cache_control = args.cache_control
    servers = [ThreadingHTTPServer(("127.0.0.1", args.port), Handler)]
    if args.second_port:
        servers.append(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    for i, server in enumerate(servers):
        server.daemon_threads = True
        server.verbose = args.verbose
        print("PORT%s %d" % ("2" if i else "", server.server_address[1]), flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    if not args.ignore_stdin:
        def wait_for_eof():
            while sys.stdin.buffer.read(4096):
                pass
            STOP.set()
        threading.Thread(target=wait_for_eof, daemon=True).start()
    STOP.wait(args.max_seconds)
    STOP.set()
    for server in servers:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
