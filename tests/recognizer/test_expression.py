"""Working out what was read: precedence, signs, exact fractions, and a problem instead of an error."""
from fractions import Fraction

import pytest

from recognizer.expression import (DIVISION_BY_ZERO, NEEDS_NUMBERS, TOO_LONG_NUMBER, TOO_MANY_NUMBERS, evaluate,
                                   exact_text, normalise_typed)


@pytest.mark.parametrize("symbols, result", [
    ("12+7×3", "33"), ("2×3+4×5", "26"), ("20-6÷3", "18"), ("8÷4÷2", "1"), ("10-4-3", "3"),
    ("7÷2", "3.5"), ("1÷3", "1/3"), ("1÷8", "0.125"), ("2-9", "-7"), ("-5+2", "-3"), ("-1÷4", "-0.25"),
    ("2÷3×3", "2"), ("47", "47"), ("12+7×3=", "33"), ("1÷7+1÷7", "2/7"), ("0×5", "0"),
])
def test_multiplication_and_division_come_before_addition_and_subtraction(symbols, result):
    assert evaluate(symbols).result == result


def test_the_value_is_exact_not_a_float():
    assert evaluate("1÷3+1÷3+1÷3").value == Fraction(1)
    assert evaluate("99999999×99999999").result == str(99999999 ** 2)


def test_division_by_zero_is_a_problem_not_an_error():
    reading = evaluate("5÷0+1")
    assert (reading.result, reading.problem) == (None, DIVISION_BY_ZERO)


@pytest.mark.parametrize("symbols", ["12+", "+3", "1+×2", "×", "3--2", "1=2", "-"])
def test_an_operator_without_a_number_on_each_side_is_a_problem(symbols):
    reading = evaluate(symbols)
    assert (reading.result, reading.problem) == (None, NEEDS_NUMBERS)


def test_more_than_eight_numbers_or_digits_is_a_problem():
    assert evaluate("+".join(["1"] * 9)).problem == TOO_MANY_NUMBERS
    assert evaluate("123456789+1").problem == TOO_LONG_NUMBER
    assert evaluate("+".join(["12345678"] * 8)).result == str(8 * 12345678)


def test_the_fact_number_is_the_result_only_when_it_is_a_whole_number_not_below_zero():
    assert [evaluate(s).whole_number for s in ("12+7×3", "7÷2", "2-9", "0×4", "5÷0")] == [33, None, None, 0, None]


def test_a_trailing_equals_sign_is_not_part_of_the_expression():
    assert evaluate("6×7=").expression == "6×7"


@pytest.mark.parametrize("value, text", [(Fraction(5, 2), "2.5"), (Fraction(-1, 20), "-0.05"),
                                         (Fraction(2, 3), "2/3"), (Fraction(-7, 6), "-7/6"), (Fraction(40), "40")])
def test_a_result_is_an_integer_a_terminating_decimal_or_a_fraction(value, text):
    assert exact_text(value) == text


@pytest.mark.parametrize("typed, symbols", [("12+7x3", "12+7×3"), ("12+7*3", "12+7×3"), (" 12 + 7 × 3 = ", "12+7×3="),
                                            ("8/2", "8÷2"), ("9−4", "9-4"), ("47", "47")])
def test_what_a_visitor_types_is_read_as_the_symbols_a_drawing_gives(typed, symbols):
    assert normalise_typed(typed) == symbols


@pytest.mark.parametrize("typed", ["", "12+a", "4.5+1", "(1+2)"])
def test_what_is_not_an_expression_is_refused(typed):
    assert normalise_typed(typed) is None
