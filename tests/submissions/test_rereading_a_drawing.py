"""A drawing the visitor keeps drawing on stays one submission: each re-read replaces its image and reading."""
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from digitsite.domain import Conflict, NotAllowed, NotFound
from recognizer.services import recognize
from submissions.models import Label, Submission
from submissions.services import submission_create, submission_reread
from support.drawings import drawing

from .factories import labeller

pytestmark = pytest.mark.django_db(transaction=True)       # real commits: the replaced file goes on commit


def media_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def store(number: str, visitor: str = "visitor-a") -> Submission:
    raw = drawing(number)
    return submission_create(raw=raw, image_format="PNG", recognition=recognize(raw), visitor=visitor)


def reread(submission: Submission, number: str, visitor: str = "visitor-a") -> Submission:
    raw = drawing(number, canvas=(800, 300))
    return submission_reread(submission_id=submission.pk, visitor=visitor, raw=raw, image_format="PNG",
                             recognition=recognize(raw))


def test_rereading_replaces_the_image_and_the_reading_of_the_same_submission():
    first = store("3")
    again = reread(first, "31")
    last = reread(again, "314")
    assert Submission.objects.count() == 1
    stored = Submission.objects.get()
    assert (stored.pk, stored.number, stored.digit_count) == (first.pk, "314", 3)
    assert stored.input_bytes().shape == (3, 28, 28) and len(stored.digits) == 3
    assert default_storage.exists(last.image.name)
    assert not default_storage.exists(first.image.name) and not default_storage.exists(again.image.name)


def test_someone_else_cannot_draw_on_a_visitors_drawing(settings):
    first = store("3")
    with pytest.raises(NotAllowed) as caught:
        reread(first, "31", visitor="visitor-b")
    assert caught.value.code == "not_your_submission"
    assert Submission.objects.get().number == "3"
    assert media_files(settings) == [Path(settings.MEDIA_ROOT) / first.image.name]


def test_a_drawing_that_was_judged_cannot_be_reread():
    first = store("3")
    Label.objects.create(submission=first, value="3", source="visitor")
    with pytest.raises(Conflict) as caught:
        reread(first, "31")
    assert caught.value.code == "drawing_already_labelled"
    second = store("7")
    Label.objects.create(submission=second, value="7", source="staff", by=labeller())
    with pytest.raises(Conflict):
        reread(second, "71")
    assert sorted(Submission.objects.values_list("number", flat=True)) == ["3", "7"]


def test_rereading_a_drawing_that_does_not_exist_is_not_found_and_leaves_no_file(settings):
    ghost = Submission(pk=424242)
    with pytest.raises(NotFound):
        reread(ghost, "1")
    assert media_files(settings) == []
