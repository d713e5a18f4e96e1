"""One run from start to end: load the active weights and the data, measure, train, measure again, gate, then
register the candidate and promote it or not; the operator reader likewise when there are operators to learn."""
from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from digitsite.domain import Unavailable
from recognizer import serving, weights_store
from recognizer.nn.augment import AugmentConfig
from recognizer.nn.model import from_architecture
from recognizer.nn.train import Mix, TrainConfig, fit
from recognizer.weights_store import next_version

from .data import TrainingSet, training_set
from .finetune import config_from_settings, finetune
from .gate import gate, measure
from .models import TrainingRun
from .operator_run import register, train_operator_candidate
from .progress import RunAbandoned, RunReporter
from .recall import recall_for

log = logging.getLogger(__name__)
Status = TrainingRun.Status


def carried_calibration(active_meta: dict) -> dict:
    """The active version's temperature (fitted on drawings it never trained on), kept by the fine-tuned candidate,
    so that a promotion does not undo the calibration; fine-tuning with replay moves it little."""
    return {"temperature": active_meta["temperature"]} if "temperature" in active_meta else {}


def train_candidate(active_net, data: TrainingSet, opts: dict, reporter: RunReporter):
    """Fine-tunes the active weights (finetune.py), or trains fresh ones of the same architecture on MNIST with the
    drawings in every batch. Returns the model, its per-epoch history and the configuration it trained with."""
    if opts["from_scratch"]:
        model = from_architecture(active_net.architecture(), seed=opts["seed"])
        cfg = TrainConfig(epochs=opts["epochs"], batch_size=opts["batch_size"], lr=opts["lr"],
                          min_lr=opts["lr"] / 20, seed=opts["seed"], augment=AugmentConfig())
        mix = Mix(data.x_drawings, data.y_drawings, settings.RETRAIN_SCRATCH_DRAWING_SHARE)
        history = fit(model, data.x_mnist, data.y_mnist, cfg, on_progress=reporter, mix=mix)
        return model, history, {**opts, "augment": True, "drawing_share": mix.share}
    cfg = config_from_settings(epochs=opts["epochs"], batch_size=opts["batch_size"], lr=opts["lr"], seed=opts["seed"])
    teacher = copy.deepcopy(active_net) if cfg.distill else None
    history = finetune(active_net, data, cfg, on_progress=reporter, teacher=teacher)
    return active_net, history, {**opts, **vars(cfg), "augment": True, "pen_inputs": len(data.y_pen)}


def train_run(run: TrainingRun, on_progress: Callable[[TrainingRun], None] | None = None) -> None:
    """Trains a claimed (running) run to its end; raises RunAbandoned when its row stops saying `running`."""
    opts = run.options
    reporter = RunReporter(run, opts["epochs"], on_progress)
    active = serving.active_version(run.arch)
    if active is None:
        raise Unavailable("no_weights", f"There are no {run.arch} weights to start from: no active version and no "
                                        f"{serving.shipped_path(run.arch)}.")
    active_net, active_meta = weights_store.load_network(active)
    reporter.report(base_version=active, progress={"phase": "loading data"})
    data = training_set()
    reporter.report(mnist_train_count=data.mnist_train, drawing_train_count=data.drawings_train,
                    holdout_count=len(data.y_holdout), progress={"phase": "measuring the active model"})
    before, active_right = measure(active_net, data)
    reporter.report(metrics_before={"version": active.version, **before}, progress={"phase": "training"})

    started = time.perf_counter()
    active_net.remember(None)                 # the active recall was built on the weights training now changes
    model, history, config = train_candidate(active_net, data, opts, reporter)
    model.remember(recall_for(model, data))
    config = {**config, "recall": model.recall.config() if model.recall is not None else None}
    seconds = time.perf_counter() - started
    reporter.report(progress={**run.progress, "phase": "measuring the candidate"})
    after, candidate_right = measure(model, data)
    promote, reason = gate(before, after, active_right=active_right, candidate_right=candidate_right)
    reporter.report(progress={**run.progress, "phase": "training the operator reader"})
    operator_outcome = train_operator_candidate(seed=opts["seed"])

    version = next_version(run.arch)
    metrics = {**after, "version": version, "epochs": history, "training_seconds": round(seconds, 1),
               "seed": opts["seed"], "run": run.pk, "base_version": active.version,
               "config": config}
    with transaction.atomic():
        if not TrainingRun.objects.select_for_update().filter(pk=run.pk, status=Status.RUNNING).exists():
            raise RunAbandoned()
        now_active = serving.active_version(run.arch)
        if promote and now_active != active:
            promote, reason = False, (f"{now_active} was activated during the run: this candidate was measured "
                                      f"against {active}, so it is not promoted over it")
        candidate = weights_store.store_version(model, arch=run.arch, version=version, metrics=metrics,
                                                rejected=not promote,
                                                meta={"version": version, "arch": run.arch, "run": run.pk,
                                                      **carried_calibration(active_meta)})
        if promote:
            serving.activate(candidate)
            reason = f"promoted {version}: {reason}"
        if operator_outcome is not None:
            reader, said = register(operator_outcome, run_pk=run.pk)
            reason, after = f"{reason}; {said}", {**after, "operators": operator_outcome.metrics}
            promote = promote or not reader.rejected
        TrainingRun.objects.finish(run.pk, Status.SUCCEEDED if promote else Status.REJECTED, reason=reason,
                                   candidate=candidate, metrics_after=after,
                                   progress={**run.progress, "phase": "done"})
    log.info("run %s: %s", run.pk, reason)
