"""The members' voting pages, end to end with Django's test client: no JavaScript and no session
needed anywhere, each form post answered with the next page itself."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt
from ballots.voting.services import receipt_check
from tests.ballots.voting.voting_pages import (
    ALREADY,
    WRONG,
    cast_from,
    choices_recorded,
    confirm,
    link_to,
    receipt_on,
    start,
    token_on,
    vote,
)
from tests.factories import ConstituencyFactory, open_ballot_with_voters

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot_and_voters(constituency):
    constituency.sitting_mp = "Alex Morgan"
    constituency.save()
    return open_ballot_with_voters(constituency, voters=3, sitting_mp="Alex Morgan")


def test_a_member_votes_through_the_pages_and_sees_a_receipt_that_checks_as_counted(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    form_page = client.get("/vote/")
    assert form_page.status_code == 200
    assert 'type="hidden" name="ballot"' in form_page.content.decode()  # the only open ballot is chosen

    paper = start(client, ballot, voter)
    assert paper.status_code == 200  # the paper itself, no redirect
    page = paper.content.decode()
    assert (
        '<legend class="ballot-question">Do you want Alex Morgan to be automatically reselected as the Labour '
        "candidate for Canterbury, or should there be an open selection?</legend>" in page
    )
    assert "Reselect Alex Morgan automatically" in page and "Hold an open selection" in page
    assert 'value="keep"' in page and 'value="open"' in page
    assert 'action="/vote/confirm/"' in page
    assert "works for 60 minutes" in page

    confirmation = confirm(client, paper, "open")
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Your vote: <strong>Hold an open selection</strong>" in page
    assert "Cast my vote" in page and "Go back and change" in page
    assert not SealedVote.objects.exists()  # nothing is cast before the confirmation

    receipt_page = cast_from(client, confirmation, "open")
    assert receipt_page.status_code == 200
    receipt = receipt_on(receipt_page)
    assert choices_recorded(ballot.pk) == ["open"]
    assert receipt_check(ballot=ballot, receipt_code=receipt)
    assert "Alex Morgan, Canterbury" in receipt_page.content.decode()
    assert f'href="/vote/receipt/?ballot={ballot.pk}"' in receipt_page.content.decode()
    assert receipt not in client.get("/vote/done/").content.decode()  # shown on that page alone


def test_going_back_to_change_keeps_the_choice_and_casts_the_new_one(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    confirmation = confirm(client, start(client, ballot, voter), "open")

    back = client.post("/vote/ballot/", {"token": token_on(confirmation), "choice": "open"})  # "Go back and change"
    assert back.status_code == 200
    assert re.search(r'value="open"\s+checked', back.content.decode())
    cast_from(client, confirm(client, back, "keep"), "keep")

    assert choices_recorded(ballot.pk) == ["reselect"]


def test_a_ballot_paper_sent_without_a_choice_asks_for_one(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    paper = start(client, ballot, voter)

    response = client.post("/vote/confirm/", {"token": token_on(paper)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the two options." in page
    assert 'role="alert"' in page and 'href="#id_choice_0"' in page
    assert 'name="token"' in page  # the member can choose and go on


def test_the_confirmation_refuses_a_choice_not_on_the_paper_and_casts_nothing(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    token = token_on(start(client, ballot, voter))

    for choice in ("reselect", "abstain", ""):
        response = client.post("/vote/confirm/", {"token": token, "choice": choice, "cast": "1"})
        assert response.status_code == 400 and "Choose one of the two options." in response.content.decode()
    assert not SealedVote.objects.exists()


def test_wrong_code_and_unknown_number_get_the_same_words_on_the_page(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    wrong = start(client, ballot, voter, code="AAAA-BBBB-CCCC-DDDD")
    stranger = client.post("/vote/", {"ballot": ballot.pk, "membership_number": "L424242", "code": voter.code})

    for response in (wrong, stranger):
        assert response.status_code == 400
        assert WRONG in response.content.decode()
        assert 'role="alert"' in response.content.decode()
        assert 'name="token"' not in response.content.decode()


def test_empty_fields_are_named_in_the_error_summary_and_tied_to_their_inputs(client, ballot_and_voters):
    response = client.post("/vote/", {"ballot": ballot_and_voters[0].pk})

    page = response.content.decode()
    assert "Enter your membership number." in page and "Enter your voting code." in page
    assert 'aria-describedby="id_membership_number_helptext id_membership_number_error"' in page
    assert 'aria-invalid="true"' in page


def test_a_member_who_has_voted_is_told_so_at_the_start(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    RollEntry.objects.filter(pk=voter.entry.pk).update(has_voted=True)

    response = start(client, ballot, voter)

    assert ALREADY in response.content.decode()


def test_the_same_confirmation_sent_twice_counts_once_and_the_second_hears_already_voted(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    confirmation = confirm(client, start(client, ballot, voter), "open")

    first = cast_from(client, confirmation, "open")
    again = cast_from(client, confirmation, "keep")

    assert first.status_code == 200 and receipt_on(first)
    assert again.status_code == 409
    assert ALREADY in again.content.decode() and "No second vote was cast" in again.content.decode()
    assert "it was recorded and is counted once" in again.content.decode()
    assert SealedVote.objects.count() == 1 == VoteReceipt.objects.count()
    assert ALREADY in start(client, ballot, voter).content.decode()


def test_a_vote_cast_in_another_browser_meanwhile_stops_the_confirmation(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    other = Client()
    here = confirm(client, start(client, ballot, voter), "open")
    there = confirm(other, start(other, ballot, voter), "keep")

    assert cast_from(client, here, "open").status_code == 200
    refused = cast_from(other, there, "keep")

    assert refused.status_code == 409
    assert ALREADY in refused.content.decode()
    assert "No second vote was cast" in refused.content.decode()
    assert SealedVote.objects.count() == 1


def test_a_ballot_closing_while_a_member_reads_the_paper_refuses_the_vote_with_clear_words(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    confirmation = confirm(client, start(client, ballot, voter), "keep")
    TriggerBallot.objects.filter(pk=ballot.pk).update(
        status=TriggerBallot.Status.CLOSED,
        closes_at=timezone.now() - dt.timedelta(seconds=1),
        opens_at=timezone.now() - dt.timedelta(days=1),
    )

    response = cast_from(client, confirmation, "keep")

    assert response.status_code == 409
    assert "Voting in this ballot has closed. No more votes can be cast." in response.content.decode()
    assert "Voting in the ballot for Canterbury closed" in response.content.decode()
    assert not SealedVote.objects.exists()


def test_a_ballot_not_open_yet_is_refused_with_its_opening_time(client, constituency):
    ballot, [voter] = open_ballot_with_voters(
        constituency,
        voters=1,
        opens_at=timezone.now() + dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=8),
    )

    response = client.get(link_to(ballot, voter.membership_number, voter.code))

    assert response.status_code == 400
    assert "Voting in this ballot has not opened yet." in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_no_open_ballot_says_so_plainly(client, db):
    page = client.get("/vote/").content.decode()
    assert "No trigger ballot is open for voting at the moment." in page


def test_with_several_open_ballots_the_member_chooses_theirs_by_constituency(client, ballot_and_voters):
    other_constituency = ConstituencyFactory(name="Dover", sitting_mp="Sam Lee")
    other_ballot, [other_voter] = open_ballot_with_voters(other_constituency, voters=1)

    page = client.get("/vote/").content.decode()
    assert "<select" in page and "Canterbury: Alex Morgan" in page and "Dover: Sam Lee" in page

    paper = start(client, other_ballot, other_voter)
    assert paper.status_code == 200 and "Dover" in paper.content.decode()


def test_the_later_pages_without_a_token_show_the_start_with_a_plain_message(client, ballot_and_voters):
    for url in ("/vote/ballot/", "/vote/confirm/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "To see your ballot paper, enter your membership number and voting code." in response.content.decode()
        assert 'action="/vote/"' in response.content.decode()
    response = client.post("/vote/confirm/", {"choice": "open", "cast": "1"})
    assert response.status_code == 400
    assert "We could not read your ballot paper" in response.content.decode()
    assert not SealedVote.objects.exists()


def test_every_voting_page_is_not_stored_and_keeps_addresses_on_the_site(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    paper = start(client, ballot, voter)
    confirmation = confirm(client, paper, "open")
    responses = [
        client.get("/vote/"),
        paper,
        confirmation,
        client.post("/vote/ballot/", {"token": token_on(confirmation), "choice": "open"}),
        cast_from(client, confirmation, "open"),
        client.get("/vote/done/"),
        client.get("/vote/receipt/"),
        client.get("/vote/ballot/"),
        client.post("/vote/confirm/", {"token": "nonsense"}),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] in {"no-referrer", "same-origin"}
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_every_form_posts_with_a_csrf_token_and_is_refused_without_one(ballot_and_voters, settings):
    ballot, [voter, *_] = ballot_and_voters
    assert settings.CSRF_USE_SESSIONS is False  # the CSRF secret is in its own cookie, not a session
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/vote/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    credentials = {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
    assert strict.post("/vote/", credentials).status_code == 403

    paper = start(Client(), ballot, voter)
    confirmation = confirm(Client(), paper, "open")
    for response in (paper, confirmation):
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", response.content.decode(), re.S)
        assert forms and all('name="csrfmiddlewaretoken"' in form for form in forms)
    assert strict.post("/vote/confirm/", {"token": token_on(paper), "choice": "open", "cast": "1"}).status_code == 403
    assert not SealedVote.objects.exists()
    assert 'name="csrfmiddlewaretoken"' in strict.get("/vote/receipt/").content.decode()


def test_the_forms_need_no_javascript_and_switch_off_autocomplete_for_the_code(client, ballot_and_voters):
    page = client.get("/vote/").content.decode()
    form = re.search(r"<form[^>]*>", page[page.index('action="/vote/"') - 40 :]).group(0)
    assert 'method="post"' in form
    code_input = re.search(r'<input[^>]*name="code"[^>]*>', page).group(0)
    assert 'autocomplete="off"' in code_input and 'spellcheck="false"' in code_input
    assert 'aria-describedby="id_code_helptext"' in code_input
    assert "<script" not in page.replace('<script src="/static/js/voting.js" defer></script>', "")
    assert 'style="' not in page and " onclick=" not in page


def test_the_ballot_paper_has_no_inline_script_and_loads_only_the_sites_files(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    page = start(client, ballot, voter).content.decode()

    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert scripts and all(body == "" for body in scripts)
    assert set(re.findall(r'<script src="([^"]+)"', page)) == {"/static/js/voting.js", "/static/js/vote.js"}
    assert 'style="' not in page and " onclick=" not in page


def test_the_receipt_page_says_counted_or_not_found_and_nothing_more(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    receipt = receipt_on(vote(client, ballot, voter, "open"))

    counted = client.post("/vote/receipt/", {"ballot": ballot.pk, "receipt_code": receipt}).content.decode()
    missing = client.post("/vote/receipt/", {"ballot": ballot.pk, "receipt_code": "ABCD-EFGH-JKMN"}).content.decode()

    assert "Counted" in counted and "Not found" not in counted
    assert "Not found" in missing
    assert "Hold an open selection" not in counted and "Reselect" not in counted
    assert "Enter your receipt code." in client.post("/vote/receipt/", {"ballot": ballot.pk}).content.decode()


def test_the_receipt_check_preselects_the_ballot_the_receipt_page_names(client, ballot_and_voters):
    ballot, _ = ballot_and_voters
    ConstituencyFactory(name="Dover")
    open_ballot_with_voters(ConstituencyFactory(name="Ashford"), voters=1)

    page = client.get(f"/vote/receipt/?ballot={ballot.pk}").content.decode()

    assert re.search(rf'<option value="{ballot.pk}"\s+selected>', page)


def test_a_request_django_cannot_read_gets_the_sites_own_400_page_not_a_bare_one(client, ballot_and_voters):
    too_many_fields = {f"field{index}": "x" for index in range(1200)}

    response = client.post("/vote/confirm/", too_many_fields)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your request could not be read" in page and 'href="/vote/"' in page
    assert "Bad Request (400)" not in page
