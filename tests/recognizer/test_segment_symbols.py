"""Cutting an expression into symbols: operators of several pieces are one symbol, dots of ÷ and · are kept, specks
elsewhere are still noise. `is_operator` here is a plain rule (every mark offered is an operator), so what is
tested is the grouping, not the operator reader."""
import numpy as np
import pytest

from recognizer.preprocess import prepare
from recognizer.segment import find_digits
from recognizer.segment_symbols import find_symbols
from support.drawings import expression_ink



def every_mark(marks, line, inks, where):
    return [True] * len(marks)


def no_mark(marks, line, inks, where):
    return [False] * len(marks)


def symbols_of(ink, is_operator=every_mark):
    pieces, _, line = find_symbols(prepare_ink(ink), max_pieces=96, is_operator=is_operator)
    return pieces, line


def prepare_ink(ink):
    from recognizer import synthetic_drawings as cr
    return prepare(cr.encode(ink, "png_transparent")).ink


@pytest.mark.parametrize("symbols", ["8÷2", "6=6", "4+5", "3×7"])
def test_an_operator_of_several_pieces_is_one_symbol(symbols):
    pieces, line = symbols_of(expression_ink(symbols))
    assert len(pieces) == 3
    assert pieces[1].height < 0.8 * line.height


def test_the_dots_of_a_division_sign_belong_to_it_and_reach_above_and_below_its_bar():
    pieces, line = symbols_of(expression_ink("8÷2"))
    bar_and_dots = pieces[1]
    assert bar_and_dots.height > 0.35 * line.height      # the bar alone is a pen's width
    assert len(bar_and_dots.labels) == 3


def test_the_dots_of_a_division_sign_shrunk_to_single_pixels_still_belong_to_it():
    ink = np.zeros((60, 120), np.float32)          # at working size, as a wide canvas shrinks a sum
    ink[10:51, 10:12] = ink[10:51, 100:102] = 1.0  # two 1s
    ink[30:32, 45:61] = 1.0                        # the bar of a ÷
    ink[22, 52] = ink[39, 53] = 0.6                # its dots: a pixel each, too small to be kept as dots
    pieces, _, _ = find_symbols(ink, max_pieces=96, is_operator=every_mark)
    assert len(pieces) == 3
    assert (pieces[1].top, pieces[1].bottom, len(pieces[1].labels)) == (22, 40, 3)


def test_a_multiplication_dot_between_two_numbers_is_a_symbol():
    pieces, _ = symbols_of(expression_ink("7·3"))
    assert len(pieces) == 3


def test_a_minus_stays_a_symbol_instead_of_joining_a_digit():
    pieces, _ = symbols_of(expression_ink("9-4"))
    assert len(pieces) == 3


def test_specks_that_stand_between_nothing_or_sit_on_a_digit_are_still_noise():
    ink = expression_ink("47·", seed=3)           # a dot after the last digit: between nothing
    rows, cols = np.nonzero(ink > 0.5)
    top, left = rows.min(), cols.min()
    ink[top - 14:top - 8, left + 4:left + 10] = 1.0   # a speck just above the 4
    pieces, _ = symbols_of(ink)
    assert len(pieces) == 2


def test_each_mark_is_offered_with_where_it_stands_on_the_line():
    offered = []

    def note(marks, line, inks, where):
        offered.extend(where)
        return [True] * len(marks)
    symbols_of(expression_ink("-4-5="), is_operator=note)
    assert offered == ["first", "between", "last"]


def test_when_no_mark_is_an_operator_the_pieces_are_those_of_a_plain_number():
    ink = prepare_ink(expression_ink("12-34"))
    digits, _ = find_digits(ink, max_pieces=96)
    symbols, _, _ = find_symbols(ink, max_pieces=96, is_operator=no_mark)
    assert [(p.left, p.right, p.top, p.bottom) for p in symbols] == [(p.left, p.right, p.top, p.bottom) for p in digits]
