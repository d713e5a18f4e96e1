"""Splitting a drawing into digits, left to right."""
import numpy as np

from recognizer.preprocess import prepare
from recognizer.segment import find_digits, label_components
from support.drawings import drawing


def test_connected_components_are_labelled_with_eight_connectivity():
    mask = np.zeros((6, 8), bool)
    mask[1, 1] = mask[2, 2] = True          # diagonal neighbours: one component
    mask[1:5, 5] = True                     # a separate bar
    labels, count = label_components(mask)
    assert count == 2
    assert labels[1, 1] == labels[2, 2] != labels[1, 5]
    assert (labels > 0).sum() == mask.sum()


def test_a_u_shape_is_one_component_even_though_its_arms_meet_late():
    mask = np.zeros((10, 10), bool)
    mask[1:9, 1] = mask[1:9, 8] = True
    mask[8, 1:9] = True
    assert label_components(mask)[1] == 1


def test_an_empty_drawing_has_no_digits():
    assert find_digits(np.zeros((50, 50), np.float32), max_pieces=48)[0] == []


def test_the_two_strokes_of_a_four_are_one_digit():
    pieces, _ = find_digits(prepare(drawing("4", canvas=(300, 300))).ink, max_pieces=48)
    assert len(pieces) == 1


def test_digits_with_gaps_between_them_are_split_left_to_right():
    pieces, _ = find_digits(prepare(drawing("4171", canvas=(800, 300))).ink, max_pieces=48)
    assert len(pieces) == 4
    centres = [(p.left + p.right) / 2 for p in pieces]
    assert centres == sorted(centres)


def test_a_speck_of_noise_does_not_count_as_a_digit():
    ink = prepare(drawing("7", canvas=(400, 300))).ink.copy()
    ink[5:7, 5:7] = 1.0
    assert len(find_digits(ink, max_pieces=48)[0]) == 1
