"""Splitting a drawing into digits, left to right."""
import numpy as np

from recognizer import synthetic_drawings as cr
from recognizer.preprocess import prepare
from recognizer.segment import find_digits, label_components, stroke_components
from recognizer.services import digit_inputs
from support.drawings import drawing, strokes_for


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


def test_a_stroke_whose_ink_dips_between_its_darker_parts_is_one_component():
    ink = np.zeros((5, 12), np.float32)
    ink[2, 1:11] = [0.9, 0.8, 0.25, 0.2, 0.9, 0.9, 0.18, 0.3, 0.8, 0.9]   # a light line, darker in three places
    labels, count = stroke_components(ink)
    assert count == 1
    assert (labels[2] > 0).tolist() == (ink[2] >= 0.35).tolist()      # the dips join, but are not stroke pixels


def test_faint_marks_that_never_reach_stroke_ink_are_not_strokes():
    ink = np.zeros((5, 12), np.float32)
    ink[1, 1:4] = 0.9                   # a stroke
    ink[3, 6:11] = 0.3                  # a faint smudge, touching nothing
    labels, count = stroke_components(ink)
    assert count == 1
    assert (labels[3] == 0).all()


def test_a_hairline_pen_in_light_ink_on_a_large_canvas_gives_one_piece_per_digit():
    pieces = {}
    for number in ["0", "4", "58", "306", "7", "12"]:
        for seed in range(8):
            rng = np.random.default_rng(seed)
            ink = cr.render_number(strokes_for(number), canvas=(1000, 800), rng=rng, pen_share=0.01) * 0.35
            pieces[number, seed] = len(digit_inputs(cr.encode(ink, cr.ENCODINGS[seed % 4]))[0])
    assert {key: n for key, n in pieces.items() if n != len(key[0])} == {}


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
