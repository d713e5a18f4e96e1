"""training: the data, the gate, promotion and rejection, one run at a time, cancelled runs."""
import numpy as np
import pytest
from django.contrib.auth.models import Permission, User

from digitsite.domain import Invalid
from digitsite.hashing import sha256_of_bytes
from recognizer import serving, weights_store
from recognizer.models import ModelVersion
from submissions.models import Submission
from submissions.services import submission_feedback, submission_relabel
from support.drawings import data_url, drawing
from tests.submissions.factories import make_submission
from tests.training.retraining import install_shipped, labelled_drawings, small_mnist, tiny_network, write_mnist
from training.data import training_set
from training.finetune import FinetuneConfig, steps_per_epoch
from training.locks import Busy
from training.models import TrainingRun
from training.pipeline import next_version
from training.runs import execute_run, fail_run, retrain_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


def request_and_run(**options) -> TrainingRun:
    run = retrain_request(arch="mlp", trigger=TrainingRun.Trigger.COMMAND, foreground=True, **options)
    return execute_run(run_id=run.pk)


def test_a_better_candidate_is_promoted_written_under_a_new_name_and_served(settings):
    install_shipped(settings.WEIGHTS_DIR)  # untrained: anything trained beats it
    shipped_bytes = (settings.WEIGHTS_DIR / "mlp.npz").read_bytes()
    run = request_and_run()
    assert run.status == "succeeded", run.error
    assert run.summary().startswith(f"run {run.pk}: succeeded promoted mlp-2: MNIST test ")
    assert run.metrics_after["mnist_test_accuracy"] > run.metrics_before["mnist_test_accuracy"]
    assert run.base_version.version == "mlp-1"
    candidate = ModelVersion.objects.get(version="mlp-2")
    assert run.candidate == candidate and candidate.is_active and not candidate.rejected
    assert candidate.in_database and candidate.file == "mlp-2.npz"
    assert candidate.sha256 == sha256_of_bytes(weights_store.weights_bytes(candidate))
    assert not (settings.WEIGHTS_DIR / "mlp-2.npz").exists()  # every machine reads it from the database
    assert not ModelVersion.objects.get(version="mlp-1").is_active
    assert (settings.WEIGHTS_DIR / "mlp.npz").read_bytes() == shipped_bytes
    assert not list(settings.WEIGHTS_DIR.glob("*.tmp"))
    assert serving.get_model("mlp").version == "mlp-2"


def test_progress_and_the_training_curve_are_written_as_the_run_goes(settings):
    install_shipped(settings.WEIGHTS_DIR)
    seen = []
    run = retrain_request(arch="mlp", trigger="command", epochs=2, foreground=True)
    run = execute_run(run_id=run.pk, on_progress=lambda r: seen.append(dict(r.progress)))
    phases = [p["phase"] for p in seen]
    assert phases[:3] == ["loading data", "measuring the active model", "training"]
    assert "measuring the candidate" in phases
    assert [p["epoch"] for p in seen if "step" in p and p["step"] == p["batches"]] == [1]
    assert run.curve[-1]["epoch"] == 2 and {1.0, 2.0} <= {p["epoch"] for p in run.curve}
    assert run.progress["step"] == run.progress["steps"]
    assert run.mnist_train_count == 3000 and run.drawing_train_count == 0 and run.holdout_count == 0
    assert run.started_at <= run.finished_at and run.heartbeat_at


def test_a_worse_candidate_is_rejected_with_the_reason_and_never_served(settings):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    write_mnist(settings.DATA_DIR, shuffle_labels=True)
    assert serving.get_model("mlp").version == "mlp-1"
    run = request_and_run()
    assert run.status == "rejected", run.error
    before, after = run.metrics_before["mnist_test_accuracy"], run.metrics_after["mnist_test_accuracy"]
    assert after < before - 0.001
    assert run.reason == (f"rejected by the MNIST rule: MNIST test {after:.4f} (active {before:.4f}, at most 0.1 "
                          "point down); no holdout drawings yet")
    candidate = run.candidate
    assert candidate.version == "mlp-2" and candidate.rejected and not candidate.is_active
    assert ModelVersion.objects.get(is_active=True, arch="mlp").version == "mlp-1"
    with pytest.raises(serving.VersionError, match="mlp-2 failed the promotion gate and is never served"):
        serving.activate(candidate)
    serving.forget_loaded_models()
    assert serving.get_model("mlp").version == "mlp-1"


