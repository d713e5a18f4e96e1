"""The learning loop, measured: pen-drawn digits go through the API, staff label half, a retrain learns them.

Run by hand (needs ../shared/devsets/pendigits_train.npz, MNIST in var/data and the shipped weights):
    .venv/bin/python bench/learning_loop.py --writers 21-30 --labelled 400 [--splits 3] [--weights FILE.npz]

The writers' digits are rendered as canvas drawings (random canvas, size, position, pen width, encoding) and
posted to POST /api/recognize/. --labelled N of them, at random, are labelled by a staff user (their true digit,
as staff reviewing the queue would); the others are never labelled and are what we measure. Then one
retraining run (the service `manage.py retrain` uses, in this process) fine-tunes the active network on
MNIST + the labelled drawings, and the candidate reads the measured ones again (from the 28x28 inputs stored
for them). With --splits S the whole thing runs S times (seeds 0..S-1, each in a process of its own) and the
means are printed. The shipped pen inputs replayed in training leave out the measured writers.

Tune on writers 11-20 with --weights var/models/cnn-fold10-finish.npz (README, Retraining); report on writers
21-30 with the shipped weights. RETRAIN_* environment variables override the settings.

All in throwaway copies (a temporary database, media and weights folder). With --copies N each labelled digit
is drawn N times; --labelled more than the writers have digits draws them again too, which is how to time a
run on 10,000 drawings (then the gate's holdout has siblings in training); --oracle is an upper bound (README).

Targets (--copies 1, writers 21-30): errors fixed >= 50% with 400 labelled, >= 60% with 800; MNIST test down by
at most 0.1 point and promoted; a run on MNIST + 10k drawings within 10 minutes on 2 cores.
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
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
    parser.add_argument("--writers", default="21-30", help="pendigits writers, e.g. 17-20 or 1-30")
    parser.add_argument("--labelled", type=int, default=400, help="digits labelled (and trained on)")
    parser.add_argument("--copies", type=int, default=1, help="drawings of each labelled digit")
    parser.add_argument("--epochs", type=int, default=None, help="default RETRAIN_EPOCHS")
    parser.add_argument("--seed", type=int, default=0, help="the labelled/measured split and the renderings")
    parser.add_argument("--splits", type=int, default=1, help="run seeds 0..S-1 and print the means")
    parser.add_argument("--weights", type=Path, default=ROOT / "weights" / "cnn.npz", help="the starting weights")
    parser.add_argument("--json", type=Path, default=None, help="write this split's figures here")
    parser.add_argument("--oracle", action="store_true", help="label the measured digits too (an upper bound)")
    return parser.parse_args()


def isolate(args) -> Path:
    """Points Django at a temporary database, media and weights folder before it starts."""
    tmp = Path(tempfile.mkdtemp(prefix="learning-loop-"))
    (tmp / "weights").mkdir()
    if not args.weights.exists():
        sys.exit(f"no {args.weights}: train or fetch the weights first")
    shutil.copy(args.weights, tmp / "weights" / f"{args.arch}.npz")
    pen = ROOT / "weights" / "pen_inputs.npz"
    if pen.exists():  # replay only writers that are not the ones measured here
        with np.load(pen, allow_pickle=False) as z:
            keep = ~np.isin(z["writer"], parse_writers(args.writers))
            np.savez(tmp / "weights" / pen.name, x=z["x"][keep], y=z["y"][keep], writer=z["writer"][keep])
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "digitsite.settings.local", "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"), "WEIGHTS_DIR": str(tmp / "weights"), "SERVED_ARCH": args.arch,
        "REDIS_URL": "", "DEBUG": "false", "API_THROTTLE_RATE": "1000000/min", "LOG_LEVEL": "WARNING",
        "NUMBERS_API_URL": "http://127.0.0.1:9"})        # facts are not measured here; never reach another host
    if args.epochs:
        os.environ["RETRAIN_EPOCHS"] = str(args.epochs)
    return tmp


def parse_writers(text: str) -> list[int]:
    writers = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        writers += range(int(lo), int(hi or lo) + 1)
    return writers


FIGURES = ["before", "after", "before_errors", "after_errors", "fixed", "broken", "errors_fixed", "mnist_before",
           "mnist_after", "promoted", "wall_s", "training_s", "holdout_b", "holdout_c"]


def splits(args) -> int:
    """Runs one process per seed and prints each split's figures and their means."""
    rows = []
    for seed in range(args.splits):
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        argv, i = sys.argv[1:], sys.argv[1:].index("--splits")
        del argv[i:i + 2]
        subprocess.run([sys.executable, __file__, *argv, "--seed", str(seed), "--json", str(out)], check=False)
        rows.append(json.loads(out.read_text()))
        print(f"split {seed}: " + " ".join(f"{k}={rows[-1][k]}" for k in FIGURES), flush=True)
    mean = {k: float(np.mean([r[k] for r in rows])) for k in FIGURES}
    print(f"\nmean of {len(rows)} splits, writers {args.writers}, {args.labelled} labelled x{args.copies}, weights "
          f"{args.weights}: accuracy before {mean['before']:.4f} after {mean['after']:.4f}; errors fixed "
          f"{mean['errors_fixed']:.1%} ({mean['fixed']:.1f} of {mean['before_errors']:.1f}, {mean['broken']:.1f} new); "
          f"MNIST {mean['mnist_before']:.4f} -> {mean['mnist_after']:.4f}; promoted {mean['promoted']:.0%}; "
          f"wall {mean['wall_s']:.0f} s (training {mean['training_s']:.0f} s)")
    print("settings: " + " ".join(f"{k}={v}" for k, v in rows[-1]["settings"].items()))
    return 0


