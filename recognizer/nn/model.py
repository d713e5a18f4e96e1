"""Sequential models, the shipped architectures, and the one-file .npz format."""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from .layers import Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, Parameter, ReLU, Sigmoid
from .losses import softmax
from .recall import Recall

LAYER_TYPES = {cls.__name__: cls for cls in (Dense, Conv2D, MaxPool2D, ReLU, Sigmoid, Flatten, Dropout)}
FORMAT_VERSION = 1


class Sequential:
    """Layers applied in order to a batch of NHWC images (N, 28, 28, 1) or flat vectors."""

    def __init__(self, layers: list[Layer], *, arch: str = "custom", input_shape=(28, 28, 1)):
        self.layers, self.arch, self.input_shape = layers, arch, tuple(input_shape)
        self.recall: Recall | None = None      # read-time memory (recall.py); training never uses it

    def parameters(self) -> list[Parameter]:
        """Every trainable array, layer by layer; backward() fills their grads, optimisers update their values."""
        return [p for layer in self.layers for p in layer.parameters()]

    def train(self, mode: bool = True) -> None:
        for layer in self.layers:
            layer.training = mode

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = x.reshape((x.shape[0],) + self.input_shape)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Fills every layer's grads and returns d loss / d input; with input_grad=False it returns None and
        skips that last gradient, which training never uses and which is half of a first conv layer's cost."""
        first, *rest = self.layers
        for layer in reversed(rest):
            dy = layer.backward(dy)
        if input_grad:
            return first.backward(dy)
        first.backward_params(dy)
        return None

    def predict_proba(self, images: np.ndarray, batch_size: int = 512, *, temperature: float = 1.0) -> np.ndarray:
        """Class probabilities (N, 10) for images (N, 28, 28) scaled 0..1, ink bright on dark; the logits are
        divided by `temperature` first (a calibrated model's fitted T)."""
        logits = self.predict_logits(images, batch_size)
        return softmax(logits / logits.dtype.type(temperature))

    def predict_logits(self, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """The last layer's outputs (N, 10), before softmax, in inference mode, plus the recall's bonus if any."""
        out = self._infer(images, self.layers, batch_size, recall=self.recall)
        return np.concatenate(out) if out else np.zeros((0, 10), self.dtype)

    def predict_hidden(self, images: np.ndarray, batch_size: int = 512, *, layer: int = -1) -> np.ndarray:
        """What layer `layer` sees (N, features), by default the last one, for images scaled 0..1, in inference
        mode."""
        out = self._infer(images, self.layers[:layer], batch_size)
        return np.concatenate([o.reshape(len(o), -1) for o in out]) if out else np.zeros((0, 0), self.dtype)

    def _infer(self, images: np.ndarray, layers: list[Layer], batch_size: int, *,
               recall: Recall | None = None) -> list[np.ndarray]:
        """`layers` applied to images in batches with dropout off, plus the recall's bonus on what layer
        `recall.layer` received; each layer's training flag as it was after."""
        was_training = [layer.training for layer in self.layers]
        self.train(False)
        dtype, out = self.dtype, []
        for i in range(0, len(images), batch_size):
            x = images[i:i + batch_size].astype(dtype, copy=False).reshape((-1,) + self.input_shape)
            for j, layer in enumerate(layers):
                if recall is not None and j == recall.layer:
                    features = x
                x = layer.forward(x)
            out.append(x + recall.bonus(features) if recall is not None else x)
        for layer, mode in zip(self.layers, was_training):
            layer.training = mode
        return out

    @property
    def dtype(self):
        return next((p.value.dtype for p in self.parameters()), np.float32)

    def architecture(self) -> dict:
        spec = {"format": FORMAT_VERSION, "arch": self.arch, "input_shape": list(self.input_shape),
                "layers": [layer.config() for layer in self.layers]}
        return {**spec, "recall": self.recall.config()} if self.recall is not None else spec

    def remember(self, recall: Recall | None) -> None:
        """Reads with `recall` from now on (None: without one)."""
        if recall is not None and not 0 <= recall.layer < len(self.layers):
            raise ValueError(f"recall layer {recall.layer}: the model has {len(self.layers)} layers")
        self.recall = recall

    def to_bytes(self, meta: dict | None = None) -> bytes:
        """The weights as one .npz: float32 arrays plus the architecture (and meta) as JSON."""
        arrays = {f"{i}.{name}": value.astype(np.float32)
                  for i, layer in enumerate(self.layers) for name, value in layer.params.items()}
        arrays.update(self.recall.arrays() if self.recall is not None else {})
        arrays["architecture"] = np.array(json.dumps(self.architecture()))
        arrays["meta"] = np.array(json.dumps(meta or {}))
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    def save(self, path: str | os.PathLike, meta: dict | None = None) -> None:
        """Writes to_bytes() to a file atomically."""
        write_atomically(Path(path), self.to_bytes(meta))


def write_atomically(path: Path, raw: bytes) -> None:
    """Another process sees the whole file or none of it (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, 0o644)           # mkstemp makes it private; weights are read by other processes
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def from_architecture(spec: dict, *, seed: int = 0, dtype=np.float32) -> Sequential:
    rng = np.random.default_rng(seed)
    layers = []
    for cfg in spec["layers"]:
        cfg = dict(cfg)
        cls = LAYER_TYPES[cfg.pop("type")]
        if cls in (Dense, Conv2D):
            layers.append(cls(**cfg, rng=rng, dtype=dtype))
        elif cls is Dropout:
            layers.append(cls(**cfg, rng=rng))
        else:
            layers.append(cls(**cfg))
    return Sequential(layers, arch=spec["arch"], input_shape=spec["input_shape"])


def mlp_spec(hidden: int = 1024, dropout: float = 0.3) -> dict:
    """The classic one-hidden-layer net, 784-H-10."""
    return {"format": FORMAT_VERSION, "arch": "mlp", "input_shape": [784], "layers": [
        {"type": "Dense", "n_in": 784, "n_out": hidden}, {"type": "ReLU"},
        {"type": "Dropout", "rate": dropout},
        {"type": "Dense", "n_in": hidden, "n_out": 10}]}


def cnn_spec(c1: int = 32, c2: int = 64, hidden: int = 256, dropout: float = 0.4) -> dict:
    """LeNet-like: conv5x5(same)+pool, conv5x5(valid)+pool, dense, softmax output.

    Pooling comes before ReLU: the two commute, and ReLU on the pooled map is four times cheaper.
    """
    return {"format": FORMAT_VERSION, "arch": "cnn", "input_shape": [28, 28, 1], "layers": [
        {"type": "Conv2D", "c_in": 1, "c_out": c1, "kernel": 5, "padding": 2},
        {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
        {"type": "Conv2D", "c_in": c1, "c_out": c2, "kernel": 5, "padding": 0},
        {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
        {"type": "Flatten"},
        {"type": "Dense", "n_in": 5 * 5 * c2, "n_out": hidden}, {"type": "ReLU"},
        {"type": "Dropout", "rate": dropout},
        {"type": "Dense", "n_in": hidden, "n_out": 10}]}


def softreg_spec() -> dict:
    """Softmax regression, 784-10: where the site's networks started, kept to compare against."""
    return {"format": FORMAT_VERSION, "arch": "softreg", "input_shape": [784], "layers": [
        {"type": "Dense", "n_in": 784, "n_out": 10}]}


ARCHITECTURES = {"softreg": softreg_spec, "mlp": mlp_spec, "cnn": cnn_spec}


def build(arch: str, *, seed: int = 0, dtype=np.float32, **options) -> Sequential:
    """A fresh `arch`; options go to its spec function (cnn: c1, c2, hidden, dropout)."""
    return from_architecture(ARCHITECTURES[arch](**options), seed=seed, dtype=dtype)


def load(source: str | os.PathLike | bytes) -> tuple[Sequential, dict]:
    """Loads a model saved by Sequential.save (a file, or to_bytes()'s bytes); returns (model, meta). Never
    unpickles."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(source)
    with np.load(source, allow_pickle=False) as f:
        spec = json.loads(str(f["architecture"]))
        meta = json.loads(str(f["meta"])) if "meta" in f.files else {}
        model = from_architecture(spec)
        for i, layer in enumerate(model.layers):
            for name in layer.params:
                stored = f[f"{i}.{name}"]
                if stored.shape != layer.params[name].shape:
                    raise ValueError(f"layer {i} {name}: shape {stored.shape} != {layer.params[name].shape}")
                layer.params[name] = stored.astype(np.float32)
        if "recall" in spec:
            model.remember(Recall.from_arrays(spec["recall"], f))
    return model, meta
