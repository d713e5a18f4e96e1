"""The network's 28x28 inputs as pictures people can look at."""
import base64
import io

import numpy as np
from PIL import Image


def png_data_url(image: np.ndarray) -> str:
    """A 28x28 float array (0..1) -> a PNG data URL, one grey pixel per input."""
    out = io.BytesIO()
    Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
