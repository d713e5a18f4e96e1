"""png_data_url: the 28x28 inputs in an answer are PNGs any decoder reads back pixel for pixel."""
import base64
import io

import numpy as np
from PIL import Image

from recognizer.inputs import png_data_url


def test_an_input_picture_decodes_to_the_inputs_rounded_to_8_bits():
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    image[:5] = 0
    image[-3:] = 1.5                      # clipped to white
    url = png_data_url(image)
    assert url.startswith("data:image/png;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    decoded.load()                        # checks every chunk's CRC and the compressed data
    assert decoded.mode == "L" and decoded.size == (28, 28)
    assert np.array_equal(np.asarray(decoded), np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8))
