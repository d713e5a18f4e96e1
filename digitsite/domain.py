"""Errors services raise when a rule says no: a stable code and a short message, and no HTTP in sight.

The API's exception handler (digitsite.api_errors) is the one place that turns them into answers, picking
the status from the class; management commands and the admin show the message as it is.
"""


class DomainError(Exception):
    """A refusal the client can act on. `code` is stable (clients and tests match it); `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Invalid(DomainError):
    """The input breaks a rule (400)."""


class NotAllowed(DomainError):
    """Someone may not do this to this thing (403)."""


class NotFound(DomainError):
    """There is no such thing (404)."""


class Conflict(DomainError):
    """It was done already, or the thing is in a state that forbids it now (409)."""


class TooLarge(DomainError):
    """The input is bigger than we accept (413)."""


class Unavailable(DomainError):
    """A part the site needs is missing or down right now; try again later (503)."""
