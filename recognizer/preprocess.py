"""Canvas image -> the network's 28x28 input, prepared the way MNIST digits were.

MNIST digits are bright ink on black, fitted into a 20x20 box keeping their aspect ratio (anti-aliased),
then placed in 28x28 so that their centre of mass is at the centre. A canvas drawing comes in any size,
position, pen width, polarity and encoding; everything here exists to undo those differences.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageOps

from digitsite.domain import Invalid, TooLarge

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_PIXELS = 16_000_000
WORK_SIDE = 320          # segmentation and cropping work on at most this many pixels a side
MIN_CONTRAST = 0.12      # ink must differ from the background by this much (0..1) to count
NOISE_FLOOR = 0.25       # share of the ink's contrast under which a pixel is background (JPEG artefacts)
# MNIST strokes are about an eighth of a digit's height wide; pens on a canvas are anything from hairlines
# to markers. Thinner strokes are thickened to this share of the digit's size before it is shrunk to 20x20.
STROKE_TARGET = 0.12

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class DrawingError(Invalid):
    """A drawing we cannot read; code and message go to the client as they are."""


class DrawingTooLarge(DrawingError, TooLarge):
    """A drawing bigger than we decode."""


DATA_URL = re.compile(r"^data:(?P<mime>[\w/+.-]*)(?:;[\w=.+-]+)*?;base64,", re.IGNORECASE)


def decode_base64(text: str) -> bytes:
    """A data URL (data:image/png;base64,...) or bare base64 -> bytes."""
    text = DATA_URL.sub("", text.strip(), count=1)
    text = re.sub(r"\s+", "", text)
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise DrawingError("not_base64", "The image is not valid base64 or a base64 data URL.") from None
    if not raw:
        raise DrawingError("not_base64", "The image is not valid base64 or a base64 data URL.")
    return raw


TOO_LARGE = f"The image has more than {MAX_PIXELS // 1_000_000} megapixels."
NOT_AN_IMAGE = "The drawing could not be decoded as PNG, JPEG or WebP."


def open_image(raw: bytes, *, draft_side: int | None = None) -> tuple[Image.Image, float]:
    """Decodes PNG, JPEG or WebP; refuses anything else, and anything over MAX_PIXELS before decoding pixels.

    With draft_side, a JPEG is decoded at the smallest of 1/1, 1/2, 1/4 or 1/8 of its size that keeps both
    sides at least that long (the decoder scales for free). Returns the image and the original pixels per
    decoded pixel.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DrawingTooLarge("too_large", TOO_LARGE) from None
        except (OSError, ValueError, SyntaxError):
            raise DrawingError("not_an_image", NOT_AN_IMAGE) from None
    if image.format not in ACCEPTED_FORMATS:
        raise DrawingError("not_an_image", NOT_AN_IMAGE)
    width = image.size[0]
    if width * image.size[1] > MAX_PIXELS:
        raise DrawingTooLarge("too_large", TOO_LARGE)
    try:
        if draft_side and image.format == "JPEG":
            image.draft(image.mode, (draft_side, draft_side))
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise DrawingError("not_an_image", NOT_AN_IMAGE) from None
    decoded_scale = width / image.size[0]
    if image.format == "JPEG":
        ImageOps.exif_transpose(image, in_place=True)   # in place: a transposed copy would lose its format
    return image, decoded_scale


def ink_image(image: Image.Image) -> Image.Image:
    """An 8-bit image of how far each pixel is from the background: the ink, whatever the polarity.

    A canvas the visitor never painted is transparent and its ink is only in the alpha channel; a filled
    canvas (white or dark) is opaque and its ink is the difference from the background, which is the
    most common grey level since ink covers a minority of a drawing.
    """
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        alpha = (image if image.mode in ("RGBA", "LA") else image.convert("RGBA")).getchannel("A")
        if alpha.getextrema()[0] < 243:
            return alpha
    grey = image.convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    return ImageChops.difference(grey, Image.new("L", grey.size, background))


def normalise(difference: np.ndarray) -> np.ndarray:
    """Stretches the ink to 0..1 and drops faint noise; all zeros when there is no ink worth the name."""
    peak = float(difference.max())
    if peak < MIN_CONTRAST:
        return np.zeros_like(difference)
    floor = NOISE_FLOOR * peak
    return np.clip((difference - floor) / (peak - floor), 0, 1).astype(np.float32)


def working_size(width: int, height: int, max_side: int = WORK_SIDE) -> tuple[tuple[int, int], float]:
    """The size the drawing is read at, and its scale (working pixels per original pixel)."""
    scale = min(1.0, max_side / max(width, height))
    return (max(1, round(width * scale)), max(1, round(height * scale))), scale


