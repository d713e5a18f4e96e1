"""Small factories for submission tests: rows made directly, each with a tiny PNG saved through default_storage."""
import io
import uuid
from datetime import datetime

import numpy as np
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from PIL import Image

from digitsite import visitors
from submissions.models import Submission


def tiny_png(seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (8, 16), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def reading(digit: int, confidence: float, position: int) -> dict:
    probabilities = [(1 - confidence) / 9] * 10
    probabilities[digit] = confidence
    return {"digit": digit, "confidence": confidence, "probabilities": probabilities,
            "box": [position * 40, 10, 30, 50]}


def symbol_reading(symbol: str, confidence: float, position: int) -> dict:
    """A stored expression's symbol as recognizer.services.SymbolReading.as_dict gives it."""
    return {"symbol": symbol, "confidence": confidence, "probabilities": [], "box": [position * 40, 10, 30, 50]}


def make_submission(number: str = "42", *, confidences: list[float] | None = None, visitor: str = "visitor-a",
                    model_version: str = "cnn-test", created_at: datetime | None = None,
                    seed: int = 0) -> Submission:
    """A stored drawing read as `number` (one digit per character; or an expression, one symbol per character), with
    random 28x28 inputs."""
    confidences = confidences or [0.9] * len(number)
    pairs = list(enumerate(zip(number, confidences, strict=True)))
    digits = ([reading(int(ch), c, i) for i, (ch, c) in pairs] if number.isdigit()
              else [symbol_reading(ch, c, i) for i, (ch, c) in pairs])
    inputs = np.random.default_rng(seed).integers(0, 256, (len(number), 28, 28), dtype=np.uint8)
    image = default_storage.save(f"submissions/test/{uuid.uuid4().hex}.png", ContentFile(tiny_png(seed)))
    submission = Submission.objects.create(
        image=image, inputs=inputs.tobytes(), digit_count=len(number), number=number, digits=digits,
        min_confidence=min(confidences), model_version=model_version, visitor=visitor)
    if created_at is not None:
        Submission.objects.filter(pk=submission.pk).update(created_at=created_at)
        submission.refresh_from_db()
    return submission


def make_user(username: str = "someone", *, staff: bool = False, perms: tuple[str, ...] = ()) -> User:
    """A user; perms are codenames of submissions permissions, e.g. ("change_submission",)."""
    user = User.objects.create_user(username, password="pw", is_staff=staff)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="submissions", codename__in=perms))
    return User.objects.get(pk=user.pk)  # fresh, so the permission cache is empty


def labeller(username: str = "labeller") -> User:
    """Staff with the change permission on submissions: the people who may label."""
    return make_user(username, staff=True, perms=("view_submission", "change_submission"))


def as_visitor(client, visitor: str):
    """Gives the client the signed cookie of `visitor` (digitsite.visitors)."""
    response = HttpResponse()
    response.set_signed_cookie(visitors.COOKIE, visitor, salt=visitors.SALT)
    client.cookies[visitors.COOKIE] = response.cookies[visitors.COOKIE].value
    return client
