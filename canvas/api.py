"""Thin DRF view of the canvas: POST /api/recognize/ reads a drawing, stores it and answers with a fact."""
import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_schema import ErrorResponse
from digitsite.visitors import SESSION_KEY, known_visitor
from recognizer.inputs import png_data_url
from recognizer.preprocess import decode_base64

from .serializers import RecognizeRequest, RecognizeResponse
from .services import Reading, read_drawing


class RecognizeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=RecognizeRequest, summary="Read the number in a drawing",
                   responses={201: RecognizeResponse, 400: ErrorResponse, 413: ErrorResponse, 429: ErrorResponse})
    def post(self, request):
        form = RecognizeRequest(data=request.data)
        form.is_valid(raise_exception=True)
        raw = decode_base64(form.validated_data["image"])
        # A new visitor's id goes into the session only once their drawing is stored: a refused one makes no session.
        visitor = known_visitor(request) or uuid.uuid4().hex
        reading = read_drawing(raw=raw, visitor=visitor, fact_kind=form.validated_data["fact_type"])
        if known_visitor(request) is None:
            request.session[SESSION_KEY] = visitor
        return Response(_answer(reading), status=status.HTTP_201_CREATED)


def _answer(reading: Reading) -> dict:
    result = reading.recognition
    return {
        "submission_id": reading.submission.pk,
        "number": result.number,
        "digits": [{**d.as_dict(), "input": png_data_url(d.input)} for d in result.digits],
        "model": {"arch": result.arch, "version": result.version},
        "fact": reading.fact,
    }
