"""How the network does against staff labels, how much comes in per day, and its confusion matrix, as numbers."""
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F
from django.db.models.functions import TruncDate

from recognizer.expression import OPERATORS

from .models import DeletedDrawing, DeletionReason, Label, Submission

DAYS_SHOWN = 60


@dataclass
class AccuracyRow:
    name: str
    total: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None

    @property
    def percent(self) -> str:
        return "–" if self.accuracy is None else f"{self.accuracy:.1%}"


@dataclass
class Stats:
    by_version: list[AccuracyRow]
    by_digit: list[AccuracyRow]
    by_operator: list[AccuracyRow]      # the calculator's operators, by the one really drawn (+ - × ÷ and a final =)
    confusion: list[list[int]]          # [true digit][digit read]
    per_day: list[dict]                 # day, submissions, labels, corrections; newest first
    reviewed: int
    unreviewed: int
    excluded: int
    count_mismatches: int               # staff label has another digit count: not comparable digit by digit
    deleted: dict[str, int]             # drawings deleted so far, by reason: visitor, retention, staff


def compute_stats() -> Stats:
    """Accuracy per model version (whole numbers) and per true digit, against each drawing's newest staff label."""
    annotated = Submission.objects.with_labels()
    versions: dict[str, AccuracyRow] = {}
    digits = [AccuracyRow(str(d)) for d in range(10)]
    symbols = {op: AccuracyRow(op) for op in OPERATORS + "="}
    confusion = [[0] * 10 for _ in range(10)]
    mismatches = 0
    reviewed = annotated.filter(reviewed=True, current_excluded=False).order_by("model_version")
    for version, number, label in reviewed.values_list("model_version", "number", "staff_value"):
        tally = versions.setdefault(version, AccuracyRow(version))
        tally.total += 1
        tally.right += number == label
        if len(number) != len(label):
            mismatches += 1
            continue
        for read, true in zip(number, label):
            if true in symbols:
                symbols[true].total += 1
                symbols[true].right += read == true
            if not (read.isdigit() and true.isdigit()):    # an operator read or drawn: not the digit reader's
                continue
            digits[int(true)].total += 1
            digits[int(true)].right += read == true
            confusion[int(true)][int(read)] += 1
    return Stats(by_version=list(versions.values()), by_digit=digits, by_operator=list(symbols.values()),
                 confusion=confusion, per_day=per_day(),
                 reviewed=annotated.filter(reviewed=True).count(),
                 excluded=annotated.filter(current_excluded=True).count(),
                 count_mismatches=mismatches, unreviewed=annotated.filter(reviewed=False).count(),
                 deleted=deletions())


def deletions() -> dict[str, int]:
    counts = dict(DeletedDrawing.objects.order_by().values_list("reason").annotate(n=Count("id")))
    return {reason: counts.get(reason, 0) for reason in DeletionReason.values}


def per_day(days: int = DAYS_SHOWN) -> list[dict]:
    """Per day with activity, newest first: drawings stored, labels given, corrections (labels unlike the reading)."""
    rows: dict = defaultdict(lambda: {"submissions": 0, "labels": 0, "corrections": 0})

    def count(queryset, key):
        for row in queryset.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id")):
            rows[row["day"]][key] = row["n"]

    count(Submission.objects.order_by(), "submissions")
    count(Label.objects.order_by(), "labels")
    count(Label.objects.order_by().filter(excluded=False).exclude(value=F("submission__number")), "corrections")
    return [{"day": day, **rows[day]} for day in sorted(rows, reverse=True)[:days]]

