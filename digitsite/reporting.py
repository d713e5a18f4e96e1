"""What the processes tell operators: log lines with time, level and logger (one JSON object a line with
LOG_FORMAT=json), and errors sent to Sentry when SENTRY_DSN is set."""
import json
import logging
from datetime import datetime, timezone

LINE = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, process, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "process": record.process,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def logging_config(log_format: str, level: str) -> dict:
    """Django's LOGGING: records at `level` and above to stderr, as "line"s or as "json"."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"format": LINE}, "json": {"()": JsonFormatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
    }


def init_sentry(dsn: str | None) -> None:
    """With a DSN, errors of requests, Celery tasks and error log records go to Sentry, without the visitor's data:
    no cookies, addresses or users (no PII), and no request bodies (a drawing is the visitor's)."""
    if not dsn:
        return
    # Imported here: the SDK and its integrations take half a second to import, which no process without a DSN pays.
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    sentry_sdk.init(dsn=dsn, integrations=[DjangoIntegration(), CeleryIntegration()], send_default_pii=False,
                    max_request_body_size="never")
