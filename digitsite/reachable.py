"""Is Redis there? One check for the run script, the health check, background work and the tests."""
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