def test_every_fifth_drawing_by_submission_id_is_held_out_and_never_trained_on():
    drawings = labelled_drawings(40)
    held_out = [s for s in drawings if s.pk % 5 == 0]
    data = training_set()
    assert len(data.y_holdout) == len(held_out) == 8 and data.drawings_train == 32
    assert [row.tobytes() for row in data.x_holdout] == [bytes(s.inputs) for s in Submission.objects.filter(
        pk__in=[s.pk for s in held_out]).order_by("pk")]
    assert list(data.y_holdout) == [int(s.labels.get().value) for s in held_out]
    trained_on = {row.tobytes() for row in data.x_drawings}
    assert not trained_on & {row.tobytes() for row in data.x_holdout}
    assert data.mnist_train == 3000


def test_an_epoch_shows_every_drawing_in_many_variants_within_a_step_range():
    cfg = FinetuneConfig(epochs=1, batch_size=128, lr=1e-3, variants=50, replay_share=0.5, pen_share=0.0, l2sp=0.0,
                         distill=0.0, interpolate=1.0, min_steps=100, max_steps=2000, seed=0)
    assert steps_per_epoch(cfg, 320) == 250       # 320 drawings x 50 views, 64 of them in each batch of 128
    assert steps_per_epoch(cfg, 40) == 100        # at least min_steps
    assert steps_per_epoch(cfg, 10000) == 2000    # at most max_steps
    assert steps_per_epoch(cfg, 0) == 100         # MNIST replay alone


def test_a_run_measures_active_and_candidate_on_the_same_holdout(settings):
    install_shipped(settings.WEIGHTS_DIR)
    labelled_drawings(40)
    run = request_and_run()
    assert run.status == "succeeded", run.error
    assert run.drawing_train_count == 32 and run.holdout_count == 8
    assert run.metrics_before["holdout_count"] == run.metrics_after["holdout_count"] == 8
    assert run.metrics_after["holdout_correct"] >= run.metrics_before["holdout_correct"]
    assert np.array(run.metrics_after["holdout_confusion"]).sum() == 8


def test_visitor_labels_are_trained_on_only_when_the_setting_allows(settings):
    install_shipped(settings.WEIGHTS_DIR)
    staff_labelled = labelled_drawings(6)
    for n, number in enumerate(["7", "42"]):
        mine = make_submission(number, visitor="visitor-b", seed=10 + n)
        submission_feedback(submission=mine, visitor="visitor-b", correct=True)
    staff_digits = len(staff_labelled)
    run = request_and_run()
    assert run.drawing_train_count + run.holdout_count == staff_digits
    settings.RETRAIN_VISITOR_LABELS = True
    run = request_and_run()
    assert run.drawing_train_count + run.holdout_count == staff_digits + 3


def test_from_scratch_starts_from_fresh_weights_of_the_same_architecture(settings):
    active = install_shipped(settings.WEIGHTS_DIR, trained=True)
    run = request_and_run(from_scratch=True, epochs=1)
    assert run.options["from_scratch"] is True and run.options["lr"] == settings.RETRAIN_SCRATCH_LR
    # one epoch from scratch does not reach three epochs of training: rejected, and not the fine-tuned weights
    assert run.status == "rejected", run.reason
    assert run.metrics_before["mnist_test_accuracy"] == pytest.approx(
        (active.predict_proba(small_mnist()["x_test"] / 255).argmax(1) == small_mnist()["y_test"]).mean())


def test_a_run_that_fails_records_why_and_leaves_the_served_model_alone(settings):
    install_shipped(settings.WEIGHTS_DIR)
    run = retrain_request(arch="mlp", trigger=TrainingRun.Trigger.COMMAND, foreground=True)
    (settings.DATA_DIR / "mnist.npz").unlink()  # gone between the request and the run
    run = execute_run(run_id=run.pk)
    assert run.status == "failed"
    assert run.summary() == (f"run {run.pk}: failed DataError: {settings.DATA_DIR / 'mnist.npz'} does not exist: "
                             "run `python manage.py fetch_mnist` first")
    assert "Traceback" in run.error
    assert run.candidate is None
    assert sorted(p.name for p in settings.WEIGHTS_DIR.glob("mlp*.npz")) == ["mlp.npz"]
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"


def test_a_run_without_any_weights_to_start_from_fails_clearly(settings):
    (settings.WEIGHTS_DIR / "mlp.npz").unlink(missing_ok=True)
    run = request_and_run()
    assert run.status == "failed"
    assert run.reason.startswith("There are no mlp weights to start from")


def test_a_second_request_while_one_is_queued_is_refused_not_queued(settings):
    install_shipped(settings.WEIGHTS_DIR)
    first = retrain_request(arch="mlp", trigger="command", foreground=True)
    with pytest.raises(Busy) as busy:
        retrain_request(arch="mlp", trigger="admin", foreground=True)
    assert busy.value.run == first
    assert busy.value.message == f"Run {first.pk} (mlp) is queued: one training run at a time. Wait for it to finish."
    assert TrainingRun.objects.count() == 1


