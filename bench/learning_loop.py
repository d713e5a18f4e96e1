"""The learning loop, measured: pen-drawn digits go through the API, staff label half, a retrain learns them.

Run by hand (needs ../shared/devsets/pendigits_train.npz, MNIST in var/data and the shipped weights):
    .venv/bin/python bench/learning_loop.py [--arch cnn] [--writers 30] [--per-writer 250] [--copies 1] [--epochs N]

Each writer's digits are rendered as canvas drawings (random canvas, size, position, pen width, encoding) and
posted to POST /api/recognize/. Half of each writer's digits are labelled by a staff user (their true digit,
as staff reviewing the queue would); the other half is never labelled and is what we measure. Then one
retraining run (the service `manage.py retrain` uses, in this process) fine-tunes the active network on
MNIST + the labelled drawings, and the other half is read again.

Everything happens in throwaway copies (a temporary SQLite database, media and weights folder): the site's
own database and weights are untouched. With --copies N each labelled digit is drawn N times (a writer
drawing the same digit again), which is how to reach 10k training drawings for the timing target; the
gate's holdout then has siblings in training, so only the measured half is a fair test.

Targets: at least half of the errors on the measured half fixed; MNIST test down by at most 0.1 point; a
promotable cnn retrain on MNIST + 10k drawings within 10 minutes on 2 cores.
"""
import argparse
import base64
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devsets" / "pendigits_train.npz"
MIME = {"jpeg_white": "image/jpeg", "webp_white": "image/webp", "png_transparent": "image/png", "png_dark": "image/png"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="cnn", choices=["cnn", "mlp"])
    parser.add_argument("--writers", type=int, default=30, help="how many of the 30 writers")
    parser.add_argument("--per-writer", type=int, default=250, help="digits per writer (half labelled)")
    parser.add_argument("--copies", type=int, default=1, help="drawings of each labelled digit")
    parser.add_argument("--epochs", type=int, default=None, help="default RETRAIN_EPOCHS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", type=Path, default=ROOT / "weights", help="folder with the starting weights")
    return parser.parse_args()


def isolate(args) -> Path:
    """Points Django at a temporary database, media and weights folder before it starts."""
    tmp = Path(tempfile.mkdtemp(prefix="learning-loop-"))
    (tmp / "weights").mkdir()
    for f in args.weights.glob(f"{args.arch}.*"):
        shutil.copy(f, tmp / "weights" / f.name)
    if not (tmp / "weights" / f"{args.arch}.npz").exists():
        sys.exit(f"no {args.arch}.npz in {args.weights}: train or fetch the shipped weights first")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "digitsite.settings.local", "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"), "WEIGHTS_DIR": str(tmp / "weights"), "SERVED_ARCH": args.arch,
        "REDIS_URL": "", "DEBUG": "false", "API_THROTTLE_RATE": "1000000/min", "LOG_LEVEL": "WARNING",
        "NUMBERS_API_URL": "http://127.0.0.1:9"})        # facts are not measured here; never reach another host
    if args.epochs:
        os.environ["RETRAIN_EPOCHS"] = str(args.epochs)
    return tmp


