"""The API docs (/api/docs/) are served entirely by us: Swagger UI from drf-spectacular-sidecar, its start script
as a file of its own, so the page works without internet and under the Content-Security-Policy."""
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator
from playwright.sync_api import expect, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_static_files_and_no_inline_script(client):
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [url for url in assets if "//" in url], assets      # nothing from another host
    static = [url for url in assets if url.startswith("/static/")]
    assert {url.rsplit("/", 1)[1] for url in static} >= {"swagger-ui.css", "swagger-ui-bundle.js",
                                                         "swagger-ui-standalone-preset.js", "favicon-32x32.png"}
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url
    assert "<script>" not in html and "<style>" not in html
    script = [url for url in assets if "script=" in url]
    assert script == ["/api/docs/?script="]
    response = client.get(script[0])
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


@pytest.fixture
def schema_paths():
    return set(SchemaGenerator().get_schema(request=None, public=True)["paths"])


@pytest.fixture
def browser(chromium, live_server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_render_every_operation_with_no_request_leaving_this_machine(schema_paths, browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested, violations = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    # Anything bound elsewhere is refused, as it would be on a machine without internet.
    page.route(re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/]).*"), lambda route: route.abort())

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    assert {"/api/recognize/", "/api/facts/{number}/"} <= schema_paths
    assert set(page.locator(".opblock-summary-path").all_text_contents()) == schema_paths
    expect(page.locator(".info .title")).to_contain_text("digitsite API")

    outside = [url for url in requested
               if not url.startswith("data:") and urlsplit(url).hostname not in ("localhost", "127.0.0.1")]
    assert outside == []
    assert any(url.endswith("/api/schema/") for url in requested)
    assert any("swagger-ui-bundle" in url for url in requested)
    assert violations == []
    context.close()
