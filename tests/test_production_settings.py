"""The production settings pass Django's deployment checks and refuse to start without their secrets."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environ.update(DJANGO_SETTINGS_MODULE="digitsite.settings.production", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_has_no_warnings_when_secret_key_and_hosts_are_given():
    result = manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="digits.example")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", ALLOWED_HOSTS="digits.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_health_answers_a_plain_http_probe_instead_of_redirecting_it(tmp_path):
    code = ("import django, json; django.setup(); from django.test import Client; c = Client(); "
            "print(json.dumps([c.get('/healthz').status_code, c.get('/').status_code]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**{k: v for k, v in os.environ.items() if k not in ("DEBUG",)},
                                 "DJANGO_SETTINGS_MODULE": "digitsite.settings.production",
                                 "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "testserver",
                                 "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    health, page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page == 301                  # everything else goes to HTTPS
    assert health != 301                # the probe gets the health answer itself (503 here: no tables)
