"""Demo function: spins the CPU for ?ms=N milliseconds (default 200) per request."""
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def burn(ms):
    end = time.monotonic() + ms / 1000.0
    n = 0
    while time.monotonic() < end:
        n += sum(i * i for i in range(500))
    return n


class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        query = parse_qs(urlparse(self.path).query)
        ms = int((query.get("ms") or [body.strip() or "200"])[0])
        started = time.monotonic()
        burn(min(ms, 60_000))
        text = f"burned {int((time.monotonic() - started) * 1000)} ms on {os.environ.get('FC_INSTANCE_ID', '?')}\n"
        print(f"cpu-burner: {text.strip()}", flush=True)
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


print(f"cpu-burner: listening on port {os.environ['PORT']} as {os.environ.get('FC_INSTANCE_ID', '?')}", flush=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
