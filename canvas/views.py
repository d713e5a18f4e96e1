"""The canvas page; the limits and choices it shows come from the apps that own them."""
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from facts.models import NumberFact
from submissions.models import MAX_LABEL_DIGITS

from .serializers import DEFAULT_FACT_KIND


@ensure_csrf_cookie
def index(request):
    return render(request, "index.html", {"max_digits": MAX_LABEL_DIGITS, "fact_kinds": NumberFact.Kind.values,
                                          "default_fact_kind": DEFAULT_FACT_KIND})
