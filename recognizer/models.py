"""Model versions: which weights file is served, and the ones that were or may be."""
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

ARCH_CHOICES = [("softreg", "softreg"), ("mlp", "mlp"), ("cnn", "cnn")]     # simplest first: how the site grew


class ModelVersion(models.Model):
    """One weights file in WEIGHTS_DIR. Exactly one version per arch is active: the one web processes serve."""
    arch = models.CharField(max_length=16, choices=ARCH_CHOICES)
    version = models.CharField(max_length=64, unique=True)
    file = models.CharField(max_length=255, help_text="file name in WEIGHTS_DIR")
    sha256 = models.CharField(max_length=64)
    metrics = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    rejected = models.BooleanField(default=False, help_text="failed the promotion gate: never served")

    class Meta:
        ordering = ["arch", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["arch"], condition=Q(is_active=True), name="one_active_version_per_arch"),
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def path(self) -> Path:
        return Path(settings.WEIGHTS_DIR) / self.file

