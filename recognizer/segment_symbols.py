"""Splitting a drawing into symbols: digits as segment.py finds them, and the short marks and dots that operators
are made of (a minus, the two bars of =, the bar and dots of ÷, a multiplication dot) kept apart from them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .segment import (SHORT_PIECE, SPECK_SHARE, Piece, TooComplex, _absorb_short_pieces,
                      _component_extents, _merge_overlapping, _overlap, label_components, piece_ink,
                      stroke_components)

DOT_SHARE = 0.001          # a round mark this big (of the largest area) may be a dot of ÷ or ·; smaller is a speck
DOT_MIN_AREA = 2           # pixels at working size (a wide canvas leaves a small dot two pixels)
DOT_ASPECT = 3.0           # a dot is at most this much wider than tall, or taller than wide
DOT_FILL = 0.35            # ... and fills at least this share of its box
FAINT_INK = 0.12           # a dot this faint (a small one shrunk to working size) may still be the dot of a ÷


@dataclass(frozen=True)
class Line:
    """The line the symbols are written on: how tall its digits are and where their middle is (working pixels)."""
    height: float
    middle: float


# Asked once for all short marks and once for all lone dots: the pieces, their line, their inks, and where each
# stands ("between" symbols, "first", "last" or "alone" on its line) -> yes or no each.
IsOperator = Callable[[list[Piece], Line, list[np.ndarray], list[str]], list[bool]]


def line_of(pieces: list[Piece]) -> Line:
    tallest = max(p.height for p in pieces)
    tall = [p for p in pieces if p.height >= SHORT_PIECE * tallest]
    return Line(height=float(tallest), middle=float(np.median([(p.top + p.bottom) / 2 for p in tall])))


def find_symbols(ink: np.ndarray, *, max_pieces: int,
                 is_operator: IsOperator) -> tuple[list[Piece], np.ndarray, Line | None]:
    """Pieces of ink, one per symbol, left to right, the component labels, and the line they are written on.

    As segment.find_digits, except that a piece much shorter than the digits is first offered to `is_operator`:
    when it says yes the piece stays a symbol of its own instead of joining a digit or being dropped as noise.
    Round marks too small to be anything else are dots: one above or below a short bar joins it (÷), one
    between two symbols that `is_operator` accepts is a multiplication dot, and any other is a speck, dropped.
    A dot-sized mark is only ever offered when it stands between two symbols.
    When is_operator says no to everything, the pieces are exactly find_digits'.
    """
    labels, count = stroke_components(ink)
    if count == 0:
        return [], labels, None
    top, bottom, left, right, area = _component_extents(labels, count)
    height, width = bottom - top + 1, right - left + 1
    big = area >= SPECK_SHARE * area.max()
    round_mark = ((np.maximum(height, width) <= DOT_ASPECT * np.minimum(height, width))
                  & (area >= DOT_FILL * height * width))
    dot = ~big & round_mark & (area >= max(DOT_MIN_AREA, DOT_SHARE * area.max()))
    if max(big.sum(), dot.sum()) > max_pieces:
        raise TooComplex(int(max(big.sum(), dot.sum())))
    to_piece = lambda i: Piece(int(left[i]), int(top[i]), int(right[i]) + 1, int(bottom[i]) + 1,   # noqa: E731
                               int(area[i]), [int(i) + 1])
    pieces = _merge_overlapping([to_piece(i) for i in np.flatnonzero(big)])
    line = line_of(pieces)
    tallest = max(p.height for p in pieces)
    def offer(marks: list[Piece]) -> list[Piece]:
        if not marks:
            return []
        inks = [piece_ink(ink, labels, p) for p in marks]
        said = is_operator(marks, line, inks, [_where(p, pieces) for p in marks])
        return [p for p, yes in zip(marks, said) if yes]
    operators = offer([p for p in pieces if p.height < SHORT_PIECE * tallest
                       and (not _dot_like(p, line) or _between(p, pieces))])
    rest = [p for p in pieces if not any(p is op for op in operators)]
    digits = _absorb_short_pieces(rest) if rest else []
    operators = _join_faint_dots(ink, labels, big | dot, operators, line, max_pieces)
    symbols = _place_dots([to_piece(i) for i in np.flatnonzero(dot)], digits, operators, offer)
    return sorted(symbols, key=lambda p: (p.left + p.right) / 2), labels, line


def _join_faint_dots(ink, labels, kept: np.ndarray, operators: list[Piece], line: Line,
                     max_pieces: int) -> list[Piece]:
    """The dots of a ÷ too faint or too small once shrunk to be kept as pieces or dots (`kept`, per component):
    marks of at least FAINT_INK holding no kept ink, round and dot-sized, above or below an operator's bar. They
    are added to `labels` (after the components) to be seen."""
    bars = [k for k, s in enumerate(operators) if s.width > s.height]
    if not bars:
        return operators
    faint, n = label_components(ink >= FAINT_INK)
    if n == 0 or n > 4 * max_pieces:
        return operators
    count = len(kept)
    strong = np.zeros(n + 1, bool)
    strong[faint[np.concatenate([[False], kept])[labels]]] = True      # per pixel: is its component kept?
    top, bottom, left, right, area = _component_extents(faint, n)
    height, width = bottom - top + 1, right - left + 1
    candidates = np.flatnonzero(~strong[1:] & (np.maximum(height, width) < 0.25 * line.height)
                                & (np.maximum(height, width) <= DOT_ASPECT * np.minimum(height, width)))
    operators = list(operators)
    for j in candidates:
        dot = Piece(int(left[j]), int(top[j]), int(right[j]) + 1, int(bottom[j]) + 1, int(area[j]), [count + 1 + int(j)])
        near = [k for k in bars if _overlap(operators[k], dot) > 0 and abs(
            (operators[k].top + operators[k].bottom - dot.top - dot.bottom) / 2) < 0.5 * line.height]
        if near:
            labels[faint == j + 1] = count + 1 + int(j)
            operators[near[0]] = operators[near[0]].merged(dot)
    return operators


def _place_dots(dots: list[Piece], digits: list[Piece], operators: list[Piece], offer) -> list[Piece]:
    """Each dot joins the operator bar it sits above or below (÷), or is a symbol of its own when it stands between
    two symbols and `offer` accepts it (·); any other dot is a speck."""
    operators = list(operators)
    lone = []
    for dot in dots:
        bars = [k for k, s in enumerate(operators) if s.width > s.height and _overlap(s, dot) > 0]
        if bars:
            operators[bars[0]] = operators[bars[0]].merged(dot)
        elif not any(_overlap(s, dot) > 0 for s in digits + operators):
            lone.append(dot)
    symbols = digits + operators
    return symbols + offer([dot for dot in lone if _between(dot, symbols)])


def _where(piece: Piece, others: list[Piece]) -> str:
    centres = [(o.left + o.right) / 2 for o in others if o is not piece]
    before, after = any(c < piece.left for c in centres), any(c > piece.right for c in centres)
    return {(True, True): "between", (False, True): "first", (True, False): "last"}.get((before, after), "alone")


def _dot_like(piece: Piece, line: Line) -> bool:
    return max(piece.width, piece.height) < 0.25 * line.height


def _between(piece: Piece, others: list[Piece]) -> bool:
    """Some other symbol lies wholly to its left and another wholly to its right (a · multiplies two numbers)."""
    return (any(o.right <= piece.left for o in others if o is not piece)
            and any(o.left >= piece.right for o in others if o is not piece))
