"""A branch meeting in real browsers: an officer opens a meeting on one shared device, makes the
laptop its device, and members vote one after another; each voter's Next voter leaves a blank
start page with nothing of the voter before, and Back does not bring their pages back."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ballots.models import MeetingSession, RollEntry
from ballots.officer import services
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import (
    BALLOT_PUBLIC_KEY,
    OFFICER_PASSWORD,
    ConstituencyFactory,
    MemberFactory,
    OfficerFactory,
    TriggerBallotFactory,
    WardFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting_ballot(db):
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Alex Morgan")
    ward = WardFactory(constituency=constituency, name="Barton")
    MemberFactory.create_batch(2, ward=ward)
    secretary = OfficerFactory(username="secretary", constituencies=[constituency])
    ballot = TriggerBallotFactory(constituency=constituency, sitting_mp="Alex Morgan", meeting_voting=True)
    services.ballot_open(ballot=ballot, public_key=BALLOT_PUBLIC_KEY, actor=secretary)
    codes = [(entry.membership_number, code) for entry, code in services.voting_codes_issue(ballot=ballot)]
    return ballot, codes


def test_members_vote_one_after_another_on_a_meetings_shared_device(page, live_server, settings, meeting_ballot):
    settings.SITE_URL = live_server.url
    ballot, codes = meeting_ballot
    log_in(page, live_server, "secretary", OFFICER_PASSWORD)
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/")
    page.get_by_role("link", name="Branch meetings").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Name of the meeting").fill("Barton branch meeting")
    page.get_by_label("Ward branch").select_option(label="Barton")
    page.get_by_label("One after another, on one shared device", exact=False).check()
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.get_by_role("heading", name="Meetings open now")).to_be_visible()
    assert MeetingSession.objects.get().shared_device
    page.get_by_role("button", name="Use this browser to vote at the meeting").click()

    for number, code in codes:
        expect(page.get_by_text("Voting at:")).to_contain_text("Barton branch meeting")
        page.get_by_label("Membership number").fill(number)
        page.get_by_label("Voting code").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Hold an open selection").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()
        assert_no_serious_axe_violations(page)
        page.get_by_role("link", name="Next voter").click()
        page.wait_for_url("**/vote/")
        assert page.get_by_label("Membership number").input_value() == ""
        assert number not in page.content() and code not in page.content()
        assert_no_serious_axe_violations(page)

    # The shared device kept no officer signed in, and nothing of the last voter comes back.
    # Back reaches at most the confirmation's POST, which a no-store page never shows again.
    try:
        page.go_back()
    except PlaywrightError as error:
        assert "ERR_CACHE_MISS" in str(error)
    expect(page.get_by_role("heading", name="Your vote has been cast")).to_have_count(0)
    expect(page.get_by_text(codes[-1][0])).to_have_count(0)
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True, vote_channel="online").count() == 2
    response = page.goto(f"{live_server.url}/ballots/{ballot.pk}/manage/")
    assert "/accounts/login/" in page.url or (response is not None and response.status in (302, 403))
