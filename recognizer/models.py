"""Model versions: which weights are served, and the ones that were or may be."""
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

ARCH_CHOICES = [("softreg", "softreg"), ("mlp", "mlp"), ("cnn", "cnn")]     # simplest first: how the site grew
# The calculator's operator reader (recognizer/operators.py) is versioned, served and retrained like the digit
# readers, but it reads no digits: it is never a choice where a digit reader is asked for.
OPERATORS_ARCH = "operators"


class VersionManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().defer("weights")   # megabytes: read only by weights_store, when loading


class ModelVersion(models.Model):
    """One set of weights. Shipped versions are files in WEIGHTS_DIR that come with the code; versions trained here
    keep their bytes in this row, so every machine sharing the database can load them (weights_store.py).
    Exactly one version per arch is active: the one web processes serve."""
    arch = models.CharField(max_length=16, choices=ARCH_CHOICES + [(OPERATORS_ARCH, "operators")])
    version = models.CharField(max_length=64, unique=True)
    file = models.CharField(max_length=255, help_text="shipped: the file name in WEIGHTS_DIR; trained here: the "
                                                      "name its bytes export as")
    in_database = models.BooleanField(default=False, help_text="the weights are this row's bytes, not a file")
    weights = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64)
    metrics = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    rejected = models.BooleanField(default=False, help_text="failed the promotion gate: never served")

    objects = VersionManager()

    class Meta:
        ordering = ["arch", "-created_at", "-id"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["arch"], condition=Q(is_active=True), name="one_active_version_per_arch"),
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def path(self) -> Path:
        """The shipped file (for a version trained here, see weights_store.cached_path)."""
        return Path(settings.WEIGHTS_DIR) / self.file
