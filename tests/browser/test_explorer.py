"""The scenario explorer in a real browser: Debian's chromium, headless, driven by Playwright against a server
this test starts on a free loopback port. The flow of issue 14: the library, the baseline, a negative entries
figure refused beside its field, 450 saved as a copy, run 4 times, its out-of-county chart and summary, the
pack downloaded, then a comparison with the baseline and its difference table. It writes the README's
screenshots of the scenario page and the results page."""

import shutil
import threading
from pathlib import Path

import pytest

from sim.run.executors import Serial
from tests.web.conftest import short_library

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
CHROMIUM = next((found for found in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if found and Path(found).is_file()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync"]
WAIT_MS = 90_000

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium to drive: `make test` installs it with apt-get "
                                                         "(apt-get install -y chromium)")


@pytest.fixture
def server(tmp_path):
    """The explorer's address, served from a thread on a free loopback port."""
    import uvicorn

    from sim.web.app import create_app
    from sim.web.jobs import JobQueue
    from sim.web.library import Library
    from sim.web.results import Results
    from sim.web.server import listening_socket

    shipped, yours, results = short_library(tmp_path)
    app = create_app(Library(shipped, yours), Results(results), JobQueue(results, Serial(), 1))
    sock = listening_socket("127.0.0.1", 0)
    uvicorn_server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uvicorn_server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
        context.set_default_timeout(WAIT_MS)
        yield context.new_page()
        browser.close()


def test_open_change_run_and_compare_the_baseline(server, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(server)
    page.get_by_role("link", name="Current policy").click()
    expect(page.locator("h1")).to_have_text("Current policy")
    expect(page.locator('[data-group="Demand"]')).to_contain_text("Between 390 and 490 children entering care a year")
    page.screenshot(path=IMAGES / "scenario_page.png")

    page.get_by_role("link", name="Edit a copy").click()
    entries = page.locator('[data-field="demand.entries_per_year"]')
    entries.locator("input").fill("-5")
    page.get_by_role("button", name="Check and save the copy").click()
    expect(entries.locator(".error")).to_have_text("expected at least 0 (got -5)")

    page.locator('[data-field="demand.entries_per_year"] input').fill("450")
    page.locator('[data-field="name"] input').fill("entries_450")
    page.locator('[data-field="title"] input').fill("450 children entering care a year")
    page.get_by_role("button", name="Check and save the copy").click()
    expect(page.locator("h1")).to_have_text("450 children entering care a year")
    expect(page.locator(".changes")).to_contain_text("450 children entering care a year (between 390 and 490 in the base)")

    page.locator('input[name="replications"]').fill("4")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("link", name="Open the results").click()
    chart = page.locator('figure[data-chart="out_of_county"] img')
    expect(chart).to_be_visible()
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    expect(page.locator("#summary")).to_contain_text("Children placed out of county: ")
    page.screenshot(path=IMAGES / "results_page.png")

    pack = page.request.get(server + page.locator('[data-download="pack.html"]').get_attribute("href"))
    assert pack.ok and "Sufficiency projection for" in pack.text()
    with page.expect_download() as download:
        page.locator('[data-download="pack.xlsx"]').click()
    saved = tmp_path / "pack.xlsx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"  # a workbook is a zip

    page.goto(server)
    page.locator('select[name="base"]').select_option("shipped/baseline")
    page.locator('input[name="option"][value="yours/entries_450"]').check()
    page.locator('#compare input[name="replications"]').fill("4")
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("link", name="Open the results").click()
    headline = page.locator("#headline")
    expect(headline).to_contain_text("differences from the base")
    expect(headline.locator("table.headline").first).to_contain_text("450 children entering care a year")
