"""The canvas page; the limits and choices it shows come from the apps that own them."""
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from facts.models import NumberFact
from recognizer.serving import ARCHS, ModelUnavailable, available_archs, get_model
from recognizer.services import SYMBOL_CLASSES
from submissions.models import MAX_LABEL_DIGITS, MAX_READING

from .serializers import DEFAULT_FACT_KIND


@ensure_csrf_cookie
def index(request):
    return render(request, "index.html", {"max_digits": MAX_LABEL_DIGITS, "max_reading": MAX_READING,
                                          "symbol_classes": "".join(SYMBOL_CLASSES),
                                          "fact_kinds": NumberFact.Kind.values,
                                          "default_fact_kind": DEFAULT_FACT_KIND, "compare_models": compare_models()})


def compare_models() -> list[dict]:
    """The loaded models, simplest first, with their accuracy on pen writers no model trained on (21-30)."""
    models = []
    for arch in (a for a in ARCHS if a in available_archs()):
        try:
            model = get_model(arch)
        except ModelUnavailable:
            continue
        figures = model.metrics.get("writers_21_30", {}).get(model.version, {})    # written by `evaluate --canvas`
        accuracy = figures.get("single_digits", {}).get("accuracy")
        models.append({"arch": arch, "version": model.version,
                       "accuracy": "not measured" if accuracy is None else f"{accuracy:.1%}"})
    return models