def main() -> int:
    args = parse_args()
    if not DEVSET.exists():
        sys.exit(f"{DEVSET} is missing: this bench needs the shared development sets")
    if args.splits > 1:
        return splits(args)
    tmp = isolate(args)

    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Permission, User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from digitsite.progress import ProgressBar
    from recognizer import synthetic_drawings as cr
    from recognizer import weights_store
    from submissions.models import Submission
    from submissions.services import submission_relabel
    from training.runs import execute_run, retrain_request

    setup_test_environment()
    call_command("migrate", verbosity=0)
    pen = cr.load_pendigits(DEVSET)
    rng = np.random.default_rng(args.seed)
    population = rng.permutation(np.flatnonzero(np.isin(pen.writers, parse_writers(args.writers))))
    labelled = np.concatenate([population] + [rng.permutation(population)
                                              for _ in range(args.labelled // len(population))])[:args.labelled]
    measured = population[args.labelled:].tolist()
    labelled = labelled.tolist()

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

    def label(answer: dict, digit: int) -> None:     # as staff reviewing the queue would
        submission_relabel(submission=Submission.objects.get(pk=answer["submission_id"]), label=str(digit), by=staff)

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
        label(answer, pen.labels[i])
    held_back = []
    for n, i in enumerate(measured):
        answer = post(*draw(i, n))
        bar.update(len(jobs) + n + 1)
        held_back.append((answer["submission_id"] if answer else None, str(pen.labels[i]),
                          answer["number"] if answer else "<refused>"))
        if args.oracle and answer:
            label(answer, pen.labels[i])
    bar.close()
    posting_seconds = time.perf_counter() - started

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

    # the candidate, promoted or not, reads the measured drawings' stored inputs (a split drawing stays as read)
    candidate = weights_store.load_network(run.candidate)[0] if run.candidate else None
    after = []
    for submission_id, _, before in held_back:
        s = Submission.objects.filter(pk=submission_id).first() if submission_id else None
        if candidate is None or s is None or s.digit_count != 1:
            after.append(before)
        else:
            after.append(str(int(candidate.predict_proba(s.input_bytes() / 255).argmax(1)[0])))
    before_wrong = sum(before != truth for _, truth, before in held_back)
    after_wrong = sum(a != truth for a, (_, truth, _) in zip(after, held_back))
    fixed = sum(before != truth and a == truth for a, (_, truth, before) in zip(after, held_back))
    broken = sum(before == truth and a != truth for a, (_, truth, before) in zip(after, held_back))
    total, measured_count = max(len(held_back), 1), len(held_back)
    mb, ma = run.metrics_before, run.metrics_after or {}

    print(f"\nlearning loop: {args.arch}, writers {args.writers}, {len(labelled)} digits labelled "
          f"(x{args.copies} drawings), {measured_count} digits measured; folder {tmp}")
    print(f"drawings posted through the API: {len(jobs) + measured_count} in {posting_seconds:.0f} s; the labelled "
          f"ones read right before retraining: {labelled_right}/{labelled_posted}")
    print(f"labelled digits: trained on {run.drawing_train_count}, holdout {run.holdout_count}; MNIST train "
          f"{run.mnist_train_count}\nrun {run.pk}: {run.status} {run.reason}")
    print(f"run wall time: {wall:.0f} s (training {run.candidate.metrics['training_seconds'] if run.candidate else '-'}"
          f" s, {run.options['epochs']} epoch(s))\nmeasured digits, accuracy: before {1 - before_wrong / total:.4f} "
          f"({before_wrong} errors), after {1 - after_wrong / total:.4f} ({after_wrong} errors)")
    print(f"errors fixed: {fixed} of {before_wrong} = {fixed / max(before_wrong, 1):.2%} (target >= 50% with 400 "
          f"labelled, >= 60% with 800); new errors: {broken}")
    if ma:
        change = (ma["mnist_test_accuracy"] - mb["mnist_test_accuracy"]) * 100
        print(f"MNIST test: before {mb['mnist_test_accuracy']:.4f}, after {ma['mnist_test_accuracy']:.4f} "
              f"({change:+.2f} point; target: down at most 0.10)")
    tuned = {name: getattr(settings, name) for name in settings.__dir__() if name.startswith("RETRAIN_")
             and name.split("_", 1)[1] not in ("SCHEDULE_ARCH", "SCHEDULE_CRONTAB", "PROGRESS_SECONDS", "STALE_SECONDS")}
    print("settings: " + " ".join(f"{k}={v}" for k, v in tuned.items()))
    if args.json:
        counts = re.search(r"b=(\d+), only the candidate on c=(\d+)", run.reason or "")
        args.json.write_text(json.dumps({
            "before": 1 - before_wrong / total, "after": 1 - after_wrong / total, "before_errors": before_wrong,
            "after_errors": after_wrong, "fixed": fixed, "broken": broken,
            "errors_fixed": fixed / max(before_wrong, 1), "mnist_before": mb.get("mnist_test_accuracy"),
            "mnist_after": ma.get("mnist_test_accuracy"), "promoted": run.status == "succeeded", "wall_s": wall,
            "training_s": run.candidate.metrics["training_seconds"] if run.candidate else 0,
            "holdout_b": int(counts[1]) if counts else 0, "holdout_c": int(counts[2]) if counts else 0,
            "reason": run.reason, "settings": tuned}))
    return 0 if run.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
