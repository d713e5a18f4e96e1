"""The canvas page in a real Chromium: a visitor draws with a mouse or a finger, sees the number read,
and says whether it was right."""
import math
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect, sync_playwright

from submissions.models import Label, LabelSource, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
READ_TIMEOUT_MS = 15_000

# Digit shapes as strokes drawn the way a person draws them, in a box 1 high and `width` wide.
SHAPES = {
    "1": {"width": 0.3, "strokes": [[(0.15, 0.0), (0.15, 1.0)]]},
    "7": {"width": 0.6, "strokes": [[(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)]]},
    "3": {"width": 0.6, "strokes": [[(0.05, 0.1), (0.45, 0.0), (0.9, 0.12), (0.9, 0.35), (0.45, 0.48), (0.95, 0.62),
                                     (0.95, 0.88), (0.5, 1.0), (0.0, 0.9)]]},
    "4": {"width": 0.65, "strokes": [[(0.7, 0.0), (0.0, 0.65), (1.0, 0.65)], [(0.72, 0.3), (0.72, 1.0)]]},
    "+": {"width": 0.5, "strokes": [[(0.0, 0.5), (1.0, 0.5)], [(0.5, 0.25), (0.5, 0.75)]]},
    "0": {"width": 0.6, "strokes": [[(0.5 + 0.5 * math.sin(2 * math.pi * i / 24),
                                       0.5 - 0.5 * math.cos(2 * math.pi * i / 24)) for i in range(25)]]},
}


def number_strokes(text: str, *, height: float = 0.6, left: float = 0.3, gap: float = 0.25):
    """Strokes of `text` in units of the canvas height (the canvas is 1.5 wide), digits `gap` apart."""
    top = (1 - height) / 2
    strokes = []
    for char in text:
        shape = SHAPES[char]
        for stroke in shape["strokes"]:
            strokes.append([(left + x * shape["width"] * height, top + y * height) for x, y in stroke])
        left += shape["width"] * height + gap
    return strokes


def on_page(page, point):
    box = page.locator("#pad").bounding_box()
    return box["x"] + point[0] * box["height"], box["y"] + point[1] * box["height"]


