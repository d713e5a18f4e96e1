"""The admin of retraining runs: "Retrain now", a run's progress, curve and confusion matrices, cancelling."""
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from digitsite.charts import confusion_svg, curve_svg, percent
from digitsite.domain import DomainError
from recognizer import serving

from .data import MNIST_MISSING, mnist_ready
from .locks import Busy
from .models import TrainingRun
from .runs import fail_run, retrain_request

TRIGGER_PERMISSION = "training.trigger_retrain"


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "arch", "status", "trigger", "created_at", "duration", "drawings", "mnist", "holdout",
                    "candidate", "reason")
    list_display_links = ("id", "arch")
    list_filter = ("status", "arch", "trigger", "executor")
    search_fields = ("reason", "error", "candidate__version")
    date_hierarchy = "created_at"
    actions = ["cancel"]
    fieldsets = [
        (None, {"fields": ("arch", "status", "reason", "trigger", "requested_by", "executor", "worker", "options")}),
        ("Data", {"fields": ("mnist_train_count", "drawing_train_count", "holdout_count")}),
        ("Training", {"fields": ("progress_text", "curve_picture")}),
        ("Measured on the same data", {"fields": ("comparison", "confusion_picture", "holdout_confusion_picture")}),
        ("Versions", {"fields": ("base_version", "candidate")}),
        ("Timings", {"fields": ("created_at", "started_at", "heartbeat_at", "finished_at", "duration")}),
        ("Error", {"fields": ("error",), "classes": ("collapse",)}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record: it is started, followed and read, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def has_trigger_permission(self, request):
        return request.user.has_perm(TRIGGER_PERMISSION)

    @admin.display(description="time")
    def duration(self, run):
        seconds = run.duration_seconds
        return "–" if seconds is None else f"{seconds // 60:.0f} min {seconds % 60:.0f} s"

    @admin.display(description="drawings (train/holdout)")
    def drawings(self, run):
        if run.drawing_train_count is None:
            return "–"
        return f"{run.drawing_train_count} / {run.holdout_count}"

    @admin.display(description="MNIST test (before → after)")
    def mnist(self, run):
        return self._before_after(run, "mnist_test_accuracy")

    @admin.display(description="holdout (before → after)")
    def holdout(self, run):
        if not run.holdout_count:
            return "–"
        return self._before_after(run, "holdout_accuracy")

    def _before_after(self, run, key):
        before, after = run.metrics_before.get(key), run.metrics_after.get(key)
        if before is None:
            return "–"
        return f"{percent(before)} → {percent(after)}" if after is not None else percent(before)

    @admin.display(description="progress")
    def progress_text(self, run):
        p = run.progress
        if not p:
            return "–"
        if "step" not in p:
            return p.get("phase", "")
        return (f"{p.get('phase', '')}: epoch {p['epoch']}/{p['epochs']}, batch {p['batch']}/{p['batches']}, "
                f"loss {p['loss']:.4f}, accuracy {percent(p['accuracy'])}, {p['images_per_s']} images/s")

    @admin.display(description="training curve")
    def curve_picture(self, run):
        if not run.curve:
            return "no training progress yet"
        return curve_svg(run.curve)

    @admin.display(description="active → candidate")
    def comparison(self, run):
        before, after = run.metrics_before, run.metrics_after
        if not before:
            return "–"
        return format_html(
            "MNIST test: {} → {} ({} digits)<br>holdout of drawings: {} → {} ({} digits)",
            percent(before.get("mnist_test_accuracy")), percent(after.get("mnist_test_accuracy")),
            before.get("mnist_count"), percent(before.get("holdout_accuracy") if before.get("holdout_count") else None),
            percent(after.get("holdout_accuracy") if after.get("holdout_count") else None), before.get("holdout_count"))

    @admin.display(description="confusion on MNIST test (candidate, else active)")
    def confusion_picture(self, run):
        confusion = (run.metrics_after or run.metrics_before).get("confusion")
        return confusion_svg(confusion) if confusion else "–"

    @admin.display(description="confusion on the holdout drawings")
    def holdout_confusion_picture(self, run):
        metrics = run.metrics_after or run.metrics_before
        if not metrics.get("holdout_count"):
            return "no labelled drawings in the holdout yet"
        return confusion_svg(metrics["holdout_confusion"])

    @admin.action(description="Cancel the selected queued or running runs", permissions=["trigger"])
    def cancel(self, request, queryset):
        by = request.user.get_username()
        cancelled = [run.pk for run in queryset if fail_run(run.pk, reason=f"cancelled by {by}")]
        self.message_user(request, f"Cancelled {len(cancelled)} run(s)." if cancelled
                          else "None of the selected runs was queued or running.")

    def get_urls(self):
        return [path("retrain/", self.admin_site.admin_view(self.retrain_view), name="training_retrain"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_retrain": self.has_trigger_permission(request),
                         "archs": serving.ARCHS, "default_arch": settings.SERVED_ARCH,
                         "default_epochs": settings.RETRAIN_EPOCHS, "has_redis": bool(settings.REDIS_URL),
                         "mnist_missing": None if mnist_ready() else MNIST_MISSING}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "refresh": run is not None and not run.finished}
        return super().change_view(request, object_id, form_url, extra_context)

    def retrain_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_trigger_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:training_trainingrun_changelist")
        arch = request.POST.get("arch", settings.SERVED_ARCH)
        try:
            epochs = int(request.POST["epochs"]) if request.POST.get("epochs") else None
            run = retrain_request(arch=arch, trigger=TrainingRun.Trigger.ADMIN, by=request.user, epochs=epochs,
                                  from_scratch=request.POST.get("from_scratch") == "on")
        except ValueError:
            self.message_user(request, "Epochs must be a whole number.", messages.ERROR)
            return HttpResponseRedirect(changelist)
        except Busy as exc:
            self.message_user(request, exc.message, messages.WARNING)
            return HttpResponseRedirect(changelist)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(changelist)
        if run.executor == "celery":
            text = f"Run {run.pk} ({run.arch}) is queued for a Celery worker."
        else:
            text = (f"Run {run.pk} ({run.arch}) is training in this web process: REDIS_URL is not set, so there "
                    "is no Celery worker.")
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:training_trainingrun_change", args=[run.pk]))
