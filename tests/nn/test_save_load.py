"""A saved model is one .npz, no pickles, that alone rebuilds the same network."""
import json

import numpy as np
import pytest

from recognizer.nn.model import build, load, mlp_spec


@pytest.fixture
def images():
    return np.random.default_rng(0).random((16, 28, 28), dtype=np.float32)


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_a_saved_and_loaded_model_gives_identical_predictions(arch, images, tmp_path):
    model = build(arch, seed=4)
    path = tmp_path / f"{arch}.npz"

    model.save(path, meta={"version": f"{arch}-test"})
    loaded, meta = load(path)

    assert meta == {"version": f"{arch}-test"}
    assert loaded.arch == arch
    assert loaded.architecture() == model.architecture()
    assert np.array_equal(loaded.predict_proba(images), model.predict_proba(images))
    for p, q in zip(model.parameters(), loaded.parameters()):
        assert q.value.dtype == np.float32
        assert np.array_equal(p.value, q.value)


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_the_file_loads_without_pickle_and_says_what_it_is(arch, tmp_path):
    path = tmp_path / "model.npz"
    build(arch).save(path)

    with np.load(path, allow_pickle=False) as f:
        architecture = json.loads(str(f["architecture"]))
        weights = {k: f[k] for k in f.files if k not in ("architecture", "meta")}

    assert architecture["arch"] == arch
    assert architecture["input_shape"] in ([784], [28, 28, 1])
    assert [layer["type"] for layer in architecture["layers"]][0] in ("Dense", "Conv2D")
    assert all(w.dtype == np.float32 for w in weights.values())
    assert path.stat().st_size < 5 * 2**20


def test_loading_weights_whose_shapes_do_not_match_the_architecture_fails_clearly(tmp_path):
    path = tmp_path / "mismatched.npz"
    hidden_16 = {"0.W": np.zeros((784, 16), np.float32), "0.b": np.zeros(16, np.float32),
                 "3.W": np.zeros((16, 10), np.float32), "3.b": np.zeros(10, np.float32)}
    np.savez(path, architecture=np.array(json.dumps(mlp_spec(hidden=32))), **hidden_16)

    with pytest.raises(ValueError, match=r"layer 0 W: shape \(784, 16\) != \(784, 32\)"):
        load(path)


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "saved" / "mlp.npz"
    build("mlp", seed=1).save(path)
    build("mlp", seed=2).save(path)

    assert sorted(p.name for p in path.parent.iterdir()) == ["mlp.npz"]
    assert np.array_equal(load(path)[0].layers[0].params["W"], build("mlp", seed=2).layers[0].params["W"])
