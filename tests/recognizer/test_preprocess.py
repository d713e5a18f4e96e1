"""Preparing a canvas drawing the way MNIST digits were prepared."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from digitsite.domain import TooLarge
from recognizer import synthetic_drawings as cr
from recognizer.preprocess import (DrawingError, decode_base64, ink_image, open_image, prepare, stroke_width,
                                   to_mnist)
from support.drawings import drawing


def inputs_of(raw: bytes) -> np.ndarray:
    from recognizer.services import digit_inputs
    return digit_inputs(raw)[0]


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    return ((image.sum(1) * np.arange(28)).sum() / total, (image.sum(0) * np.arange(28)).sum() / total)


def test_a_data_url_and_bare_base64_decode_to_the_same_bytes():
    raw = b"\x89PNG some bytes"
    encoded = base64.b64encode(raw).decode()
    assert decode_base64(f"data:image/png;base64,{encoded}") == raw
    assert decode_base64(encoded) == raw
    assert decode_base64(encoded.rstrip("=")) == raw


def test_text_that_is_not_base64_is_refused_with_its_code():
    with pytest.raises(DrawingError) as exc:
        decode_base64("data:image/png;base64,%%%%")
    assert exc.value.code == "not_base64"


@pytest.mark.parametrize("encoding", cr.ENCODINGS)
def test_every_encoding_gives_the_same_bright_on_dark_digit(encoding):
    reference = inputs_of(drawing("7", encoding="png_transparent", seed=3))[0]
    image = inputs_of(drawing("7", encoding=encoding, seed=3))[0]
    assert image.shape == (28, 28)
    assert image.max() == pytest.approx(1.0)
    assert image[0].max() == 0 and image[:, 0].max() == 0           # background is dark
    assert np.abs(image - reference).mean() < 0.03                  # JPEG and WebP only blur it a little


def test_transparent_png_ink_is_read_from_the_alpha_channel():
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[20:80, 45:55, 3] = 255                                     # black ink, visible only through alpha
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, "PNG")
    ink = np.asarray(ink_image(open_image(out.getvalue())[0]))
    assert ink[50, 50] == 255 and ink[5, 5] == 0


def test_light_ink_on_a_dark_canvas_is_read_as_ink():
    grey = np.full((100, 100), 20, np.uint8)
    grey[20:80, 45:55] = 240
    out = io.BytesIO()
    Image.fromarray(grey).save(out, "PNG")
    ink = np.asarray(ink_image(open_image(out.getvalue())[0]))
    assert ink[50, 50] > 200 and ink[5, 5] == 0


def test_jpeg_noise_on_a_blank_canvas_is_not_ink():
    rng = np.random.default_rng(0)
    noisy = np.clip(250 + rng.normal(0, 3, (200, 200)), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(noisy).save(out, "JPEG", quality=60)
    assert prepare(out.getvalue()).ink.max() == 0


def test_the_digit_fits_a_20_pixel_box_keeping_its_aspect_ratio():
    image = inputs_of(drawing("0", seed=1))[0]
    rows, cols = np.nonzero(image > 0.05)
    height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
    assert 19 <= height <= 21
    assert width < height                                          # an upright 0 stays narrower than tall


def test_a_thin_one_keeps_its_shape_instead_of_being_stretched_square():
    image = inputs_of(drawing("1", seed=2, pen_share=0.05))[0]
    rows, cols = np.nonzero(image > 0.05)
    assert np.ptp(rows) + 1 >= 19
    assert np.ptp(cols) + 1 <= 12


@pytest.mark.parametrize("canvas", [(50, 50), (280, 280), (800, 400), (4000, 4000)])
def test_the_digit_is_centred_by_centre_of_mass_whatever_the_canvas(canvas):
    image = inputs_of(drawing("2", canvas=canvas, seed=5))[0]
    cy, cx = centre_of_mass(image)
    assert abs(cy - 14) <= 0.6 and abs(cx - 14) <= 0.6


def test_size_and_position_on_the_canvas_do_not_change_the_input():
    a = inputs_of(drawing("5", canvas=(800, 400), seed=1))[0]
    b = inputs_of(drawing("5", canvas=(300, 300), seed=9))[0]
    assert np.abs(a - b).mean() < 0.05


def test_hairline_strokes_are_thickened_towards_mnist_width():
    thin = np.zeros((200, 200), np.float32)
    thin[20:180, 98:101] = 1.0                                     # a 3 px line on a 160 px digit
    assert stroke_width(thin) < 0.05 * 160
    image = to_mnist(thin)
    widths = (image > 0.5).sum(axis=1)
    assert np.median(widths[widths > 0]) >= 2


def test_an_image_over_sixteen_megapixels_is_refused_before_its_pixels_are_decoded():
    out = io.BytesIO()
    Image.new("1", (4001, 4001), 1).save(out, "PNG")
    with pytest.raises(DrawingError) as exc:
        open_image(out.getvalue())
    assert exc.value.code == "too_large" and isinstance(exc.value, TooLarge)
