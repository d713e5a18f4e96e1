"""What the operator reader learns from and is measured on: expressions of pen digits and operators drawn as a
canvas sends them, cut by the real read path (services.cut_out), every piece labelled by the drawn symbol it
covers. Training uses pen writers 1-20, the MDAS `train` split and our stroke generator; measuring uses writers
21-30, MDAS `val`/`test` and the generator with another seed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import synthetic_drawings as cr
from .expression_drawings import DRAWN_OPERATORS, Item, operator_strokes, render_expression
from .nn.losses import SoftmaxCrossEntropy
from .nn.model import Sequential
from .nn.optim import Adam
from .operators import CLASSES, DIGIT, build_reader, features
from .preprocess import DrawingError, to_mnist, working_size
from .services import cut_out
from . import operators, pen_data

MDAS_ATTRIBUTION = ("MDAS Symbol Dataset (Jason MacLeod, 2024, from the handwritten-calculator project), "
                    "MIT licence")
REPLAY_FILE = "operator_inputs.npz"     # what retraining replays so the reader does not forget (training/)
REPLAY_TEST_EVERY = 5                   # of the replayed pieces, every 5th only measures
MATCH = 0.5          # a piece is labelled with the drawn symbol covering at least this share of its box


@dataclass
class Sources:
    """Where the symbols of generated expressions come from."""
    pen: cr.PenDigits
    digits: np.ndarray              # indices into pen of the digits to use (some writers' only)
    images: np.ndarray              # MDAS images (N, 28, 28) of the splits to use
    image_symbols: np.ndarray       # their symbols
    strokes: np.random.Generator    # our stroke generator's randomness (its own seed)
    drawn_share: float = 0.5        # operators drawn by the generator rather than taken from MDAS


def load_mdas(path: Path, splits: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as f:
        keep = np.isin(f["split"], splits)
        return f["images"][keep], f["symbols"][keep]


def operator_item(sources: Sources, rng: np.random.Generator, *, allow_equals: bool = False) -> Item:
    if rng.random() < sources.drawn_share:
        choices = DRAWN_OPERATORS if allow_equals else DRAWN_OPERATORS[:-1]
        symbol = choices[int(sources.strokes.integers(len(choices)))]
        return Item(symbol, line_strokes=operator_strokes(symbol, sources.strokes))
    k = int(rng.integers(len(sources.images)))
    return Item(str(sources.image_symbols[k]), image=sources.images[k], image_scale=rng.uniform(0.75, 1.15))


def digit_item(sources: Sources, rng: np.random.Generator) -> Item:
    i = int(sources.digits[rng.integers(len(sources.digits))])
    return Item(str(sources.pen.labels[i]), strokes=sources.pen.strokes[i])


def expression_items(sources: Sources, rng: np.random.Generator, *, numbers: int, digits: tuple[int, int] = (1, 3),
                     leading_minus: float = 0.0, equals: float = 0.0) -> list[Item]:
    """`numbers` numbers of `digits` digits each, operators between them, sometimes a leading minus or a final =."""
    items: list[Item] = []
    if rng.random() < leading_minus:
        items.append(Item("-", line_strokes=operator_strokes("-", sources.strokes)))
    for n in range(numbers):
        if n:
            items.append(operator_item(sources, rng))
        items.extend(digit_item(sources, rng) for _ in range(int(rng.integers(digits[0], digits[1] + 1))))
    if rng.random() < equals:
        items.append(Item("=", line_strokes=operator_strokes("=", sources.strokes)))
    return items


def _label(box, item_boxes, symbols) -> int | None:
    """The class of the drawn symbol covering most of `box` (x0, y0, x1, y1), or None when none covers MATCH."""
    area = max(1.0, (box[2] - box[0]) * (box[3] - box[1]))
    cover = [max(0.0, min(box[2], b[2]) - max(box[0], b[0])) * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
             for b in item_boxes]
    best = int(np.argmax(cover))
    if cover[best] / area < MATCH:
        return None
    return DIGIT if symbols[best].isdigit() else CLASSES.index(symbols[best])


def _covers(box, item_boxes, symbols) -> bool:
    """The piece spans most of the height of the operator it belongs to (not one part of a ÷ or =)."""
    k = max(range(len(item_boxes)), key=lambda i: max(0.0, min(box[2], item_boxes[i][2]) - max(box[0], item_boxes[i][0]))
            * max(0.0, min(box[3], item_boxes[i][3]) - max(box[1], item_boxes[i][1])))
    return (box[3] - box[1]) >= 0.6 * (item_boxes[k][3] - item_boxes[k][1])


def labelled_pieces(items: list[Item], rng: np.random.Generator, *,
                    candidates: bool = True) -> tuple[list, list, list]:
    """One rendered, encoded drawing of `items` cut by the real read path, told the truth about every short mark:
    the inputs, geometries and classes of its final pieces and (with `candidates`) of every mark offered as a
    possible operator, except parts of an operator (the bar of a ÷ before its dots join it)."""
    canvas = (int(rng.integers(500, 1001)), int(rng.integers(220, 401)))
    ink, item_boxes = render_expression(items, canvas=canvas, rng=rng)
    raw = cr.encode(ink, cr.ENCODINGS[int(rng.integers(len(cr.ENCODINGS)))], quality=int(rng.integers(60, 96)))
    scale = working_size(*canvas)[1]
    symbols = [item.symbol for item in items]
    xs, gs, ys = [], [], []

    def oracle(marks, line, inks, where) -> list[bool]:
        said = []
        for piece, piece_ink in zip(marks, inks):
            box = [piece.left / scale, piece.top / scale, piece.right / scale, piece.bottom / scale]
            label = _label(box, item_boxes, symbols)
            whole = label == DIGIT or (label is not None and _covers(box, item_boxes, symbols))
            if candidates and whole:
                xs.append(to_mnist(piece_ink)); gs.append(operators.geometry(piece, line, piece_ink)); ys.append(label)
            said.append(label not in (None, DIGIT))
        return said
    try:
        cutout = cut_out(raw, is_operator=oracle)
    except DrawingError:
        return xs, gs, ys
    for x, g, (left, top, w, h) in zip(cutout.inputs, cutout.geometry, cutout.boxes):
        label = _label([left, top, left + w, top + h], item_boxes, symbols)
        if label is not None:
            xs.append(x); gs.append(g); ys.append(label)
    return xs, gs, ys


def build_set(sources: Sources, *, drawings: int, seed: int, candidates: bool = True,
              on_drawing=None) -> dict[str, np.ndarray]:
    """Pieces of `drawings` generated drawings: one in five a plain number (no operator), the rest expressions of
    2-4 numbers, some with a leading minus or a final =."""
    rng = np.random.default_rng(seed)
    xs, gs, ys = [], [], []
    for n in range(drawings):
        if rng.random() < 0.2:
            items = expression_items(sources, rng, numbers=1, digits=(1, 4))
        else:
            items = expression_items(sources, rng, numbers=int(rng.integers(2, 5)), leading_minus=0.08, equals=0.1)
        x, g, y = labelled_pieces(items, rng, candidates=candidates)
        xs += x; gs += g; ys += y
        if on_drawing:
            on_drawing(n + 1, drawings)
    return {"x": np.rint(np.stack(xs) * 255).astype(np.uint8), "geometry": np.stack(gs).astype(np.float32),
            "y": np.array(ys, np.uint8)}


def train_reader(data: dict[str, np.ndarray], *, arch: str, epochs: int, seed: int, lr: float = 1e-3,
                 on_epoch=None) -> Sequential:
    """The operator reader trained with Adam on `data` (x uint8, geometry, y), classes weighted to balance."""
    network = build_reader(arch, seed)
    rng = np.random.default_rng(seed)
    images = data["x"].astype(np.float32) / 255
    counts = np.bincount(data["y"], minlength=len(CLASSES)).astype(np.float32)
    weight = (counts.sum() / np.maximum(counts, 1) / len(CLASSES)) ** 0.5
    optimiser, loss = Adam(network.parameters(), lr=lr), SoftmaxCrossEntropy()
    steps = int(np.ceil(len(images) / 128))
    for epoch in range(epochs):
        network.train(True)
        order = rng.permutation(len(images))
        optimiser.lr = lr * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        total = 0.0
        for step in range(steps):
            batch = order[step * 128:(step + 1) * 128]
            rows = features(network, images[batch], data["geometry"][batch])
            total += loss.forward(network.forward(rows), data["y"][batch], weight[data["y"][batch]])
            network.backward(loss.backward(), input_grad=False)
            optimiser.step()
        if on_epoch:
            on_epoch(epoch + 1, total / steps)
    network.train(False)
    return network


def save_replay(data: dict[str, np.ndarray], path: Path, *, per_class: int, seed: int) -> None:
    """A compact copy of the training pieces beside the weights (at most `per_class` of each operator class and three
    times as many digits, uint8 inputs, float16 geometry), every REPLAY_TEST_EVERY-th marked `test`: retraining
    replays the others and measures on those."""
    rng = np.random.default_rng(seed)
    rows = np.sort(np.concatenate([rng.permutation(np.flatnonzero(data["y"] == k))[:per_class * (3 if k == DIGIT else 1)]
                                   for k in range(len(CLASSES))]))
    test = np.arange(len(rows)) % REPLAY_TEST_EVERY == 0
    np.savez_compressed(path, x=data["x"][rows], geometry=data["geometry"][rows].astype(np.float16),
                        y=data["y"][rows], test=test,
                        source=np.array(f"operators: {MDAS_ATTRIBUTION}; digits: {pen_data.ATTRIBUTION}"))
