"""python manage.py train_digit_check: the network that tells digits from scribbles, weights/digit_check.npz."""
import json
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recognizer import digit_check, non_digits as generated, pen_data
from digitsite.hashing import sha256_of
from recognizer.mnist import load_mnist
from recognizer.nn.augment import AugmentConfig
from recognizer.nn.data import DataError, data_hash
from recognizer.nn.train import TrainConfig, fit, to_float

TUNE_WRITERS = range(17, 21)          # real digits the check never trains on: the threshold is set on them


class Command(BaseCommand):
    help = ("Train the digit check on pen digits (writers 1-16) and MNIST against generated non-digits, set its "
            "threshold so at most --max-refused of writers 17-20's digits are refused, and save it with the weights.")

    def add_arguments(self, parser):
        parser.add_argument("--non-digits", type=int, default=12000, help="generated non-digit pieces to train on")
        parser.add_argument("--tune-non-digits", type=int, default=2000,
                            help="other generated non-digits, to report how many the threshold refuses")
        parser.add_argument("--mnist", type=int, default=12000, help="MNIST training digits to train on")
        parser.add_argument("--pen-digits", type=int, default=None, help="pen digits to train on (default: all)")
        parser.add_argument("--epochs", type=int, default=4)
        parser.add_argument("--max-refused", type=float, default=0.002,
                            help="share of real digits (writers 17-20) the threshold may refuse")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", type=Path, default=None, help="default WEIGHTS_DIR/digit_check.npz")

    def handle(self, *args, non_digits, tune_non_digits, mnist, pen_digits, epochs, max_refused, seed, out, **options):
        pen_file = Path(settings.WEIGHTS_DIR) / pen_data.PEN_INPUTS_FILE
        try:
            data = load_mnist()
        except DataError as exc:
            raise CommandError(str(exc)) from exc
        rng = np.random.default_rng(seed)
        train_pen = pen_data.load_pen_inputs(pen_file, exclude_writers=TUNE_WRITERS)["x"][:pen_digits]
        tune_pen = pen_data.load_pen_inputs(pen_file, writers=TUNE_WRITERS)["x"]
        self.stdout.write(f"generating {non_digits} non-digit pieces (seed {seed}) ...")
        odd = generated.prepared_pieces(non_digits, rng)
        tune_odd = generated.prepared_pieces(tune_non_digits, np.random.default_rng(seed + 10_000))
        mnist_x = data["x_train"][rng.permutation(len(data["x_train"]))[:mnist]]
        x = np.concatenate([train_pen, mnist_x, odd])
        y = np.concatenate([np.full(len(train_pen) + len(mnist_x), digit_check.DIGIT),
                            np.full(len(odd), digit_check.NOT_A_DIGIT)])
        model = digit_check.build_check(seed)
        cfg = TrainConfig(epochs=epochs, seed=seed, augment=AugmentConfig(flag_one_p=0.0))
        history = fit(model, x, y, cfg)
        real = model.predict_proba(to_float(tune_pen))[:, digit_check.NOT_A_DIGIT]
        refuse_at = float(max(0.5, np.quantile(real, 1 - max_refused)))
        fake = model.predict_proba(to_float(tune_odd))[:, digit_check.NOT_A_DIGIT]
        meta = {"version": f"digit_check-s{seed}", "refuse_at": round(refuse_at, 4),
                "tuning": {"writers": "17-20", "real_refused": round(float((real >= refuse_at).mean()), 4),
                           "generated_refused": round(float((fake >= refuse_at).mean()), 4)},
                "trained_on": {"pen_writers": "1-16", "pen_inputs_sha256": sha256_of(pen_file),
                               "mnist_images": int(mnist), "mnist_hash": data_hash(data),
                               "non_digits": int(non_digits), "non_digit_seed": seed},
                "epochs": history}
        path = out or Path(settings.WEIGHTS_DIR) / digit_check.CHECK_FILE
        model.save(path, meta=meta)
        path.with_suffix(".json").write_text(json.dumps(meta, indent=1))
        self.stdout.write(f"refuse at P(not a digit) >= {refuse_at:.4f}: writers 17-20 refused "
                          f"{meta['tuning']['real_refused']:.2%}, generated non-digits refused "
                          f"{meta['tuning']['generated_refused']:.2%}; wrote {path}")
