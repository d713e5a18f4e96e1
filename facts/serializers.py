"""Request and response shapes of the facts API."""
import re

from rest_framework import serializers

from .models import MAX_NUMBER, NumberFact

DIGITS = re.compile(r"[0-9]{1,19}")
TYPE_MESSAGE = f"The type must be one of {', '.join(NumberFact.Kind.values)}."


class FactQuery(serializers.Serializer):
    number = serializers.CharField(trim_whitespace=False)
    type = serializers.ChoiceField(choices=NumberFact.Kind.choices, error_messages={
        "invalid_choice": TYPE_MESSAGE, "blank": TYPE_MESSAGE})

    def validate_number(self, value: str) -> int:
        if not DIGITS.fullmatch(value) or int(value) > MAX_NUMBER:
            raise serializers.ValidationError(f"The number must be a whole number from 0 to {MAX_NUMBER}.")
        return int(value)


class FactSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=0, max_value=MAX_NUMBER)
    type = serializers.ChoiceField(choices=NumberFact.Kind.choices,
                                   help_text="math where a date or year fact had to be computed")
    text = serializers.CharField()
    found = serializers.BooleanField(help_text="whether the text is a fact about the number")
    source = serializers.ChoiceField(choices=NumberFact.Source.choices)
