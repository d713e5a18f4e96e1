"""read_drawing(): the one service behind POST /api/recognize/, called directly."""
import pytest

from canvas.services import read_drawing
from recognizer.preprocess import DrawingError
from submissions.models import Submission
from support.drawings import drawing

pytestmark = pytest.mark.django_db


def test_it_reads_stores_and_finds_a_fact_for_a_drawing(settings):
    settings.NUMBERS_API_URL = "http://127.0.0.1:9"   # nothing answers: the fact is computed
    reading = read_drawing(raw=drawing("47"), visitor="v1", fact_kind="math")
    assert reading.recognition.number == "47"
    assert Submission.objects.get() == reading.submission
    assert (reading.submission.number, reading.submission.visitor) == ("47", "v1")
    assert reading.fact["number"] == 47 and reading.fact["type"] == "math"


def test_a_drawing_it_cannot_read_stores_nothing():
    with pytest.raises(DrawingError) as exc:
        read_drawing(raw=b"not an image", visitor="v1", fact_kind="trivia")
    assert exc.value.code == "not_an_image"
    assert Submission.objects.count() == 0
