"""A drawing a finished training run learnt from can be deleted: the run and the model it made stay as they are,
and the drawing is in no later training data."""
import io

import pytest
from django.core.management import call_command

from recognizer import weights_store
from recognizer.models import ModelVersion
from submissions.deletion import drawings_delete
from submissions.models import Submission
from submissions.services import submission_relabel
from submissions.training_data import labelled_digits
from tests.submissions.factories import labeller, make_submission
from tests.training.retraining import install_shipped
from training.models import TrainingRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


def test_deleting_a_drawing_a_finished_run_trained_on_keeps_the_run_and_its_model(settings):
    install_shipped(settings.WEIGHTS_DIR)
    staff = labeller()
    drawings = [make_submission(str(d), seed=d) for d in range(1, 6)]
    for drawing in drawings:
        submission_relabel(submission=drawing, label=drawing.number, by=staff)
    call_command("retrain", "--arch", "mlp", "--wait", stdout=io.StringIO())
    run = TrainingRun.objects.get()
    assert run.status == "succeeded" and run.drawing_train_count + run.holdout_count == 5
    model = ModelVersion.objects.get(is_active=True)
    assert model.version == "mlp-2" and weights_store.has_weights(model)

    drawings_delete(submissions=Submission.objects.filter(pk__in=[d.pk for d in drawings]), reason="visitor")

    run.refresh_from_db()
    assert run.status == "succeeded" and run.candidate == model
    assert ModelVersion.objects.get(is_active=True) == model and weights_store.has_weights(model)
    assert len(labelled_digits(include_visitor_labels=False)[0]) == 0
