"""Thin DRF view of the canvas: POST /api/recognize/ reads a drawing, stores it and answers with a fact."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_schema import ErrorResponse
from digitsite.visitors import remember_visitor, visitor_for_storing
from recognizer.inputs import png_data_url
from recognizer.preprocess import decode_base64
from recognizer.services import Recognition

from .serializers import RecognizeRequest, RecognizeResponse
from .services import Reading, read_drawing


class RecognizeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=RecognizeRequest, summary="Read the number or the expression in a drawing",
                   description="Stores the drawing as a new submission (201), or, with `drawing`, as the new reading "
                               "of that submission of yours that you are still drawing on (200).",
                   responses={200: RecognizeResponse, 201: RecognizeResponse, 400: ErrorResponse,
                              403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse,
                              429: ErrorResponse})
    def post(self, request):
        form = RecognizeRequest(data=request.data)
        form.is_valid(raise_exception=True)
        raw = decode_base64(form.validated_data["image"])
        visitor = visitor_for_storing(request)
        drawing = form.validated_data.get("drawing")
        reading = read_drawing(raw=raw, visitor=visitor, fact_kind=form.validated_data["fact_type"], drawing=drawing,
                               compare=form.validated_data.get("models", []))
        response = Response(_answer(reading), status=status.HTTP_200_OK if drawing else status.HTTP_201_CREATED)
        remember_visitor(request, response, visitor)
        return response


def _answer(reading: Reading) -> dict:
    result = reading.recognition
    answer = {"submission_id": reading.submission.pk, **_reading(result),
              "model": {"arch": result.arch, "version": result.version}, "fact": reading.fact}
    if reading.compared:
        answer["models"] = [{"arch": r.arch, "version": r.version, **_reading(r)} for r in reading.compared]
    return answer


def _reading(result: Recognition) -> dict:
    evaluation = result.evaluation
    return {"number": result.number, "sure": result.sure, "kind": result.kind,
            "expression": evaluation.expression if result.kind == "expression" else result.number,
            "result": evaluation.result, "problem": evaluation.problem,
            "digits": [{**d.as_dict(), "input": png_data_url(d.input)} for d in result.digits],
            "symbols": [{**s.as_dict(), "input": png_data_url(s.input)} for s in result.symbols]}
