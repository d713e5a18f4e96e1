"""The admin's SVG charts: drawn by templates, from numbers only, with no style or script a CSP would block."""
from digitsite.charts import confusion_svg, curve_svg


def test_the_confusion_matrix_is_an_svg_with_a_cell_per_pair():
    confusion = [[0] * 10 for _ in range(10)]
    confusion[3][8] = 4
    confusion[3][3] = 1
    svg = confusion_svg(confusion)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count("<rect") == 100
    assert "<title>true 3, read 8: 4</title>" in svg
    assert 'fill="rgb(198,40,40)" fill-opacity="0.816"' in svg and 'fill="rgb(46,125,50)" fill-opacity="0.264"' in svg
    assert "style" not in svg and "<script" not in svg


def test_the_training_curve_draws_loss_and_accuracy_by_epoch():
    svg = curve_svg([{"epoch": 0.5, "loss": 0.8, "accuracy": 0.5}, {"epoch": 1.0, "loss": 0.4, "accuracy": 0.9}])
    assert 'aria-label="Training curve: loss and accuracy by epoch"' in svg
    assert 'points="284.0,14.0 516.0,100.0"' in svg and 'points="284.0,100.0 516.0,31.2"' in svg
    assert "last: loss 0.4000, accuracy 90.00%" in svg
    assert "style" not in svg and "<script" not in svg


def test_a_curve_with_no_points_yet_is_an_empty_frame():
    svg = curve_svg([])
    assert svg.count("<polyline") == 3 and "last:" not in svg
