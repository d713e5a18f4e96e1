"""GET /healthz, /api/models/, the schema and docs."""
import pytest

pytestmark = pytest.mark.django_db


def test_health_says_ok_with_the_served_model_and_the_database(api_client, settings):
    settings.REDIS_URL = None
    response = api_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model": "cnn-6", "database": "ok", "redis": "not configured"}


def test_health_says_redis_is_ok_when_it_answers(api_client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert api_client.get("/healthz").json()["redis"] == "ok"


def test_health_stays_ok_but_reports_a_redis_that_does_not_answer(api_client, settings):
    from support.services import free_port
    settings.REDIS_URL = f"redis://:secret@127.0.0.1:{free_port()}/0"
    response = api_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["redis"] == "error: ConnectionError"
    assert "secret" not in response.content.decode()


def test_the_models_list_shows_both_shipped_models_with_their_metrics(api_client):
    models = {m["arch"]: m for m in api_client.get("/api/models/").json()["models"]}
    assert set(models) == {"cnn", "mlp", "softreg"}
    assert models["cnn"]["served"] is True and models["mlp"]["served"] is False
    assert models["cnn"]["metrics"]["mnist_test_accuracy"] >= 0.994
    assert models["mlp"]["metrics"]["mnist_test_accuracy"] >= 0.983


def test_the_openapi_schema_describes_the_recognize_endpoint(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/recognize/" in response.json()["paths"]


def test_the_interactive_docs_page_loads(api_client):
    assert api_client.get("/api/docs/").status_code == 200


def test_without_any_weights_recognition_answers_503_and_health_says_degraded(api_client, settings):
    for f in settings.WEIGHTS_DIR.glob("*"):
        f.unlink()
    from support.drawings import data_url, drawing
    response = api_client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_unavailable"
    health = api_client.get("/healthz")
    assert health.status_code == 503
    assert {k: v for k, v in health.json().items() if k != "redis"} == {"status": "degraded", "model": None, "database": "ok"}
