"""Django's error views: JSON in the one error shape under /api/, a plain page elsewhere, never a traceback.

They answer whatever DRF's exception handler does not see: URLs that match nothing (or an id the URL
converter refuses), bodies Django refuses while reading them (too many fields), CSRF failures of plain
Django views, and exceptions raised outside a view, such as a middleware saving the session while the
database is down (503 then, not 500).
"""
import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
UNAVAILABLE = ("unavailable", "The site cannot reach its database right now; try again shortly.")
PAGES = {
    400: "Bad request.",
    403: "You may not do this.",
    404: "There is nothing here.",
    500: "Something went wrong on our side; try again later.",
    503: "The site is busy or partly down; try again shortly.",
}


def error_answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return HttpResponse(f"{status}: {PAGES[status]}\n", status=status, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return error_answer(request, 400, "invalid_request", "The request could not be read.")


def permission_denied(request, exception=None):
    return error_answer(request, 403, "permission_denied", "You may not do this.")


def not_found(request, exception=None):
    return error_answer(request, 404, "not_found", "Not found.")


def server_error(request):
    if isinstance(sys.exc_info()[1], DatabaseError):
        return error_answer(request, 503, *UNAVAILABLE)
    return error_answer(request, 500, "server_error", PAGES[500])


def csrf_failure(request, reason=""):
    return error_answer(request, 403, "csrf_failed", "The CSRF check failed: reload the page and try again.")
