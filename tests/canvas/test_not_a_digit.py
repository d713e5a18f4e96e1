"""A drawing that is not digits at all (a dot, a scribble, a zig-zag, a blob, a grid, a letter) is refused with
400 not_a_digit and nothing is stored; digits are read as before."""
import numpy as np
import pytest
from django.core.management import call_command

from recognizer import digit_check, non_digits
from submissions.models import Submission
from support.drawings import data_url, drawing

pytestmark = pytest.mark.django_db


def post(client, raw: bytes):
    return client.post("/api/recognize/", {"image": data_url(raw)}, format="json")


@pytest.mark.parametrize("kind", non_digits.KINDS)
def test_a_drawing_that_is_not_a_digit_is_refused_and_not_stored(api_client, kind):
    raw = non_digits.drawing(kind, np.random.default_rng(424242 + len(kind)))
    response = post(api_client, raw)
    assert response.status_code == 400, response.content
    assert response.json() == {"error": {"code": "not_a_digit",
                                         "message": "That does not look like a number: draw digits 0 to 9."}}
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("number", ["7", "42", "1234"])
def test_digits_are_still_read(api_client, number):
    response = post(api_client, drawing(number, canvas=(700, 300)))
    assert response.status_code == 201, response.content
    assert response.json()["number"] == number


def test_without_the_check_installed_every_piece_counts_as_a_digit(api_client, settings):
    (settings.WEIGHTS_DIR / digit_check.CHECK_FILE).unlink()
    assert post(api_client, non_digits.drawing("letter", np.random.default_rng(5))).status_code == 201


def test_the_check_is_trained_and_saved_with_its_threshold_and_what_trained_it(tmp_path, capsys):
    out = tmp_path / "digit_check.npz"
    call_command("train_digit_check", "--non-digits", "60", "--tune-non-digits", "30", "--mnist", "60", "--pen-digits", "300",
                 "--epochs", "1",
                 "--out", str(out))
    assert out.exists() and out.with_suffix(".json").exists()
    from recognizer.nn.model import load
    network, meta = load(out)
    assert meta["refuse_at"] >= 0.5 and meta["trained_on"]["pen_writers"] == "1-16"
    assert network.predict_proba(np.zeros((2, 28, 28), np.float32)).shape == (2, 2)
    assert "writers 17-20 refused" in capsys.readouterr().out
