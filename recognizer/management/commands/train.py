"""python manage.py train --arch cnn|mlp --epochs N --seed S"""
import json
from datetime import datetime, timezone
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitsite.progress import ProgressBar
from recognizer.datasets import load_mnist
from recognizer.nn.data import DataError, data_hash
from recognizer.nn.model import ARCHITECTURES
from recognizer.nn.train import TrainConfig, train_mnist


class Command(BaseCommand):
    help = "Train a network on MNIST; writes a versioned weights file and a metrics JSON beside it."

    def add_arguments(self, parser):
        parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="cnn")
        parser.add_argument("--epochs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--batch-size", type=int, default=128)
        parser.add_argument("--lr", type=float, default=1e-3)
        parser.add_argument("--no-augment", action="store_true", help="train on the plain MNIST images")
        parser.add_argument("--limit", type=int, help="train on the first N images only (quick runs)")
        parser.add_argument("--out", type=Path, default=None, help="folder for the weights (default var/models)")
        parser.add_argument("--name", dest="version", default=None,
                            help="the version name (default <arch>-<UTC time>-s<seed>); the shipped weights are <arch>-1")

    def handle(self, *args, arch, epochs, seed, batch_size, lr, no_augment, limit, out, version, **options):
        if epochs < 1:
            raise CommandError("--epochs must be at least 1")
        try:
            data = load_mnist()
        except DataError as exc:
            raise CommandError(str(exc)) from exc
        if limit:
            data = {**data, "x_train": data["x_train"][:limit], "y_train": data["y_train"][:limit]}
        cfg = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
        if no_augment:
            cfg.augment = None
        bar = None

        def on_progress(p):
            nonlocal bar
            if bar is None or p.batch == 1:
                bar = ProgressBar(p.batches, stream=self.stdout, label=f"epoch {p.epoch}/{epochs} ")
            bar.update(p.batch, f"loss {p.loss:.4f} acc {p.accuracy:.4f} {p.images_per_s:.0f} img/s")
            if p.batch == p.batches:
                bar.close()

        model, metrics = train_mnist(arch, data, cfg, on_progress=on_progress)
        version = version or f"{arch}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}-s{seed}"
        metrics.update(version=version, data_hash=data_hash(data), train_images=int(len(data["x_train"])))
        folder = out or Path(settings.VAR_DIR) / "models"
        weights = folder / f"{version}.npz"
        model.save(weights, meta={"version": version, "arch": arch})
        weights.with_suffix(".json").write_text(json.dumps(metrics, indent=1))
        self.stdout.write(f"MNIST test accuracy {metrics['mnist_test_accuracy']:.4f} "
                          f"after {metrics['training_seconds']:.0f} s")
        self.stdout.write(f"wrote {weights} and {weights.with_suffix('.json')}")
