"""The staff labelling form: type the number, or "x" (or the exclude button) for "not a number"."""
from django import forms

from digitsite.domain import Invalid

from .labels import staff_label
from .models import MAX_READING


class LabelForm(forms.Form):
    label = forms.CharField(required=False, max_length=MAX_READING, label="Number or expression",
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                          "autofocus": True, "size": 10}))

    def clean(self):
        cleaned = super().clean()
        if "exclude" in self.data:
            cleaned["exclude"] = True
            return cleaned
        try:
            value = staff_label(cleaned.get("label", ""))
        except Invalid as exc:
            self.add_error("label", exc.message)
            return cleaned
        cleaned["exclude"], cleaned["label"] = value is None, value
        return cleaned
