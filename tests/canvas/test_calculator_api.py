"""POST /api/recognize/ with a sum drawn on the canvas: it is worked out, stored, and a plain number is as before.
Read by the shipped networks (weights/cnn.npz for digits, weights/operators.npz for operators)."""
import pytest

from submissions.models import Submission
from support.drawings import data_url, drawing, expression_drawing

URL = "/api/recognize/"
pytestmark = pytest.mark.django_db


def read(client, raw):
    response = client.post(URL, {"image": data_url(raw)}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_it_works_out_a_sum_with_times_before_plus_and_the_fact_is_about_the_result(api_client):
    body = read(api_client, expression_drawing("12+7×3"))
    assert (body["kind"], body["expression"], body["result"], body["problem"]) == ("expression", "12+7×3", "33", None)
    assert body["number"] == "33"
    assert body["fact"]["number"] == 33
    assert [s["symbol"] for s in body["symbols"]] == ["1", "2", "+", "7", "×", "3"]
    assert [d["digit"] for d in body["digits"]] == [1, 2, 7, 3]
    for symbol in body["symbols"]:
        assert len(symbol["probabilities"]) == 17 and abs(sum(symbol["probabilities"]) - 1) < 1e-4
        assert symbol["input"].startswith("data:image/png;base64,")
    xs = [s["box"][0] for s in body["symbols"]]
    assert xs == sorted(xs)


def test_a_plain_number_is_answered_as_before_and_says_it_is_a_number(api_client):
    body = read(api_client, drawing("47"))
    assert (body["kind"], body["number"], body["expression"], body["result"], body["problem"]) == (
        "number", "47", "47", "47", None)
    assert [d["digit"] for d in body["digits"]] == [4, 7]
    assert [s["symbol"] for s in body["symbols"]] == ["4", "7"]
    assert body["fact"]["number"] == 47


def test_a_division_by_zero_is_answered_with_the_problem_and_no_number(api_client):
    body = read(api_client, expression_drawing("8÷0"))
    assert (body["expression"], body["result"], body["problem"], body["number"], body["fact"]) == (
        "8÷0", None, "division by zero", None, None)


def test_a_dangling_operator_is_answered_with_the_problem(api_client):
    body = read(api_client, expression_drawing("12+"))
    assert (body["expression"], body["result"], body["problem"]) == (
        "12+", None, "an operator needs a number on both sides")


def test_a_result_that_is_not_whole_is_exact_and_has_no_fact(api_client):
    body = read(api_client, expression_drawing("7÷2-1÷3"))
    assert (body["result"], body["number"], body["fact"]) == ("19/6", None, None)


def test_a_leading_minus_is_a_sign_and_a_trailing_equals_is_ignored(api_client):
    body = read(api_client, expression_drawing("-4+9="))
    assert (body["expression"], body["result"], body["number"]) == ("-4+9", "5", "5")


def test_an_expression_is_stored_with_every_symbol_it_was_read_as(api_client):
    body = read(api_client, expression_drawing("9-4"))
    submission = Submission.objects.get(pk=body["submission_id"])
    assert (submission.number, submission.digit_count) == ("9-4", 3)
    assert [d["symbol"] for d in submission.digits] == ["9", "-", "4"]
    assert submission.input_array().shape == (3, 28, 28)


@pytest.mark.parametrize("drawn, meant", [("+", "+"), ("-", "-"), ("×", "×"), ("·", "×"), ("÷", "÷"), ("/", "÷")])
@pytest.mark.parametrize("encoding", ["png_transparent", "jpeg_white"])
def test_every_operator_is_read_through_the_real_read_path_in_the_encodings_a_canvas_sends(api_client, drawn, meant,
                                                                                          encoding):
    body = read(api_client, expression_drawing(f"36{drawn}42", encoding=encoding, seed=5))
    assert body["expression"] == f"36{meant}42"
