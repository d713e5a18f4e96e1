"""The admin of drawings: look at them, label them fast, and see how the network does against the labels."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from digitsite.charts import confusion_svg

from .admin_filters import (ConfidenceFilter, CorrectFilter, FeedbackFilter, FlaggedFilter, LabelFilter,
                            ReadDigitFilter, ReviewedFilter)
from .admin_widgets import drawing_html, inputs_html, label_history_html, probability_bars_html
from .forms import LabelForm
from .deletion import drawings_delete
from .models import DeletionReason, Label, Submission
from .services import (REVIEW_ORDER, next_for_review, review_queue, submission_accept_prediction,
                       submission_exclude, submission_relabel)
from .stats import compute_stats


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "number", "confidence", "visitor_label", "staff_label", "correct", "model_version",
                    "created_at")
    list_display_links = ("thumbnail", "number")
    list_filter = (ReadDigitFilter, LabelFilter, ReviewedFilter, CorrectFilter, ConfidenceFilter, "model_version",
                   FeedbackFilter, FlaggedFilter)
    search_fields = ("=number", "=visitor", "labels__value")
    list_per_page = 50
    actions = ("accept_prediction", "exclude_from_training")
    readonly_fields = ("number", "digit_count", "confidence", "model_version", "visitor", "created_at", "drawing",
                       "network_inputs", "probability_bars", "current_label", "label_history")
    fieldsets = (
        ("Reading", {"fields": ("drawing", "number", "digit_count", "confidence", "model_version", "visitor",
                                "created_at")}),
        ("What the network saw and thought", {"fields": ("network_inputs", "probability_bars")}),
        ("Labels", {"fields": ("current_label", "label_history")}),
    )

    def get_queryset(self, request):
        # Not super(): it orders before the annotations that the review order needs exist.
        return Submission.objects.with_labels().order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["reviewed", *REVIEW_ORDER]  # unreviewed first; those said to be wrong, then the least confident

    def has_add_permission(self, request):
        return False  # drawings only come from the canvas

    def delete_model(self, request, obj):
        """Staff deletions go through the service visitors' deletions use: rows, labels and file together."""
        drawings_delete(submissions=Submission.objects.filter(pk=obj.pk), reason=DeletionReason.STAFF)

    def delete_queryset(self, request, queryset):
        drawings_delete(submissions=queryset, reason=DeletionReason.STAFF)

    # ---- columns and read-only fields ----------------------------------------------------------

    @admin.display(description="drawing")
    def thumbnail(self, obj):
        return drawing_html(obj, height=40)

    @admin.display(description="confidence", ordering="min_confidence")
    def confidence(self, obj):
        return f"{obj.min_confidence:.0%}"

    @admin.display(description="visitor label", ordering="visitor_value")
    def visitor_label(self, obj):
        if obj.visitor_value is None:
            return None
        return format_html("{} ⚑", obj.visitor_value) if obj.flagged else obj.visitor_value

    @admin.display(description="staff label", ordering="staff_value")
    def staff_label(self, obj):
        return "excluded" if obj.staff_excluded else obj.staff_value

    @admin.display(description="correct?", boolean=True, ordering="correct")
    def correct(self, obj):
        return obj.correct

    @admin.display(description="drawing")
    def drawing(self, obj):
        return drawing_html(obj, height=200)

    @admin.display(description="28×28 inputs")
    def network_inputs(self, obj):
        return inputs_html(obj)

    @admin.display(description="probabilities")
    def probability_bars(self, obj):
        return probability_bars_html(obj)

    @admin.display(description="current label")
    def current_label(self, obj):
        if obj.current_excluded:
            return "excluded from training"
        if obj.current_value is None:
            return None
        flag = " (flagged: another digit count than was read)" if obj.flagged else ""
        return f"{obj.current_value} ({'staff' if obj.reviewed else 'visitor'}){flag}"

    @admin.display(description="history")
    def label_history(self, obj):
        return label_history_html(obj)

    # ---- bulk actions --------------------------------------------------------------------------

    @admin.action(description="Label as read (accept the prediction)", permissions=["change"])
    def accept_prediction(self, request, queryset):
        with transaction.atomic():
            for submission in queryset:
                submission_accept_prediction(submission=submission, by=request.user)
        self.message_user(request, f"Labelled {len(queryset)} drawing(s) as read.", messages.SUCCESS)

    @admin.action(description="Exclude from training (not a number)", permissions=["change"])
    def exclude_from_training(self, request, queryset):
        with transaction.atomic():
            for submission in queryset:
                submission_exclude(submission=submission, by=request.user)
        self.message_user(request, f"Excluded {len(queryset)} drawing(s) from training.", messages.SUCCESS)

    # ---- pages of their own --------------------------------------------------------------------

    def get_urls(self):
        """Its own pages, before the change view's catch-all: review/ and stats/ of the drawings, and relabel."""
        view = self.admin_site.admin_view
        return [path("review/", view(self.review_view), name="submissions_submission_review"),
                path("stats/", view(self.stats_view), name="submissions_submission_stats"),
                path("<path:object_id>/relabel/", view(self.relabel_view), name="submissions_submission_relabel"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_label": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on the drawing itself is editable; labels are saved by the relabel form of its own.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "label_form": LabelForm(),
                         "can_label": self.has_change_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_label(self, request, submission: Submission, form: LabelForm) -> Label:
        if form.cleaned_data["exclude"]:
            label = submission_exclude(submission=submission, by=request.user)
        else:
            label = submission_relabel(submission=submission, label=form.cleaned_data["label"], by=request.user)
        outcome = "excluded from training" if label.excluded else f"labelled {label.value}"
        self.message_user(request, f"#{submission.pk} (read {submission.number}) {outcome}.", messages.SUCCESS)
        return label

    def relabel_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        submission = self.get_object(request, object_id)
        if submission is None:
            raise Http404("No such drawing.")
        form = LabelForm(request.POST)
        if form.is_valid():
            self.save_label(request, submission, form)
        else:
            self.message_user(request, " ".join(form.errors["label"]), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:submissions_submission_change", args=[submission.pk]))

    def review_view(self, request):
        """One drawing at a time, least confident first: type the number and Enter, or "x" to exclude."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        review_url = reverse("admin:submissions_submission_review")
        if request.method == "POST":
            submission = self.get_object(request, request.POST.get("submission", ""))
            if submission is None:
                raise Http404("No such drawing.")
            form = LabelForm(request.POST)
            if form.is_valid():
                self.save_label(request, submission, form)
                return HttpResponseRedirect(f"{review_url}?after={submission.pk}")
        else:
            after = self.get_object(request, request.GET.get("after", ""))
            submission = next_for_review(after=after)
            form = LabelForm(initial={"label": submission.number if submission else ""})
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "Review drawings",
            "submission": submission, "form": form, "remaining": review_queue().count(),
            "review_url": review_url,
        }
        if submission is not None:
            context.update(drawing=drawing_html(submission, height=260), inputs=inputs_html(submission),
                           probabilities=probability_bars_html(submission))
        return TemplateResponse(request, "admin/submissions/review.html", context,
                                status=400 if form.is_bound else 200)

    def stats_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        stats = compute_stats()
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": "Drawings: how the network does", "stats": stats,
                   "confusion_svg": mark_safe(confusion_svg(stats.confusion))}  # built from numbers only
        return TemplateResponse(request, "admin/submissions/stats.html", context)
