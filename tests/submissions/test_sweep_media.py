"""sweep_media: files left by a process killed between writing the drawing and its row are removed."""
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from support.drawings import data_url, drawing

pytestmark = pytest.mark.django_db


def age(name: str, seconds: float) -> None:
    path = default_storage.path(name)
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_it_deletes_old_unreferenced_files_and_keeps_every_submissions_file(api_client):
    body = api_client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json").json()
    from submissions.models import Submission
    kept = Submission.objects.get(pk=body["submission_id"]).image.name
    orphan = default_storage.save("submissions/2026/11/30/orphan.png", ContentFile(b"png"))
    fresh = default_storage.save("submissions/2026/11/30/being-written.png", ContentFile(b"png"))
    age(kept, 7200)
    age(orphan, 7200)

    out = io.StringIO()
    call_command("sweep_media", stdout=out)

    assert out.getvalue().strip() == "deleted 1 unreferenced file(s)"
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept)
    assert default_storage.exists(fresh)          # younger than an hour: maybe a request still writing it


def test_a_dry_run_deletes_nothing():
    orphan = default_storage.save("submissions/2026/11/30/orphan.png", ContentFile(b"png"))
    age(orphan, 7200)
    out = io.StringIO()
    call_command("sweep_media", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "would delete 1 unreferenced file(s)"
    assert default_storage.exists(orphan)
