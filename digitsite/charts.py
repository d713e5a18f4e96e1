"""The admin's SVG charts (a training curve, a confusion matrix), drawn by templates in templates/charts/."""
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

RIGHT, WRONG = "46,125,50", "198,40,40"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f}%"


def confusion_svg(matrix: list[list[int]], *, cell: int = 34) -> SafeString:
    """Rows are the true digits, columns what was read; each cell shaded by its share of the row."""
    margin = 44
    cells = []
    for true, row in enumerate(matrix):
        total = sum(row)
        for read, n in enumerate(row):
            share = n / total if total else 0
            x, y = margin + read * cell, margin + true * cell
            cells.append({"true": true, "read": read, "n": n, "x": x, "y": y, "text_x": x + cell // 2,
                          "text_y": y + cell // 2 + 4, "colour": RIGHT if true == read else WRONG,
                          "opacity": f"{0.08 + 0.92 * share:.3f}", "ink": "#fff" if share > 0.5 else "#222"})
    labels = [{"digit": d, "x": margin + d * cell + cell // 2, "y": margin + d * cell + cell // 2 + 4}
              for d in range(10)]
    return render_to_string("charts/confusion.svg", {
        "size": margin + 10 * cell + 8, "middle": margin + 5 * cell, "cell": cell, "cells": cells, "labels": labels,
        "column_label_y": margin - 8, "row_label_x": margin - 10})


def curve_svg(points: list[dict], *, width: int = 560, height: int = 230) -> SafeString:
    """Training loss (left scale) and accuracy (right scale, 0-100%) against epochs; points have epoch, loss and
    accuracy."""
    left, right, top, bottom = 52, width - 44, 14, height - 44
    epochs = max((p["epoch"] for p in points), default=1) or 1
    max_loss = max((p["loss"] for p in points), default=1) or 1

    def x(epoch):
        return round(left + (right - left) * epoch / epochs, 1)

    def y(fraction):
        return round(bottom - (bottom - top) * fraction, 1)

    step = 1 if epochs <= 20 else 5
    last = points[-1] if points else None
    return render_to_string("charts/curve.svg", {
        "width": width, "height": height, "left": left, "right": right, "top": top, "bottom": bottom,
        "mid_y": y(0.5), "tick_end": bottom + 4, "tick_label_y": bottom + 16, "caption_y": height - 6,
        "left_label_x": left - 6, "right_label_x": right + 6, "top_label_y": top + 4,
        "loss_points": " ".join(f"{x(p['epoch'])},{y(p['loss'] / max_loss)}" for p in points),
        "accuracy_points": " ".join(f"{x(p['epoch'])},{y(p['accuracy'])}" for p in points),
        "ticks": [{"x": x(t), "label": t} for t in range(0, int(epochs) + 1, step)],
        "max_loss": f"{max_loss:.3g}", "mid_loss": f"{max_loss / 2:.3g}",
        "last": last, "last_accuracy": percent(last["accuracy"]) if last else "",
    })
