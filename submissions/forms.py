"""The staff labelling form: type the number, or "x" (or the exclude button) for "not a number"."""
from django import forms

from .services import LABEL_PATTERN, LABEL_RULE

EXCLUDE_WORDS = {"x"}


class LabelForm(forms.Form):
    label = forms.CharField(required=False, max_length=16, label="Number",
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric",
                                                          "autofocus": True, "size": 10}))

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("label", "")
        cleaned["exclude"] = "exclude" in self.data or label.lower() in EXCLUDE_WORDS
        if not cleaned["exclude"] and not LABEL_PATTERN.fullmatch(label):
            self.add_error("label", f'{LABEL_RULE} Type "x" to exclude the drawing from training.')
        return cleaned
