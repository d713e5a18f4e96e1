"""python manage.py build_pen_inputs: the shipped weights/pen_inputs.npz from the pen-drawn development set."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recognizer import canvas_eval, pen_data, synthetic_drawings


class Command(BaseCommand):
    help = ("Render the pen digits of the training writers (1-20) as canvas drawings, read them back through "
            "the real read path, and store the 28x28 inputs (uint8, compressed) for training. Seeded.")

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=None,
                            help="pendigits_train.npz (default ../shared/devsets/pendigits_train.npz)")
        parser.add_argument("--out", type=Path, default=None, help=f"default WEIGHTS_DIR/{pen_data.PEN_INPUTS_FILE}")
        parser.add_argument("--renders", type=int, default=4, help="drawings of each digit (default 4)")
        parser.add_argument("--writers", default=pen_data.writers_text(pen_data.TRAIN_WRITERS),
                            help="writers to render, e.g. 1-20 (writers 21-30 only measure and are refused)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--stroke-jitter", action="store_true",
                            help="turn, scale and move each stroke on its own and stretch its ends")

    def handle(self, *args, source, out, renders, writers, seed, stroke_jitter, **options):
        source = source or canvas_eval.devset_path("pendigits_train.npz")
        if source is None or not Path(source).exists():
            raise CommandError("pendigits_train.npz not found: give --source (it is in ../shared/devsets)")
        writers = pen_data.parse_writers(writers)
        if set(writers) & set(pen_data.MEASURE_WRITERS):
            raise CommandError(f"writers {pen_data.writers_text(pen_data.MEASURE_WRITERS)} only measure: "
                               "they never train anything")
        out = out or Path(settings.WEIGHTS_DIR) / pen_data.PEN_INPUTS_FILE
        pen = synthetic_drawings.load_pendigits(source)

        def progress(done, total):
            if done % 500 == 0 or done == total:
                self.stdout.write(f"  {done}/{total} digits rendered")

        arrays = pen_data.build_pen_inputs(pen, writers=writers, renders=renders, seed=seed,
                                              stroke_jitter=stroke_jitter, on_sample=progress)
        sha256 = pen_data.save_pen_inputs(arrays, out)
        self.stdout.write(f"wrote {out}: {len(arrays['y'])} inputs of writers {pen_data.writers_text(writers)} "
                          f"({int(arrays['skipped'])} renders not read as one digit were left out), "
                          f"{out.stat().st_size / 1e6:.1f} MB, sha256 {sha256}")
