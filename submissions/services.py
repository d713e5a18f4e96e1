"""Writing submissions: the image file and its row together, or neither."""
from __future__ import annotations

import logging
import os
import uuid

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from recognizer.services import Recognition

from .models import Submission

log = logging.getLogger(__name__)
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def inputs_to_bytes(inputs: np.ndarray) -> bytes:
    return np.rint(np.clip(inputs, 0, 1) * 255).astype(np.uint8).tobytes()


def submission_create(*, raw: bytes, image_format: str, recognition: Recognition, visitor: str) -> Submission:
    """Stores the drawing's file, then its row in one transaction; on any failure the file is removed.

    The file is written first (atomically by the storage), so a row never points at a missing file.
    A process killed between the two leaves at most an unreferenced file, which `sweep_media` removes.
    """
    name = f"submissions/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}.{EXTENSIONS.get(image_format, 'img')}"
    saved = default_storage.save(name, ContentFile(raw))
    try:
        with transaction.atomic():
            return Submission.objects.create(
                image=saved, inputs=inputs_to_bytes(recognition.inputs), digit_count=len(recognition.digits),
                number=recognition.number, digits=[d.as_dict() for d in recognition.digits],
                min_confidence=min(d.confidence for d in recognition.digits),
                model_version=recognition.version, visitor=visitor)
    except BaseException:
        default_storage.delete(saved)
        raise


def unreferenced_files(*, older_than_seconds: float = 3600) -> list[str]:
    """Files under MEDIA_ROOT/submissions that no row references (left by a killed process)."""
    root = default_storage.path("submissions")
    if not os.path.isdir(root):
        return []
    referenced = set(Submission.objects.values_list("image", flat=True))
    cutoff = timezone.now().timestamp() - older_than_seconds
    found = []
    for folder, _, files in os.walk(root):
        for f in files:
            full = os.path.join(folder, f)
            rel = os.path.relpath(full, default_storage.location).replace(os.sep, "/")
            if rel not in referenced and os.path.getmtime(full) < cutoff:
                found.append(rel)
    return found
