"""python manage.py evaluate --canvas: accuracy through the whole read path, per encoding and per digit."""
import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_reports_canvas_accuracy_per_encoding_and_per_digit():
    out = io.StringIO()
    call_command("evaluate", "--canvas", "--mnist", "40", "--pen", "0", "--numbers", "0", stdout=out)
    lines = out.getvalue().splitlines()
    headline = next(line for line in lines if line.startswith("MNIST test digits as canvas drawings"))
    accuracy = float(re.search(r": (0\.\d{4}|1\.0000) \((\d+)/40\)", headline).group(1))
    assert accuracy >= 0.9
    for encoding in ("jpeg_white", "png_transparent", "png_dark", "webp_white"):
        assert any(line.strip().startswith(f"{encoding}: ") for line in lines)
    assert sum(line.strip().startswith("digit ") for line in lines) >= 8
