"""Visitor identity: a random id kept in the session, made by the first stored drawing, never by reading a page."""
import uuid

from django.http import HttpRequest

SESSION_KEY = "visitor"


def known_visitor(request: HttpRequest) -> str | None:
    """The visitor's id if they have one; never creates a session (pages and GETs use this)."""
    return request.session.get(SESSION_KEY)


def visitor_for_storing(request: HttpRequest) -> str:
    """The id to store a drawing under: the visitor's own, or a new one that `remember_visitor` keeps once the
    drawing is stored (a refused drawing makes no session). It survives login, unlike the session key."""
    return known_visitor(request) or uuid.uuid4().hex


def remember_visitor(request: HttpRequest, visitor: str) -> None:
    if request.session.get(SESSION_KEY) != visitor:
        request.session[SESSION_KEY] = visitor
