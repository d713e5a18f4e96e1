"""python manage.py evaluate --weights FILE | --canvas: accuracy on MNIST test, or on canvas drawings."""
import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from recognizer import canvas_eval, pen_data, synthetic_drawings
from recognizer.mnist import load_mnist
from recognizer.nn.calibrate import calibration
from recognizer.nn.data import DataError
from recognizer.nn.model import load
from recognizer.nn.train import evaluate


def format_confusion(confusion: list[list[int]]) -> str:
    rows = ["true\\pred " + " ".join(f"{d:>5}" for d in range(10))]
    rows += [f"{t:>9} " + " ".join(f"{n:>5}" for n in row) for t, row in enumerate(confusion)]
    return "\n".join(rows)


class Command(BaseCommand):
    help = ("Evaluate a weights file on MNIST test (last line `accuracy: 0.xxxx`), or with --canvas "
            "the served model (or --weights) on rendered canvas drawings through the full read path: pen-drawn "
            "digits and numbers of writers who never trained anything, HwD-1000 and MNIST test as drawings.")

    def add_arguments(self, parser):
        parser.add_argument("--weights", type=Path, help="a weights .npz (with --canvas: read with it)")
        parser.add_argument("--canvas", action="store_true", help="evaluate on canvas drawings instead")
        parser.add_argument("--arch", default=None, help="with --canvas: the served arch to use (default SERVED_ARCH)")
        parser.add_argument("--writers", default=pen_data.writers_text(pen_data.MEASURE_WRITERS),
                            help="with --canvas: pen writers to measure on (default the ones who never train, "
                                 "21-30; a tuning fold may name training writers it held out)")
        parser.add_argument("--mnist", type=int, default=2000, help="with --canvas: MNIST test digits to draw")
        parser.add_argument("--pen", type=int, default=None,
                            help="with --canvas: pen-drawn single digits to draw (default all of the writers')")
        parser.add_argument("--numbers", type=int, default=200, help="with --canvas: numbers per length 2, 3, 4")
        parser.add_argument("--hwd", type=int, default=1000, help="with --canvas: HwD-1000 digits to draw")
        parser.add_argument("--json", dest="json_out", type=Path, default=None,
                            help="with --canvas: also write the figures to this JSON file")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, weights, canvas, **options):
        if weights is not None and not weights.exists():
            raise CommandError(f"{weights} does not exist")
        if canvas:
            return self.handle_canvas(weights=weights, **options)
        if weights is None:
            raise CommandError("give --weights FILE, or --canvas")
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

    def reader(self, weights, arch) -> canvas_eval.Reader:
        if weights is None:
            return canvas_eval.Reader.served(arch)
        try:
            network, meta = load(weights)
        except (ValueError, KeyError, OSError) as exc:
            raise CommandError(f"cannot evaluate {weights}: {exc}") from exc
        return canvas_eval.Reader(network, float(meta.get("temperature", 1.0)), meta.get("version", weights.stem))

    def emit(self, lines: list[str]) -> None:
        self.stdout.write("\n".join(lines))

    def handle_canvas(self, *, weights, arch, writers, mnist, pen, numbers, hwd, json_out, seed, **options):
        reader = self.reader(weights, arch)
        figures = {"model": reader.name, "temperature": reader.temperature}
        self.stdout.write(f"model {reader.name}: reading canvas drawings through decode -> segment -> "
                          "preprocess -> predict")
        rng = np.random.default_rng(seed)
        if mnist:
            try:
                data = load_mnist()
            except DataError as exc:
                raise CommandError(str(exc)) from exc
            pick = rng.permutation(len(data["y_test"]))[:mnist]
            tally = canvas_eval.eval_images(data["x_test"][pick], data["y_test"][pick], rng=rng, reader=reader)
            self.emit(tally.lines("MNIST test digits as canvas drawings"))
            figures["mnist_canvas"] = round(tally.accuracy, 4)
        pen_path = canvas_eval.devset_path("pendigits_train.npz")
        if pen_path is None:
            self.stdout.write("pen-drawn development set not found (../shared/devsets): skipped")
        else:
            self.handle_pen(pen_path, pen_data.parse_writers(writers), pen, numbers, rng, reader, figures)
        hwd_path = canvas_eval.devset_path("hwd1000.npz")
        if hwd_path is not None and hwd:
            with np.load(hwd_path, allow_pickle=False) as f:
                images, labels = f["images"][:hwd], f["labels"][:hwd]
            tally = canvas_eval.eval_images(images, labels, rng=rng, reader=reader)
            self.emit(tally.lines("HwD-1000 digits as canvas drawings (dev set)"))
            figures["hwd1000"] = round(tally.accuracy, 4)
        if json_out:
            json_out.write_text(json.dumps(figures, indent=1))

    def handle_pen(self, pen_path, writers, pen, numbers, rng, reader, figures) -> None:
        pen_set = synthetic_drawings.load_pendigits(pen_path)
        who = f"writers {pen_data.writers_text(writers)}"
        allowed = np.flatnonzero(np.isin(pen_set.writers, writers))
        figures["writers"] = pen_data.writers_text(writers)
        if pen is None or pen:
            pick = rng.permutation(allowed)[:pen]
            tally = canvas_eval.eval_pen_digits(pen_set, pick, rng=rng, reader=reader)
            self.emit(tally.lines(f"pen-drawn single digits, {who}"))
            self.emit(tally.writer_lines())
            self.emit(tally.confusion_lines())
            self.emit(tally.calibration_lines(reader.temperature))
            per = tally.writer_accuracies()
            figures["single_digits"] = {
                "accuracy": round(tally.accuracy, 4), "count": tally.total,
                "lowest_writer": round(min(per.values()), 4), "median_writer": round(float(np.median(list(per.values()))), 4),
                "per_writer": {str(w): round(a, 4) for w, a in sorted(per.items())},
                "top_confusions": {f"{t}->{p}": n for (t, p), n in tally.confused.most_common(10)}}
            if tally.logits:
                logits, labels = np.stack(tally.logits), np.array(tally.labels)
                figures["calibration"] = {k: round(v, 4) for k, v in
                                          calibration(logits, labels, reader.temperature).items()}
        if numbers:
            tally = canvas_eval.eval_pen_numbers(pen_set, numbers, rng=rng, reader=reader, allowed=allowed)
            self.emit(tally.lines(f"pen-drawn numbers, exact, {who}"))
            figures["numbers_exact"] = {k: round(r / t, 4) for k, (r, t) in tally.by.items() if "digits" in k}
