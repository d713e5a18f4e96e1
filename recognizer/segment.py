"""Splitting a drawing into digits, left to right: connected components, merged into digits."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK_LEVEL = 0.35           # a pixel belongs to a stroke at this much ink
FAINT_LEVEL = 0.15         # ... or at this much when it joins such pixels (hysteresis: a light stroke stays whole)
SPECK_SHARE = 0.02         # components smaller than this share of the largest are specks, not digits
OVERLAP_TO_MERGE = 0.5     # pieces whose x-ranges overlap this much (of the narrower) are one digit
SHORT_PIECE = 0.5          # a piece under this share of the tallest piece's height is not a digit alone
JOIN_GAP = 0.35            # ... and joins a digit within this share of the tallest height, sideways
NOISE_SHARE = 0.15         # ... or, farther away and under this share of the largest area, is noise


class TooComplex(Exception):
    """More separate pieces of ink than any number we read can have."""

    def __init__(self, pieces: int):
        super().__init__(f"{pieces} pieces of ink")
        self.pieces = pieces


@dataclass
class Piece:
    """A group of connected components: one digit, or part of one while merging."""
    left: int
    top: int
    right: int          # exclusive
    bottom: int         # exclusive
    area: int
    labels: list[int]

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def merged(self, other: "Piece") -> "Piece":
        return Piece(min(self.left, other.left), min(self.top, other.top), max(self.right, other.right),
                     max(self.bottom, other.bottom), self.area + other.area, self.labels + other.labels)


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected component labels of a boolean mask (0 = background), numbered 1.. in reading order.

    Works on horizontal runs of ink: runs in neighbouring rows that touch (8-connectivity: overlapping
    once widened by a pixel) are joined, by propagating the smallest run id along those links with
    pointer jumping until nothing changes. All of it is array work; no Python loop over pixels or runs.
    """
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    run_rows, run_starts = np.nonzero(edges == 1)
    _, run_ends = np.nonzero(edges == -1)            # exclusive; same (row-major) order as the starts
    n = len(run_starts)
    labels = np.zeros((h, w), dtype=np.int32)
    if n == 0:
        return labels, 0
    # Run k in the row above touches run i when start_k <= end_i and end_k >= start_i (ends exclusive).
    width = w + 2
    start_keys = run_rows * width + run_starts
    end_keys = run_rows * width + run_ends
    first = np.searchsorted(end_keys, (run_rows - 1) * width + run_starts, side="left")
    last = np.searchsorted(start_keys, (run_rows - 1) * width + run_ends, side="right")
    counts = np.maximum(last - first, 0)
    a = np.repeat(np.arange(n), counts)
    b = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    root = np.arange(n)
    while True:
        low = np.minimum(root[a], root[b])
        new = root.copy()
        np.minimum.at(new, root[a], low)
        np.minimum.at(new, root[b], low)
        new = new[new]
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, root):
            break
        root = new
    _, compact = np.unique(root, return_inverse=True)
    run_labels = (compact + 1).astype(np.int32)
    lengths = run_ends - run_starts
    pixel_rows = np.repeat(run_rows, lengths)
    pixel_cols = np.repeat(run_starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    labels[pixel_rows, pixel_cols] = np.repeat(run_labels, lengths)
    return labels, int(compact.max() + 1)


def stroke_components(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels of the stroke pixels (at least INK_LEVEL ink), grouped by hysteresis (as Canny's thresholds): pixels
    that fainter ink (at least FAINT_LEVEL) joins are one component, so a stroke drawn lightly or thinly, whose
    ink dips between its darker parts, is one piece and not several. The faint ink only joins: it is in no
    component, so a piece's extent and its 28x28 input are what they are without it."""
    strokes = ink >= INK_LEVEL
    if FAINT_LEVEL >= INK_LEVEL:
        return label_components(strokes)
    joined, count = label_components(ink >= FAINT_LEVEL)
    has_stroke = np.zeros(count + 1, bool)
    has_stroke[joined[strokes]] = True
    has_stroke[0] = False
    renumber = (np.cumsum(has_stroke) * has_stroke).astype(np.int32)
    return np.where(strokes, renumber[joined], 0).astype(np.int32), int(has_stroke.sum())


def find_digits(ink: np.ndarray, *, max_pieces: int) -> tuple[list[Piece], np.ndarray]:
    """Pieces of ink, one per digit, sorted left to right (empty when there is no ink), and the labels.

    Components whose x-ranges overlap are one digit (the two strokes of a 4). A piece much shorter than
    the tallest is not a digit of its own: people write the digits of a number at about one height, so it
    is a broken-off stroke (the bar of a 5) and joins its nearest neighbour, or, when small and far from
    everything, a speck of noise and is dropped.

    Raises TooComplex when more than `max_pieces` pieces are left once specks are dropped: no number we read
    has that many, and refusing it here keeps the work after labelling small whatever the drawing.
    """
    labels, count = stroke_components(ink)
    if count == 0:
        return [], labels
    top, bottom, left, right, area = _component_extents(labels, count)
    kept = np.flatnonzero(area >= SPECK_SHARE * area.max())
    if len(kept) > max_pieces:
        raise TooComplex(len(kept))
    pieces = [Piece(int(left[i]), int(top[i]), int(right[i]) + 1, int(bottom[i]) + 1, int(area[i]), [int(i) + 1])
              for i in kept]
    pieces = _merge_overlapping(pieces)
    return _absorb_short_pieces(pieces), labels


def _gap(a: Piece, b: Piece) -> int:
    return max(0, max(a.left, b.left) - min(a.right, b.right))


def _absorb_short_pieces(pieces: list[Piece]) -> list[Piece]:
    tallest = max(p.height for p in pieces)
    largest = max(p.area for p in pieces)
    kept = [p for p in pieces if p.height >= SHORT_PIECE * tallest]
    short = sorted((p for p in pieces if p.height < SHORT_PIECE * tallest), key=lambda p: -p.area)
    for piece in short:
        i = min(range(len(kept)), key=lambda k: _gap(kept[k], piece))
        if _gap(kept[i], piece) <= JOIN_GAP * tallest:
            kept[i] = kept[i].merged(piece)
        elif piece.area >= NOISE_SHARE * largest:
            kept.append(piece)          # far from everything and not a speck: a small digit after all
    return sorted(kept, key=lambda p: (p.left + p.right) / 2)


def _component_extents(labels: np.ndarray, count: int):
    """Per label 1..count (at index label - 1): top, bottom, left, right (inclusive pixel bounds) and area."""
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs] - 1
    top = np.full(count, labels.shape[0]); bottom = np.zeros(count, np.int64)
    left = np.full(count, labels.shape[1]); right = np.zeros(count, np.int64)
    np.minimum.at(top, lab, ys); np.maximum.at(bottom, lab, ys)
    np.minimum.at(left, lab, xs); np.maximum.at(right, lab, xs)
    return top, bottom, left, right, np.bincount(lab, minlength=count)


def _overlap(a: Piece, b: Piece) -> float:
    """Horizontal overlap of two pieces as a share of the narrower one's width."""
    inter = min(a.right, b.right) - max(a.left, b.left)
    return max(0, inter) / max(1, min(a.width, b.width))


def _merge_overlapping(pieces: list[Piece]) -> list[Piece]:
    """Merges pieces that overlap sideways until none do: passes of O(n^2) pair checks, n <= max_pieces."""
    merged = True
    while merged:
        merged = False
        out: list[Piece] = []
        for piece in pieces:
            for k, other in enumerate(out):
                if _overlap(other, piece) >= OVERLAP_TO_MERGE:
                    out[k] = other.merged(piece)
                    merged = True
                    break
            else:
                out.append(piece)
        pieces = out
    return sorted(pieces, key=lambda p: (p.left + p.right) / 2)


def piece_ink(ink: np.ndarray, labels: np.ndarray, piece: Piece, margin: int = 2) -> np.ndarray:
    """The ink of one digit: its box (plus a margin for the soft edges of its strokes), with every
    pixel farther than the margin from the digit's own strokes blanked, so neighbours do not leak in."""
    top, left = max(0, piece.top - margin), max(0, piece.left - margin)
    bottom, right = piece.bottom + margin, piece.right + margin
    own = np.isin(labels[top:bottom, left:right], piece.labels)
    near = own.copy()
    for _ in range(margin):
        grown = near.copy()
        grown[1:] |= near[:-1]; grown[:-1] |= near[1:]
        grown[:, 1:] |= near[:, :-1]; grown[:, :-1] |= near[:, 1:]
        near = grown
    return np.where(near, ink[top:bottom, left:right], 0).astype(np.float32)
