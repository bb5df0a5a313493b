"""Browser fixtures: Playwright driving the system Chromium against pytest-django's live_server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available():
    return os.path.exists(CHROMIUM) or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must run the browser tests.")
        pytest.skip(
            f"Chromium not found at {CHROMIUM}. Install it with `sudo apt-get install chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watched_page(browser, **context_options):
    """A page whose Content-Security-Policy violations are collected, so tests can fail on them."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return context, page


@pytest.fixture
def page(browser):
    context, page = _watched_page(browser)
    yield page
    violations = page.csp_violations
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def phone_page(browser):
    context, page = _watched_page(browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    yield page
    violations = page.csp_violations
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def assert_no_serious_axe_violations(page):
    """Run axe-core on the page and fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        violation for violation in results.response["violations"] if violation.get("impact") in {"serious", "critical"}
    ]
    assert not serious, (
        "axe-core violations on "
        + page.url
        + ":\n"
        + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in serious
        )
    )


def log_in(page, live_server, username, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def key_taken_and_entered_back(page):
    """On the open confirmation page: keep one key, read it off its page, enter it back; return it."""
    page.get_by_role("button", name="Open the ballot: show me its key").click()
    key = page.locator("[data-key-text]").inner_text().strip()
    assert_no_serious_axe_violations(page)
    page.get_by_label("The ballot's key, or two of its shares").fill(key)
    page.get_by_label("I have kept the key safe").check()
    page.get_by_role("button", name="Open the ballot", exact=True).click()
    return key


def votes_counted_with(page, key):
    """From the ballot's page of a closed ballot: count the votes with `key`."""
    page.get_by_role("link", name="Count the votes").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("The ballot's key, or two of its shares").fill(key)
    page.get_by_role("button", name="Count the votes").click()
