"""Temperature scaling and the expected calibration error."""
import numpy as np

from recognizer.nn.calibrate import calibration, expected_calibration_error, fit_temperature, nll
from recognizer.nn.losses import softmax


def overconfident(n=4000, seed=0):
    """Logits whose softmax is right 80% of the time but says about 99%: calibrated logits times 4."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    predicted = np.where(rng.random(n) < 0.8, labels, (labels + rng.integers(1, 10, n)) % 10)
    logits = np.zeros((n, 10))
    logits[np.arange(n), predicted] = np.log(0.8 / 0.2 * 9)          # softmax gives the true 0.8
    return logits * 4, labels


def test_temperature_fitting_lowers_nll_on_a_miscalibrated_example():
    logits, labels = overconfident()

    t = fit_temperature(logits, labels)

    assert 3.5 < t < 4.5
    assert nll(logits, labels, t) < 0.6 * nll(logits, labels)
    result = calibration(logits, labels, t)
    assert result["ece_before"] > 0.15 and result["ece_after"] < 0.02


def test_a_calibrated_model_keeps_a_temperature_near_one():
    logits, labels = overconfident()
    assert 0.9 < fit_temperature(logits / 4, labels) < 1.1


def test_expected_calibration_error_is_the_gap_between_confidence_and_accuracy():
    probabilities = np.full((10, 10), 0.1 / 9)
    probabilities[:, 0] = 0.9
    probabilities /= probabilities.sum(1, keepdims=True)
    labels = np.array([0] * 6 + [1] * 4)                                 # 60% right at 90% confidence
    assert abs(expected_calibration_error(probabilities, labels) - 0.3) < 1e-9
    assert expected_calibration_error(softmax(np.eye(10) * 50), np.arange(10)) < 1e-9
