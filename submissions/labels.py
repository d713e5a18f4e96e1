"""The label rules, once: what a label is, how staff mark a drawing "not a number", what feedback may say.

The admin's form, the feedback serializer, `import_labels` and the services all ask these functions, so a
rule and its message change in one place.
"""
from __future__ import annotations

import re

from digitsite.domain import Invalid
from recognizer.expression import OPERATORS, normalise_typed

from .models import MAX_LABEL_DIGITS, MAX_READING

LABEL_PATTERN = re.compile(rf"\A[0-9]{{1,{MAX_LABEL_DIGITS}}}\Z")
LABEL_RULE = f"A label is the number as 1 to {MAX_LABEL_DIGITS} digits, like 47, or the expression, like 12+7x3."
EXCLUDE_WORD = "x"          # what staff type instead of a number for a drawing that is not one
EXCLUDE_HINT = f'Type "{EXCLUDE_WORD}" to exclude the drawing from training.'
FEEDBACK_RULE = 'Send either {"correct": true} or {"label": "47"}.'
WRONG_NEEDS_LABEL = 'If the reading was wrong, send the number you drew: {"label": "47"}.'


def clean_label(value) -> str:
    """The label as stored: a number's digits, or an expression in the symbols a reading uses (12+7x3 and 12+7*3
    are 12+7×3), surrounding spaces dropped. Raises Invalid("invalid_label")."""
    value = str(value).strip()
    if LABEL_PATTERN.fullmatch(value):
        return value
    expression = normalise_typed(value)
    if (expression is None or len(expression) > MAX_READING or not any(op in expression for op in OPERATORS)
            or not any(ch.isdigit() for ch in expression)):
        raise Invalid("invalid_label", LABEL_RULE)
    return expression


def means_exclude(value) -> bool:
    return str(value).strip().lower() == EXCLUDE_WORD


def staff_label(value) -> str | None:
    """What staff typed: the label, or None for "not a number". Raises Invalid with the exclude hint."""
    if means_exclude(value):
        return None
    try:
        return clean_label(value)
    except Invalid:
        raise Invalid("invalid_label", f"{LABEL_RULE} {EXCLUDE_HINT}") from None


def feedback_label(*, number: str, correct: bool | None, label: str | None) -> str:
    """The label a visitor's feedback gives: the number read when `correct`, else their `label`.
    Raises Invalid("invalid_feedback") unless exactly one of the two is given, and `correct` is not false."""
    if (correct is None) == (label is None):
        raise Invalid("invalid_feedback", FEEDBACK_RULE)
    if correct is False:
        raise Invalid("invalid_feedback", WRONG_NEEDS_LABEL)
    return number if correct else clean_label(label)
