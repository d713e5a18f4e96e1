"""How the OpenAPI schema describes our authentication: our CSRF-checking session auth is a session cookie."""
from drf_spectacular.authentication import SessionScheme


class CsrfSessionScheme(SessionScheme):
    target_class = "digitsite.authentication.CsrfSessionAuthentication"
