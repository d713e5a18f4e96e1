"""Request and response shapes of POST /api/recognize/."""
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from facts.models import NumberFact
from facts.serializers import FactSerializer
from recognizer.serving import ARCHS, available_archs
from recognizer.services import SYMBOL_CLASSES

DEFAULT_FACT_KIND = NumberFact.Kind.TRIVIA.value


class Base64Text(serializers.CharField):
    """A CharField without the per-character Python validators (null and surrogate characters): a drawing's
    base64 is a megabyte or more, and decode_base64 refuses anything that is not base64 in C anyway."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(
            v, (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator))]


class RecognizeRequest(serializers.Serializer):
    image = Base64Text(trim_whitespace=True, allow_blank=False,
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


class SymbolSerializer(serializers.Serializer):
    symbol = serializers.CharField(help_text='a digit "0"-"9" or an operator "+", "-", "×", "÷", "="')
    confidence = serializers.FloatField()
    probabilities = serializers.ListField(child=serializers.FloatField(),
                                          help_text=f"over {', '.join(SYMBOL_CLASSES)} (· is ×, / is ÷)")
    box = serializers.ListField(child=serializers.IntegerField(), help_text="x, y, w, h in image pixels")
    input = serializers.CharField(help_text="the 28x28 input the networks saw, as a PNG data URL")


class ReadingSerializer(serializers.Serializer):
    number = serializers.CharField(allow_null=True, help_text="a plain number's digits; an expression's result when "
                                                              "it is a whole number >= 0, else null")
    sure = serializers.BooleanField(help_text="every digit (every symbol of an expression) is at least 90% likely "
                                              "(calibrated); when false the page names the alternatives and asks")
    kind = serializers.ChoiceField(choices=["number", "expression"])
    expression = serializers.CharField(allow_null=True, help_text='what was read with + - × ÷, e.g. "12+7×3"; for '
                                                                  'a plain number, the number')
    result = serializers.CharField(allow_null=True, help_text='the exact value: "33", "3.5" or "1/3"; null when it '
                                                              'cannot be worked out')
    problem = serializers.CharField(allow_null=True, help_text='why there is no result: "division by zero", '
                                                               '"an operator needs a number on both sides", ...')
    digits = DigitSerializer(many=True, help_text="the digits read (of an expression: its digits only)")
    symbols = SymbolSerializer(many=True, help_text="every symbol read, in reading order")


class ModelReadingSerializer(ModelRefSerializer, ReadingSerializer):
    pass


class RecognizeResponse(ReadingSerializer):
    submission_id = serializers.IntegerField()
    model = ModelRefSerializer()
    fact = FactSerializer(allow_null=True)
    models = ModelReadingSerializer(many=True, required=False,
                                    help_text="with `models` in the request: each model's reading, in that order")