def draw_with_mouse(page, strokes):
    for stroke in strokes:
        page.mouse.move(*on_page(page, stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*on_page(page, point), steps=12)
        page.mouse.up()


def draw_with_finger(page, strokes):
    """Real touch input through the DevTools protocol: Chromium turns it into pointer events of type touch."""
    cdp = page.context.new_cdp_session(page)
    for stroke in strokes:
        points = [on_page(page, p) for p in stroke]
        path = [points[0]]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            path += [(x0 + (x1 - x0) * t / 12, y0 + (y1 - y0) * t / 12) for t in range(1, 13)]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": path[0][0], "y": path[0][1]}]})
        for x, y in path[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def expect_number(page, number: str):
    """Waits for the page to show `number`; on failure says what the page said instead (an error, say)."""
    try:
        expect(page.get_by_test_id("number")).to_have_text(number, timeout=READ_TIMEOUT_MS)
    except AssertionError as failure:
        said = page.get_by_test_id("status").text_content().strip()
        raise AssertionError(f"expected the page to show {number!r}; it said {said!r}") from failure


def inked_pixels(page) -> int:
    return page.evaluate("""() => {
        const c = document.getElementById("pad");
        const alpha = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < alpha.length; i += 4) if (alpha[i] > 0) n++;
        return n;
    }""")


def wait_for_reading(page) -> tuple[str, int]:
    """Waits for a reading that asks for feedback; returns the number shown and its submission id."""
    try:
        expect(page.get_by_role("button", name="Right")).to_be_visible(timeout=READ_TIMEOUT_MS)
    except AssertionError as failure:
        said = page.get_by_test_id("status").text_content().strip()
        raise AssertionError(f"expected a reading; the page said {said!r}") from failure
    submission_id = page.get_by_test_id("feedback").get_attribute("data-submission-id")
    return page.get_by_test_id("number").text_content(), int(submission_id)


def another_number_than(number: str) -> str:
    return "3" if number != "3" else "8"


def from_the_database(query):
    """Runs `query` in a thread of its own: Django refuses database calls where Playwright's event loop runs."""
    def run():
        try:
            return query()
        finally:
            connection.close()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def visitor_labels(submission_id: int) -> list[str]:
    return from_the_database(lambda: list(Label.objects.filter(submission_id=submission_id, source=LabelSource.VISITOR)
                                          .values_list("value", flat=True)))


def expect_in_history(page, submission_id: int, *, read: str, said: str):
    expect(page).to_have_url(re.compile(r"/history/$"))
    drawing = page.locator(f'[data-testid="history"] li[data-submission="{submission_id}"]')
    expect(drawing).to_contain_text(f"Read {read}")
    expect(drawing.locator(".said")).to_have_text(said)


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.fixture
def browser(chromium, live_server):
    """One Chromium per test, started after the test database and stopped before it is flushed:
    Playwright's sync API keeps an event loop running, and Django refuses database calls under one."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=3,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.add_init_script("""window.pointerTypes = [];
        addEventListener("pointerdown", (e) => pointerTypes.push(e.pointerType), true);""")
    page.goto(live_server.url)
    yield page
    context.close()


def test_it_reads_a_seven_drawn_with_a_mouse(desktop, tmp_path):
    draw_with_mouse(desktop, number_strokes("7"))
    expect_number(desktop, "7")
    expect(desktop.get_by_test_id("status")).to_contain_text("Read 7")
    expect(desktop.locator("#digits .seen img")).to_have_count(1)
    expect(desktop.locator("#digits .probs li")).to_have_count(10)
    desktop.screenshot(path=tmp_path / "desktop-seven.png", full_page=True)


def test_a_sum_drawn_with_a_mouse_is_worked_out_with_a_fact_about_the_result_and_feedback_takes_it_typed(desktop,
                                                                                                        tmp_path):
    draw_with_mouse(desktop, number_strokes("7+4", height=0.5, left=0.15, gap=0.18))
    expect_number(desktop, "7 + 4 = 11")
    expect(desktop.locator("#digits .seen img")).to_have_count(3)
    expect(desktop.locator("#digits .digit-value")).to_have_text(["7", "+", "4"])
    expect(desktop.locator("#fact-number")).to_have_text("11")
    desktop.screenshot(path=tmp_path / "desktop-sum.png", full_page=True)
    desktop.get_by_role("button", name="Wrong").click()
    answer = desktop.get_by_role("textbox", name="It was")
    answer.fill("7x3")
    answer.press("Enter")
    expect(desktop.get_by_test_id("feedback-message")).to_contain_text("noted as 7×3")


def test_it_reads_a_two_digit_number_drawn_with_a_mouse(desktop, tmp_path):
    draw_with_mouse(desktop, number_strokes("17"))
    expect_number(desktop, "17")
    expect(desktop.locator("#digits > li")).to_have_count(2)
    desktop.screenshot(path=tmp_path / "desktop-seventeen.png", full_page=True)


def test_it_reads_a_number_drawn_with_a_finger(phone, tmp_path):
    draw_with_finger(phone, number_strokes("10"))
    expect_number(phone, "10")
    assert set(phone.evaluate("pointerTypes")) == {"touch"}
    assert has_no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "phone-ten.png", full_page=True)


def test_undo_removes_the_last_stroke_and_clear_empties_canvas_and_result(desktop):
    requested = []
    desktop.on("request", lambda request: requested.append(request.url))
    draw_with_mouse(desktop, number_strokes("17"))
    expect_number(desktop, "17")
    ink_of_seventeen = inked_pixels(desktop)

    desktop.get_by_role("button", name="Undo").click()
    expect_number(desktop, "1")
    assert 0 < inked_pixels(desktop) < ink_of_seventeen

    desktop.get_by_role("button", name="Clear").click()
    assert inked_pixels(desktop) == 0
    expect(desktop.get_by_test_id("number")).to_have_text("")
    expect(desktop.get_by_test_id("digits")).to_be_hidden()
    expect(desktop.get_by_role("button", name="Read it")).to_be_disabled()
    sent = len(requested)
    desktop.keyboard.press("Escape")
    desktop.wait_for_timeout(1000)
    assert len(requested) == sent


def test_the_keyboard_undoes_and_clears(desktop):
    draw_with_mouse(desktop, number_strokes("17"))
    ink_of_seventeen = inked_pixels(desktop)
    desktop.keyboard.press("Control+z")
    assert 0 < inked_pixels(desktop) < ink_of_seventeen
    desktop.keyboard.press("Escape")
    assert inked_pixels(desktop) == 0


def test_the_strokes_survive_a_resize_and_stay_sharp(desktop):
    draw_with_mouse(desktop, number_strokes("7"))
    ink_before = inked_pixels(desktop)
    desktop.set_viewport_size({"width": 480, "height": 800})
    desktop.wait_for_function("""() => {
        const c = document.getElementById("pad");
        return c.width < 480 && c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio);
    }""")
    assert 0 < inked_pixels(desktop) < ink_before
    expect_number(desktop, "7")


def test_it_shows_the_servers_message_for_a_drawing_it_cannot_read(desktop):
    nine_ones = [[(0.08 + 0.16 * i, 0.3), (0.08 + 0.16 * i, 0.7)] for i in range(9)]
    with desktop.expect_response(lambda r: r.url.endswith("/api/recognize/"), timeout=READ_TIMEOUT_MS) as answer:
        draw_with_mouse(desktop, nine_ones)
    body = answer.value.json()
    assert answer.value.status == 400 and body["error"]["code"] == "too_many_digits"
    expect(desktop.get_by_test_id("status")).to_have_text(body["error"]["message"])
    expect(desktop.get_by_test_id("number")).to_be_hidden()


def test_the_page_fits_a_360_pixel_phone(phone):
    assert has_no_horizontal_scroll(phone)
    box = phone.locator("#pad").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["height"] >= 150
    backing = phone.evaluate("(({width, height}) => [width, height])(document.getElementById('pad'))")
    assert abs(backing[0] - box["width"] * 3) <= 1 and abs(backing[1] - box["height"] * 3) <= 1
    for name in ("Undo", "Clear", "Read it"):
        button = phone.get_by_role("button", name=name).bounding_box()
        assert button["x"] + button["width"] <= 360 and button["height"] >= 44


def test_a_visitor_says_it_was_wrong_types_the_number_and_finds_it_in_their_history(desktop, tmp_path):
    draw_with_mouse(desktop, number_strokes("7"))
    read, submission_id = wait_for_reading(desktop)
    said = another_number_than(read)

    desktop.get_by_role("button", name="Wrong").click()
    expect(desktop.get_by_role("textbox", name="It was")).to_be_focused()
    desktop.keyboard.type(said)
    desktop.screenshot(path=tmp_path / "desktop-wrong.png", full_page=True)
    desktop.keyboard.press("Enter")

    thanks = desktop.get_by_role("status").filter(has_text="Thanks")
    expect(thanks).to_have_text(f"Thanks — noted as {said}. Your drawings")
    expect(desktop.get_by_role("button", name="Right")).to_have_count(0)
    expect(desktop.get_by_role("button", name="Wrong")).to_have_count(0)
    desktop.screenshot(path=tmp_path / "desktop-thanks.png", full_page=True)
    assert visitor_labels(submission_id) == [said]
    desktop.get_by_test_id("feedback").get_by_role("link", name="Your drawings").click()
    expect_in_history(desktop, submission_id, read=read, said=f"You said it was {said}.")


def test_a_visitor_says_it_was_right_and_the_next_reading_asks_again(desktop, tmp_path):
    draw_with_mouse(desktop, number_strokes("7"))
    read, submission_id = wait_for_reading(desktop)

    desktop.get_by_role("button", name="Right").click()
    expect(desktop.get_by_test_id("feedback-message")).to_have_text(f"Thanks — noted as {read}. Your drawings")
    assert visitor_labels(submission_id) == [read]

    desktop.get_by_role("button", name="Read it").click()
    _, next_id = wait_for_reading(desktop)
    assert next_id != submission_id
    expect(desktop.get_by_test_id("feedback-message")).to_be_hidden()
    assert visitor_labels(next_id) == []
    desktop.get_by_role("navigation", name="Site").get_by_role("link", name="Your drawings").click()
    expect_in_history(desktop, submission_id, read=read, said="You said: right.")
    desktop.screenshot(path=tmp_path / "desktop-history.png", full_page=True)


def test_the_feedback_fits_a_phone_and_says_what_went_wrong(phone, tmp_path):
    draw_with_finger(phone, number_strokes("7"))
    _, submission_id = wait_for_reading(phone)
    phone.get_by_role("button", name="Wrong").tap()
    answer = phone.get_by_role("textbox", name="It was")
    expect(answer).to_be_focused()
    expect(answer).to_have_attribute("inputmode", "text")
    answer.fill("4a")
    answer.press("Enter")
    expect(phone.get_by_role("status").filter(has_text="digits")).to_have_text(
        "Type the number you drew, as 1 to 8 digits, like 47, or the sum, like 12+7x3.")
    expect(answer).to_have_attribute("aria-invalid", "true")
    assert has_no_horizontal_scroll(phone)
    for control in (phone.get_by_role("button", name="Right"), phone.get_by_role("button", name="Wrong"), answer,
                    phone.get_by_role("button", name="Send")):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 44
    phone.screenshot(path=tmp_path / "phone-invalid.png", full_page=True)

    answered_in_another_tab = phone.evaluate("""async (id) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const response = await fetch(`/api/submissions/${id}/feedback/`, {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: '{"correct": true}'});
        return response.status;
    }""", submission_id)
    assert answered_in_another_tab == 201
    phone.get_by_role("button", name="Right").tap()
    expect(phone.get_by_test_id("feedback-message")).to_have_text("You already said what this drawing is.")
    expect(phone.get_by_role("button", name="Right")).to_have_count(0)
    phone.screenshot(path=tmp_path / "phone-already-answered.png", full_page=True)


def test_drawing_a_number_with_pauses_stores_one_submission_with_the_final_reading(desktop):
    strokes = number_strokes("314", height=0.5, left=0.15, gap=0.18)
    per_digit = [strokes[:1], strokes[1:2], strokes[2:]]
    ids = []
    for digits_so_far, part in zip(("3", "31", "314"), per_digit):
        draw_with_mouse(desktop, part)
        expect_number(desktop, digits_so_far)
        ids.append(wait_for_reading(desktop)[1])
    desktop.locator("#fact-type").select_option("math")      # another fact: the same drawing read once more
    expect(desktop.get_by_test_id("fact-text")).to_contain_text("314", timeout=15_000)
    assert len(set(ids)) == 1
    stored = from_the_database(lambda: list(Submission.objects.values_list("pk", "number")))
    assert stored == [(ids[0], "314")]
    desktop.get_by_role("button", name="Clear").click()
    draw_with_mouse(desktop, number_strokes("7"))
    expect_number(desktop, "7")
    assert wait_for_reading(desktop)[1] != ids[0]                 # Clear started a new drawing
    assert from_the_database(lambda: Submission.objects.count()) == 2


def test_compare_models_shows_what_each_model_reads_in_the_same_drawing(desktop):
    desktop.get_by_text("Compare models").click()
    draw_with_mouse(desktop, number_strokes("7"))
    expect_number(desktop, "7")
    rows = desktop.locator("#compare tr[data-arch]")
    expect(rows).to_have_count(3)                           # the shipped softreg, mlp and cnn
    for row in rows.all():
        expect(row.locator(".compare-reads")).to_have_text("7")
        expect(row.locator(".compare-sure")).to_have_text(re.compile(r"^(sure|not sure)$"))


def test_a_reading_the_network_is_not_sure_of_names_the_alternative_and_asks(desktop):
    def unsure(route):
        response = route.fetch()
        body = response.json()
        digit = body["digits"][0]
        body["sure"], digit["confidence"] = False, 0.55
        digit["alternatives"] = [{"digit": 3, "probability": 0.4}]
        route.fulfill(response=response, json=body)
    desktop.route("**/api/recognize/", unsure)            # the server's real answer, made unsure
    draw_with_mouse(desktop, number_strokes("7"))
    expect(desktop.get_by_test_id("doubt")).to_have_text("7 — or is it 3? Say below which it was.")
    expect(desktop.get_by_role("button", name="Right")).to_be_visible()
