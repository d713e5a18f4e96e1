"""The served model divides its logits by the temperature stored in its weights' meta."""
import numpy as np
import pytest

from recognizer import serving
from recognizer.nn.losses import softmax
from recognizer.nn.model import load
from recognizer.services import recognize
from support.drawings import drawing

pytestmark = pytest.mark.django_db


def test_the_served_probabilities_use_the_stored_temperature(settings):
    shipped = settings.WEIGHTS_DIR / "mlp.npz"
    network, meta = load(shipped)
    before = recognize(drawing("3"), arch="mlp").digits[0]
    network.save(shipped, meta={**meta, "temperature": 3.0})
    serving.forget_loaded_models()
    settings.SERVING_CHECK_SECONDS = 0

    after = recognize(drawing("3"), arch="mlp").digits[0]

    assert serving.get_model("mlp").temperature == 3.0
    assert after.digit == before.digit
    assert after.confidence < before.confidence
    expected = softmax(network.predict_logits(after.input[None]).astype(np.float64) / 3.0)[0]
    assert np.allclose(after.probabilities, expected, atol=1e-5)
