"""Log lines carry time, level and logger; with LOG_FORMAT=json each one is a JSON object a collector can parse."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = """
import logging
import django
django.setup()
log = logging.getLogger("digitsite.example")
log.warning("drawing %s refused", 7)
try:
    1 / 0
except ZeroDivisionError:
    log.exception("it broke")
"""


def logging_process(**env) -> subprocess.CompletedProcess:
    """A process with the production settings that logs a warning and an exception."""
    return subprocess.run([sys.executable, "-c", LOGS], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "digitsite.settings.production",
                               "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org", "LOG_LEVEL": "WARNING", **env})


def log_lines(**env) -> list[str]:
    result = logging_process(**env)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_a_log_line_has_time_level_logger_and_message():
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING digitsite\.example \[\d+\] drawing 7 refused",
                        log_lines()[0])


def test_with_log_format_json_every_line_is_a_json_object_with_time_level_logger_and_message():
    lines = log_lines(LOG_FORMAT="json")
    assert len(lines) == 2                                  # a traceback stays inside its line
    warning, error = map(json.loads, lines)
    assert warning["time"].endswith("+00:00") and warning["time"][:4].isdigit()
    assert {k: warning[k] for k in ("level", "logger", "message")} == {
        "level": "WARNING", "logger": "digitsite.example", "message": "drawing 7 refused"}
    assert (error["level"], error["message"]) == ("ERROR", "it broke")
    assert error["exception"].startswith("Traceback") and "ZeroDivisionError" in error["exception"]


def test_a_log_format_it_does_not_know_stops_the_process_with_the_setting_named():
    result = logging_process(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert result.stderr.splitlines()[-1] == ("django.core.exceptions.ImproperlyConfigured: "
                                              "LOG_FORMAT must be one of line, json, not 'xml'")
