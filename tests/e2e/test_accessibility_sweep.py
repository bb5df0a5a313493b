"""Accessibility sweep over every kind of page a reader, a member and an officer can reach.

With the demo data loaded, a crawler follows every link on the site (one page of each URL
shape: /ballots/3/results and /ballots/4/results are the same kind of page, but each ballot's
own officer pages, since a draft and a declared ballot offer different ones) as an anonymous
reader and as an officer, and on each page:

- axe-core reports no serious or critical violation;
- no Content-Security-Policy violation is logged (the `page` fixture fails on any);
- every control of every form can be reached with the Tab key alone, in document order.

The member's voting journey (forms behind a voting code) has its own keyboard-only test in
test_voting_browser.py; this sweep adds the pages a member reaches by links.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_no_serious_axe_violations, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-sweep-password-2026"
# Links that leave the page tour: downloads, logout, Django's own admin (not ours to restyle).
SKIP = re.compile(r"(\.json|\.csv|\.pdf|/export|/download|_export=|/logout|/admin/|/static/)")
MAX_PAGES = 160


def page_shape(path: str) -> str:
    """One page of each kind, but a ballot's own officer pages once per ballot: a draft, an open
    and a declared ballot each show pages the others do not (codes, reminders, the count, the
    formal record)."""
    ballot = re.match(r"/ballots/(\d+)/manage/", path)
    shape = re.sub(r"/\d+", "/N", path)
    return shape.replace("/ballots/N/manage/", f"/ballots/{ballot.group(1)}/manage/", 1) if ballot else shape


def crawl(page, start_url):
    """Visit one page of each shape reachable from start_url; yield each URL after loading it."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start_url))
    queue, seen = deque([start_url]), set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        shape = page_shape(urlsplit(url).path) + ("?" + urlsplit(url).query if "page=" in url else "")
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(url)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        yield url
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(origin) and not SKIP.search(target) and "page=" not in target:
                queue.append(target)


def assert_form_controls_reachable_by_tab(page):
    """Tab from the top of the page through to the end: every visible form control gets focus."""
    controls = page.eval_on_selector_all(
        "main form input:not([type=hidden]), main form select, main form textarea, main form button",
        "els => els.filter(e => !e.disabled && e.offsetParent !== null).length",
    )
    if not controls:
        return
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached = set()
    focusable = page.eval_on_selector_all("a[href], input, select, textarea, button", "els => els.length")
    # Date inputs take several Tab stops (day, month, year), so allow a few per element.
    for _ in range(3 * focusable + 10):
        page.keyboard.press("Tab")
        marker = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || !el.closest('main form')) return null;
                if (!el.dataset.sweep) el.dataset.sweep = String(Math.random());
                return el.dataset.sweep;
            }"""
        )
        if marker:
            reached.add(marker)
        if len(reached) >= controls:
            break
    # Radio groups take one Tab stop for the whole group, so count a group once.
    radio_extra = page.eval_on_selector_all(
        "main form input[type=radio]",
        "els => { const names = new Set(els.map(e => e.name)); return els.length - names.size; }",
    )
    assert len(reached) >= controls - radio_extra, (
        f"only {len(reached)} of {controls} form controls on {page.url} take focus by Tab"
    )


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", officer_password=DEMO_PASSWORD, verbosity=0)


def checked_paths(page, live_server, username=None):
    """Crawl the site (as `username`, if given), checking every page; return the paths visited."""
    if username:
        log_in(page, live_server, username, DEMO_PASSWORD)
    visited = []
    for url in crawl(page, live_server.url + "/"):
        assert_no_serious_axe_violations(page)
        assert_form_controls_reachable_by_tab(page)
        visited.append(urlsplit(url).path)
    return visited


def test_every_public_page_is_accessible(page, live_server, demo):
    visited = checked_paths(page, live_server)
    for expected in ("/", "/vote/", "/ballots/"):
        assert expected in visited, visited
    assert any(path.endswith("/results") for path in visited), visited
    # The demo's declared ballot is in a round: its result page links the round's overview.
    assert any(re.fullmatch(r"/rounds/\d+/", path) for path in visited), visited


def test_every_officer_page_is_accessible(page, live_server, demo):
    visited = [page_shape(path) for path in checked_paths(page, live_server, "officer")]
    assert "/constituencies/N/members/" in visited, visited
    assert any("/manage" in path for path in visited), visited
    assert len(visited) >= 12, visited


def test_every_regional_officer_page_is_accessible(page, live_server, demo):
    visited = [page_shape(path) for path in checked_paths(page, live_server, "regional")]
    region_pages = (
        "/regions/",
        "/regions/N/",
        "/regions/N/people/",
        "/regions/N/dashboard/",
        "/regions/N/rounds/new/",
        "/regions/N/constituencies/N/",
    )
    for expected in region_pages:
        assert expected in visited, visited
    assert "/rounds/N/forecast/" in visited, visited


def test_every_scrutineer_page_is_accessible(page, live_server, demo):
    visited = [page_shape(path) for path in checked_paths(page, live_server, "scrutineer")]
    assert "/scrutiny/" in visited, visited
    assert "/scrutiny/ballots/N/" in visited, visited
    # A scrutineer changes nothing: no officer page is linked for them.
    assert not any("/manage" in path for path in visited), visited
