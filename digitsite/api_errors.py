"""The one error shape of the API: {"error": {"code": ..., "message": ...}} with a 4xx status (503 when down)."""
import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import domain
from .authentication import CsrfFailed
from .errors import UNAVAILABLE
from .parsers import NestedTooDeeply

log = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error a view raises about the request itself: a stable code, a short message, a 4xx status.
    Services raise digitsite.domain errors instead."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: str, message: str, status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(detail=message, code=code)
        self.code, self.message, self.status_code = code, message, status_code


# Checked in order: the first class a domain error is an instance of decides its status.
DOMAIN_STATUS = (
    (domain.TooLarge, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
    (domain.Invalid, status.HTTP_400_BAD_REQUEST),
    (domain.NotAllowed, status.HTTP_403_FORBIDDEN),
    (domain.NotFound, status.HTTP_404_NOT_FOUND),
    (domain.Conflict, status.HTTP_409_CONFLICT),
    (domain.Unavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
    (domain.DomainError, status.HTTP_400_BAD_REQUEST),
)

DRF_CODES = {
    CsrfFailed: ("csrf_failed", "The CSRF check failed: reload the page and try again."),
    NestedTooDeeply: ("invalid_request", "The request body is nested too deeply."),
    exceptions.ParseError: ("invalid_request", "The request body is not valid JSON."),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Send the request as application/json."),
    exceptions.NotAuthenticated: ("not_authenticated", "Log in to do this."),
    exceptions.AuthenticationFailed: ("not_authenticated", "Log in to do this."),
    exceptions.PermissionDenied: ("permission_denied", "You may not do this."),
    exceptions.NotFound: ("not_found", "Not found."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "This method is not allowed here."),
    exceptions.Throttled: ("throttled", "Too many requests; slow down and try again shortly."),
    exceptions.NotAcceptable: ("not_acceptable", "This answer is only available as JSON."),
}


def error_response(code: str, message: str, status_code: int, headers: dict | None = None) -> Response:
    return Response({"error": {"code": code, "message": message}}, status=status_code, headers=headers)


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None and getattr(request, "accepted_renderer", None) is None:
        # Content negotiation failed or never ran (a schema view asked for text/html): errors are JSON anyway.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if isinstance(exc, ApiError):
        return error_response(exc.code, exc.message, exc.status_code)
    if isinstance(exc, domain.DomainError):
        status_code = next(code for cls, code in DOMAIN_STATUS if isinstance(exc, cls))
        return error_response(exc.code, exc.message, status_code)
    if isinstance(exc, RequestDataTooBig):
        return error_response("too_large", "The request body is over 2 MB.", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):        # e.g. a form with more than 1,000 fields
        return error_response("invalid_request", "The request could not be read.", status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DatabaseError):
        log.warning("database unavailable: %s", exc)
        return error_response(*UNAVAILABLE, status.HTTP_503_SERVICE_UNAVAILABLE, {"Retry-After": "30"})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    for cls, (code, message) in DRF_CODES.items():
        if isinstance(exc, cls):
            break
    else:
        code, message = "invalid_request", _first_message(exc.detail)
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "Allow", "WWW-Authenticate")}
    return error_response(code, message, response.status_code, headers)


def _first_message(detail) -> str:
    """A readable message out of a serializer's error tree, e.g. 'image: This field is required.'"""
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        inner = _first_message(value)
        return inner if key == "non_field_errors" else f"{key}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)
