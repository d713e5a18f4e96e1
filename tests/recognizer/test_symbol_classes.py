"""Which symbols of a drawing are operators: the likeliest reading that is a well-formed expression, unless a symbol
alone is far likelier as the operator that leaves it dangling."""
import numpy as np

from recognizer.operators import CLASSES, symbol_classes

DIGIT = 0


def sure(*classes, p=0.98):
    """Probabilities where each symbol is `p` likely its class and the rest is spread over the others."""
    rows = np.full((len(classes), len(CLASSES)), (1 - p) / (len(CLASSES) - 1))
    for i, name in enumerate(classes):
        rows[i, CLASSES.index(name)] = p
    return rows


def named(classes):
    return [CLASSES[k] for k in classes]


def test_a_clear_expression_is_read_as_it_is_drawn():
    assert named(symbol_classes(sure("digit", "+", "digit", "×", "digit"))) == ["digit", "+", "digit", "×", "digit"]


def test_a_leading_minus_and_a_trailing_equals_are_well_formed():
    assert named(symbol_classes(sure("-", "digit", "÷", "digit", "="))) == ["-", "digit", "÷", "digit", "="]


def test_an_unsure_operator_that_leaves_no_number_after_it_is_read_as_a_digit():
    rows = sure("/", "digit")
    rows[0] = 0.0
    rows[0, CLASSES.index("/")], rows[0, DIGIT] = 0.7, 0.3        # a slanted 1 or a slash?
    assert named(symbol_classes(rows)) == ["digit", "digit"]


def test_two_operators_in_a_row_keep_the_likelier_and_read_the_other_as_a_digit():
    rows = sure("digit", "×", "÷", "digit")
    rows[2] = 0.0
    rows[2, CLASSES.index("÷")], rows[2, DIGIT] = 0.9, 0.1
    assert named(symbol_classes(rows)) == ["digit", "×", "digit", "digit"]


def test_a_clearly_drawn_dangling_operator_stays_so_the_problem_can_be_named():
    assert named(symbol_classes(sure("digit", "digit", "+", p=0.9999))) == ["digit", "digit", "+"]
