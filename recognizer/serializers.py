"""Request and response shapes of the recognition API."""
from rest_framework import serializers

from facts.models import NumberFact
from facts.serializers import FactSerializer


class RecognizeRequest(serializers.Serializer):
    image = serializers.CharField(trim_whitespace=True, allow_blank=False,
                                  help_text="A data URL (data:image/png;base64,...) or bare base64 of PNG, JPEG or WebP")
    fact_type = serializers.ChoiceField(choices=NumberFact.Kind.values, default="trivia", required=False)


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


class ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorResponse(serializers.Serializer):
    error = ErrorBody()


class ModelInfoSerializer(serializers.Serializer):
    arch = serializers.CharField()
    version = serializers.CharField()
    served = serializers.BooleanField(help_text="whether /api/recognize/ uses this model")
    metrics = serializers.DictField(help_text="MNIST test accuracy, confusion matrix, training time, seed, ...")


class ModelsResponse(serializers.Serializer):
    models = ModelInfoSerializer(many=True)
