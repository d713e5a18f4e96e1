"""Thin DRF view of visitor feedback: the visitor who drew it says what it really is."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_errors import ApiError
from digitsite.visitors import known_visitor
from recognizer.serializers import ErrorResponse

from .models import Submission
from .serializers import FeedbackRequest, LabelResponse
from .services import submission_feedback


def submission_or_404(submission_id: int) -> Submission:
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        raise ApiError("submission_not_found", "There is no drawing with this id.", status.HTTP_404_NOT_FOUND)
    return submission


class FeedbackView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=FeedbackRequest, summary="Say what a drawing really is (once, by the visitor who drew it)",
                   parameters=[OpenApiParameter("submission_id", int, OpenApiParameter.PATH)],
                   responses={201: LabelResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse,
                              409: ErrorResponse})
    def post(self, request, submission_id: int):
        submission = submission_or_404(submission_id)
        form = FeedbackRequest(data=request.data)
        form.is_valid(raise_exception=True)
        label = submission_feedback(submission=submission, visitor=known_visitor(request), **form.validated_data)
        return Response(LabelResponse(label).data, status=status.HTTP_201_CREATED)
