"""DRAWINGS_STORAGE=database: drawings live in the StoredFile table, so any machine sharing the database serves
them; everything that stores, serves, deletes and sweeps drawings works through the storage API on it."""
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.utils import timezone

from submissions.models import StoredFile, Submission
from submissions.storage import DatabaseStorage
from support.drawings import data_url, drawing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "submissions.storage.DatabaseStorage"}}
    settings.MEDIA_ROOT = tmp_path / "no-media-here"
    yield
    assert not settings.MEDIA_ROOT.exists()      # nothing went to the local disk


def test_a_recognized_drawing_is_stored_in_the_database_and_served_back_to_its_visitor(api_client):
    assert isinstance(storages["default"], DatabaseStorage)
    png = drawing("42")
    body = api_client.post("/api/recognize/", {"image": data_url(png)}, format="json").json()
    submission = Submission.objects.get(pk=body["submission_id"])
    stored = StoredFile.objects.get(name=submission.image.name)
    assert stored.size == len(bytes(stored.content)) > 0

    response = api_client.get(f"/submissions/{submission.pk}/image")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(stored.content)


def test_deleting_a_drawing_deletes_its_stored_file(api_client, django_capture_on_commit_callbacks):
    body = api_client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json").json()
    name = Submission.objects.get(pk=body["submission_id"]).image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/submissions/{body['submission_id']}/").status_code == 204
    assert not StoredFile.objects.filter(name=name).exists()


def test_sweep_media_finds_unreferenced_files_in_the_database():
    orphan = default_storage.save("submissions/2026/11/30/orphan.png", ContentFile(b"png"))
    fresh = default_storage.save("submissions/2026/11/30/fresh.png", ContentFile(b"png"))
    StoredFile.objects.filter(name=orphan).update(modified_at=timezone.now() - timedelta(hours=2))
    out = io.StringIO()
    call_command("sweep_media", stdout=out)
    assert out.getvalue().strip() == "deleted 1 unreferenced file(s)"
    assert not default_storage.exists(orphan) and default_storage.exists(fresh)


def test_the_storage_answers_like_a_file_system():
    name = default_storage.save("submissions/a/b/one.png", ContentFile(b"12345"))
    default_storage.save("submissions/a/two.png", ContentFile(b"1"))
    assert default_storage.save("submissions/a/two.png", ContentFile(b"2")) != "submissions/a/two.png"
    assert default_storage.size(name) == 5 and default_storage.open(name).read() == b"12345"
    folders, files = default_storage.listdir("submissions/a")
    assert folders == ["b"] and len(files) == 2 and "two.png" in files
    with pytest.raises(FileNotFoundError):
        default_storage.open("submissions/missing.png")
    default_storage.delete(name)
    assert not default_storage.exists(name)
