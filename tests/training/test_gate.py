"""The promotion gate: MNIST at most 0.1 point down, and a paired comparison on the holdout that vetoes only when
the candidate is clearly worse (McNemar's exact test on the digits where the two disagree)."""
import numpy as np

from training.gate import gate, mcnemar_p


def metrics(mnist: float, right: np.ndarray) -> dict:
    return {"mnist_test_accuracy": mnist, "holdout_correct": int(right.sum()), "holdout_count": len(right),
            "holdout_accuracy": float(right.mean()) if len(right) else 0.0}


def judge(mnist_before, active_right, mnist_after, candidate_right):
    active_right, candidate_right = np.array(active_right, bool), np.array(candidate_right, bool)
    return gate(metrics(mnist_before, active_right), metrics(mnist_after, candidate_right),
                active_right=active_right, candidate_right=candidate_right)


def test_mcnemar_p_is_the_two_sided_exact_binomial_p():
    assert mcnemar_p(0, 0) == 1.0
    assert mcnemar_p(1, 0) == 1.0
    assert mcnemar_p(5, 0) == 2 / 32
    assert mcnemar_p(6, 0) == 2 / 64
    assert mcnemar_p(2, 8) == mcnemar_p(8, 2) == 2 * (1 + 10 + 45) / 1024


def test_a_candidate_one_digit_worse_on_a_small_holdout_is_promoted():
    active = [True] * 160
    candidate = [False] + [True] * 159          # 0.9938 against 1.0000: one digit decides nothing
    promote, reason = judge(0.9944, active, 0.9940, candidate)
    assert promote
    assert reason == ("MNIST test 0.9940 (active 0.9944, at most 0.1 point down); holdout of 160 drawn digits 0.9938 "
                      "(active 1.0000): only the active right on b=1, only the candidate on c=0, McNemar p=1 "
                      "(veto when b > c and p < 0.05)")


def test_a_candidate_clearly_worse_on_the_holdout_is_rejected_by_the_holdout_rule():
    active = [True] * 100
    candidate = [False] * 8 + [True] * 92
    promote, reason = judge(0.9944, active, 0.9950, candidate)
    assert not promote
    assert reason == ("rejected by the holdout rule: holdout of 100 drawn digits 0.9200 (active 1.0000): only the "
                      "active right on b=8, only the candidate on c=0, McNemar p=0.00781 (veto when b > c and "
                      "p < 0.05); MNIST test 0.9950 (active 0.9944, at most 0.1 point down)")


def test_a_candidate_better_on_the_holdout_is_never_vetoed_by_it():
    active = [False] * 10 + [True] * 90
    candidate = [True] * 100
    assert judge(0.99, active, 0.99, candidate)[0]


def test_more_than_a_tenth_of_a_point_down_on_mnist_is_rejected_by_the_mnist_rule_whatever_the_holdout():
    active = [False] * 10 + [True] * 90
    promote, reason = judge(0.9900, active, 0.9889, [True] * 100)
    assert not promote
    assert reason.startswith("rejected by the MNIST rule: MNIST test 0.9889 (active 0.9900, at most 0.1 point down); "
                             "holdout of 100 drawn digits 1.0000 (active 0.9000): only the active right on b=0, "
                             "only the candidate on c=10")
    assert judge(0.9900, [], 0.9890, []) == (
        True, "MNIST test 0.9890 (active 0.9900, at most 0.1 point down); no holdout drawings yet")
