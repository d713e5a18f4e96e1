"""read_drawing(): a visitor's drawing -> the number or expression read, stored as a submission, with a fact about
the number (an expression's whole result)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from facts.services import fact_for
from recognizer.serving import ModelUnavailable
from recognizer.services import Recognition, recognize_with
from submissions.models import Submission
from submissions.services import submission_create, submission_reread

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    submission: Submission
    recognition: Recognition
    fact: dict | None
    compared: list[Recognition] = field(default_factory=list)      # the same drawing read by other models


def read_drawing(*, raw: bytes, visitor: str, fact_kind: str, drawing: int | None = None,
                 compare: list[str] = ()) -> Reading:
    """Reads the number in a drawing's bytes, stores the drawing for `visitor`, and finds a fact of `fact_kind`
    about the number. With `drawing` (a submission id of this visitor's), the visitor drew on: that submission's
    image and reading are replaced instead of a new one stored. `compare` names archs that read the drawing too
    (cut out once); the served model's reading is the one stored.

    Raises recognizer.preprocess.DrawingError for a drawing it cannot read and recognizer.serving.ModelUnavailable
    without a model (nothing is stored or replaced then), and submission_reread's NotFound, NotAllowed, Conflict."""
    try:
        recognition, *compared = recognize_with(raw, archs=[None, *compare])
    except ModelUnavailable as exc:
        log.error("recognition has no model: %s", exc.detail)
        raise
    if drawing is None:
        submission = submission_create(raw=raw, image_format=recognition.image_format, recognition=recognition,
                                       visitor=visitor)
    else:
        submission = submission_reread(submission_id=drawing, visitor=visitor, raw=raw,
                                       image_format=recognition.image_format, recognition=recognition)
    fact = None if recognition.number is None else fact_for(number=int(recognition.number), kind=fact_kind)
    return Reading(submission=submission, recognition=recognition, fact=fact, compared=compared)
