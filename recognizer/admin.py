"""The admin of model versions: which one is served, their figures, activate and roll back."""
from django.conf import settings
from django.contrib import admin, messages

from digitsite.charts import confusion_svg, percent

from . import serving
from .models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "arch", "is_active", "rejected", "mnist", "holdout", "created_at", "activated_at",
                    "trained_by")
    list_filter = ("arch", "is_active", "rejected")
    search_fields = ("version",)
    actions = ["activate_version", "roll_back"]
    readonly_fields = ("version", "arch", "is_active", "rejected", "file", "sha256", "created_at", "activated_at",
                       "mnist", "holdout", "trained_by", "confusion_picture", "metrics")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "change" is the permission to activate and roll back; the fields themselves are never edited
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="MNIST test")
    def mnist(self, version):
        return percent(version.metrics.get("mnist_test_accuracy"))

    @admin.display(description="holdout")
    def holdout(self, version):
        if not version.metrics.get("holdout_count"):
            return "–"
        return f"{percent(version.metrics['holdout_accuracy'])} of {version.metrics['holdout_count']}"

    @admin.display(description="trained by")
    def trained_by(self, version):
        run = version.metrics.get("run")  # the retraining run that wrote it; shipped weights have none
        return "shipped" if run is None else f"run {run}"

    @admin.display(description="confusion on MNIST test")
    def confusion_picture(self, version):
        confusion = version.metrics.get("confusion")
        return confusion_svg(confusion) if confusion else "–"

    @admin.action(description="Activate this version (serve it)", permissions=["change"])
    def activate_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.WARNING)
            return
        try:
            version = serving.activate(queryset.get())
        except serving.VersionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{version.version} is now served; web processes switch within "
                                   f"{settings.SERVING_CHECK_SECONDS:g} s.", messages.SUCCESS)

    @admin.action(description="Roll back: serve the version before the active one", permissions=["change"])
    def roll_back(self, request, queryset):
        for arch in sorted(set(queryset.values_list("arch", flat=True))):
            try:
                version = serving.rollback(arch)
            except serving.VersionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(request, f"Rolled back {arch}: {version.version} is now served.", messages.SUCCESS)
