"""Thin DRF view of the facts: GET /api/facts/<number>/?type=math."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_errors import ApiError

from .models import NumberFact
from .serializers import FactQuery, FactSerializer
from .services import fact_for

ERROR_CODES = {"number": "invalid_number", "type": "invalid_fact_type"}


class FactView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="A fact about a number",
                   parameters=[OpenApiParameter("type", enum=NumberFact.Kind.values, default="trivia")],
                   responses=FactSerializer)
    def get(self, request, number: str):
        query = FactQuery(data={"number": number, "type": request.query_params.get("type", NumberFact.Kind.TRIVIA)})
        if not query.is_valid():
            field, messages = next(iter(query.errors.items()))
            raise ApiError(ERROR_CODES[field], str(messages[0]))
        return Response(fact_for(number=query.validated_data["number"], kind=query.validated_data["type"]))
