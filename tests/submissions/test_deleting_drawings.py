"""Visitors own their drawings: they delete one or all; staff delete through the same service; nothing half-deleted."""
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from submissions.deletion import drawings_delete
from submissions.models import DeletedDrawing, Label, Submission
from submissions.services import submission_relabel
from submissions.training_data import labelled_digits
from submissions.stats import compute_stats

from .factories import as_visitor, labeller, make_submission

pytestmark = pytest.mark.django_db(transaction=True)     # real commits: files go once the rows have


def gone(submission: Submission) -> bool:
    """Neither the row, its labels nor its file are left."""
    return (not Submission.objects.filter(pk=submission.pk).exists()
            and not Label.objects.filter(submission_id=submission.pk).exists()
            and not default_storage.exists(submission.image.name))


def kept(submission: Submission) -> bool:
    return Submission.objects.filter(pk=submission.pk).exists() and default_storage.exists(submission.image.name)


def test_the_owner_deletes_a_drawing_with_its_labels_and_its_file(visitor_client):
    drawing = make_submission("42")
    visitor_client.post(f"/api/submissions/{drawing.pk}/feedback/", {"correct": True}, format="json")
    assert Label.objects.filter(submission=drawing).exists()
    response = visitor_client.delete(f"/api/submissions/{drawing.pk}/")
    assert response.status_code == 204
    assert gone(drawing)
    assert list(DeletedDrawing.objects.values_list("reason", flat=True)) == ["visitor"]


def test_a_stranger_cannot_delete_someone_elses_drawing(visitor_client):
    drawing = make_submission("7", visitor="visitor-b")
    response = visitor_client.delete(f"/api/submissions/{drawing.pk}/")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "not_your_submission",
                                         "message": "Only the visitor who drew this can delete it."}}
    assert kept(drawing)


def test_a_visitor_without_a_session_cannot_delete_anything(api_client):
    drawing = make_submission("7")
    assert api_client.delete(f"/api/submissions/{drawing.pk}/").status_code == 403
    assert api_client.delete("/api/submissions/").json() == {"deleted": 0}
    assert kept(drawing)


