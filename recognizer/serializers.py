"""Response shapes of the recognizer's own API: the loaded models."""
from rest_framework import serializers


class ModelInfoSerializer(serializers.Serializer):
    arch = serializers.CharField()
    version = serializers.CharField()
    served = serializers.BooleanField(help_text="whether /api/recognize/ uses this model")
    metrics = serializers.DictField(help_text="MNIST test accuracy, confusion matrix, training time, seed, ...")


class ModelsResponse(serializers.Serializer):
    models = ModelInfoSerializer(many=True)