def main() -> int:
    args = parse_args()
    if not DEVSET.exists():
        sys.exit(f"{DEVSET} is missing: this bench needs the shared development sets")
    tmp = isolate(args)

    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Permission, User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from digitsite.progress import ProgressBar
    from recognizer import canvas_render as cr
    from recognizer import serving
    from recognizer.services import recognize
    from submissions.models import Submission
    from submissions.services import labelled_digits, submission_relabel
    from training.runs import execute_run, retrain_request

    setup_test_environment()
    call_command("migrate", verbosity=0)
    pen = cr.load_pendigits(DEVSET)
    rng = np.random.default_rng(args.seed)
    labelled, measured = [], []
    for writer in sorted(set(pen.writers.tolist()))[:args.writers]:
        mine = rng.permutation(np.flatnonzero(pen.writers == writer))[:args.per_writer]
        labelled += mine[: len(mine) // 2].tolist()
        measured += mine[len(mine) // 2:].tolist()

    client = Client()
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="submissions",
                                                      codename="change_submission"))

    def draw(i: int, n: int) -> tuple[bytes, str]:
        encoding = cr.ENCODINGS[n % len(cr.ENCODINGS)]
        ink = cr.render_number([pen.strokes[i]], canvas=cr.random_canvas(rng), rng=rng)
        return cr.encode(ink, encoding), encoding

    def post(raw: bytes, encoding: str) -> dict | None:
        body = {"image": f"data:{MIME[encoding]};base64," + base64.b64encode(raw).decode()}
        response = client.post("/api/recognize/", json.dumps(body), content_type="application/json")
        return response.json() if response.status_code == 201 else None

    started = time.perf_counter()
    jobs = [(i, copy) for copy in range(args.copies) for i in labelled]
    bar = ProgressBar(len(jobs) + len(measured), label="drawing and posting ")
    labelled_right = labelled_posted = 0
    for n, (i, _) in enumerate(jobs):
        answer = post(*draw(i, n))
        bar.update(n + 1)
        if answer is None:
            continue
        labelled_posted += 1
        labelled_right += answer["number"] == str(pen.labels[i])
        submission_relabel(submission=Submission.objects.get(pk=answer["submission_id"]), label=str(pen.labels[i]),
                           by=staff)
    held_back = []
    for n, i in enumerate(measured):
        raw, encoding = draw(i, n)
        answer = post(raw, encoding)
        bar.update(len(jobs) + n + 1)
        held_back.append((raw, str(pen.labels[i]), answer["number"] if answer else "<refused>"))
    bar.close()
    posting_seconds = time.perf_counter() - started
    x, _, _ = labelled_digits(include_visitor_labels=False)

    run = retrain_request(arch=args.arch, trigger="command", foreground=True, epochs=args.epochs)
    run_bar, shown = None, set()

    def show(r):
        nonlocal run_bar
        p = r.progress
        if "steps" in p and p["step"] not in shown:
            shown.add(p["step"])
            run_bar = run_bar or ProgressBar(p["steps"], label=f"retraining {args.arch} ")
            run_bar.update(p["step"], f"loss {p['loss']:.4f} acc {p['accuracy']:.4f} {p['images_per_s']} img/s")
    run = execute_run(run_id=run.pk, on_progress=show)
    if run_bar:
        run_bar.close()
    wall = (run.finished_at - run.created_at).total_seconds()

    serving.forget_loaded_models()
    after = [recognize(raw).number if run.status == "succeeded" else before for raw, _, before in held_back]
    before_wrong = sum(before != truth for _, truth, before in held_back)
    after_wrong = sum(a != truth for a, (_, truth, _) in zip(after, held_back))
    fixed = sum(before != truth and a == truth for a, (_, truth, before) in zip(after, held_back))
    broken = sum(before == truth and a != truth for a, (_, truth, before) in zip(after, held_back))
    total = len(held_back)
    mb, ma = run.metrics_before, run.metrics_after or {}

    print(f"\nlearning loop: {args.arch}, {args.writers} writers, {len(labelled)} digits labelled "
          f"(x{args.copies} drawings), {total} digits measured; folder {tmp}")
    print(f"drawings posted through the API: {len(jobs) + total} in {posting_seconds:.0f} s; the labelled ones read "
          f"right before retraining: {labelled_right}/{labelled_posted}")
    print(f"labelled digits usable for training: {len(x)} (train {run.drawing_train_count}, holdout "
          f"{run.holdout_count}); MNIST train {run.mnist_train_count}")
    print(f"run {run.pk}: {run.status} {run.reason}")
    print(f"run wall time: {wall:.0f} s (training {run.candidate.metrics['training_seconds'] if run.candidate else '-'}"
          f" s, {run.options['epochs']} epoch(s))")
    print(f"measured half, accuracy: before {1 - before_wrong / total:.4f} ({before_wrong} errors), "
          f"after {1 - after_wrong / total:.4f} ({after_wrong} errors)")
    print(f"errors fixed: {fixed}, new errors: {broken}, net share of errors fixed: "
          f"{(before_wrong - after_wrong) / max(before_wrong, 1):.2%} (target >= 50%)")
    if ma:
        change = (ma["mnist_test_accuracy"] - mb["mnist_test_accuracy"]) * 100
        print(f"MNIST test: before {mb['mnist_test_accuracy']:.4f}, after {ma['mnist_test_accuracy']:.4f} "
              f"({change:+.2f} point; target: down at most 0.10)")
        if ma["holdout_count"]:
            print(f"gate holdout ({ma['holdout_count']} labelled digits never trained on): before "
                  f"{mb['holdout_accuracy']:.4f}, after {ma['holdout_accuracy']:.4f}")
    print(f"settings: RETRAIN_EPOCHS={settings.RETRAIN_EPOCHS} RETRAIN_LR={settings.RETRAIN_LR} "
          f"RETRAIN_DRAWING_SHARE={settings.RETRAIN_DRAWING_SHARE} RETRAIN_MAX_OVERSAMPLE={settings.RETRAIN_MAX_OVERSAMPLE}")
    return 0 if run.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
