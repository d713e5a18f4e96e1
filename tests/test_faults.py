"""The site under gunicorn with a service gone: Redis or the database on a port where nothing listens.

Redis down degrades nothing a visitor sees; the database down answers 503 in the one shape (a plain page
for pages), never a 500 or a traceback, and leaves no file behind.
"""
import json

import pytest

from support.drawings import data_url, drawing
from support.services import free_port
from tests.gunicorn import Gunicorn
from tests.training.retraining import database_url, wait_for

BODY = json.dumps({"image": data_url(drawing("7"))})


def shaped(status: int, content_type: str, body: bytes, expected_status: int) -> dict:
    assert status == expected_status, body[:500]
    assert content_type.startswith("application/json"), body[:500]
    answer = json.loads(body)
    assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}
    return answer["error"]


@pytest.mark.django_db(transaction=True)
def test_with_redis_on_a_dead_port_the_site_reads_drawings_and_says_so_in_its_health(tmp_path):
    dead = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with Gunicorn(tmp_path, REDIS_URL=dead, DATABASE_URL=database_url()) as site:
        status, _, body = site.request("POST", "/api/recognize/", BODY)
        assert status == 201, body[:500]
        reading = json.loads(body)
        assert reading["number"] == "7" and reading["fact"]["source"] == "computed"
        fact_status, _, _ = site.request("GET", "/api/facts/12/?type=math")
        assert fact_status == 200
        status, _, body = site.request("GET", "/healthz")
        assert status == 200
        health = json.loads(body)
        assert health["status"] == "ok" and health["redis"] == "error: ConnectionError"
        assert b"hunter2" not in body
        assert len(site.files()) == 1
    assert "rate limit cache unavailable" in site.log.read_text()


def test_with_the_database_on_a_dead_port_the_api_answers_503_in_the_one_shape_and_pages_a_plain_page(tmp_path):
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/digitsite"
    with Gunicorn(tmp_path, DATABASE_URL=dead) as site:
        error = shaped(*site.request("POST", "/api/recognize/", BODY), 503)
        assert error["code"] == "unavailable"
        assert site.files() == [], "the drawing's file is removed when its row cannot be written"
        assert shaped(*site.request("GET", "/api/facts/12/"), 503)["code"] == "unavailable"
        cookie = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
        status, content_type, body = site.request("GET", "/history/", headers=cookie)
        assert status == 503 and content_type.startswith("text/plain") and b"Traceback" not in body
        status, _, body = site.request("GET", "/healthz")
        assert status == 503 and json.loads(body)["database"].startswith("error")
