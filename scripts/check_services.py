"""Before `make test`: say which real services the suite will use, and which tests will be skipped."""
import os
import shutil
import socket
import sys
from urllib.parse import urlparse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from support.services import chromium_path, find_redis_url  # noqa: E402


def main() -> int:
    db = os.environ.get("DATABASE_URL")
    if db:
        parsed = urlparse(db)
        try:
            socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=1).close()
            print(f"database: PostgreSQL at {parsed.hostname}:{parsed.port or 5432} (DATABASE_URL)")
        except OSError:
            print(f"database: DATABASE_URL is set but {parsed.hostname}:{parsed.port or 5432} does not answer")
            return 1
    else:
        print("database: SQLite (set DATABASE_URL=postgres://... to run the suite against PostgreSQL)")
    redis = find_redis_url()
    if redis:
        print(f"redis: {redis} (Celery tests run a real worker)")
    elif shutil.which("redis-server"):
        print("redis: not running; the tests will start redis-server on a free port")
    else:
        print("redis: not reachable and redis-server not installed: Celery tests will be SKIPPED")
    browser = chromium_path()
    print(f"browser: {browser}" if browser else
          "browser: chromium not found (apt-get install chromium): browser tests will be SKIPPED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
