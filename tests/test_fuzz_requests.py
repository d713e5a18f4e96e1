"""Generated bad requests against every endpoint: none gets a 5xx, and every /api/ answer is in the one shape."""
import base64
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from support.drawings import drawing
from tests.submissions.factories import make_submission

pytestmark = pytest.mark.django_db

EXAMPLES = 1200

ENDPOINTS = [
    ("POST", "/api/recognize/"),
    ("POST", "/api/submissions/{id}/feedback/"),
    ("DELETE", "/api/submissions/{id}/"),
    ("DELETE", "/api/submissions/"),
    ("POST", "/history/{id}/delete/"),
    ("POST", "/history/delete/"),
    ("GET", "/privacy/"),
    ("POST", "/admin/login/"),
    ("GET", "/api/facts/{number}/"),
    ("GET", "/api/models/"),
    ("GET", "/api/schema/"),
    ("GET", "/healthz"),
    ("GET", "/history/"),
    ("GET", "/submissions/{id}/image"),
    ("GET", "/"),
    ("ANY", "/api/{junk}"),
    ("ANY", "/{junk}"),
]
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                      st.text(max_size=30))
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=12)
VALID_PNG = base64.b64encode(drawing("3", canvas=(120, 120))).decode()
IMAGES = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode()),
    st.sampled_from(["data:image/png;base64,", "data:;base64,AAAA", "====", VALID_PNG[:200], VALID_PNG + "!",
                     "data:image/png;base64," + VALID_PNG[::-1], "\ud800", VALID_PNG]),
)
BODIES = st.one_of(
    JSON.map(lambda v: ("application/json", json.dumps(v).encode())),
    st.builds(lambda image, fact, drawing_id: ("application/json", json.dumps(
        {"image": image, "fact_type": fact, "label": drawing_id, "correct": fact}).encode()),
        IMAGES, st.one_of(st.text(max_size=12), st.sampled_from(["trivia", "math", "date", "year"])), JSON),
    st.integers(200, 3000).map(lambda depth: ("application/json", ("[" * depth + "]" * depth).encode())),
    st.integers(200, 3000).map(lambda depth: ("application/json", ('{"a":' * depth + "1" + "}" * depth).encode())),
    st.binary(max_size=200).map(lambda b: ("application/json", b)),
    st.binary(max_size=200).map(lambda b: ("application/x-www-form-urlencoded", b)),
    st.integers(900, 1500).map(lambda n: ("application/x-www-form-urlencoded",
                                          "&".join(f"f{i}=1" for i in range(n)).encode())),
    st.binary(max_size=200).map(lambda b: ("multipart/form-data; boundary=xyz", b)),
    st.tuples(st.sampled_from(["text/plain", "application/xml", "", "image/png", "application/json; charset=latin-9"]),
              st.binary(max_size=100)),
)
PATH_PARTS = st.one_of(st.integers(-5, 10**20).map(str), st.sampled_from(["abc", "", "0x10", "1e3", "%00", "..",
                                                                           "💥", "1/2", " 7"]),
                       st.text(alphabet="abcxyz0123456789-_./%", max_size=12))
HEADERS = st.fixed_dictionaries({}, optional={
    "HTTP_ACCEPT": st.sampled_from(["text/html", "application/xml", "*/*", "application/json; q=0", "garbage"]),
    "HTTP_X_FORWARDED_FOR": st.text(max_size=30),
    "HTTP_ORIGIN": st.sampled_from(["https://evil.example", "null"]),
})


def send(known_ids, endpoint, method, body, part, known, headers, with_cookie):
    """One generated request; asserts what every answer must be."""
    verb, template = endpoint
    if verb == "GET" and method not in ("GET", "HEAD", "OPTIONS"):
        method = "GET"
    if verb == "POST" and method in ("GET", "HEAD"):
        method = "POST"
    path = template.format(id=known_ids[0] if known else part, number=part, junk=part)
    client = Client(enforce_csrf_checks=True)
    if with_cookie:
        client.cookies["sessionid"] = "x" * 32
        client.cookies["csrftoken"] = "y" * 32
    content_type, raw = body
    response = client.generic(method, path, data=raw, content_type=content_type, **headers)
    assert response.status_code < 500, (method, path, response.status_code, response.content[:300])
    if path.startswith("/api/") and response.status_code >= 400 and method != "HEAD":
        assert response["Content-Type"].startswith("application/json"), (method, path, response.content[:200])
        answer = response.json()
        assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}, answer


def test_no_generated_bad_request_gets_a_server_error_and_api_errors_keep_their_shape(db):
    known_ids = [make_submission("12", visitor="someone-else").pk, make_submission("7", visitor="someone-else").pk]
    sent = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(endpoint=st.sampled_from(ENDPOINTS),
           method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
           body=BODIES, part=PATH_PARTS, known=st.booleans(), headers=HEADERS, with_cookie=st.booleans())
    def one_request(**request):
        send(known_ids, **request)
        sent.append(1)

    one_request()
    assert len(sent) >= 1000, f"only {len(sent)} generated requests were sent"
