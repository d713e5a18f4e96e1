"""A loopback HTTP client that behaves like a browser tab: it keeps its cookies and sends the CSRF token."""
import http.client
from http.cookies import SimpleCookie


class BrowserLikeClient:
    """One keep-alive connection; GET /, then POST JSON as the canvas page does (cookies + X-CSRFToken)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def open_page(self) -> None:
        status, _ = self.request("GET", "/")
        if status != 200:
            raise RuntimeError(f"the canvas page answered {status}")

    def close(self) -> None:
        self.conn.close()
