"""Drawings for tests: clean hand-made pen strokes of digits, rendered the ways a canvas sends them."""
import base64

import numpy as np

from recognizer import synthetic_drawings as cr


def _ellipse(cx, cy, rx, ry, n=28, start=0.0):
    t = np.linspace(start, start + 2 * np.pi, n)
    return np.stack([cx + rx * np.sin(t), cy - ry * np.cos(t)], 1)


# Strokes in a 100-unit-tall box, y down, as a person would draw them.
DIGIT_STROKES = {
    0: [_ellipse(35, 50, 30, 48)],
    1: [np.array([[30, 15], [50, 0], [50, 100]], float)],
    2: [np.array([[5, 25], [15, 7], [35, 0], [55, 7], [63, 25], [55, 45], [0, 100], [65, 100]], float)],
    3: [np.array([[5, 10], [30, 0], [55, 10], [58, 28], [30, 47], [60, 62], [62, 85], [35, 100], [3, 92]], float)],
    4: [np.array([[45, 0], [0, 70], [70, 70]], float), np.array([[50, 35], [50, 100]], float)],
    5: [np.array([[60, 0], [10, 0], [5, 45], [35, 38], [58, 55], [60, 80], [40, 100], [5, 92]], float)],
    6: [np.array([[55, 5], [35, 0], [12, 20], [2, 60], [10, 92], [32, 100], [55, 88], [58, 65], [35, 52],
                  [12, 60], [5, 70]], float)],
    7: [np.array([[0, 0], [65, 0], [25, 100]], float)],
    8: [np.concatenate([_ellipse(32, 25, 24, 25, 20, np.pi), _ellipse(32, 74, 30, 26, 24, 0)[::-1]])],
    9: [np.concatenate([_ellipse(30, 28, 26, 27, 24, np.pi / 2)[::-1]]), np.array([[56, 28], [55, 100]], float)],
}


def strokes_for(number: str) -> list[list[np.ndarray]]:
    return [DIGIT_STROKES[int(ch)] for ch in number]


def drawing(number: str, *, encoding="png_transparent", canvas=(560, 280), seed=0, pen_share=0.1) -> bytes:
    rng = np.random.default_rng(seed)
    ink = cr.render_number(strokes_for(number), canvas=canvas, rng=rng, pen_share=pen_share)
    return cr.encode(ink, encoding)


def data_url(raw: bytes, mime="image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode()


# Operators in line units (y 0 is the top of the digits, 1 their bottom), as a person would draw them.
OPERATOR_STROKES = {
    "+": [np.array([[0.0, 0.5], [0.5, 0.5]]), np.array([[0.25, 0.25], [0.25, 0.75]])],
    "-": [np.array([[0.0, 0.5], [0.45, 0.5]])],
    "×": [np.array([[0.0, 0.3], [0.4, 0.7]]), np.array([[0.4, 0.3], [0.0, 0.7]])],
    "·": [np.array([[0.0, 0.5]])],
    "÷": [np.array([[0.0, 0.5], [0.5, 0.5]]), np.array([[0.25, 0.27]]), np.array([[0.25, 0.73]])],
    "/": [np.array([[0.0, 0.95], [0.55, 0.05]])],
    "=": [np.array([[0.0, 0.4], [0.45, 0.4]]), np.array([[0.0, 0.6], [0.45, 0.6]])],
}


def expression_ink(symbols: str, *, canvas=(800, 300), seed=0, pen_share=0.1) -> np.ndarray:
    """An expression such as "12+7×3" drawn on one line: digits of DIGIT_STROKES, operators of OPERATOR_STROKES."""
    from recognizer.expression_drawings import Item, render_expression
    items = [Item(ch, strokes=DIGIT_STROKES[int(ch)]) if ch.isdigit() else Item(ch, line_strokes=OPERATOR_STROKES[ch])
             for ch in symbols]
    return render_expression(items, canvas=canvas, rng=np.random.default_rng(seed), pen_share=pen_share)[0]


def expression_drawing(symbols: str, *, encoding="png_transparent", **kwargs) -> bytes:
    return cr.encode(expression_ink(symbols, **kwargs), encoding)
