"""python manage.py evaluate --weights FILE | --canvas: accuracy on MNIST test, or on canvas drawings."""
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from recognizer import canvas_eval, canvas_render, serving
from recognizer.datasets import load_mnist
from recognizer.nn.data import DataError
from recognizer.nn.model import load
from recognizer.nn.train import evaluate


def format_confusion(confusion: list[list[int]]) -> str:
    rows = ["true\\pred " + " ".join(f"{d:>5}" for d in range(10))]
    rows += [f"{t:>9} " + " ".join(f"{n:>5}" for n in row) for t, row in enumerate(confusion)]
    return "\n".join(rows)


class Command(BaseCommand):
    help = ("Evaluate a weights file on MNIST test (last line `accuracy: 0.xxxx`), or with --canvas "
            "the served model on rendered canvas drawings through the full read path.")

    def add_arguments(self, parser):
        parser.add_argument("--weights", type=Path, help="a weights .npz (MNIST test evaluation)")
        parser.add_argument("--canvas", action="store_true", help="evaluate on canvas drawings instead")
        parser.add_argument("--arch", default=None, help="with --canvas: the served arch to use (default SERVED_ARCH)")
        parser.add_argument("--mnist", type=int, default=2000, help="with --canvas: MNIST test digits to draw")
        parser.add_argument("--pen", type=int, default=2000, help="with --canvas: pen-drawn digits to draw")
        parser.add_argument("--numbers", type=int, default=200, help="with --canvas: numbers per length 2, 3, 4")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, weights, canvas, **options):
        if canvas:
            return self.handle_canvas(**options)
        if weights is None:
            raise CommandError("give --weights FILE, or --canvas")
        if not weights.exists():
            raise CommandError(f"{weights} does not exist")
        try:
            model, meta = load(weights)
            data = load_mnist()
        except (DataError, ValueError, KeyError, OSError) as exc:
            raise CommandError(f"cannot evaluate {weights}: {exc}") from exc
        result = evaluate(model, data["x_test"], data["y_test"])
        self.stdout.write(f"model {meta.get('version', weights.stem)} ({model.arch}) "
                          f"on {result['count']} MNIST test images")
        self.stdout.write(format_confusion(result["confusion"]))
        self.stdout.write(f"accuracy: {result['accuracy']:.4f}")

    def handle_canvas(self, *, arch, mnist, pen, numbers, seed, **options):
        model = serving.get_model(arch)
        self.stdout.write(f"model {model.version}: reading canvas drawings through decode -> segment -> "
                          "preprocess -> predict")
        rng = np.random.default_rng(seed)
        if mnist:
            try:
                data = load_mnist()
            except DataError as exc:
                raise CommandError(str(exc)) from exc
            pick = rng.permutation(len(data["y_test"]))[:mnist]
            tally = canvas_eval.eval_images(data["x_test"][pick], data["y_test"][pick], rng=rng, arch=arch)
            self.stdout.write("\n".join(tally.lines("MNIST test digits as canvas drawings")))
        pen_path = canvas_eval.devset_path("pendigits_train.npz")
        if pen_path is None:
            self.stdout.write("pen-drawn development set not found (../shared/devsets): skipped")
        else:
            pen_set = canvas_render.load_pendigits(pen_path)
            if pen:
                pick = rng.permutation(len(pen_set.labels))[:pen]
                tally = canvas_eval.eval_pen_digits(pen_set, pick, rng=rng, arch=arch)
                self.stdout.write("\n".join(tally.lines("pen-drawn single digits (dev set)")))
            if numbers:
                tally = canvas_eval.eval_pen_numbers(pen_set, numbers, rng=rng, arch=arch)
                self.stdout.write("\n".join(tally.lines("pen-drawn numbers, exact (dev set)")))
        hwd_path = canvas_eval.devset_path("hwd1000.npz")
        if hwd_path is not None:
            with np.load(hwd_path, allow_pickle=False) as f:
                images, labels = f["images"], f["labels"]
            tally = canvas_eval.eval_images(images, labels, rng=rng, arch=arch)
            self.stdout.write("\n".join(tally.lines("HwD-1000 digits as canvas drawings (dev set)")))
