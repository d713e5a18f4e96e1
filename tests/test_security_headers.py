"""Every answer carries the Content-Security-Policy, no page needs an inline script or style to work, and the
visitor pages and Django's admin (ours and its own) run under the policy in Chromium without a violation."""
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule
from playwright.sync_api import expect, sync_playwright

from tests.canvas.test_browser import draw_with_mouse, expect_number, number_strokes
from tests.submissions.factories import as_visitor, make_submission
from training.models import TrainingRun

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
PASSWORD = "the-right-password-42"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def admin_pages(submission_pk: int, run_pk: int) -> list[str]:
    return ["/admin/", "/admin/submissions/submission/", f"/admin/submissions/submission/{submission_pk}/change/",
            reverse("admin:submissions_submission_review"), reverse("admin:submissions_submission_stats"), "/admin/training/trainingrun/",
            f"/admin/training/trainingrun/{run_pk}/change/", "/admin/recognizer/modelversion/",
            "/admin/django_celery_beat/periodictask/add/"]


@pytest.fixture
def boss(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def stored(db):
    """A drawing with two digits, a finished run with a curve and a confusion matrix, and a crontab."""
    submission = make_submission("42", confidences=[0.91, 0.55])
    confusion = [[5 if i == j else 0 for j in range(10)] for i in range(10)]
    run = TrainingRun.objects.create(
        arch="mlp", trigger="admin", executor="inline", status="rejected", reason="no better",
        curve=[{"epoch": 0.5, "loss": 0.9, "accuracy": 0.7}, {"epoch": 1, "loss": 0.4, "accuracy": 0.9}],
        metrics_before={"mnist_test_accuracy": 0.9, "mnist_count": 50, "confusion": confusion})
    crontab = CrontabSchedule.objects.create(minute="30", hour="3")
    return {"submission": submission.pk, "run": run.pk, "crontab": crontab.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/history/", "/admin/login/", "/api/docs/", "/api/schema/",
                                 "/api/facts/abc/", "/no-such-page/"])
def test_every_answer_sends_the_policy(client, url):
    assert policy_of(client.get(url)) == POLICY


def test_the_production_settings_send_the_policy():
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitsite.settings.production",
               "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "digits.example"}
    script = ("import django, json; django.setup(); from django.conf import settings; "
              "print(json.dumps([settings.MIDDLEWARE, settings.CONTENT_SECURITY_POLICY]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    middleware, policy = json.loads(result.stdout.splitlines()[-1])
    assert "csp.middleware.CSPMiddleware" in middleware
    assert policy["DIRECTIVES"] == POLICY


@pytest.mark.django_db
def test_no_page_has_an_inline_script_style_or_event_handler(boss, stored):
    visitor = as_visitor(Client(), "visitor-a")
    pages = {url: visitor.get(url) for url in ("/", "/history/", "/admin/login/", "/api/docs/")}
    staff = Client()
    staff.force_login(boss)
    pages.update({url: staff.get(url) for url in admin_pages(stored["submission"], stored["run"])})
    assert 'data-submission="' in pages["/history/"].content.decode()     # the history shows the drawing
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not INLINE_STYLE.findall(html), url
        assert not INLINE_HANDLER.findall(html), url


@pytest.fixture
def browser(chromium, live_server, boss, stored):
    """Started after the rows exist: Django refuses database calls where Playwright's event loop runs."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that records every CSP violation (the DOM event and the console message) and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script("""window.cspViolations = [];
        document.addEventListener("securitypolicyviolation",
            (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));""")
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    yield page
    context.close()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers}, url
    page.wait_for_load_state("load")
    assert_no_violation(page, url)


def assert_no_violation(page, where):
    violations = page.evaluate("window.cspViolations")
    assert violations == [] and page.problems == [], (where, violations, page.problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy_in_chromium(page, live_server, stored):
    visit(page, f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    for url in admin_pages(stored["submission"], stored["run"]):
        visit(page, live_server.url + url)
        if url == reverse("admin:submissions_submission_review"):
            # admin_review.js selected the reading, so typing replaces it
            assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart, "
                                 "document.activeElement.selectionEnd]") == ["id_label", 0, 2]
        if url.endswith(f"/submission/{stored['submission']}/change/"):
            # admin.css is applied: the probability bars and the pixelated inputs keep their look
            assert page.locator(".probability-bar").first.evaluate("e => getComputedStyle(e).width") == "160px"
            assert page.locator(".network-input").first.evaluate(
                "e => getComputedStyle(e).imageRendering") == "pixelated"
        if url == "/admin/training/trainingrun/":
            assert page.locator("#retrain-now").evaluate("e => getComputedStyle(e).display") == "flex"
        if url.endswith("/periodictask/add/"):
            # django-celery-beat's script, moved to a file, still runs
            expect(page.locator(".field-crontab_translation")).to_be_hidden()
            page.select_option("#id_crontab", str(stored["crontab"]))
            expect(page.locator(".field-crontab .help")).to_contain_text("Translation: At 03:30")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_visitor_pages_work_under_the_policy_in_chromium(page, live_server):
    visit(page, live_server.url + "/")
    draw_with_mouse(page, number_strokes("7"))
    expect_number(page, "7")
    expect(page.locator("#digits .seen img")).to_have_count(1)     # the 28x28 input, a data: URL
    assert_no_violation(page, "a reading")
    visit(page, live_server.url + "/history/")
    expect(page.get_by_role("heading", name="Your drawings")).to_be_visible()
