"""Request and response shapes of POST /api/recognize/."""
from rest_framework import serializers

from facts.models import NumberFact
from facts.serializers import FactSerializer

DEFAULT_FACT_KIND = NumberFact.Kind.TRIVIA.value


class RecognizeRequest(serializers.Serializer):
    image = serializers.CharField(trim_whitespace=True, allow_blank=False,
                                  help_text="A data URL (data:image/png;base64,...) or bare base64 of PNG, JPEG or WebP")
    fact_type = serializers.ChoiceField(choices=NumberFact.Kind.values, default=DEFAULT_FACT_KIND, required=False)
    drawing = serializers.IntegerField(required=False, min_value=1, max_value=10**18,
                                       help_text="the submission_id a previous reading of this same drawing gave you: "
                                                 "its reading is replaced instead of a new submission stored")


class DigitSerializer(serializers.Serializer):
    digit = serializers.IntegerField()
    confidence = serializers.FloatField()
    probabilities = serializers.ListField(child=serializers.FloatField())
    box = serializers.ListField(child=serializers.IntegerField(), help_text="x, y, w, h in image pixels")
    input = serializers.CharField(help_text="the 28x28 input the network saw, as a PNG data URL")


class ModelRefSerializer(serializers.Serializer):
    arch = serializers.CharField()
    version = serializers.CharField()


class RecognizeResponse(serializers.Serializer):
    submission_id = serializers.IntegerField()
    number = serializers.CharField()
    digits = DigitSerializer(many=True)
    model = ModelRefSerializer()
    fact = FactSerializer(allow_null=True)
