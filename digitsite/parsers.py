"""The API's JSON parser: a body nested too deeply to parse is the client's error (400), not a crash."""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class NestedTooDeeply(ParseError):
    """JSON deeper than Python's parser can go; digitsite.api_errors gives it its own message."""


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise NestedTooDeeply() from None
