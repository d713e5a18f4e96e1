"""RETRAIN_SWA: the candidate is the mean of the weights the run's last steps left, not the last step's."""
import numpy as np

from recognizer.nn.average import WeightAverage
from tests.training.retraining import replay_with_wrong_labels, tiny_network
from training.finetune import FinetuneConfig, finetune


class Weight:
    def __init__(self, value):
        self.value = np.array(value, dtype=np.float32)


def config(swa: float) -> FinetuneConfig:
    return FinetuneConfig(epochs=1, batch_size=64, lr=2e-3, variants=1, replay_share=1.0, pen_share=0.0, l2sp=0.0,
                          distill=0.0, interpolate=1.0, min_steps=10, max_steps=10, seed=0, swa=swa)


def test_the_average_is_the_mean_of_the_last_share_of_the_steps_only():
    w = Weight([0.0, 0.0])
    average = WeightAverage([w], share=0.4, total=10)
    for step in range(10):
        w.value[...] = [step, 10 * step]
        average.after_step(step)

    average.apply()

    assert w.value.tolist() == [7.5, 75.0]          # steps 6, 7, 8 and 9


def test_no_share_leaves_the_last_steps_weights():
    w = Weight([0.0])
    average = WeightAverage([w], share=0.0, total=5)
    for step in range(5):
        w.value[...] = [step]
        average.after_step(step)

    average.apply()

    assert w.value.tolist() == [4.0]


def test_a_fine_tuned_candidate_with_swa_is_the_mean_of_the_weights_along_the_same_run():
    data = replay_with_wrong_labels()
    plain = tiny_network(trained=True)
    snapshots = []
    finetune(plain, data, config(0.0),
             on_progress=lambda _: snapshots.append([p.value.copy() for p in plain.parameters()]))
    averaged = tiny_network(trained=True)

    finetune(averaged, data, config(0.5))

    assert len(snapshots) == 10
    params = averaged.parameters()
    for i, p in enumerate(params):
        np.testing.assert_allclose(p.value, np.mean([s[i] for s in snapshots[5:]], axis=0), rtol=1e-4, atol=1e-6)
    assert not all(np.allclose(p.value, snapshots[-1][i]) for i, p in enumerate(params))     # not the last step's
