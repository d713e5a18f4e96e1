"""Visitor identity: a random id in a signed cookie, made by the first stored drawing, never by reading a page.

Reading it is a signature check, not a database query (the id used to live in the session: a read per request).
Ids kept in sessions by earlier versions are still read while such a session lasts.
"""
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "visitor"
SALT = "digitsite.visitors"
MAX_AGE = 365 * 24 * 3600
SESSION_KEY = "visitor"        # where earlier versions kept it


def known_visitor(request: HttpRequest) -> str | None:
    """The visitor's id if they have one; never creates a session or a cookie (pages and GETs use this)."""
    visitor = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE)
    if visitor is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
        visitor = request.session.get(SESSION_KEY)
    return visitor


def visitor_for_storing(request: HttpRequest) -> str:
    """The id to store a drawing under: the visitor's own, or a new one that `remember_visitor` keeps once the
    drawing is stored (a refused drawing sets no cookie). It survives login and logout."""
    return known_visitor(request) or uuid.uuid4().hex


def remember_visitor(request: HttpRequest, response: HttpResponse, visitor: str) -> None:
    """Sets the visitor's cookie on the response unless the request carried it already."""
    if request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE) != visitor:
        response.set_signed_cookie(COOKIE, visitor, salt=SALT, max_age=MAX_AGE, httponly=True, samesite="Lax",
                                   secure=settings.SESSION_COOKIE_SECURE)
