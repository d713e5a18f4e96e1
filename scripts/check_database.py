"""Before `make run` migrates: when Django cannot reach its database, one line saying what to do (exit 1), not a
traceback."""
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402

from digitsite.reachable import without_password  # noqa: E402


def advice(message: str, db: dict) -> str:
    """What to do about a failed connection to the database `db` (Django's settings of it), in one line."""
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    where, login = f"PostgreSQL at {host}:{port}", f" -U {db['USER']}" if db["USER"] else ""
    if match := re.search(r'database "([^"]+)" does not exist', message):
        return (f'The database "{match[1]}" does not exist on {where}: create it with '
                f"`createdb -h {host} -p {port}{login} {match[1]}`, then run `make run` again.")
    if match := re.search(r'password authentication failed for user "([^"]+)"', message):
        return f'{where} refused the password of user "{match[1]}": fix the password in DATABASE_URL.'
    if match := re.search(r'role "([^"]+)" does not exist', message):
        return (f'{where} has no user "{match[1]}": create it as a superuser, e.g. `createuser -h {host} -p {port} '
                f'-U postgres --createdb {match[1]}`, or fix the user in DATABASE_URL.')
    if re.search(r"Connection refused|failed to resolve host|timeout expired|No route to host", message):
        return f"{where} does not answer: start it, fix DATABASE_URL, or unset DATABASE_URL to use SQLite."
    url = without_password(os.environ.get("DATABASE_URL", "the SQLite file"))
    return f"The database ({url}) cannot be opened: {message.strip().splitlines()[-1]}"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.local")     # as manage.py and run.py
    os.environ.setdefault("LOG_LEVEL", "WARNING")     # the verdict alone, not the apps' start-up lines
    try:
        django.setup()
    except (ImproperlyConfigured, ValueError) as exc:     # a setting the env helpers or dj-database-url refused
        print(f"A setting is wrong: {exc}", file=sys.stderr)
        return 1
    if connection.vendor == "postgresql":
        connection.settings_dict["OPTIONS"].setdefault("connect_timeout", 5)   # a firewall that drops: 5 s, not minutes
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        print(advice(str(exc), connection.settings_dict), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
