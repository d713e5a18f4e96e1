"""python manage.py train_operators: the operator reader beside the digit reader, weights/operators.npz."""
import json
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitsite.hashing import sha256_of
from recognizer import operator_data, operators, pen_data, synthetic_drawings as cr
from recognizer.operator_data import REPLAY_FILE

DEVSETS = Path(settings.BASE_DIR).parent / "shared" / "devsets"


class Command(BaseCommand):
    help = ("Train the operator reader on expressions of pen digits (training writers) and operators (the MDAS "
            "train split and our stroke generator) cut by the real read path; report it on held-out writers.")

    def add_arguments(self, parser):
        parser.add_argument("--drawings", type=int, default=6000, help="generated drawings to learn from")
        parser.add_argument("--writers", default="1-20", help="pen writers whose digits train (never 21-30)")
        parser.add_argument("--hold-out-writers", default="", help="writers to measure on instead, e.g. 17-20")
        parser.add_argument("--arch", choices=["mlp", "cnn"], default="mlp")
        parser.add_argument("--epochs", type=int, default=20)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--version", default="operators-1", help="the version name the weights carry")
        parser.add_argument("--data", type=Path, default=None, help="keep the cut pieces here (reused when there)")
        parser.add_argument("--out", type=Path, default=None, help="default WEIGHTS_DIR/operators.npz")
        parser.add_argument("--replay-per-class", type=int, default=1200,
                            help="training pieces per class kept beside the weights for retraining to replay")

    def handle(self, *args, drawings, writers, hold_out_writers, arch, epochs, seed, version, data, out,
               replay_per_class, **options):
        pen_file, mdas_file = DEVSETS / "pendigits_train.npz", DEVSETS / "mdas_operators.npz"
        if not pen_file.exists() or not mdas_file.exists():
            raise CommandError(f"needs {pen_file} and {mdas_file}")
        held = pen_data.parse_writers(hold_out_writers)
        chosen = [w for w in pen_data.parse_writers(writers) if w not in held]
        if set(chosen) & set(pen_data.MEASURE_WRITERS):
            raise CommandError("writers 21-30 only measure")
        pen = cr.load_pendigits(pen_file)
        images, symbols = operator_data.load_mdas(mdas_file, ("train",))
        if data and data.exists():
            with np.load(data, allow_pickle=False) as f:
                train = {k: f[k] for k in ("x", "geometry", "y")}
        else:
            sources = operator_data.Sources(pen, np.flatnonzero(np.isin(pen.writers, chosen)), images, symbols,
                                            np.random.default_rng(seed + 1000))
            train = operator_data.build_set(sources, drawings=drawings, seed=seed, on_drawing=self._progress)
            if data:
                data.parent.mkdir(parents=True, exist_ok=True)
                np.savez_compressed(data, **train)
        self.stdout.write(f"{len(train['y'])} pieces: " + ", ".join(
            f"{c} {n}" for c, n in zip(operators.CLASSES, np.bincount(train["y"], minlength=len(operators.CLASSES)))))
        network = operator_data.train_reader(train, arch=arch, epochs=epochs, seed=seed,
                                             on_epoch=lambda e, loss: self.stdout.write(f"epoch {e}: loss {loss:.4f}"))
        meta = {"version": version, "classes": list(operators.CLASSES),
                "trained_on": {"pen_writers": pen_data.writers_text(chosen), "pen_sha256": sha256_of(pen_file),
                               "mdas_split": "train", "mdas_images": int(len(images)),
                               "mdas_sha256": sha256_of(mdas_file), "mdas_source": operator_data.MDAS_ATTRIBUTION,
                               "stroke_generator_seed": seed + 1000, "drawings": drawings, "drawing_seed": seed,
                               "pieces": int(len(train["y"]))},
                "arch": arch, "epochs": epochs}
        if held:
            meta["held_out"] = self._held_out(pen, held, seed, network, data)
        path = out or Path(settings.WEIGHTS_DIR) / operators.OPERATOR_FILE
        network.save(path, meta=meta)
        path.with_suffix(".json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
        replay = path.with_name(REPLAY_FILE)
        operator_data.save_replay(train, replay, per_class=replay_per_class, seed=seed)
        self.stdout.write(f"wrote {path} and {replay}")

    def _held_out(self, pen, held, seed, network, data) -> dict:
        """Per-class accuracy on the final pieces of drawings of held-out writers' digits, with MDAS train images and
        our generator with another seed (the segmentation told the truth)."""
        cached = data.with_name(f"{data.stem}-held.npz") if data else None
        if cached and cached.exists():
            with np.load(cached, allow_pickle=False) as f:
                test = {k: f[k] for k in ("x", "geometry", "y")}
        else:
            images, symbols = operator_data.load_mdas(DEVSETS / "mdas_operators.npz", ("train",))
            sources = operator_data.Sources(pen, np.flatnonzero(np.isin(pen.writers, held)), images, symbols,
                                            np.random.default_rng(seed + 2000))
            test = operator_data.build_set(sources, drawings=600, seed=seed + 1, candidates=False)
            if cached:
                np.savez_compressed(cached, **test)
        read = network.predict_proba(operators.features(network, test["x"].astype(np.float32) / 255,
                                                        test["geometry"]))
        figures = {"writers": pen_data.writers_text(held)}
        for k, name in enumerate(operators.CLASSES):
            mine = test["y"] == k
            figures[name] = round(float((read[mine].argmax(1) == k).mean()), 4) if mine.any() else None
        self.stdout.write(f"held out: {figures}")
        return figures

    def _progress(self, n, total):
        if n % 500 == 0 or n == total:
            self.stdout.write(f"  {n}/{total} drawings")
