"""Is Redis there, and how a service's URL may be printed: for the run scripts, the health check, background work
and the tests."""
from urllib.parse import urlsplit, urlunsplit

import redis


def redis_status(url: str, timeout: float = 0.5) -> str:
    """"ok" when the Redis at `url` answers PING (password and database from the URL), else "error: <why>"
    without the URL, which may hold a password."""
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
        return "ok"
    except (redis.RedisError, OSError) as exc:
        return f"error: {type(exc).__name__}"
    finally:
        client.close()


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    return redis_status(url, timeout) == "ok"


def without_password(url: str) -> str:
    """The URL as it may be printed: a password in it becomes ***."""
    parsed = urlsplit(url)
    userinfo, _, host = parsed.netloc.rpartition("@")
    if ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]     # the password as written, %-escapes and all, is what must go
    return urlunsplit(parsed._replace(netloc=f"{user}:***@{host}"))
