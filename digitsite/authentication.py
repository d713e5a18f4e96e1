"""Session authentication that checks CSRF on every unsafe request that carries the session cookie.

DRF's SessionAuthentication checks it only for logged-in users, so a cross-site form could act for an
anonymous visitor (send feedback on their drawing). Here any request with the session cookie is checked,
logged in or not; API clients that send no session cookie have nothing to forge and are not checked.
"""
from django.conf import settings
from rest_framework import authentication, exceptions


class CsrfFailed(exceptions.PermissionDenied):
    """403 csrf_failed in the one error shape (digitsite.api_errors maps it)."""


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        if settings.SESSION_COOKIE_NAME in request._request.COOKIES:
            self.enforce_csrf(request)
        user = getattr(request._request, "user", None)
        if not user or not user.is_active:
            return None
        return (user, None)

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None
