"""Is a service there? A cheap check without a client library, for the run script and the tests."""
import socket
from urllib.parse import urlparse


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    """True when a Redis server at `url` answers PING."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False
