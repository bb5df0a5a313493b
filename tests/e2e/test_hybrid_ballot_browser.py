"""A hybrid ballot in real browsers: some members vote online on their phones, others are marked on the
register as having voted by post, their papers are counted in batches that one officer enters and a
second officer confirms, and the declared result counts both, ward by ward."""

import json
import re

import pytest
from playwright.sync_api import expect

from ballots.models import PaperBatch, RollEntry, TriggerBallot, WardVoteCount
from ballots.officer import services
from tests.e2e.conftest import _watched_page, assert_no_serious_axe_violations, log_in
from tests.factories import (
    BALLOT_KEY,
    BALLOT_PUBLIC_KEY,
    OFFICER_PASSWORD,
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    OfficerFactory,
    TriggerBallotFactory,
    WardFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hybrid(db):
    """An open ballot taking online and postal votes: Barton and Westgate, three members each."""
    constituency = ConstituencyFactory(name="Canterbury", sitting_mp="Alex Morgan")
    for ward_name, names in (("Barton", ("Ada", "Ben", "Cara")), ("Westgate", ("Dev", "Eve", "Finn"))):
        ward = WardFactory(constituency=constituency, name=ward_name)
        for first in names:
            MemberFactory(ward=ward, first_name=first, last_name="Hybrid")
    affiliate = AffiliateFactory(constituency=constituency, name="GMB Kent", delegate_name="Sam Lee")
    secretary = OfficerFactory(username="secretary", constituencies=[constituency])
    OfficerFactory(username="chair", constituencies=[constituency])
    ballot = TriggerBallotFactory(constituency=constituency, sitting_mp="Alex Morgan", paper_voting=True)
    services.ballot_open(ballot=ballot, public_key=BALLOT_PUBLIC_KEY, actor=secretary)
    codes = {
        entry.member.first_name: (entry.membership_number, code)
        for entry, code in services.voting_codes_issue(ballot=ballot, actor=secretary)
    }
    services.affiliate_vote_record(
        ballot=ballot, affiliate=affiliate, choice="reselect", delegate_name="Sam Lee", actor=secretary
    )
    return ballot, codes


def vote_online(page, live_server, number, code, choice):
    page.goto(f"{live_server.url}/vote/")
    page.get_by_label("Membership number").fill(number)
    page.get_by_label("Voting code").fill(code)
    page.get_by_role("button", name="Continue").tap()
    page.get_by_label(choice).tap()
    page.get_by_role("button", name="Continue").tap()
    page.get_by_role("button", name="Cast my vote").tap()
    expect(page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()


def mark_by_post(page, name):
    page.get_by_label("Membership number or name").fill(name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=re.compile(f"Mark as voted by post or on paper.*{name}")).click()
    expect(page.get_by_role("row", name=name).first).to_contain_text("By post or on paper")


def enter_batch(page, ward, label, reselect, open_):
    page.get_by_label("Ward branch").select_option(label=ward)
    page.get_by_label("By post or on paper").check()
    page.get_by_label("Batch", exact=True).fill(label)
    page.get_by_label("Papers to reselect").fill(str(reselect))
    page.get_by_label("Papers for an open selection").fill(str(open_))
    page.get_by_label("Spoilt papers").fill("0")
    page.get_by_role("button", name="Enter the batch").click()


def test_online_votes_and_confirmed_paper_batches_make_the_declared_result(
    browser, page, phone_page, live_server, settings, hybrid
):
    settings.SITE_URL = live_server.url
    ballot, codes = hybrid
    manage = f"{live_server.url}/ballots/{ballot.pk}/manage/"

    # Ada (Barton) and Dev (Westgate) vote online; Ben and Cara (Barton) and Eve (Westgate) post papers.
    vote_online(phone_page, live_server, *codes["Ada"], "Hold an open selection")
    vote_online(phone_page, live_server, *codes["Dev"], "Hold an open selection")

    log_in(page, live_server, "secretary", OFFICER_PASSWORD)
    page.goto(manage)
    page.get_by_role("link", name="Marked register").first.click()
    assert_no_serious_axe_violations(page)
    for name in ("Ben Hybrid", "Cara Hybrid", "Eve Hybrid"):
        mark_by_post(page, name)
    # Ada voted online: she can be found but not marked.
    page.get_by_label("Membership number or name").fill("Ada Hybrid")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row", name="Ada Hybrid").first).to_contain_text("Has voted")
    assert_no_serious_axe_violations(page)

    # A marked member can no longer vote online.
    phone_page.goto(f"{live_server.url}/vote/")
    phone_page.get_by_label("Membership number").fill(codes["Ben"][0])
    phone_page.get_by_label("Voting code").fill(codes["Ben"][1])
    phone_page.get_by_role("button", name="Continue").tap()
    expect(phone_page.get_by_text("has already voted in this ballot")).to_be_visible()

    page.goto(manage)
    page.get_by_role("link", name="Paper batches").first.click()
    assert_no_serious_axe_violations(page)
    # A batch that does not add up to the marks is refused with the difference shown.
    enter_batch(page, "Barton", "Postal votes, Barton", reselect=3, open_=0)
    expect(page.get_by_text("1 too many").first).to_be_visible()
    enter_batch(page, "Barton", "Postal votes, Barton", reselect=2, open_=0)
    enter_batch(page, "Westgate", "Postal votes, Westgate", reselect=1, open_=0)
    assert PaperBatch.objects.filter(state="entered").count() == 2

    # The officer who entered a batch cannot confirm it; a second officer does.
    page.get_by_role("link", name="Check the batch Postal votes, Barton").click()
    expect(page.get_by_text("another officer must check it")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the batch")).to_have_count(0)
    assert PaperBatch.objects.filter(state="confirmed").count() == 0

    context, chair = _watched_page(browser)
    try:
        log_in(chair, live_server, "chair", OFFICER_PASSWORD)
        for label in ("Postal votes, Barton", "Postal votes, Westgate"):
            chair.goto(f"{manage}paper/")
            chair.get_by_role("link", name=f"Check the batch {label}").click()
            assert_no_serious_axe_violations(chair)
            chair.get_by_role("button", name="Confirm the batch").click()
        assert not chair.csp_violations
    finally:
        context.close()
    assert PaperBatch.objects.filter(state="confirmed").count() == 2

    services.ballot_close(ballot=TriggerBallot.objects.get(pk=ballot.pk))
    services.ballot_count(ballot=TriggerBallot.objects.get(pk=ballot.pk), private_key=BALLOT_KEY)
    page.goto(manage)
    page.get_by_role("link", name="Declare the result…").click()
    page.get_by_role("button", name="Declare the result").click()
    expect(page.get_by_text("The result is declared and published.")).to_be_visible()

    # Barton: 1 online open + 2 postal reselect; Westgate: 1 online open + 1 postal reselect.
    counts = {
        (row.ward.name, row.channel): (row.reselect, row.open)
        for row in WardVoteCount.objects.filter(ballot=ballot).select_related("ward")
    }
    assert counts == {
        ("Barton", "online"): (0, 1),
        ("Westgate", "online"): (0, 1),
        ("Barton", "paper"): (2, 0),
        ("Westgate", "paper"): (1, 0),
    }
    assert RollEntry.objects.filter(ballot=ballot, vote_channel="paper").count() == 3

    officer_json = json.loads(page.request.get(f"{live_server.url}/ballots/{ballot.pk}/results.json").text())
    branches = {branch["name"]: branch for branch in officer_json["branches"]}
    assert (branches["Barton"]["reselect"], branches["Barton"]["open"]) == (2, 1)
    assert (branches["Westgate"]["reselect"], branches["Westgate"]["open"]) == (1, 1)
    assert branches["Barton"]["by_channel"]["paper"]["reselect"] == 2
    assert branches["Barton"]["by_channel"]["online"]["open"] == 1
    # Barton reselects 2 to 1, Westgate ties (excluded), GMB Kent reselects: the MP is reselected.
    assert officer_json["outcome"] == "reselected"

    # Officers see each ward's votes by channel; with only five members' votes in all, the public
    # page withholds even the ballot's totals by channel (docs/results.md, disclosure).
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/results")
    expect(page.get_by_text("Votes by channel").first).to_be_visible()
    assert_no_serious_axe_violations(page)
    phone_page.goto(f"{live_server.url}/ballots/{ballot.pk}/results")
    expect(phone_page.get_by_text("Votes by channel")).to_have_count(0)
    assert_no_serious_axe_violations(phone_page)
    public_json = json.loads(phone_page.request.get(f"{live_server.url}/ballots/{ballot.pk}/results.json").text())
    assert public_json["outcome"] == "reselected"
    assert all("by_channel" not in branch for branch in public_json["branches"])