def test_running_a_run_twice_trains_it_once(settings):
    install_shipped(settings.WEIGHTS_DIR)
    run = request_and_run()
    again = execute_run(run_id=run.pk)
    assert again.status == "succeeded" and again.finished_at == run.finished_at
    assert ModelVersion.objects.count() == 2


def test_a_run_cancelled_while_training_stops_without_promoting(settings):
    install_shipped(settings.WEIGHTS_DIR)
    run = retrain_request(arch="mlp", trigger="admin", foreground=True, epochs=3)

    def cancel_once_training(r):
        if r.progress.get("phase") == "training" and "step" in r.progress:
            fail_run(r.pk, reason="cancelled by staff")
    run = execute_run(run_id=run.pk, on_progress=cancel_once_training)
    assert run.status == "failed" and run.reason == "cancelled by staff"
    assert ModelVersion.objects.count() == 1 and not list(settings.WEIGHTS_DIR.glob("mlp-*.npz"))


def test_next_version_numbers_follow_the_highest_registered_one(settings):
    install_shipped(settings.WEIGHTS_DIR)
    serving.active_version("mlp")
    assert next_version("mlp") == "mlp-2"
    ModelVersion.objects.create(arch="mlp", version="mlp-7", file="mlp-7.npz", sha256="0", rejected=True)
    assert next_version("mlp") == "mlp-8"


def test_unknown_archs_and_zero_epochs_are_refused():
    with pytest.raises(Invalid, match=f"Unknown arch 'vgg': choose one of {', '.join(serving.ARCHS)}."):
        retrain_request(arch="vgg", trigger="command")
    with pytest.raises(Invalid, match="epochs must be at least 1."):
        retrain_request(arch="mlp", trigger="command", epochs=0)


def test_a_candidate_is_not_promoted_over_a_version_activated_while_it_trained(settings):
    install_shipped(settings.WEIGHTS_DIR)
    serving.active_version("mlp")
    path = settings.WEIGHTS_DIR / "mlp-manual.npz"
    tiny_network(seed=5).save(path, meta={"version": "mlp-manual"})
    manual = ModelVersion.objects.create(arch="mlp", version="mlp-manual", file=path.name,
                                         sha256=serving.sha256_of(path))
    run = retrain_request(arch="mlp", trigger="command", foreground=True)

    def staff_activates_another_version(r):
        if "step" in r.progress and not manual.is_active:
            serving.activate(manual)
    run = execute_run(run_id=run.pk, on_progress=staff_activates_another_version)
    assert run.status == "rejected"
    assert run.reason == ("mlp-manual was activated during the run: this candidate was measured against mlp-1, "
                          "so it is not promoted over it")
    assert ModelVersion.objects.get(is_active=True) == manual


def test_drawings_staff_labelled_in_the_review_are_trained_on_and_held_out_by_submission_id(settings, api_client):
    install_shipped(settings.WEIGHTS_DIR)
    reviewer = User.objects.create_user("reviewer", is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="change_submission"))
    ids = []
    for n, number in enumerate(["7", "42", "3", "105", "8", "6", "91", "2", "0", "5"]):
        body = api_client.post("/api/recognize/", {"image": data_url(drawing(number, seed=n))}, format="json").json()
        submission = Submission.objects.get(pk=body["submission_id"])
        if submission.digit_count == len(number):
            submission_relabel(submission=submission, label=number, by=reviewer)
            ids += [submission.pk] * len(number)
    run = request_and_run()
    # a holdout of a few digits decides promotion by chance here: what matters is which digits went where
    assert run.status in ("succeeded", "rejected") and run.candidate is not None, run.error
    assert run.holdout_count == sum(i % 5 == 0 for i in ids) and run.holdout_count > 0
    assert run.drawing_train_count == len(ids) - run.holdout_count
    assert run.metrics_after["holdout_count"] == run.metrics_before["holdout_count"] == run.holdout_count


def test_a_promoted_candidate_keeps_the_active_versions_calibration(settings):
    model = install_shipped(settings.WEIGHTS_DIR)
    model.save(settings.WEIGHTS_DIR / "mlp.npz", meta={"version": "mlp-1", "temperature": 1.7})
    run = request_and_run()
    assert run.status == "succeeded", run.error
    _, meta = weights_store.load_network(ModelVersion.objects.get(version="mlp-2"))
    assert meta["temperature"] == 1.7
    assert serving.get_model("mlp").temperature == 1.7
