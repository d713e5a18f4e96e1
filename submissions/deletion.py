"""Deleting drawings: a visitor's own, staff's, and those past retention; rows, labels and files together.

The rows (a drawing and its labels) go in one transaction; the image files go once it has committed, so a
rolled-back deletion never loses a file. A process killed between the commit and the file removal leaves an
unreferenced file, which `sweep_media` removes. Models trained on a deleted drawing stay as they are; the
drawing is in no later training run or export, since those read the rows.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from digitsite.domain import NotAllowed, NotFound

from .models import DeletedDrawing, DeletionReason, Submission

log = logging.getLogger(__name__)
BATCH = 500


def drawings_delete(*, submissions: QuerySet[Submission], reason: str) -> int:
    """Deletes these drawings with their labels, records why, and removes their files after the commit.
    Returns how many were deleted. Works in batches, each its own transaction."""
    deleted = 0
    ids = list(submissions.order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch = Submission.objects.filter(pk__in=ids[start:start + BATCH])
            names = list(batch.values_list("image", flat=True))
            batch.delete()                                   # the labels go with them (on_delete=CASCADE)
            DeletedDrawing.objects.bulk_create([DeletedDrawing(reason=reason) for _ in names])
            transaction.on_commit(lambda names=names: _remove_files(names))
        deleted += len(names)
    return deleted


def deletable_submission(*, submission_id: int, visitor: str | None) -> Submission:
    """The drawing this visitor may delete: their own. Raises NotFound, or NotAllowed for someone else's."""
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        raise NotFound("submission_not_found", "There is no drawing with this id.")
    if not visitor or submission.visitor != visitor:
        raise NotAllowed("not_your_submission", "Only the visitor who drew this can delete it.")
    return submission


def submission_delete(*, submission_id: int, visitor: str | None) -> None:
    """The visitor who drew it deletes one drawing. Raises NotFound, or NotAllowed for someone else's."""
    submission = deletable_submission(submission_id=submission_id, visitor=visitor)
    drawings_delete(submissions=Submission.objects.filter(pk=submission.pk), reason=DeletionReason.VISITOR)


def visitor_drawings_delete(*, visitor: str | None) -> int:
    """Deletes every drawing of this visitor; 0 for a visitor with none (or no visitor id at all)."""
    if not visitor:
        return 0
    return drawings_delete(submissions=Submission.objects.filter(visitor=visitor), reason=DeletionReason.VISITOR)


def expired_drawings(*, days: int | None = None) -> QuerySet[Submission]:
    """Drawings older than DRAWING_RETENTION_DAYS that no staff member has labelled (those are training data and
    stay until deleted by their visitor or in the admin)."""
    days = settings.DRAWING_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    return Submission.objects.with_labels().filter(created_at__lt=cutoff, reviewed=False)


def drawings_purge(*, days: int | None = None) -> int:
    """Deletes the expired drawings (the nightly task and `manage.py purge_drawings`)."""
    count = drawings_delete(submissions=expired_drawings(days=days), reason=DeletionReason.RETENTION)
    log.info("retention: deleted %d drawing(s)", count)
    return count


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:     # sweep_media removes it later
            log.warning("could not remove %s", name, exc_info=True)
