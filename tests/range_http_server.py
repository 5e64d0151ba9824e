#!/usr/bin/env python3
"""A static file server on 127.0.0.1 for tests/data_fetch.sh, with what http.server lacks:
HTTP Range requests (`Range: bytes=N-` answered by 206 Partial Content) and a simulated broken
connection (--cut N: the first full GET of each file announces the whole length, sends N bytes and
closes). --no-range: ignore Range headers and always answer 200 with the whole file, as
`python3 -m http.server` does. --rate B: send at most about B bytes per second (to watch the
progress line). Every request is appended to LOG as `METHOD PATH RANGE-HEADER-OR-DASH STATUS`.

usage: range_http_server.py ROOT PORT_FILE LOG [--cut N] [--no-range] [--rate B]   (binds port 0, writes the port)
"""
import http.server
import os
import time
import sys

root, port_file, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
flags = sys.argv[4:]
cut = int(flags[flags.index("--cut") + 1]) if "--cut" in flags else None
honour_range = "--no-range" not in flags
rate = int(flags[flags.index("--rate") + 1]) if "--rate" in flags else None


def send(wfile, data):
    if rate is None:
        wfile.write(data)
        return
    step = max(1, rate // 10)
    for i in range(0, len(data), step):
        wfile.write(data[i:i + step])
        wfile.flush()
        time.sleep(0.1)
cut_done = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self, status):
        with open(log_file, "a") as log:
            log.write(f"GET {self.path} {self.headers.get('Range', '-')} {status}\n")

    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/"))
        if not os.path.isfile(path):
            self.record(404)
            self.send_error(404)
            return
        data = open(path, "rb").read()
        rng = self.headers.get("Range")
        if honour_range and rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes="):-1])
            if start >= len(data):
                self.record(416)
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.record(206)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            send(self.wfile, data[start:])
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if cut is not None and self.path not in cut_done:
            cut_done.add(self.path)
            self.record("200-cut")
            self.wfile.write(data[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.record(200)
        send(self.wfile, data)


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
