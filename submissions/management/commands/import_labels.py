"""python manage.py import_labels FILE.csv --by USERNAME: staff labels from `submission_id,label` rows, all or none."""
import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from digitsite.domain import Invalid
from submissions.labels import staff_label
from submissions.models import Submission
from submissions.services import can_label, labels_import

HEADER = ["submission_id", "label"]


def read_rows(path: Path) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
    """(line, submission id, label) of each well-formed row, and (line, message) for each row that is not."""
    rows, errors = [], []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        for record in reader:
            line, cells = reader.line_num, [cell.strip() for cell in record]
            if not any(cells) or [cell.lower() for cell in cells] == HEADER:
                continue
            if len(cells) != 2:
                errors.append((line, f"expected 2 columns (submission_id,label), got {len(cells)}"))
                continue
            submission_id, label = cells
            if not submission_id.isdigit() or len(submission_id) > 18:
                errors.append((line, f"bad submission id {submission_id!r}"))
                continue
            try:
                staff_label(label)
            except Invalid as exc:
                errors.append((line, f"bad label {label!r}: {exc.message}"))
            else:
                rows.append((line, int(submission_id), label))
    return rows, errors


class Command(BaseCommand):
    help = ("Record staff labels from a CSV of submission_id,label rows (an optional header row is skipped; the "
            "label x excludes a drawing from training). All rows are saved, or none: every unknown id and bad "
            "label is reported with its line number.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE.csv", help="the CSV file")
        parser.add_argument("--by", required=True, help="username of the staff member the labels are from")

    def handle(self, *args, path: Path, by: str, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: by}).first()
        if user is None:
            raise CommandError(f"no user {by!r}")
        if not can_label(user):
            raise CommandError(f"{by} is not active staff with the change permission on submissions")
        try:
            rows, errors = read_rows(path)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        known = set(Submission.objects.filter(pk__in=[i for _, i, _ in rows]).values_list("pk", flat=True))
        errors += [(line, f"unknown submission id {i}") for line, i, _ in rows if i not in known]
        if errors:
            raise CommandError("nothing imported:\n" + "\n".join(f"line {line}: {message}"
                                                                 for line, message in sorted(errors)))
        labels = labels_import(rows=[(i, label) for _, i, label in rows], by=user)
        self.stdout.write(f"imported {len(labels)} staff label(s) by {by}")
