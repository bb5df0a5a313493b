"""An officer opens, closes and declares a ballot in a real browser, each through its confirmation
page, and voids another; every confirmation page is checked with axe-core (no serious or critical
violation) and within the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from ballots.models import TriggerBallot
from members.models import AuditEvent
from tests.e2e.conftest import assert_no_serious_axe_violations, key_taken_and_entered_back, log_in, votes_counted_with
from tests.factories import OFFICER_PASSWORD, OfficerFactory, TriggerBallotFactory, draft_ballot_ready_to_open

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ballot(constituency, wards):
    OfficerFactory(username="secretary", constituencies=[constituency])
    return draft_ballot_ready_to_open(constituency=constituency, wards=wards)


def status_of(ballot):
    return TriggerBallot.objects.values_list("status", flat=True).get(pk=ballot.pk)


def test_an_officer_opens_closes_and_declares_through_the_confirmation_pages(page, live_server, ballot):
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)
    manage = f"{live_server.url}/ballots/{ballot.pk}/manage/"
    steps = [
        # (dashboard link, page heading, what the page says, its button, the status after)
        (
            "Open the ballot…",
            "Open the ballot?",
            "9 members on the roll",
            "Open the ballot: show me its key",
            "open",
        ),
        (
            "Close the ballot now…",
            "Close the ballot now?",
            "No more votes",
            "Close the ballot now: no more votes",
            "closed",
        ),
        (
            "Declare the result…",
            "Declare the result?",
            "becomes public",
            "Declare the result and publish it",
            "declared",
        ),
    ]

    for link, heading, says, button, status in steps:
        page.goto(manage)
        # On the dashboard the transition is a link to its confirmation page, not a button.
        expect(page.get_by_role("button", name=button)).to_have_count(0)
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_role("heading", name="This cannot be undone")).to_be_visible()
        expect(page.locator("main")).to_contain_text(says)
        assert_no_serious_axe_violations(page)
        # Cancel first: nothing happens.
        page.get_by_role("link", name="Cancel and go back to the ballot").click()
        assert status_of(ballot) != status
        page.get_by_role("link", name=link).click()
        if status == "open":
            key = key_taken_and_entered_back(page)  # the key is shown, kept and entered back first
        else:
            page.get_by_role("button", name=button).click()
        expect(page.locator(".message-success")).to_be_visible()
        assert status_of(ballot) == status
        if status == "closed":
            page.goto(manage)
            votes_counted_with(page, key)
            expect(page.locator(".message-success")).to_be_visible()

    assert [event.action for event in AuditEvent.objects.filter(ballot_id=ballot.pk).order_by("pk")] == [
        "ballot_opened",
        "ballot_closed",
        "votes_counted",
        "ballot_declared",
    ]


def test_an_officer_voids_a_ballot_with_a_reason(page, live_server, ballot, constituency):
    other = TriggerBallotFactory(constituency=constituency)
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)

    page.goto(f"{live_server.url}/ballots/{other.pk}/manage/")
    page.get_by_role("link", name="Void the ballot…").click()
    expect(page.get_by_role("heading", level=1, name="Void the ballot?")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Void the ballot").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Why is the ballot being voided?").fill("Created twice by mistake")
    page.get_by_label("I understand that voiding cannot be undone").check()
    page.get_by_role("button", name="Void the ballot").click()

    expect(page.get_by_role("heading", name="This ballot has been voided")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Created twice by mistake")
    assert_no_serious_axe_violations(page)
    assert TriggerBallot.objects.get(pk=other.pk).is_voided
