"""Thin DRF views of the recognizer alone: the loaded models, and health."""
from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.reachable import redis_status

from . import serving
from .serializers import ModelsResponse


def _metrics_summary(metrics: dict) -> dict:
    keys = ("mnist_test_accuracy", "training_seconds", "seed", "data_hash", "epochs", "confusion")
    return {k: metrics[k] for k in keys if k in metrics}


class ModelsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The loaded models and their metrics", responses={200: ModelsResponse})
    def get(self, request):
        models = []
        for arch in serving.available_archs():
            model = serving.get_model(arch)
            models.append({"arch": model.arch, "version": model.version, "served": arch == settings.SERVED_ARCH,
                           "metrics": _metrics_summary(model.metrics)})
        return Response({"models": models})


@extend_schema(summary="Liveness: the model is loaded and the database answers (and whether Redis does)",
               responses={200: OpenApiResponse(description="ok"), 503: OpenApiResponse(description="degraded")})
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # the health check reports any database failure instead of raising
        database = f"error: {type(exc).__name__}"
    try:
        model = serving.get_model().version
    except serving.ModelUnavailable:
        model = None
    redis = redis_status(settings.REDIS_URL, timeout=0.25) if settings.REDIS_URL else "not configured"
    code = 200 if database == "ok" and model else 503     # the site serves without Redis: not a reason for 503
    return Response({"status": "ok" if code == 200 else "degraded", "model": model, "database": database,
                     "redis": redis}, status=code)
