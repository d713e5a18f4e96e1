"""With SENTRY_DSN set, errors reach Sentry (here a Sentry of our own on 127.0.0.1); without it the SDK stays off."""
import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AN_ERROR = """
import logging
import django
import sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print(f"sentry on, pii {client.options['send_default_pii']}, request bodies {client.options['max_request_body_size']}"
      if client.is_active() else "sentry off")
logging.getLogger("digitsite.example").error("the drawing store is full")
"""


class Envelopes(BaseHTTPRequestHandler):
    """Takes what a Sentry SDK sends, as sentry.io would, and keeps it on the server."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def log_an_error(**env) -> str:
    """A process with the site's settings that logs an error and exits (the SDK sends what it holds on exit)."""
    base = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    result = subprocess.run([sys.executable, "-c", AN_ERROR], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**base, "DJANGO_SETTINGS_MODULE": "digitsite.settings.test", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_sentry_dsn_a_logged_error_reaches_sentry_without_the_visitors_data(sentry):
    port = sentry.server_address[1]
    assert log_an_error(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42") == \
        "sentry on, pii False, request bodies never"
    events = [body for path, body in sentry.received if path == "/api/42/envelope/" and b'"type":"event"' in body]
    assert len(events) == 1 and b"the drawing store is full" in events[0]


def test_without_sentry_dsn_sentry_stays_off():
    assert log_an_error() == "sentry off"
