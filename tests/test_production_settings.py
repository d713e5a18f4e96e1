"""The production settings pass Django's deployment checks and refuse to start without their secrets."""
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
