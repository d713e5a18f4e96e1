"""python manage.py evaluate --weights FILE: MNIST test accuracy and the confusion matrix."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recognizer.datasets import load_mnist
from recognizer.nn.data import DataError
from recognizer.nn.model import load
from recognizer.nn.train import evaluate


def format_confusion(confusion: list[list[int]]) -> str:
    rows = ["true\\pred " + " ".join(f"{d:>5}" for d in range(10))]
    rows += [f"{t:>9} " + " ".join(f"{n:>5}" for n in row) for t, row in enumerate(confusion)]
    return "\n".join(rows)


class Command(BaseCommand):
    help = "Evaluate a weights file on MNIST test; the last line is `accuracy: 0.xxxx`."

    def add_arguments(self, parser):
        parser.add_argument("--weights", type=Path, required=True)

    def handle(self, *args, weights, **options):
        if not weights.exists():
            raise CommandError(f"{weights} does not exist")
        try:
            model, meta = load(weights)
            data = load_mnist()
        except (DataError, ValueError, KeyError, OSError) as exc:
            raise CommandError(f"cannot evaluate {weights}: {exc}") from exc
        result = evaluate(model, data["x_test"], data["y_test"])
        self.stdout.write(f"model {meta.get('version', weights.stem)} ({model.arch}) on {result['count']} MNIST test images")
        self.stdout.write(format_confusion(result["confusion"]))
        self.stdout.write(f"accuracy: {result['accuracy']:.4f}")
