"""The list filters of the admin of drawings: what was read, labels, review state, confidence."""
from django.contrib import admin

CONFIDENCE_BANDS = {
    "lt50": ("under 50%", 0.0, 0.5),
    "50-80": ("50–80%", 0.5, 0.8),
    "80-95": ("80–95%", 0.8, 0.95),
    "95+": ("95% and over", 0.95, None),
}


class ReadDigitFilter(admin.SimpleListFilter):
    title = "read digit"
    parameter_name = "read_digit"

    def lookups(self, request, model_admin):
        return [(str(d), str(d)) for d in range(10)]

    def queryset(self, request, queryset):
        return queryset.filter(number__contains=self.value()) if self.value() else queryset


class LabelFilter(admin.SimpleListFilter):
    title = "label"
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return [("none", "no label"), ("excluded", "excluded")] + [(str(d), f"has a {d}") for d in range(10)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(current_value__isnull=True, current_excluded=False)
        if value == "excluded":
            return queryset.filter(current_excluded=True)
        if value:
            return queryset.filter(current_value__contains=value)
        return queryset


class YesNoFilter(admin.SimpleListFilter):
    """Filters on one boolean annotation of `Submission.objects.with_labels()`, named by parameter_name."""

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{self.parameter_name: self.value() == "yes"})
        return queryset


class ReviewedFilter(YesNoFilter):
    title = "reviewed by staff"
    parameter_name = "reviewed"


class FeedbackFilter(YesNoFilter):
    title = "visitor feedback"
    parameter_name = "has_feedback"


class FlaggedFilter(YesNoFilter):
    title = "flagged (visitor typed another digit count)"
    parameter_name = "flagged"


class CorrectFilter(YesNoFilter):
    title = "read correctly"
    parameter_name = "correct"

    def lookups(self, request, model_admin):
        return super().lookups(request, model_admin) + [("unknown", "not labelled")]

    def queryset(self, request, queryset):
        if self.value() == "unknown":
            return queryset.filter(correct__isnull=True)
        return super().queryset(request, queryset)


class ConfidenceFilter(admin.SimpleListFilter):
    title = "confidence (lowest digit)"
    parameter_name = "confidence"

    def lookups(self, request, model_admin):
        return [(key, title) for key, (title, _, _) in CONFIDENCE_BANDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in CONFIDENCE_BANDS:
            return queryset
        _, low, high = CONFIDENCE_BANDS[self.value()]
        queryset = queryset.filter(min_confidence__gte=low)
        return queryset.filter(min_confidence__lt=high) if high is not None else queryset
