"""Stored drawings and their labels: every recognition is kept with what the network saw, read and was told."""
import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Length

from recognizer.services import MAX_DIGITS, MAX_SYMBOLS

MAX_LABEL_DIGITS = MAX_DIGITS  # a label is a number the recognizer could have read
MAX_READING = MAX_SYMBOLS      # ... or an expression: what is read and what a label says fit in this many symbols


class LabelSource(models.TextChoices):
    VISITOR = "visitor", "visitor"
    STAFF = "staff", "staff"


def newest_labels(source: str) -> models.QuerySet:
    """The labels of the outer submission from one source, newest first (for Subquery and Exists)."""
    return Label.objects.filter(submission=OuterRef("pk"), source=source).order_by("-created_at", "-id")


class SubmissionQuerySet(models.QuerySet):
    def with_labels(self) -> "SubmissionQuerySet":
        """Annotates each submission with what its labels say, derived from the Label rows in the same query.

        current_value/current_excluded follow the rule of `current_label`: the newest staff label, else the
        visitor's. `correct` is None while there is no usable label (none yet, or excluded from training).
        `flagged` marks a visitor label whose digit count differs from the segmentation, until staff review it.
        `said_wrong`: the visitor said the reading was wrong (their label is another number).
        """
        staff, visitor = newest_labels(LabelSource.STAFF), newest_labels(LabelSource.VISITOR)
        return self.annotate(
            visitor_value=Subquery(visitor.values("value")[:1]),
            staff_value=Subquery(staff.values("value")[:1]),
            staff_excluded=Subquery(staff.values("excluded")[:1]),
            reviewed=Exists(staff),
            has_feedback=Exists(visitor),
        ).annotate(
            current_value=Case(When(reviewed=True, then=F("staff_value")), default=F("visitor_value")),
            current_excluded=Coalesce(F("staff_excluded"), Value(False)),
            flagged=Case(When(Q(reviewed=False, has_feedback=True) & ~Q(digit_count=Length("visitor_value")),
                              then=Value(True)), default=Value(False), output_field=models.BooleanField()),
            said_wrong=Case(When(Q(has_feedback=True) & ~Q(visitor_value=F("number")), then=Value(True)),
                            default=Value(False), output_field=models.BooleanField()),
        ).annotate(
            correct=Case(When(Q(current_value__isnull=True) | Q(current_excluded=True), then=Value(None)),
                         When(current_value=F("number"), then=Value(True)),
                         default=Value(False), output_field=models.BooleanField(null=True)),
        )


class Submission(models.Model):
    image = models.FileField(upload_to="submissions/%Y/%m/%d/")
    inputs = models.BinaryField(help_text="uint8 array (digits, 28, 28): what the network saw")
    digit_count = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=MAX_READING, db_index=True,
                              help_text="what was read: the number, or the expression's symbols (12+7×3)")
    digits = models.JSONField(help_text="per digit: digit, confidence, probabilities, box")
    min_confidence = models.FloatField(db_index=True)
    model_version = models.CharField(max_length=64, db_index=True)
    visitor = models.CharField(max_length=64, db_index=True, help_text="the visitor's session id")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} read {self.number}"

    def input_array(self) -> np.ndarray:
        """The 28x28 inputs as float32 0..1, shape (digit_count, 28, 28)."""
        return self.input_bytes().astype(np.float32) / 255

    def input_bytes(self) -> np.ndarray:
        """The 28x28 inputs as stored, uint8 0..255, shape (digit_count, 28, 28)."""
        return np.frombuffer(bytes(self.inputs), dtype=np.uint8).reshape(self.digit_count, 28, 28)


class Label(models.Model):
    """What a drawing really shows, as a visitor or a staff member said; rows are only ever added (audit trail)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="labels")
    value = models.CharField(max_length=MAX_READING, blank=True,
                             help_text="the number as digits, or the expression (12+7×3); empty when excluded")
    excluded = models.BooleanField(default=False, help_text="not a number: keep out of training")
    source = models.CharField(max_length=8, choices=LabelSource.choices)
    # PROTECT: a staff member who labelled stays in the audit trail; deactivate them instead of deleting.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="submission_labels")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["submission", "source", "-created_at"], name="label_newest_by_source")]
        constraints = [
            models.UniqueConstraint(fields=["submission"], condition=Q(source="visitor"),
                                    name="label_one_visitor_label_per_submission"),
            models.CheckConstraint(condition=Q(excluded=True, value="") | Q(excluded=False, value__gt=""),
                                   name="label_value_or_excluded"),
            models.CheckConstraint(condition=Q(source="visitor", by__isnull=True, excluded=False)
                                   | Q(source="staff", by__isnull=False),
                                   name="label_by_matches_source"),
        ]

    def __str__(self) -> str:
        return f"{'excluded' if self.excluded else self.value} by {self.by or self.source}"


class DeletionReason(models.TextChoices):
    VISITOR = "visitor", "by its visitor"
    RETENTION = "retention", "by retention"
    STAFF = "staff", "by staff"


class DeletedDrawing(models.Model):
    """That a drawing was deleted, when and why; nothing of the drawing itself (for the admin's stats)."""

    reason = models.CharField(max_length=16, choices=DeletionReason.choices, db_index=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"deleted {self.get_reason_display()} at {self.deleted_at:%Y-%m-%d %H:%M}"


class StoredFile(models.Model):
    """A drawing's file when DRAWINGS_STORAGE is "database" (submissions/storage.py): every machine that shares
    the database reads it, with no shared disk or object store."""
    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
