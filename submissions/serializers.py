"""Request and response shapes of the feedback API."""
from rest_framework import serializers

from digitsite.domain import Invalid

from .labels import LABEL_RULE, clean_label, feedback_label
from .models import MAX_READING


class OptionalBooleanField(serializers.BooleanField):
    """A boolean a form may leave out too: DRF reads a field missing from a form as false (an unticked box)."""
    default_empty_html = serializers.empty


class FeedbackRequest(serializers.Serializer):
    label = serializers.CharField(required=False, max_length=MAX_READING,
                                  error_messages={"invalid": LABEL_RULE, "max_length": LABEL_RULE, "blank": LABEL_RULE},
                                  help_text="the number the visitor meant, as digits, or the expression (12+7x3)")
    correct = OptionalBooleanField(required=False, help_text="true: the number read is what was drawn")

    def validate_label(self, value: str) -> str:
        try:
            return clean_label(value)
        except Invalid as exc:
            raise serializers.ValidationError(exc.message) from None

    def validate(self, data):
        try:
            feedback_label(number="", correct=data.get("correct"), label=data.get("label"))
        except Invalid as exc:
            raise serializers.ValidationError(exc.message) from None
        return data


class LabelResponse(serializers.Serializer):
    id = serializers.IntegerField()
    submission_id = serializers.IntegerField()
    label = serializers.CharField(source="value", help_text="the number as digits, or the expression")
    source = serializers.CharField()
    number = serializers.CharField(source="submission.number", help_text="what the network read")
    correct = serializers.SerializerMethodField(help_text="the label is the number read")
    flagged = serializers.SerializerMethodField(
        help_text="the label has a different digit count from what was segmented: staff will look at it")
    created_at = serializers.DateTimeField()

    def get_correct(self, label) -> bool:
        return label.value == label.submission.number

    def get_flagged(self, label) -> bool:
        return len(label.value) != label.submission.digit_count


class DeletedResponse(serializers.Serializer):
    deleted = serializers.IntegerField(help_text="how many of your drawings were deleted")
