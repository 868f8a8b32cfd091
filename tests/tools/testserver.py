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
                          an Authorization header (never its value)

It stops when stdin closes (unless --ignore-stdin) or after --max-seconds, so that it never
outlives the test that started it.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STOP = threading.Event()
LOG = []
LOG_LOCK = threading.Lock()
FEED_TARGET = ["/file/feed.json"]
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
                        "auth": self.headers.get("Authorization") is not None})
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
    self.reply_json({"feed": FEED_TARGET[0]})


def _log(self, _, query):
    with LOG_LOCK:
        self.reply_json(list(LOG))


Handler.serve_hang = _hang
Handler.serve_truncated = _truncated
Handler.serve_garbage = _garbage
Handler.serve_control = _control
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
    args = parser.parse_args()

    Handler.root = args.root
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
