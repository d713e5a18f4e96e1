"""Thin DRF views of a visitor's drawings: say what one really is (feedback), delete one or all of them."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from digitsite.api_errors import ApiError
from digitsite.visitors import known_visitor
from digitsite.api_schema import ErrorResponse

from .models import Submission
from .serializers import DeletedResponse, FeedbackRequest, LabelResponse
from .deletion import submission_delete, visitor_drawings_delete
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


class SubmissionView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Delete one of your drawings (its image, reading and labels)",
                   operation_id="submission_delete",
                   parameters=[OpenApiParameter("submission_id", int, OpenApiParameter.PATH)],
                   responses={204: None, 403: ErrorResponse, 404: ErrorResponse})
    def delete(self, request, submission_id: int):
        submission_delete(submission_id=submission_id, visitor=known_visitor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubmissionsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Delete all your drawings", operation_id="submissions_delete_all",
                   responses={200: DeletedResponse})
    def delete(self, request):
        return Response({"deleted": visitor_drawings_delete(visitor=known_visitor(request))})
