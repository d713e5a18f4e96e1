"""Stored drawings: every successful recognition is kept with what the network saw and read."""
import numpy as np
from django.db import models


class Submission(models.Model):
    image = models.FileField(upload_to="submissions/%Y/%m/%d/")
    inputs = models.BinaryField(help_text="uint8 array (digits, 28, 28): what the network saw")
    digit_count = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=16, db_index=True)
    digits = models.JSONField(help_text="per digit: digit, confidence, probabilities, box")
    min_confidence = models.FloatField(db_index=True)
    model_version = models.CharField(max_length=64, db_index=True)
    visitor = models.CharField(max_length=64, db_index=True, help_text="the visitor's session id")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} read {self.number}"

    def input_array(self) -> np.ndarray:
        """The 28x28 inputs as float32 0..1, shape (digit_count, 28, 28)."""
        raw = np.frombuffer(bytes(self.inputs), dtype=np.uint8)
        return raw.reshape(self.digit_count, 28, 28).astype(np.float32) / 255
