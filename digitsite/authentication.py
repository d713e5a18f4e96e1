"""Session authentication that checks CSRF on every unsafe request that carries the session or visitor cookie.

DRF's SessionAuthentication checks it only for logged-in users, so a cross-site form could act for an
anonymous visitor (send feedback on their drawing). Here any request with the session cookie or the visitor's
cookie is checked, logged in or not; API clients that send neither have nothing to forge and are not checked.
"""
from django.conf import settings
from rest_framework import authentication, exceptions

from digitsite import visitors


class CsrfFailed(exceptions.PermissionDenied):
    """403 csrf_failed in the one error shape (digitsite.api_errors maps it)."""


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        cookies = request._request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or visitors.COOKIE in cookies:
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
