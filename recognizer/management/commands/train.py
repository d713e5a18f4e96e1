"""python manage.py train --arch cnn|mlp|softreg --epochs N --seed S [--pen weights/pen_inputs.npz --pen-share 0.2]"""
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitsite.hashing import sha256_of
from digitsite.progress import ProgressBar
from recognizer import pen_data
from recognizer.mnist import load_mnist
from recognizer.nn.average import WeightAverage
from recognizer.nn.calibrate import calibration, fit_temperature
from recognizer.nn.data import DataError, data_hash
from recognizer.nn.model import ARCHITECTURES, build, load
from recognizer.nn.train import (Distillation, Mix, TrainConfig, batches_per_epoch, evaluate, to_float,
                                 train_mnist)


class Command(BaseCommand):
    help = ("Train a network on MNIST (and a share of pen-drawn inputs); writes a versioned weights file and a "
            "metrics JSON beside it that say what trained it.")

    def add_arguments(self, parser):
        parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="cnn")
        parser.add_argument("--epochs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--batch-size", type=int, default=128)
        parser.add_argument("--lr", type=float, default=1e-3)
        parser.add_argument("--threads", type=int, default=1,
                            help="split each batch across this many threads; run it with OPENBLAS_NUM_THREADS=1 "
                                 "(dropout masks differ from a one-thread run)")
        parser.add_argument("--no-augment", action="store_true", help="train on the plain MNIST images")
        parser.add_argument("--limit", type=int, help="train on the first N images only (quick runs)")
        parser.add_argument("--out", type=Path, default=None, help="folder for the weights (default var/models)")
        parser.add_argument("--name", dest="version", default=None,
                            help="the version name (default <arch>-<UTC time>-s<seed>); the shipped weights are <arch>-1")
        parser.add_argument("--pen", type=Path, default=None,
                            help="pen-drawn 28x28 inputs to mix into every batch (weights/pen_inputs.npz)")
        parser.add_argument("--pen-share", type=float, default=0.2, help="share of each batch drawn from --pen")
        parser.add_argument("--hold-out-writers", default="",
                            help="pen writers left out of training (e.g. 17-20): accuracy and a fitted temperature "
                                 "on them are recorded")
        parser.add_argument("--temperature", type=float, default=None,
                            help="store this temperature in the weights (one fitted on writers held out by a "
                                 "run with the same settings)")
        parser.add_argument("--redraw-share", type=float, default=0.0,
                            help="share of training images thinned to their centre line and redrawn with a round "
                                 "pen of random width (augmentation)")
        parser.add_argument("--average", type=float, default=0.0,
                            help="the weights saved are the mean over this share of the last steps (SWA; 0 = the "
                                 "last step's); the last step's are saved beside them as NAME-last.npz")
        parser.add_argument("--init", type=Path, default=None,
                            help="continue training these weights (same arch) instead of starting from the seed")
        parser.add_argument("--teacher", type=Path, action="append", default=[],
                            help="distil from these weights (repeat it: their mean logits, an ensemble's answer)")
        parser.add_argument("--distill-weight", type=float, default=0.7,
                            help="with --teacher: the share of the loss that follows the teachers")
        parser.add_argument("--distill-temperature", type=float, default=2.0,
                            help="with --teacher: the temperature both answers are softened by")
        for name in ("c1", "c2", "hidden"):
            parser.add_argument(f"--{name}", type=int, default=None, help=f"cnn: {name} width")

    def handle(self, *args, arch, epochs, seed, batch_size, lr, threads, no_augment, limit, out, version, pen,
               pen_share, hold_out_writers, temperature, redraw_share, init, teacher, distill_weight,
               distill_temperature, average, **options):
        if epochs < 1:
            raise CommandError("--epochs must be at least 1")
        if threads < 1:
            raise CommandError("--threads must be at least 1")
        if teacher and threads > 1:
            raise CommandError("distillation (--teacher) trains on one thread")
        if not 0 <= distill_weight <= 1 or distill_temperature <= 0:
            raise CommandError("--distill-weight must be between 0 and 1 and --distill-temperature above 0")
        if not 0 <= pen_share < 1:
            raise CommandError("--pen-share must be at least 0 and below 1")
        if not 0 <= average <= 1:
            raise CommandError("--average must be between 0 and 1")
        arch_options = {k: options[k] for k in ("c1", "c2", "hidden") if options.get(k)}
        if arch_options and arch != "cnn":
            raise CommandError("--c1, --c2 and --hidden are cnn widths")
        try:
            data = load_mnist()
        except DataError as exc:
            raise CommandError(str(exc)) from exc
        if limit:
            data = {**data, "x_train": data["x_train"][:limit], "y_train": data["y_train"][:limit]}
        held_out = pen_data.parse_writers(hold_out_writers)
        mix, pen_record, held = None, {}, None
        if pen is not None:
            if not pen.exists():
                raise CommandError(f"{pen} does not exist (python manage.py build_pen_inputs makes it)")
            inputs = pen_data.load_pen_inputs(pen)
            if set(inputs["writer"].tolist()) & set(pen_data.MEASURE_WRITERS):
                raise CommandError(f"{pen} holds writers who only measure: it cannot train")
            trained = ~np.isin(inputs["writer"], held_out)
            mix = Mix(inputs["x"][trained], inputs["y"][trained], pen_share)
            held = {k: v[~trained] for k, v in inputs.items()}
            pen_record = {"file": pen.name, "sha256": sha256_of(pen), "share": pen_share,
                          "images": int(trained.sum()),
                          "writers": pen_data.writers_text(inputs["writer"][trained]),
                          "held_out_writers": pen_data.writers_text(held_out), "source": pen_data.ATTRIBUTION}
        cfg = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, threads=threads)
        if no_augment:
            cfg.augment = None
        elif redraw_share:
            cfg.augment = replace(cfg.augment, redraw_p=redraw_share)
        bar = None

        def on_progress(p):
            nonlocal bar
            if bar is None or p.batch == 1:
                bar = ProgressBar(p.batches, stream=self.stdout, label=f"epoch {p.epoch}/{epochs} ")
            bar.update(p.batch, f"loss {p.loss:.4f} acc {p.accuracy:.4f} {p.images_per_s:.0f} img/s")
            if p.batch == p.batches:
                bar.close()

        if init is not None:
            start_from, init_meta = load(init)
            if start_from.arch != arch:
                raise CommandError(f"{init} holds a {start_from.arch}, not a {arch}")
        else:
            start_from = build(arch, seed=seed, **arch_options)
        steps = batches_per_epoch(len(data["y_train"]), batch_size, mix) * epochs
        averaged = WeightAverage(start_from.parameters(), average, steps)

        def on_step(p):
            on_progress(p)
            averaged.after_step((p.epoch - 1) * p.batches + p.batch - 1)

        distill = self.distillation(teacher, distill_weight, distill_temperature)
        model, metrics = train_mnist(arch, data, cfg, on_progress=on_step, mix=mix, arch_options=arch_options,
                                     start_from=start_from, distill=distill)
        if teacher:
            metrics["config"]["distillation"]["from"] = [{"file": t.name, "sha256": sha256_of(t)} for t in teacher]
        if init is not None:
            metrics["config"]["started_from"] = {"file": init.name, "sha256": sha256_of(init),
                                                 "version": init_meta.get("version")}
        version = version or f"{arch}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}-s{seed}"
        metrics.update(version=version, data_hash=data_hash(data), train_images=int(len(data["x_train"])))
        if pen_record:
            metrics["pen_inputs"] = pen_record
        meta = {"version": version, "arch": arch}
        folder = out or Path(settings.VAR_DIR) / "models"
        if average:
            model.save(folder / f"{version}-last.npz", meta={**meta, "version": f"{version}-last"})
            averaged.apply()
            test = evaluate(model, data["x_test"], data["y_test"])
            metrics.update(mnist_test_accuracy_last_step=metrics["mnist_test_accuracy"],
                           mnist_test_accuracy=round(test["accuracy"], 4), confusion=test["confusion"])
            metrics["config"]["average"] = average
        if held is not None and len(held["y"]):
            logits = model.predict_logits(to_float(held["x"]))
            fitted = fit_temperature(logits, held["y"])
            result = evaluate(model, held["x"], held["y"])
            metrics["held_out_pen"] = {"writers": pen_data.writers_text(held_out), "count": result["count"],
                                       "accuracy": round(result["accuracy"], 4),
                                       **calibration(logits, held["y"], fitted)}
            temperature = temperature or fitted
            self.stdout.write(f"held-out writers {pen_data.writers_text(held_out)}: accuracy "
                              f"{result['accuracy']:.4f} on {result['count']} pen inputs, fitted temperature "
                              f"{fitted:.3f}")
        if temperature:
            meta["temperature"] = metrics["temperature"] = round(float(temperature), 4)
        weights = folder / f"{version}.npz"
        model.save(weights, meta=meta)
        weights.with_suffix(".json").write_text(json.dumps(metrics, indent=1))
        self.stdout.write(f"MNIST test accuracy {metrics['mnist_test_accuracy']:.4f} "
                          f"after {metrics['training_seconds']:.0f} s")
        self.stdout.write(f"wrote {weights} and {weights.with_suffix('.json')}")

    def distillation(self, teachers: list[Path], weight: float, temperature: float) -> Distillation | None:
        if not teachers:
            return None
        try:
            networks = tuple(load(path)[0] for path in teachers)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot load a teacher: {exc}") from exc
        return Distillation(networks, weight=weight, temperature=temperature)
