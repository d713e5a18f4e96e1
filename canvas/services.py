"""read_drawing(): a visitor's drawing -> the number read, stored as a submission, with a fact about it."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from facts.services import fact_for
from recognizer.serving import ModelUnavailable
from recognizer.services import Recognition, recognize
from submissions.models import Submission
from submissions.services import submission_create

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    submission: Submission
    recognition: Recognition
    fact: dict


def read_drawing(*, raw: bytes, visitor: str, fact_kind: str) -> Reading:
    """Reads the number in a drawing's bytes, stores the drawing for `visitor`, and finds a fact of `fact_kind`
    about the number. Raises recognizer.preprocess.DrawingError for a drawing it cannot read and
    recognizer.serving.ModelUnavailable without a model; nothing is stored then."""
    try:
        recognition = recognize(raw)
    except ModelUnavailable as exc:
        log.error("recognition has no model: %s", exc.detail)
        raise
    submission = submission_create(raw=raw, image_format=recognition.image_format, recognition=recognition,
                                   visitor=visitor)
    return Reading(submission=submission, recognition=recognition,
                   fact=fact_for(number=int(recognition.number), kind=fact_kind))
