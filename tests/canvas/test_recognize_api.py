"""POST /api/recognize/: what a visitor's browser sends, and what it gets back."""
import base64
import io
import json
import os

import numpy as np
import pytest
from PIL import Image

from submissions.models import Submission
from support.drawings import data_url, drawing

URL = "/api/recognize/"
pytestmark = pytest.mark.django_db


def post(client, body, **kwargs):
    return client.post(URL, body, format="json", **kwargs)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("encoding,mime", [("jpeg_white", "image/jpeg"), ("png_transparent", "image/png"),
                                           ("png_dark", "image/png"), ("webp_white", "image/webp")])
def test_it_reads_a_digit_in_every_encoding_a_canvas_sends(api_client, encoding, mime):
    response = post(api_client, {"image": data_url(drawing("7", encoding=encoding), mime)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "7"
    assert body["model"]["arch"] == "cnn"
    (digit,) = body["digits"]
    assert digit["digit"] == 7
    assert abs(sum(digit["probabilities"]) - 1) < 1e-3 and len(digit["probabilities"]) == 10
    assert digit["confidence"] == max(digit["probabilities"]) or abs(digit["confidence"] - max(digit["probabilities"])) < 1e-3


@pytest.mark.parametrize("canvas,seed", [((50, 50), 1), ((280, 280), 2), ((800, 400), 3), ((4000, 4000), 4)])
def test_it_reads_a_digit_on_any_canvas_size_and_position(api_client, canvas, seed):
    raw = drawing("4", canvas=canvas, seed=seed, encoding="png_transparent")
    response = post(api_client, {"image": base64.b64encode(raw).decode()})
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "4"


@pytest.mark.parametrize("number", ["42", "907", "1234", "86753019"[:8]])
def test_it_reads_a_multi_digit_number_left_to_right(api_client, number):
    raw = drawing(number, canvas=(800, 300), encoding="jpeg_white", seed=len(number))
    response = post(api_client, {"image": data_url(raw, "image/jpeg")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == number
    xs = [d["box"][0] for d in body["digits"]]
    assert xs == sorted(xs)


def test_it_reads_the_two_strokes_of_a_four_as_one_digit(api_client):
    response = post(api_client, {"image": data_url(drawing("4", canvas=(300, 300)))})
    assert response.json()["number"] == "4"
    assert len(response.json()["digits"]) == 1


def test_it_stores_the_drawing_its_inputs_and_what_was_read(api_client, settings):
    raw = drawing("42", encoding="png_transparent")
    body = post(api_client, {"image": data_url(raw)}).json()
    submission = Submission.objects.get(pk=body["submission_id"])
    assert submission.number == "42"
    assert submission.digit_count == 2
    assert submission.model_version == body["model"]["version"]
    assert submission.digits[0]["probabilities"] == body["digits"][0]["probabilities"]
    assert submission.input_array().shape == (2, 28, 28)
    path = os.path.join(settings.MEDIA_ROOT, submission.image.name)
    with open(path, "rb") as f:
        assert f.read() == raw
    assert submission.visitor


@pytest.mark.parametrize("encoding,mime,extension", [("jpeg_white", "image/jpeg", ".jpg"),
                                                     ("webp_white", "image/webp", ".webp"),
                                                     ("png_dark", "image/png", ".png")])
def test_the_stored_file_keeps_the_format_it_was_sent_in(api_client, encoding, mime, extension):
    body = post(api_client, {"image": data_url(drawing("3", encoding=encoding), mime)}).json()
    assert Submission.objects.get(pk=body["submission_id"]).image.name.endswith(extension)


def test_one_visitor_keeps_one_visitor_id_across_drawings(api_client):
    a = post(api_client, {"image": data_url(drawing("1"))}).json()["submission_id"]
    b = post(api_client, {"image": data_url(drawing("7"))}).json()["submission_id"]
    assert Submission.objects.get(pk=a).visitor == Submission.objects.get(pk=b).visitor


def test_the_inputs_returned_are_what_the_network_saw(api_client):
    body = post(api_client, {"image": data_url(drawing("7"))}).json()
    png = base64.b64decode(body["digits"][0]["input"].split(",", 1)[1])
    seen = np.asarray(Image.open(io.BytesIO(png)))
    stored = Submission.objects.get().input_array()[0]
    assert seen.shape == (28, 28)
    assert np.abs(seen / 255 - stored).max() < 1 / 255 + 1e-6


@pytest.mark.parametrize("body", [[1, 2], "just a string", {}, {"image": ""}, {"picture": "abc"},
                                  {"image": "aGVsbG8=", "fact_type": "gossip"}])
def test_it_rejects_a_request_that_is_not_an_object_with_an_image(api_client, body):
    assert_error(post(api_client, body), 400, "invalid_request")


def test_it_rejects_a_body_that_is_not_json(api_client):
    response = api_client.post(URL, "{not json", content_type="application/json")
    assert_error(response, 400, "invalid_request")


def test_it_rejects_base64_that_does_not_decode(api_client):
    assert_error(post(api_client, {"image": "data:image/png;base64,@@@not*base64@@@"}), 400, "not_base64")


@pytest.mark.parametrize("text", ["iVBOR\x00w0KGgo=", "\ud800iVBORw0KGgo=", "iVBORw0KGgo=é"])
def test_null_surrogate_and_other_non_base64_characters_are_not_base64(api_client, text):
    body = json.dumps({"image": text})       # ASCII JSON: a lone surrogate travels as its \\u escape
    response = api_client.generic("POST", "/api/recognize/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "not_base64"


def test_it_rejects_bytes_that_are_not_an_image(api_client):
    fake = base64.b64encode(b"GIF89a this is not a drawing at all").decode()
    assert_error(post(api_client, {"image": fake}), 400, "not_an_image")


def test_it_rejects_an_image_format_it_does_not_accept(api_client):
    out = io.BytesIO()
    Image.new("L", (60, 60), 255).save(out, "GIF")
    assert_error(post(api_client, {"image": base64.b64encode(out.getvalue()).decode()}), 400, "not_an_image")


def test_it_rejects_a_truncated_png(api_client):
    raw = drawing("3")
    assert_error(post(api_client, {"image": base64.b64encode(raw[: len(raw) // 2]).decode()}), 400, "not_an_image")


@pytest.mark.parametrize("encoding", ["png_transparent", "jpeg_white", "png_dark"])
def test_it_rejects_a_drawing_with_no_ink(api_client, encoding):
    from recognizer import synthetic_drawings as cr
    blank = cr.encode(np.zeros((280, 280), np.float32), encoding)
    assert_error(post(api_client, {"image": base64.b64encode(blank).decode()}), 400, "empty_drawing")


def test_it_rejects_more_than_eight_digits(api_client):
    raw = drawing("111111111", canvas=(1600, 200))
    assert_error(post(api_client, {"image": data_url(raw)}), 400, "too_many_digits")


def test_it_rejects_a_body_over_two_megabytes(api_client):
    big = "A" * (2 * 1024 * 1024 + 10)
    assert_error(post(api_client, {"image": big}), 413, "too_large")


def test_it_rejects_an_image_over_sixteen_megapixels_before_decoding_it(api_client):
    out = io.BytesIO()
    Image.new("1", (5000, 4000), 1).save(out, "PNG")      # 20 MP, a few kB compressed: a decompression bomb
    raw = out.getvalue()
    assert len(raw) < 100_000
    assert_error(post(api_client, {"image": base64.b64encode(raw).decode()}), 413, "too_large")


def test_nothing_is_stored_when_storing_the_row_fails(api_client, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Submission.objects, "create", broken)
    api_client.raise_request_exception = False
    response = post(api_client, {"image": data_url(drawing("7"))})
    assert response.status_code == 500
    assert Submission.objects.count() == 0
    media = settings.MEDIA_ROOT
    leftovers = [f for _, _, files in os.walk(media) for f in files] if os.path.exists(media) else []
    assert leftovers == []


def test_a_reread_of_the_same_drawing_replaces_its_reading_instead_of_storing_another(api_client):
    first = post(api_client, {"image": data_url(drawing("3", canvas=(600, 300)))})
    assert first.status_code == 201
    drawing_id = first.json()["submission_id"]
    again = post(api_client, {"image": data_url(drawing("31", canvas=(600, 300))), "drawing": drawing_id})
    assert again.status_code == 200, again.content
    assert again.json()["submission_id"] == drawing_id and again.json()["number"] == "31"
    stored = Submission.objects.get()
    assert (stored.pk, stored.number) == (drawing_id, "31")


def test_someone_else_cannot_send_a_reading_for_a_visitors_drawing(api_client):
    from rest_framework.test import APIClient
    drawing_id = post(api_client, {"image": data_url(drawing("3"))}).json()["submission_id"]
    stranger = APIClient()
    response = post(stranger, {"image": data_url(drawing("8")), "drawing": drawing_id})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_your_submission"
    assert Submission.objects.get().number == "3"


def test_a_drawing_that_was_judged_takes_no_new_reading(api_client):
    drawing_id = post(api_client, {"image": data_url(drawing("3"))}).json()["submission_id"]
    api_client.post(f"/api/submissions/{drawing_id}/feedback/", {"correct": True}, format="json")
    response = post(api_client, {"image": data_url(drawing("31", canvas=(600, 300))), "drawing": drawing_id})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "drawing_already_labelled"
    assert Submission.objects.get().number == "3"


def test_a_reading_for_a_drawing_that_does_not_exist_is_a_404(api_client):
    response = post(api_client, {"image": data_url(drawing("3")), "drawing": 987654})
    assert response.status_code == 404
    assert Submission.objects.count() == 0


def test_each_digit_names_its_alternatives_and_the_answer_says_whether_it_is_sure(api_client):
    body = post(api_client, {"image": data_url(drawing("7"))}).json()
    (digit,) = body["digits"]
    ranked = sorted(range(10), key=lambda d: -digit["probabilities"][d])
    expected = [{"digit": d, "probability": digit["probabilities"][d]} for d in ranked[1:3]
                if digit["probabilities"][d] >= 0.01]
    assert digit["alternatives"] == expected
    assert body["sure"] is (digit["confidence"] >= 0.9)


def test_an_unsure_reading_is_not_sure():
    from recognizer.services import DigitReading, Recognition
    probabilities = [0.0] * 10
    probabilities[9], probabilities[3], probabilities[8] = 0.55, 0.4, 0.05
    digit = DigitReading(digit=9, confidence=0.55, probabilities=probabilities, box=[0, 0, 1, 1], input=None)
    reading = Recognition(number="9", digits=[digit], arch="cnn", version="x", image_format="PNG")
    assert not reading.sure
    assert digit.alternatives == [{"digit": 3, "probability": 0.4}, {"digit": 8, "probability": 0.05}]


def test_it_reads_the_same_drawing_with_every_model_asked_for_and_stores_the_served_ones_reading(api_client):
    response = post(api_client, {"image": data_url(drawing("42", canvas=(600, 300))), "models": ["mlp", "cnn"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [m["arch"] for m in body["models"]] == ["mlp", "cnn"]
    assert all(m["number"] == "42" and len(m["digits"]) == 2 and isinstance(m["sure"], bool) for m in body["models"])
    assert body["models"][1]["digits"][0]["probabilities"] == body["digits"][0]["probabilities"]
    assert Submission.objects.get().model_version == body["model"]["version"] == "cnn-6"


def test_asking_for_a_model_that_is_not_loaded_is_a_400(api_client, settings):
    (settings.WEIGHTS_DIR / "mlp.npz").unlink()
    response = post(api_client, {"image": data_url(drawing("4")), "models": ["mlp"]})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "models: No mlp model is loaded here."
    assert post(api_client, {"image": data_url(drawing("4")), "models": ["resnet"]}).status_code == 400


def test_the_page_lists_each_loaded_model_with_its_accuracy_on_writers_no_model_trained_on(client):
    page = client.get("/").content.decode()
    for arch in ("softreg", "mlp", "cnn"):
        assert f'<tr data-arch="{arch}">' in page
    assert page.index('data-arch="softreg"') < page.index('data-arch="mlp"') < page.index('data-arch="cnn"')
    assert "<td>99.0%</td>" in page.split('data-arch="cnn"')[1].split("</tr>")[0]      # cnn-6 on writers 21-30
