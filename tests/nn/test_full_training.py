"""Full-size training on all of MNIST (slow: `make test-all`, or pytest --run-slow)."""
import pytest

from recognizer.mnist import load_mnist
from recognizer.nn.train import TrainConfig, train_mnist

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("arch,floor", [("cnn", 0.98), ("mlp", 0.95)])
def test_one_epoch_on_all_of_mnist_reads_most_of_the_test_set(arch, floor):
    data = load_mnist()
    model, metrics = train_mnist(arch, data, TrainConfig(epochs=1, seed=0))
    assert metrics["mnist_test_accuracy"] >= floor, metrics["mnist_test_accuracy"]
    assert len(metrics["epochs"]) == 1 and metrics["epochs"][0]["accuracy"] > 0.8     # augmented, with dropout
