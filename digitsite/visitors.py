"""Visitor identity: a random id kept in the session, made by the first drawing, never by reading a page."""
import uuid

from django.http import HttpRequest

SESSION_KEY = "visitor"


def visitor_id(request: HttpRequest) -> str:
    """The visitor's id, created (with a session) when they have none yet; it survives login, unlike the
    session key. Only requests that store something for the visitor call this."""
    visitor = request.session.get(SESSION_KEY)
    if not visitor:
        visitor = request.session[SESSION_KEY] = uuid.uuid4().hex
    return visitor


def known_visitor(request: HttpRequest) -> str | None:
    """The visitor's id if they have one; never creates a session (pages and GETs use this)."""
    return request.session.get(SESSION_KEY)
