"""Deleting a drawing from /history/ in a real Chromium: Delete, the confirmation page, and it is gone."""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import default_storage
from django.db import connection
from playwright.sync_api import expect, sync_playwright

from submissions.models import Submission

from .factories import make_submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def visitor_session(visitor: str) -> str:
    session = SessionStore()
    session["visitor"] = visitor
    session.create()
    return session.session_key


def test_a_visitor_deletes_a_drawing_from_their_history(chromium, live_server):
    drawing, other = make_submission("42", visitor="visitor-a"), make_submission("7", visitor="visitor-a")
    key = visitor_session("visitor-a")
    connection.close()      # the live server's thread opens its own connection; sync Playwright runs a loop here
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": key, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/history/")
        expect(page.locator(f'[data-submission="{drawing.pk}"]')).to_be_visible()
        page.locator(f'[data-submission="{drawing.pk}"] a.delete').click()
        expect(page.get_by_role("heading", name="Delete this drawing?")).to_be_visible()
        page.get_by_role("button", name="Delete this drawing").click()
        expect(page.get_by_role("status")).to_have_text("Deleted 1 drawing.")
        expect(page.locator(f'[data-submission="{drawing.pk}"]')).to_have_count(0)
        expect(page.locator(f'[data-submission="{other.pk}"]')).to_be_visible()
        browser.close()
    assert list(Submission.objects.values_list("pk", flat=True)) == [other.pk]
    assert not default_storage.exists(drawing.image.name)
