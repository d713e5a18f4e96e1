"""The network's 28x28 inputs as pictures people can look at."""
import base64
import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(pixels: np.ndarray) -> bytes:
    """A 2-D uint8 array -> an 8-bit greyscale PNG, written directly (a quarter of what Pillow's encoder costs
    for an image this small, and every answer carries one per digit)."""
    height, width = pixels.shape
    rows = np.zeros((height, width + 1), np.uint8)      # filter byte 0 (none) before every row
    rows[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + \
        _chunk(b"IEND", b"")


def png_data_url(image: np.ndarray) -> str:
    """A 28x28 float array (0..1) -> a PNG data URL, one grey pixel per input."""
    pixels = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode()
