"""The one error shape as an OpenAPI component, for views to name in their `responses`."""
from rest_framework import serializers


class ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorResponse(serializers.Serializer):
    error = ErrorBody()
