"""Our stand-in for numbersapi.com: a real HTTP server on 127.0.0.1 that speaks its protocol, for tests and bench/."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FakeNumbersApi:
    """Speaks the Numbers API protocol. A test sets `mode` (fact, not_found, slow, error, garbage, wrong_fields,
    another_number) or queues modes for the next requests in `next_modes`; `requests` lists the paths asked,
    `times` when."""

    def __init__(self):
        self.mode, self.next_modes, self.delay = "fact", [], 5.0
        self.requests: list[str] = []
        self.times: list[float] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.api = self
        self.server.handle_error = lambda request, address: None  # a client that gave up is not our concern
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> "FakeNumbersApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wakes the slow answers still sleeping, then stops; call it once no client waits for them."""
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    @staticmethod
    def text(number: int, kind: str) -> str:
        return f"{number} is the number of our {kind} test fact."

    def take_mode(self, path: str) -> str:
        with self._lock:
            self.requests.append(path)
            self.times.append(time.monotonic())
            return self.next_modes.pop(0) if self.next_modes else self.mode


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        api: FakeNumbersApi = self.server.api
        mode = api.take_mode(self.path)
        if mode == "slow":
            api.released.wait(api.delay)
            mode = "fact"
        if mode == "error":
            return self._send(500, "text/plain", b"Internal Server Error")
        if mode == "garbage":
            return self._send(200, "text/html", b"<html><body>It works!</body></html>")
        if mode == "wrong_fields":
            return self._send(200, "application/json", b'{"message": "hello"}')
        url = urlsplit(self.path)
        spec, _, kind = url.path.strip("/").partition("/")
        kind = kind or "trivia"
        numbers = _numbers(spec)
        found = mode != "not_found"
        facts = {n: {"text": FakeNumbersApi.text(n, kind) if found else f"{n} is an uninteresting number.",
                     "number": n + 1 if mode == "another_number" else n, "found": found, "type": kind}
                 for n in numbers}
        if url.query != "json":
            return self._send(200, "text/plain", facts[numbers[0]]["text"].encode())
        body = facts[numbers[0]] if "," not in spec and ".." not in spec else {str(n): f for n, f in facts.items()}
        self._send(200, "application/json", json.dumps(body).encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _numbers(spec: str) -> list[int]:
    """'1..3,7' -> [1, 2, 3, 7], the Numbers API's batch syntax."""
    numbers = []
    for part in spec.split(","):
        first, _, last = part.partition("..")
        numbers += range(int(first), int(last or first) + 1)
    return numbers
