"""Content negotiation that answers in the view's first format when the client accepts none of them.

The API speaks JSON (the schema also YAML): a client sending `Accept: text/html` gets JSON rather than a
406, and never the browsable API.
"""
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class FirstFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
