"""Zhang-Suen thinning and the round-pen redraw used to make MNIST look pen-drawn."""
import numpy as np

from recognizer.nn.thin import redraw, thin_and_redraw, zhang_suen


def test_thinning_turns_a_thick_bar_into_a_one_pixel_line():
    bar = np.zeros((1, 28, 28), bool)
    bar[0, 4:24, 10:16] = True                                     # 20 tall, 6 wide

    skeleton = zhang_suen(bar)[0]

    rows = np.flatnonzero(skeleton.any(1))
    assert (skeleton.sum(1)[rows] == 1).all()                      # one pixel per row: a 1-pixel line
    assert rows.size >= 14                                         # still most of the bar's length
    assert skeleton[bar[0] == 0].sum() == 0                        # inside the bar


def test_thinning_keeps_a_ring_closed():
    yy, xx = np.mgrid[:28, :28]
    ring = ((np.hypot(yy - 14, xx - 14) < 10) & (np.hypot(yy - 14, xx - 14) > 6))[None]
    skeleton = zhang_suen(ring)[0]
    assert skeleton.sum() > 30 and skeleton[14, 14] == 0
    assert skeleton[14, :14].any() and skeleton[14, 14:].any() and skeleton[:14, 14].any()


def test_redrawing_gives_the_pen_width_asked_for():
    line = np.zeros((2, 28, 28), bool)
    line[:, 4:24, 14] = True
    ink = redraw(line, np.array([2.0, 4.0]))
    assert np.allclose(ink[:, 14].sum(1), [2.0, 4.0], atol=0.3)   # ink across the line: its width
    assert ink.max() == 1.0 and ink.min() == 0.0


def test_thin_and_redraw_is_seeded_and_keeps_the_batch_shape():
    x = np.zeros((3, 28, 28), np.float32)
    x[:, 5:23, 8:20] = 1
    a = thin_and_redraw(x, np.random.default_rng(1))
    b = thin_and_redraw(x, np.random.default_rng(1))
    assert a.shape == x.shape and a.dtype == np.float32 and np.array_equal(a, b)
