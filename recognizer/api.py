"""Thin DRF views of the recognizer: health and the loaded models."""
from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import serving


def _metrics_summary(metrics: dict) -> dict:
    keys = ("mnist_test_accuracy", "training_seconds", "seed", "data_hash", "epochs", "confusion")
    return {k: metrics[k] for k in keys if k in metrics}


class ModelsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The loaded models and their metrics")
    def get(self, request):
        models = []
        for arch in serving.available_archs():
            model = serving.get_model(arch)
            models.append({"arch": model.arch, "version": model.version,
                           "served": arch == serving.settings.SERVED_ARCH,
                           "metrics": _metrics_summary(model.metrics)})
        return Response({"models": models})


@extend_schema(summary="Liveness: the model is loaded and the database answers")
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
    model = serving.get_model()
    status = 200 if database == "ok" else 503
    return Response({"status": "ok" if status == 200 else "degraded", "model": model.version,
                     "database": database}, status=status)
