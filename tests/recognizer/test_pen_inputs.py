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


def arc_length(stroke) -> float:
    return float(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum())


def test_stretching_a_strokes_ends_changes_its_length_by_at_most_the_share_at_each_end():
    stroke = np.stack([np.linspace(0, 100, 51), np.zeros(51)], axis=1).astype(np.float32)    # 100 long, along x
    rng = np.random.default_rng(0)
    lengths = []
    for _ in range(200):
        stretched = pen_data.stretch_ends(stroke, rng, most=0.15)
        assert np.allclose(stretched[:, 1], 0, atol=1e-4)             # drawn on along the stroke, not off it
        lengths.append(arc_length(stretched))
    assert 70 - 1e-3 <= min(lengths) < 90 and 110 < max(lengths) <= 130 + 1e-3


def test_stroke_jitter_moves_the_strokes_of_a_digit_apart_but_leaves_a_one_stroke_digits_path_in_place():
    rng = np.random.default_rng(1)
    four = [np.asarray(s, np.float32) for s in DIGIT_STROKES[4]]
    one_stroke = [np.asarray(DIGIT_STROKES[2][0], np.float32)]
    assert len(four) > 1

    jittered = pen_data.jitter_strokes(four, rng)
    single = pen_data.jitter_strokes(one_stroke, rng)[0]

    centres_moved = [np.linalg.norm(j.mean(axis=0) - s.mean(axis=0)) for j, s in zip(jittered, four)]
    assert max(centres_moved) > 0.5
    inner = one_stroke[0][2:-2]                                       # away from the ends, no point moves
    assert all(np.min(np.linalg.norm(single - p, axis=1)) < 1e-3 for p in inner[len(inner) // 4: -len(inner) // 4])


def test_the_renderer_with_stroke_jitter_still_gives_one_digit_inputs_through_the_read_path():
    arrays = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1], renders=3, seed=0, stroke_jitter=True)
    plain = pen_data.build_pen_inputs(tiny_pen_set(), writers=[1], renders=3, seed=0)

    assert len(arrays["x"]) >= 27 and arrays["x"].dtype == np.uint8
    assert not np.array_equal(arrays["x"][:5], plain["x"][:5])
