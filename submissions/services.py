"""Writing submissions and their labels: the image file and its row together, or neither; labels only added."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from digitsite.domain import Conflict, NotAllowed, NotFound
from recognizer.services import Recognition

from .labels import clean_label, feedback_label, means_exclude
from .models import Label, LabelSource, Submission

log = logging.getLogger(__name__)
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def inputs_to_bytes(inputs: np.ndarray) -> bytes:
    return np.rint(np.clip(inputs, 0, 1) * 255).astype(np.uint8).tobytes()


def submission_create(*, raw: bytes, image_format: str, recognition: Recognition, visitor: str) -> Submission:
    """Stores the drawing's file, then its row in one transaction; on any failure the file is removed.

    The file is written first (atomically by the storage), so a row never points at a missing file.
    A process killed between the two leaves at most an unreferenced file, which `sweep_media` removes.
    """
    saved = _save_image(raw, image_format)
    try:
        with transaction.atomic():
            return Submission.objects.create(image=saved, visitor=visitor, **_reading(recognition))
    except BaseException:
        default_storage.delete(saved)
        raise


def submission_reread(*, submission_id: int, visitor: str | None, raw: bytes, image_format: str,
                      recognition: Recognition) -> Submission:
    """The visitor drew on: the new image and reading replace those of their drawing, which stays one submission.

    Raises NotFound, NotAllowed for someone else's drawing, Conflict once it has feedback or a staff label (the
    reading they judged must stay the one stored). The new file is written first; the old one goes on commit.
    """
    saved = _save_image(raw, image_format)
    try:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
            if submission is None:
                raise NotFound("submission_not_found", "There is no drawing with this id.")
            if not visitor or submission.visitor != visitor:
                raise NotAllowed("not_your_submission", "Only the visitor who drew this can draw on it.")
            if submission.labels.exists():
                raise Conflict("drawing_already_labelled", "This drawing was already judged; clear it and start "
                                                           "a new one.")
            replaced = submission.image.name
            for field, value in {"image": saved, **_reading(recognition)}.items():
                setattr(submission, field, value)
            submission.save()
            transaction.on_commit(lambda: default_storage.delete(replaced))
            return submission
    except BaseException:
        default_storage.delete(saved)
        raise


def _save_image(raw: bytes, image_format: str) -> str:
    name = f"submissions/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}.{EXTENSIONS.get(image_format, 'img')}"
    return default_storage.save(name, ContentFile(raw))


def _reading(recognition: Recognition) -> dict:
    """A submission's fields that come from reading its drawing: per symbol (a plain number's are its digits) what
    was read and the input, and the reading as text (the number, or the expression's symbols)."""
    readings = recognition.symbols if recognition.kind == "expression" else recognition.digits
    entries = [r.as_dict() for r in readings]
    if recognition.geometry is not None:       # kept so that retraining can teach the operator reader
        for entry, where in zip(entries, recognition.geometry):
            entry["geometry"] = [round(float(v), 4) for v in where]
    return {"inputs": inputs_to_bytes(recognition.inputs), "digit_count": len(readings),
            "number": recognition.read, "digits": entries,
            "min_confidence": min(r.confidence for r in readings), "model_version": recognition.version}


def unreferenced_files(*, older_than_seconds: float = 3600) -> list[str]:
    """Drawing files under submissions/ that no row references (left by a killed process), older than the given
    age (a younger one may be a request still writing its row). Through the storage API only, so it works on
    any STORAGES backend."""
    referenced = set(Submission.objects.values_list("image", flat=True))
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return [name for name in _stored_files("submissions")
            if name not in referenced and default_storage.get_modified_time(name) < cutoff]


def _stored_files(folder: str) -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_files(f"{folder}/{sub}")


def can_label(user: AbstractBaseUser) -> bool:
    """Only active staff with the change permission on submissions may label drawings."""
    return bool(user.is_active and user.is_staff and user.has_perm("submissions.change_submission"))


def current_label(submission: Submission) -> Label | None:
    """The label that counts: the newest staff label, else the visitor's, else None."""
    labels = submission.labels.order_by("-created_at", "-id")
    return labels.filter(source=LabelSource.STAFF).first() or labels.filter(source=LabelSource.VISITOR).first()


def label_history(submission: Submission) -> QuerySet[Label]:
    """Every label the drawing was given, newest first, with who gave it."""
    return submission.labels.select_related("by").order_by("-created_at", "-id")


@transaction.atomic
def submission_feedback(*, submission: Submission, visitor: str | None, correct: bool | None = None,
                        label: str | None = None) -> Label:
    """The visitor who drew it says what it is, once: `correct=True` (it was read right) or the `label` they meant.

    A label whose digit count differs from the segmentation is kept as given: `with_labels()` flags it for staff.
    """
    if not visitor or submission.visitor != visitor:
        raise NotAllowed("not_your_submission", "Only the visitor who drew this can say what it is.")
    value = feedback_label(number=submission.number, correct=correct, label=label)
    already = Conflict("feedback_already_given", "You already said what this drawing is.")
    if submission.labels.filter(source=LabelSource.VISITOR).exists():
        raise already
    try:
        with transaction.atomic():
            return Label.objects.create(submission=submission, value=value, source=LabelSource.VISITOR)
    except IntegrityError:  # a concurrent request gave feedback first: the unique constraint keeps one
        raise already from None


def _staff_label(*, submission: Submission, by: AbstractBaseUser, value: str = "", excluded: bool = False) -> Label:
    if not can_label(by):
        raise PermissionDenied("Only staff with the change permission on submissions can label drawings.")
    return Label.objects.create(submission=submission, value=value, excluded=excluded, source=LabelSource.STAFF, by=by)


@transaction.atomic
def submission_relabel(*, submission: Submission, label: str, by: AbstractBaseUser) -> Label:
    """A staff member says what the drawing shows; it overrides the visitor's label."""
    return _staff_label(submission=submission, by=by, value=clean_label(label))


@transaction.atomic
def submission_exclude(*, submission: Submission, by: AbstractBaseUser) -> Label:
    """A staff member says it is not a number: it stays stored but is kept out of training."""
    return _staff_label(submission=submission, by=by, excluded=True)


@transaction.atomic
def submission_accept_prediction(*, submission: Submission, by: AbstractBaseUser) -> Label:
    """A staff member confirms the number read is what was drawn."""
    return _staff_label(submission=submission, by=by, value=submission.number)


@transaction.atomic
def labels_import(*, rows: list[tuple[int, str]], by: AbstractBaseUser) -> list[Label]:
    """Staff labels for many submissions, all or nothing; the exclude word ("x") keeps a drawing out of training."""
    submissions = Submission.objects.in_bulk([submission_id for submission_id, _ in rows])
    labels = []
    for submission_id, label in rows:
        submission = submissions.get(submission_id)
        if submission is None:
            raise Submission.DoesNotExist(f"no submission #{submission_id}")
        if means_exclude(label):
            labels.append(submission_exclude(submission=submission, by=by))
        else:
            labels.append(submission_relabel(submission=submission, label=label, by=by))
    return labels


def review_queue() -> QuerySet[Submission]:
    """Drawings no staff member has labelled yet: those whose visitor said the reading was wrong first, then the
    least confident reading first."""
    return Submission.objects.with_labels().filter(reviewed=False).order_by(*REVIEW_ORDER)


REVIEW_ORDER = ("-said_wrong", "min_confidence", "id")


def next_for_review(*, after: Submission | None = None) -> Submission | None:
    """The next drawing to review after `after` in the queue's order, wrapping round to the start (skipped ones)."""
    queue = review_queue()
    if after is not None:
        wrong = Submission.objects.with_labels().filter(pk=after.pk).values_list("said_wrong", flat=True).first()
        same_group = Q(said_wrong=bool(wrong)) & (Q(min_confidence__gt=after.min_confidence)
                                                  | Q(min_confidence=after.min_confidence, id__gt=after.id))
        later = queue.filter(same_group | Q(said_wrong=False) if wrong else same_group).first()
        if later is not None:
            return later
    return queue.first()