def test_deleting_a_drawing_that_does_not_exist_is_a_404(visitor_client):
    response = visitor_client.delete("/api/submissions/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "submission_not_found"


def test_delete_all_removes_only_the_visitors_own_drawings(visitor_client):
    mine = [make_submission("1"), make_submission("23")]
    theirs = make_submission("4", visitor="visitor-b")
    response = visitor_client.delete("/api/submissions/")
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    assert all(gone(d) for d in mine)
    assert kept(theirs)


def test_a_delete_from_another_site_without_the_csrf_token_is_refused():
    from rest_framework.test import APIClient
    client = as_visitor(APIClient(enforce_csrf_checks=True), "visitor-a")
    drawing = make_submission("5")
    response = client.delete(f"/api/submissions/{drawing.pk}/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    assert kept(drawing)


def test_staff_deleting_in_the_admin_goes_through_the_same_service(client):
    user = labeller()
    user.is_superuser = True
    user.save()
    client.force_login(user)
    drawings = [make_submission("8"), make_submission("9")]
    response = client.post("/admin/submissions/submission/", {
        "action": "delete_selected", "_selected_action": [d.pk for d in drawings], "post": "yes"})
    assert response.status_code == 302
    assert all(gone(d) for d in drawings)
    assert list(DeletedDrawing.objects.values_list("reason", flat=True)) == ["staff", "staff"]


def test_a_deletion_that_is_rolled_back_keeps_the_row_and_the_file():
    drawing = make_submission("3")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            drawings_delete(submissions=Submission.objects.filter(pk=drawing.pk), reason="visitor")
            raise RuntimeError("the request failed after the delete")
    assert kept(drawing)
    assert not DeletedDrawing.objects.exists()


def test_a_file_left_by_a_crash_after_the_row_went_is_swept(monkeypatch):
    drawing = make_submission("6")
    monkeypatch.setattr(default_storage, "delete", lambda name: (_ for _ in ()).throw(OSError("disk gone")))
    drawings_delete(submissions=Submission.objects.filter(pk=drawing.pk), reason="visitor")
    monkeypatch.undo()
    assert not Submission.objects.filter(pk=drawing.pk).exists()
    assert default_storage.exists(drawing.image.name)           # the crash left the file
    call_command("sweep_media", "--older-than", "0")
    assert not default_storage.exists(drawing.image.name)


def test_a_deleted_drawing_is_in_no_later_training_data_or_export(visitor_client, tmp_path):
    drawing = make_submission("47")
    submission_relabel(submission=drawing, label="47", by=labeller())
    assert list(labelled_digits(include_visitor_labels=False)[2]) == [drawing.pk, drawing.pk]
    visitor_client.delete(f"/api/submissions/{drawing.pk}/")
    assert len(labelled_digits(include_visitor_labels=False)[0]) == 0
    call_command("export_labelled", "--out", str(tmp_path / "labelled.npz"))
    with np.load(tmp_path / "labelled.npz") as exported:
        assert exported["submission_ids"].tolist() == []


def test_retention_deletes_old_unlabelled_drawings_and_keeps_staff_labelled_and_recent_ones(settings):
    settings.DRAWING_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    old_unlabelled = make_submission("1", created_at=old)
    old_visitor_labelled = make_submission("2", created_at=old)
    Label.objects.create(submission=old_visitor_labelled, value="2", source="visitor")
    old_staff_labelled = make_submission("3", created_at=old)
    submission_relabel(submission=old_staff_labelled, label="3", by=labeller())
    recent = make_submission("4", created_at=timezone.now() - timedelta(days=29))
    call_command("purge_drawings", "--dry-run")
    assert Submission.objects.count() == 4
    call_command("purge_drawings")
    assert gone(old_unlabelled) and gone(old_visitor_labelled)
    assert kept(old_staff_labelled) and kept(recent)
    assert compute_stats().deleted == {"visitor": 0, "retention": 2, "staff": 0}


def test_the_dry_run_lists_what_retention_would_delete(settings, capsys):
    settings.DRAWING_RETENTION_DAYS = 1
    drawing = make_submission("9", created_at=timezone.now() - timedelta(days=2))
    call_command("purge_drawings", "--dry-run")
    out = capsys.readouterr().out
    assert f"#{drawing.pk} read 9" in out and "would delete 1 drawing(s) older than 1 days" in out
    assert kept(drawing)


def test_the_nightly_task_purges_like_the_command(settings):
    from submissions.tasks import purge_expired_drawings
    settings.DRAWING_RETENTION_DAYS = 1
    drawing = make_submission("9", created_at=timezone.now() - timedelta(days=2))
    assert purge_expired_drawings() == 1
    assert gone(drawing)


def test_the_history_page_asks_before_deleting_and_then_deletes(client):
    as_visitor(client, "visitor-a")
    drawing, other = make_submission("12"), make_submission("34")
    page = client.get("/history/").content.decode()
    assert f'href="/history/{drawing.pk}/delete/"' in page and 'href="/history/delete/"' in page
    confirm = client.get(f"/history/{drawing.pk}/delete/")
    assert confirm.status_code == 200 and "Delete this drawing?" in confirm.content.decode()
    assert kept(drawing)
    response = client.post(f"/history/{drawing.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/history/?deleted=1"
    assert gone(drawing) and kept(other)
    assert "Deleted 1 drawing." in client.get(response["Location"]).content.decode()
    assert "Delete all 1 drawing" in client.get("/history/delete/").content.decode()
    client.post("/history/delete/")
    assert gone(other)


def test_the_history_page_will_not_delete_a_strangers_drawing(client):
    as_visitor(client, "visitor-b")
    drawing = make_submission("12")
    assert client.post(f"/history/{drawing.pk}/delete/").status_code == 403
    assert kept(drawing)


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, settings):
    settings.DRAWING_RETENTION_DAYS = 180
    page = client.get("/privacy/").content.decode()
    assert "What is kept" in page and "deleted after 180 days" in page and "Your drawings" in page


def test_the_canvas_page_says_drawings_are_kept_and_links_to_deleting_them(client):
    page = client.get("/").content.decode()
    assert "Drawings are kept to help the reader learn; you can delete" in page
    assert 'href="/history/"' in page and 'href="/privacy/"' in page
