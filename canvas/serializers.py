"""Request and response shapes of POST /api/recognize/."""
from rest_framework import serializers

from facts.models import NumberFact
from facts.serializers import FactSerializer
from recognizer.serving import ARCHS, available_archs

DEFAULT_FACT_KIND = NumberFact.Kind.TRIVIA.value


class RecognizeRequest(serializers.Serializer):
    image = serializers.CharField(trim_whitespace=True, allow_blank=False,
                                  help_text="A data URL (data:image/png;base64,...) or bare base64 of PNG, JPEG or WebP")
    fact_type = serializers.ChoiceField(choices=NumberFact.Kind.values, default=DEFAULT_FACT_KIND, required=False)
    drawing = serializers.IntegerField(required=False, min_value=1, max_value=10**18,
                                       help_text="the submission_id a previous reading of this same drawing gave you: "
                                                 "its reading is replaced instead of a new submission stored")
    models = serializers.ListField(child=serializers.ChoiceField(choices=ARCHS), required=False, max_length=len(ARCHS),
                                   help_text="also read the drawing with each of these models (compare them); the "
                                             "served model's reading stays the answer and is what is stored")

    def validate_models(self, archs: list[str]) -> list[str]:
        missing = sorted(set(archs) - set(available_archs()))
        if missing:
            raise serializers.ValidationError(f"No {', '.join(missing)} model is loaded here.")
        return list(dict.fromkeys(archs))


class AlternativeSerializer(serializers.Serializer):
    digit = serializers.IntegerField()
    probability = serializers.FloatField()


class DigitSerializer(serializers.Serializer):
    digit = serializers.IntegerField()
    confidence = serializers.FloatField()
    probabilities = serializers.ListField(child=serializers.FloatField())
    alternatives = AlternativeSerializer(many=True, help_text="the next most likely digits (at least 1% likely)")
    box = serializers.ListField(child=serializers.IntegerField(), help_text="x, y, w, h in image pixels")
    input = serializers.CharField(help_text="the 28x28 input the network saw, as a PNG data URL")


class ModelRefSerializer(serializers.Serializer):
    arch = serializers.CharField()
    version = serializers.CharField()


class ModelReadingSerializer(ModelRefSerializer):
    number = serializers.CharField()
    sure = serializers.BooleanField()
    digits = DigitSerializer(many=True)


class RecognizeResponse(serializers.Serializer):
    submission_id = serializers.IntegerField()
    number = serializers.CharField()
    sure = serializers.BooleanField(help_text="every digit is at least 90% likely (calibrated); when false the page "
                                              "names the alternatives and asks")
    digits = DigitSerializer(many=True)
    model = ModelRefSerializer()
    fact = FactSerializer(allow_null=True)
    models = ModelReadingSerializer(many=True, required=False,
                                    help_text="with `models` in the request: each model's reading, in that order")
