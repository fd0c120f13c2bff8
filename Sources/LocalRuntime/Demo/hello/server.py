"""Demo function: answers every request with a greeting from $GREETING."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        name = body.strip() or "world"
        greeting = os.environ.get("GREETING", "hello")
        text = f"{greeting}, {name}! (from {os.environ.get('FC_INSTANCE_ID', '?')})\n"
        if os.environ.get("LOG_LEVEL", "info") in ("info", "debug"):
            print(f"hello: {self.command} {self.path} greeted {name}", flush=True)
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


# A line for the instance's log (the console's `o`, `porthole logs`); request lines follow.
print(f"hello: listening on port {os.environ['PORT']} as {os.environ.get('FC_INSTANCE_ID', '?')}, GREETING={os.environ.get('GREETING', 'hello')}", flush=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
