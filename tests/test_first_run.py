"""A fresh clone's `make run` with a database it cannot use: one line saying what to do, and a non-zero exit, before
any migration."""
import importlib.util
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from support.services import free_port
from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
LOCAL_POSTGRES = ("127.0.0.1", 5432)


def make_run(database_url: str) -> tuple[int, list[str]]:
    """`make run` in this checkout, its virtualenv taken as installed; the lines it prints that are not make's own."""
    env = {k: v for k, v in os.environ.items()     # a user's shell: not inside `make test`
           if k not in ("DJANGO_SETTINGS_MODULE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(["make", "-s", "-o", f"{VENV}/.installed", f"VENV={VENV}", "run"], cwd=ROOT,
                            env={**env, "DATABASE_URL": database_url}, capture_output=True, text=True, timeout=120)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, [line for line in lines if not line.startswith("make: ***")]


@pytest.fixture
def local_postgres():
    try:
        socket.create_connection(LOCAL_POSTGRES, timeout=1).close()
    except OSError:
        missing_service("PostgreSQL on 127.0.0.1:5432")


def test_a_database_that_does_not_exist_says_how_to_create_it(local_postgres):
    name = f"digitsite_missing_{uuid.uuid4().hex[:8]}"
    code, lines = make_run(f"postgres://postgres@127.0.0.1:5432/{name}")
    assert code != 0
    assert lines == [f'The database "{name}" does not exist on PostgreSQL at 127.0.0.1:5432: create it with '
                     f"`createdb -h 127.0.0.1 -p 5432 -U postgres {name}`, then run `make run` again."]


def test_a_user_postgresql_does_not_know_says_how_to_create_it(local_postgres):
    code, lines = make_run("postgres://nobody_here:s3cret@127.0.0.1:5432/postgres")
    assert code != 0
    assert lines == ['PostgreSQL at 127.0.0.1:5432 has no user "nobody_here": create it as a superuser, e.g. '
                     "`createuser -h 127.0.0.1 -p 5432 -U postgres --createdb nobody_here`, or fix the user in "
                     "DATABASE_URL."]


def test_postgresql_on_a_closed_port_says_to_start_it_or_use_sqlite_and_never_shows_the_password():
    port = free_port()
    code, lines = make_run(f"postgres://app:s3cret@127.0.0.1:{port}/digitsite")
    assert code != 0
    assert lines == [f"PostgreSQL at 127.0.0.1:{port} does not answer: start it, fix DATABASE_URL, or unset "
                     "DATABASE_URL to use SQLite."]


def test_a_wrong_password_says_to_fix_it_in_database_url():
    """The local PostgreSQL trusts every connection, so PostgreSQL's own message is given here."""
    spec = importlib.util.spec_from_file_location("check_database", ROOT / "scripts" / "check_database.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    message = ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password '
               'authentication failed for user "app"')
    assert check.advice(message, {"HOST": "10.0.0.5", "PORT": 5432, "USER": "app"}) == (
        'PostgreSQL at 10.0.0.5:5432 refused the password of user "app": fix the password in DATABASE_URL.')
