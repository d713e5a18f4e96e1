"""Pen digits rendered as varied canvas drawings and read back through the real read path (pen_data)."""
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recognizer import synthetic_drawings as cr
from recognizer import pen_data
from support.drawings import DIGIT_STROKES

pytestmark = pytest.mark.django_db


def tiny_pen_set(writers=(1, 2, 21)) -> cr.PenDigits:
    strokes, labels, owners = [], [], []
    for writer in writers:
        for digit, sample in DIGIT_STROKES.items():
            strokes.append([np.asarray(s, np.float32) for s in sample])
            labels.append(digit)
            owners.append(writer)
    return cr.PenDigits(strokes=strokes, labels=np.array(labels), writers=np.array(owners))


def test_the_pen_renderer_gives_valid_28x28_uint8_inputs_through_the_read_path():
    arrays = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1, 2], renders=2, seed=0)

    x, y, writer = arrays["x"], arrays["y"], arrays["writer"]
    assert x.dtype == np.uint8 and x.shape[1:] == (28, 28)
    assert len(x) + int(arrays["skipped"]) == 2 * 10 * 2
    assert len(x) >= 36
    assert set(writer.tolist()) == {1, 2} and y.dtype == np.uint8
    assert (x.max(axis=(1, 2)) == 255).all()                       # peak ink 1, as to_mnist makes it
    for image in x:                                                  # fitted in a 20x20 box, as MNIST's were
        rows, cols = np.flatnonzero(image.max(1)), np.flatnonzero(image.max(0))
        height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
        assert max(height, width) in (20, 21) and min(height, width) >= 2


def test_the_pen_renderer_is_seeded():
    first = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1], renders=1, seed=3)
    second = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1], renders=1, seed=3)
    assert np.array_equal(first["x"], second["x"])


def test_renders_vary_in_canvas_size_pen_width_and_shape():
    rng = np.random.default_rng(0)
    inks = [pen_data.render_pen_digit(DIGIT_STROKES[4], rng) for _ in range(6)]
    assert len({ink.shape for ink in inks}) == 6
    assert len({round(float(ink.sum()) / ink.size, 4) for ink in inks}) == 6


def test_saved_pen_inputs_load_back_without_the_measuring_writers(tmp_path):
    arrays = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1, 2], renders=1, seed=0)
    path = tmp_path / "pen_inputs.npz"

    pen_data.save_pen_inputs(arrays, path)
    loaded = pen_data.load_pen_inputs(path, exclude_writers=[2])

    assert set(loaded["writer"].tolist()) == {1}
    assert np.array_equal(loaded["x"], arrays["x"][arrays["writer"] == 1])
    with np.load(path) as f:
        assert "CC BY 4.0" in str(f["source"])


def test_writer_ranges_read_and_print_the_same_way():
    assert pen_data.parse_writers("17-20") == [17, 18, 19, 20]
    assert pen_data.parse_writers("1,3,5-7") == [1, 3, 5, 6, 7]
    assert pen_data.writers_text([1, 2, 3, 7]) == "1-3,7"


def test_build_pen_inputs_refuses_the_writers_who_only_measure(tmp_path):
    source = tmp_path / "pendigits.npz"
    source.write_bytes(b"")
    with pytest.raises(CommandError, match="writers 21-30 only measure"):
        call_command("build_pen_inputs", "--source", str(source), "--writers", "19-22",
                     "--out", str(tmp_path / "x.npz"), stdout=io.StringIO())
