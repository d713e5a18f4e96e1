"""Thin DRF views of the recognizer: recognize a drawing, list the models, health."""
import base64
import io
import logging

import numpy as np
from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from PIL import Image
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_errors import ApiError
from digitsite.reachable import redis_status
from digitsite.visitors import visitor_id
from facts.services import fact_for
from submissions.services import submission_create

from . import serving
from .preprocess import DrawingError, decode_base64
from .serializers import ErrorResponse, ModelsResponse, RecognizeRequest, RecognizeResponse
from .services import recognize

log = logging.getLogger(__name__)


def png_data_url(image: np.ndarray) -> str:
    out = io.BytesIO()
    Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


class RecognizeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=RecognizeRequest, summary="Read the number in a drawing",
                   responses={201: RecognizeResponse, 400: ErrorResponse, 413: ErrorResponse, 429: ErrorResponse})
    def post(self, request):
        form = RecognizeRequest(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            raw = decode_base64(form.validated_data["image"])
            result = recognize(raw)
        except DrawingError as exc:
            raise ApiError(exc.code, exc.message, exc.status) from None
        except serving.ModelUnavailable:
            log.exception("recognition has no model")
            raise ApiError("model_unavailable", "The recognizer is not available right now; try again later.",
                           status.HTTP_503_SERVICE_UNAVAILABLE) from None
        submission = submission_create(raw=raw, image_format=result.image_format, recognition=result,
                                       visitor=visitor_id(request))
        body = {
            "submission_id": submission.pk,
            "number": result.number,
            "digits": [{**d.as_dict(), "input": png_data_url(d.input)} for d in result.digits],
            "model": {"arch": result.arch, "version": result.version},
            "fact": fact_for(number=int(result.number), kind=form.validated_data["fact_type"]),
        }
        return Response(body, status=status.HTTP_201_CREATED)


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
