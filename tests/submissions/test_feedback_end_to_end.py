"""From a real drawing to feedback: recognize, say what it was, see it in the history (needs trained weights)."""
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from submissions.models import Submission
from support.drawings import data_url, drawing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "weights" / "cnn.npz").exists(),
                       reason="needs the trained weights in weights/cnn.npz"),
]


def test_a_visitor_draws_says_what_it_was_and_finds_it_in_their_history(api_client):
    raw = drawing("42", encoding="png_transparent")
    read = api_client.post("/api/recognize/", {"image": data_url(raw)}, format="json")
    assert read.status_code == 201, read.content
    submission_id = read.json()["submission_id"]

    said = api_client.post(f"/api/submissions/{submission_id}/feedback/", {"label": "42"}, format="json")
    assert said.status_code == 201, said.content
    assert said.json()["label"] == "42"
    assert Submission.objects.with_labels().get(pk=submission_id).visitor_value == "42"

    stranger = APIClient().post(f"/api/submissions/{submission_id}/feedback/", {"correct": True}, format="json")
    assert stranger.status_code == 403

    history = api_client.get("/history/")
    assert [d.pk for d in history.context["page"].object_list] == [submission_id]
    image = api_client.get(f"/submissions/{submission_id}/image")
    assert b"".join(image.streaming_content) == raw
