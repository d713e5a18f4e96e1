"""How the network does against staff labels, how much comes in per day, and its confusion matrix as an SVG."""
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F
from django.db.models.functions import TruncDate

from .models import Label, Submission

DAYS_SHOWN = 60


@dataclass
class Tally:
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
    by_version: list[Tally]
    by_digit: list[Tally]
    confusion: list[list[int]]          # [true digit][digit read]
    per_day: list[dict]                 # day, submissions, labels, corrections; newest first
    reviewed: int
    unreviewed: int
    excluded: int
    count_mismatches: int               # staff label has another digit count: not comparable digit by digit


def compute_stats() -> Stats:
    """Accuracy per model version (whole numbers) and per true digit, against each drawing's newest staff label."""
    annotated = Submission.objects.with_labels()
    versions: dict[str, Tally] = {}
    digits = [Tally(str(d)) for d in range(10)]
    confusion = [[0] * 10 for _ in range(10)]
    mismatches = 0
    reviewed = annotated.filter(reviewed=True, current_excluded=False).order_by("model_version")
    for version, number, label in reviewed.values_list("model_version", "number", "staff_value"):
        tally = versions.setdefault(version, Tally(version))
        tally.total += 1
        tally.right += number == label
        if len(number) != len(label):
            mismatches += 1
            continue
        for read, true in zip(number, label):
            digits[int(true)].total += 1
            digits[int(true)].right += read == true
            confusion[int(true)][int(read)] += 1
    return Stats(by_version=list(versions.values()), by_digit=digits, confusion=confusion, per_day=per_day(),
                 reviewed=annotated.filter(reviewed=True).count(),
                 excluded=annotated.filter(current_excluded=True).count(),
                 count_mismatches=mismatches, unreviewed=annotated.filter(reviewed=False).count())


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


def confusion_svg(confusion: list[list[int]], *, cell: int = 34) -> str:
    """The confusion matrix as an SVG: rows are the true digits, columns what was read, shaded by share of the row."""
    margin = 44
    size = margin + 10 * cell + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
             f'role="img" aria-label="Confusion matrix: true digit by row, digit read by column" '
             f'font-family="sans-serif" font-size="12">',
             f'<text x="{margin + 5 * cell}" y="12" text-anchor="middle" font-weight="bold">read</text>',
             f'<text x="12" y="{margin + 5 * cell}" text-anchor="middle" font-weight="bold" '
             f'transform="rotate(-90 12 {margin + 5 * cell})">true</text>']
    for d in range(10):
        parts.append(f'<text x="{margin + d * cell + cell // 2}" y="{margin - 8}" text-anchor="middle">{d}</text>')
        parts.append(f'<text x="{margin - 10}" y="{margin + d * cell + cell // 2 + 4}" text-anchor="end">{d}</text>')
    for true, row in enumerate(confusion):
        total = sum(row)
        for read, n in enumerate(row):
            share = n / total if total else 0
            colour = "46,125,50" if true == read else "198,40,40"
            x, y = margin + read * cell, margin + true * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="rgb({colour})" '
                         f'fill-opacity="{0.08 + 0.92 * share:.3f}" stroke="#ddd"><title>true {true}, read {read}: '
                         f'{n}</title></rect>')
            if n:
                ink = "#fff" if share > 0.5 else "#222"
                parts.append(f'<text x="{x + cell // 2}" y="{y + cell // 2 + 4}" text-anchor="middle" '
                             f'fill="{ink}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)
