"""Drawings made to be costly are refused or read quickly: the work of a request stays bounded."""
import base64
import io
import time

import numpy as np
import pytest
from PIL import Image

from submissions.models import Submission
from support.drawings import data_url, drawing

pytestmark = pytest.mark.django_db


def png_of_dots(n: int, spacing: int = 2, side: int = 320) -> bytes:
    """The reported attack: a white PNG with a black pixel at (2i, 2j) for i, j < n (756 bytes for n=40)."""
    image = np.full((side, side), 255, np.uint8)
    image[:spacing * n:spacing, :spacing * n:spacing] = 0
    out = io.BytesIO()
    Image.fromarray(image, "L").save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize("n", [20, 40])
def test_a_grid_of_isolated_dots_is_refused_as_too_complex_at_once(api_client, n):
    started = time.perf_counter()
    response = api_client.post("/api/recognize/", {"image": base64.b64encode(png_of_dots(n)).decode()}, format="json")
    seconds = time.perf_counter() - started
    assert response.status_code == 400, response.content
    assert response.json() == {"error": {"code": "too_complex",
                                         "message": "The drawing has too many separate marks to be a number."}}
    assert Submission.objects.count() == 0
    assert seconds < 5, f"refusing the dot grid took {seconds:.1f} s"   # it took 34 s before; ~2 ms now


def test_eight_digits_on_the_largest_canvas_are_read_from_a_reduced_image(api_client):
    raw = drawing("31415926", encoding="jpeg_white", canvas=(4000, 4000), seed=1, pen_share=0.08)
    response = api_client.post("/api/recognize/", {"image": data_url(raw, "image/jpeg")}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "31415926"
    left, top, width, height = body["digits"][0]["box"]
    assert 0 <= left < 4000 and width > 40 and height > 200, "boxes are in the original image's pixels"