def _grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """Dilates a 2-D array by `radius` pixels, alternating cross and square steps (a rough disc)."""
    padded = np.pad(mask, radius)
    out = padded.copy()
    for step in range(radius):
        src = out.copy()
        out[1:] = np.maximum(out[1:], src[:-1])
        out[:-1] = np.maximum(out[:-1], src[1:])
        out[:, 1:] = np.maximum(out[:, 1:], src[:, :-1])
        out[:, :-1] = np.maximum(out[:, :-1], src[:, 1:])
        if step % 2:
            src = out.copy()
            out[1:, 1:] = np.maximum(out[1:, 1:], src[:-1, :-1])
            out[:-1, :-1] = np.maximum(out[:-1, :-1], src[1:, 1:])
            out[1:, :-1] = np.maximum(out[1:, :-1], src[:-1, 1:])
            out[:-1, 1:] = np.maximum(out[:-1, 1:], src[1:, :-1])
    return out


def stroke_width(crop: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the inked area over its outline (a long thin shape's width)."""
    mask = np.pad(crop >= 0.5, 1)
    area = int(mask.sum())
    if area == 0:
        return 0.0
    inner = mask.copy()
    inner[1:] &= mask[:-1]; inner[:-1] &= mask[1:]
    inner[:, 1:] &= mask[:, :-1]; inner[:, :-1] &= mask[:, 1:]
    outline = area - int(inner.sum())
    return 2.0 * area / max(outline, 1)


def thicken_thin_strokes(crop: np.ndarray) -> np.ndarray:
    """Grows hairline strokes to an MNIST-like width relative to the digit's size."""
    side = max(crop.shape)
    width = stroke_width(crop)
    if width == 0 or width / side >= STROKE_TARGET:
        return crop
    radius = int(round((STROKE_TARGET * side - width) / 2))
    return _grow(crop, radius) if radius >= 1 else crop


def to_mnist(ink: np.ndarray) -> np.ndarray:
    """One digit's ink (any size) -> 28x28 float32: cropped, fitted into 20x20 keeping the aspect ratio,
    centred by centre of mass, peak ink 1."""
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    cols = np.flatnonzero(ink.max(axis=0) > 0)
    if rows.size == 0:
        return np.zeros((28, 28), np.float32)
    crop = thicken_thin_strokes(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    h, w = crop.shape
    factor = 20.0 / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    fitted = np.asarray(Image.fromarray(crop, mode="F").resize(size, Image.Resampling.BOX if factor < 1
                                                              else Image.Resampling.BILINEAR), dtype=np.float32)
    fitted = np.clip(fitted, 0, None)
    if fitted.max() > 0:
        fitted = np.minimum(fitted / fitted.max(), 1.0)
    fh, fw = fitted.shape
    total = fitted.sum()
    cy = (fitted.sum(axis=1) * np.arange(fh)).sum() / total
    cx = (fitted.sum(axis=0) * np.arange(fw)).sum() / total
    top = int(np.clip(round(14 - cy), 0, 28 - fh))
    left = int(np.clip(round(14 - cx), 0, 28 - fw))
    out = np.zeros((28, 28), np.float32)
    out[top:top + fh, left:left + fw] = fitted
    return out


@dataclass(frozen=True)
class PreparedDrawing:
    """The ink of a drawing at working resolution, and the scale back to the original pixels."""
    ink: np.ndarray
    scale: float
    format: str


def prepare(raw: bytes) -> PreparedDrawing:
    """Bytes of a PNG/JPEG/WebP -> its ink map (float32 0..1) at working resolution.

    A large JPEG is shrunk while it is decoded. The ink is found as one 8-bit channel, shrunk by Pillow's
    integer `reduce` (area averaging in C) to at most twice the working size and then, anti-aliased, to the
    working size: a few passes over the pixels in C, so a 4000x4000 drawing costs little more than its
    decoding.
    """
    image, decoded_scale = open_image(raw, draft_side=2 * WORK_SIDE)
    image_format = image.format
    original = (round(image.size[0] * decoded_scale), round(image.size[1] * decoded_scale))
    size, scale = working_size(*original)
    ink = ink_image(image)
    factor = max(ink.size) // (2 * WORK_SIDE)
    if factor >= 2:
        ink = ink.reduce(factor)
    if size != ink.size:
        ink = ink.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return PreparedDrawing(ink=normalise(np.asarray(ink, dtype=np.float32) / 255), scale=scale, format=image_format)
