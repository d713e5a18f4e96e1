"""evaluate --canvas on pen-drawn digits of writers who never trained anything: per writer, confusions, calibration."""
import io
import json
import re

import pytest
from django.core.management import call_command

from recognizer import canvas_eval

pytestmark = pytest.mark.django_db


@pytest.fixture
def pen_devset():
    if canvas_eval.devset_path("pendigits_train.npz") is None:
        pytest.skip("the pen-drawn development set (../shared/devsets/pendigits_train.npz) is not on this machine")


def test_evaluate_canvas_reports_each_measuring_writer_and_the_calibration(pen_devset, tmp_path):
    out = io.StringIO()
    figures = tmp_path / "figures.json"
    call_command("evaluate", "--canvas", "--mnist", "0", "--pen", "60", "--numbers", "2", "--hwd", "0",
                 "--json", str(figures), stdout=out)
    lines = out.getvalue().splitlines()

    assert any(re.fullmatch(r"pen-drawn single digits, writers 21-30: \d\.\d{4} \(\d+/60\)", line) for line in lines)
    assert any(re.fullmatch(r"per writer: lowest \d\.\d{4} \(writer (2\d|30)\), median \d\.\d{4}", line)
               for line in lines)
    writers = {int(m.group(1)) for line in lines if (m := re.fullmatch(r"  writer (\d+): .*", line))}
    assert writers and writers <= set(range(21, 31))
    assert any(line.startswith("top confusions (true->read): ") for line in lines)
    assert any(line.startswith("expected calibration error (15 bins") for line in lines)
    assert any(line.startswith("pen-drawn numbers, exact, writers 21-30: ") for line in lines)
    saved = json.loads(figures.read_text())
    assert saved["writers"] == "21-30" and saved["single_digits"]["count"] == 60
    assert set(saved["numbers_exact"]) == {"2 digits", "3 digits", "4 digits"}


def test_evaluate_canvas_measures_a_tuning_fold_with_a_weights_file(pen_devset, settings):
    out = io.StringIO()
    call_command("evaluate", "--canvas", "--weights", str(settings.WEIGHTS_DIR / "cnn.npz"), "--writers", "17-20",
                 "--mnist", "0", "--pen", "20", "--numbers", "0", "--hwd", "0", stdout=out)
    writers = {int(m.group(1)) for line in out.getvalue().splitlines()
               if (m := re.fullmatch(r"  writer (\d+): .*", line))}
    assert writers <= {17, 18, 19, 20}
