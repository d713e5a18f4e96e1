"""Pictures in the admin of drawings: the drawing, the 28x28 inputs the network saw, its probability bars,
and the label history. Built with classes and SVG attributes only (the Content-Security-Policy allows no
style attributes); the look is in static/css/admin.css."""
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from recognizer.inputs import png_data_url
from recognizer.services import SYMBOL_CLASSES

from .models import Submission
from .services import label_history


def drawing_html(submission: Submission, *, height: int) -> SafeString:
    url = reverse("submissions:image", args=[submission.pk])
    return format_html('<img src="{}" alt="drawing #{}" loading="lazy" height="{}" class="drawing">',
                       url, submission.pk, height)


def inputs_html(submission: Submission, *, size: int = 112) -> SafeString:
    """The 28x28 images the network saw, enlarged without smoothing so each pixel shows."""
    return format_html_join(
        " ", '<img src="{}" alt="input {} of the network" width="{}" height="{}" class="network-input">',
        ((png_data_url(image), i + 1, size, size) for i, image in enumerate(submission.input_array())))


def probability_bars_html(submission: Submission) -> SafeString:
    """Per digit read (per symbol of an expression), a bar per class as wide as its probability; the most likely
    class is highlighted. The bars are SVG rectangles sized by attributes: the CSP allows no style attributes."""
    blocks = []
    for position, reading in enumerate(submission.digits, start=1):
        expression = "symbol" in reading
        classes = SYMBOL_CLASSES if expression else [str(d) for d in range(10)]
        best = max(range(len(reading["probabilities"])), key=lambda k: reading["probabilities"][k])
        rows = format_html_join(
            "", '<div class="probability"><span class="probability-digit">{}</span>'
                '<svg class="probability-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
                '<rect class="probability-track" width="100" height="10"/>'
                '<rect class="probability-fill{}" width="{}" height="10"/></svg>'
                '<span>{}</span></div>',
            ((classes[k], " chosen" if k == best else "", f"{p * 100:.1f}", f"{p:.1%}")
             for k, p in enumerate(reading["probabilities"])))
        blocks.append(format_html('<div class="probabilities"><strong>{} {}: {}</strong> ({}){}</div>',
                                  "symbol" if expression else "digit", position,
                                  reading["symbol"] if expression else reading["digit"],
                                  f'{reading["confidence"]:.1%}', rows))
    return mark_safe("".join(blocks))  # each block was built by format_html


def label_history_html(submission: Submission) -> SafeString | None:
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (f"{label.created_at:%Y-%m-%d %H:%M:%S}", label.source, label.by or "the visitor",
         "excluded" if label.excluded else label.value) for label in label_history(submission)))
    if not rows:
        return None
    return format_html("<table><thead><tr><th>when</th><th>source</th><th>by</th><th>label</th></tr></thead>"
                       "<tbody>{}</tbody></table>", rows)
