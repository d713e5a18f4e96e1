"""The retraining admin: "Retrain now" and who may press it, the runs and their pictures."""
import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages

from recognizer.models import ModelVersion
from support.drawings import data_url, drawing
from support.services import free_port
from tests.training.retraining import install_shipped, wait_for
from training.models import TrainingRun
from training.runs import execute_run, retrain_request

RETRAIN_URL = "/admin/training/trainingrun/retrain/"
RUNS_URL = "/admin/training/trainingrun/"


@pytest.fixture(autouse=True)
def tiny(tiny_training, settings):
    install_shipped(settings.WEIGHTS_DIR)


def staff(*permissions: str, username="staff") -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    for perm in permissions:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return user


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "staff without the permission"])
def test_only_staff_with_the_trigger_permission_may_retrain(client, who):
    if who != "anonymous":
        client.force_login(staff("training.view_trainingrun", "training.change_trainingrun"))
    response = client.post(RETRAIN_URL, {"arch": "mlp"})
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response["Location"].startswith("/admin/login/")
    else:
        assert b"Retrain now" not in client.get(RUNS_URL).content
    assert TrainingRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_retrain_now_without_redis_trains_in_the_web_process_and_says_so(client, settings):
    client.force_login(staff("training.view_trainingrun", "training.trigger_retrain"))
    assert b"Retrain now" in client.get(RUNS_URL).content
    response = client.post(RETRAIN_URL, {"arch": "mlp", "epochs": "1"})
    run = TrainingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{RUNS_URL}{run.pk}/change/"
    assert messages_of(response) == [f"Run {run.pk} (mlp) is training in this web process: REDIS_URL is not set, "
                                     "so there is no Celery worker."]
    assert run.trigger == "admin" and run.executor == "thread" and run.requested_by.username == "staff"
    wait_for(lambda: TrainingRun.objects.get().finished, timeout=300, what="the run to finish")
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert ModelVersion.objects.get(is_active=True) == run.candidate


@pytest.mark.django_db
def test_retrain_now_while_a_run_is_going_warns_and_queues_nothing(client):
    client.force_login(staff("training.view_trainingrun", "training.trigger_retrain"))
    running = TrainingRun.objects.create(arch="mlp", trigger="schedule", executor="celery", status="running",
                                         worker="celery@w")
    response = client.post(RETRAIN_URL, {"arch": "mlp"})
    assert messages_of(response) == [f"Run {running.pk} (mlp) is running: one training run at a time. "
                                     "Wait for it to finish."]
    assert TrainingRun.objects.count() == 1


@pytest.mark.django_db
def test_with_redis_down_retrain_now_says_so_and_recognition_keeps_answering(client, settings, api_client):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    client.force_login(staff("training.view_trainingrun", "training.trigger_retrain"))
    response = client.post(RETRAIN_URL, {"arch": "mlp"})
    assert response.status_code == 302
    assert messages_of(response) == [f"Redis does not answer (ConnectionError), so the "
                                     "retrain cannot be queued. Recognition is not affected; try again when "
                                     "Redis is back."]
    assert TrainingRun.objects.count() == 0
    answer = api_client.post("/api/recognize/", {"image": data_url(drawing("3"))}, format="json")
    assert answer.status_code == 201 and answer.json()["model"]["version"] == "mlp-1"
    assert api_client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db
def test_the_runs_list_and_a_run_page_show_figures_curve_and_confusion_matrix(client, settings):
    run = retrain_request(arch="mlp", trigger="command", epochs=2, foreground=True)
    run = execute_run(run_id=run.pk)
    client.force_login(staff("training.view_trainingrun"))
    listing = client.get(RUNS_URL).content.decode()
    before, after = run.metrics_before["mnist_test_accuracy"], run.metrics_after["mnist_test_accuracy"]
    assert "succeeded" in listing and f"{before * 100:.2f}% → {after * 100:.2f}%" in listing
    assert "mlp-2" in listing
    page = client.get(f"{RUNS_URL}{run.pk}/change/").content.decode()
    assert 'aria-label="Training curve: loss and accuracy by epoch"' in page
    assert page.count("<polyline") >= 2
    assert 'aria-label="Confusion matrix' in page
    assert "no labelled drawings in the holdout yet" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db
def test_a_running_run_page_refreshes_itself(client):
    run = TrainingRun.objects.create(arch="mlp", trigger="admin", executor="celery", status="running",
                                     progress={"phase": "loading data"})
    client.force_login(staff("training.view_trainingrun"))
    page = client.get(f"{RUNS_URL}{run.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' in page and "loading data" in page and "no training progress yet" in page
