"""The members' voting pages, end to end with Django's test client: no JavaScript needed anywhere."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from ballots.models import MemberVote, RollEntry, TriggerBallot, VoteReceipt
from ballots.voting.services import receipt_check
from tests.factories import ConstituencyFactory, open_ballot_with_voters

pytestmark = pytest.mark.django_db

WRONG = "We could not match that membership number and voting code. Check both and try again."
ALREADY = "This membership number has already voted in this ballot. Your vote was counted; each member votes once."


@pytest.fixture
def ballot_and_voters(constituency):
    constituency.sitting_mp = "Alex Morgan"
    constituency.save()
    return open_ballot_with_voters(constituency, voters=3, sitting_mp="Alex Morgan")


def start(client, ballot, voter, code=None):
    return client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": code or voter.code},
    )


def cast(client, choice):
    """Choose on the ballot paper (which posts to the confirmation), then cast."""
    client.post("/vote/confirm/", {"choice": choice})
    return client.post("/vote/confirm/", {"choice": choice, "cast": "1"})


def receipt_on(page):
    return re.search(r'id="receipt-code">([A-Z0-9-]+)<', page).group(1)


def test_a_member_votes_through_the_pages_and_sees_a_receipt_that_checks_as_counted(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    form_page = client.get("/vote/")
    assert form_page.status_code == 200
    assert 'type="hidden" name="ballot"' in form_page.content.decode()  # the only open ballot is chosen
    response = start(client, ballot, voter)
    assert (response.status_code, response["Location"]) == (303, "/vote/ballot/")

    paper = client.get("/vote/ballot/").content.decode()
    assert (
        '<legend class="ballot-question">Do you want Alex Morgan to be automatically reselected as the Labour '
        "candidate for Canterbury, or should there be an open selection?</legend>" in paper
    )
    assert "Reselect Alex Morgan automatically" in paper and "Hold an open selection" in paper

    assert 'action="/vote/confirm/"' in paper
    response = client.post("/vote/confirm/", {"choice": "open"})
    assert response.status_code == 200
    confirm = response.content.decode()
    assert "Your vote: <strong>Hold an open selection</strong>" in confirm
    assert "Cast my vote" in confirm and "Go back and change" in confirm
    assert not MemberVote.objects.exists()  # nothing is cast before the confirmation

    response = client.post("/vote/confirm/", {"choice": "open", "cast": "1"})
    assert (response.status_code, response["Location"]) == (303, "/vote/done/")
    done = client.get("/vote/done/").content.decode()
    receipt = receipt_on(done)

    assert MemberVote.objects.get().choice == "open"
    assert receipt_check(ballot=ballot, receipt_code=receipt)
    assert "voting" not in client.session  # the credentials are gone
    assert "Alex Morgan, Canterbury" in done
    assert receipt not in client.get("/vote/done/").content.decode()  # shown once


def test_going_back_to_change_keeps_the_choice_and_casts_the_new_one(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)
    client.post("/vote/confirm/", {"choice": "open"})

    paper = client.post("/vote/ballot/", {"choice": "open"}).content.decode()  # "Go back and change"
    assert re.search(r'value="open"\s+checked', paper)
    cast(client, "reselect")

    assert list(MemberVote.objects.values_list("choice", flat=True)) == ["reselect"]


def test_a_ballot_paper_sent_without_a_choice_asks_for_one(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)

    response = client.post("/vote/confirm/", {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the two options." in page
    assert 'role="alert"' in page and 'href="#id_choice_0"' in page


def test_wrong_code_and_unknown_number_get_the_same_words_on_the_page(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    wrong = start(client, ballot, voter, code="AAAA-BBBB-CCCC-DDDD")
    stranger = client.post("/vote/", {"ballot": ballot.pk, "membership_number": "L424242", "code": voter.code})

    for response in (wrong, stranger):
        assert response.status_code == 400
        assert WRONG in response.content.decode()
        assert 'role="alert"' in response.content.decode()
    assert "voting" not in client.session


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


def test_the_same_confirmation_sent_twice_from_one_browser_counts_once(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)
    client.post("/vote/confirm/", {"choice": "open"})

    first = client.post("/vote/confirm/", {"choice": "open", "cast": "1"})
    again = client.post("/vote/confirm/", {"choice": "reselect", "cast": "1"})

    assert first["Location"] == "/vote/done/"
    assert again["Location"] == "/vote/"  # the credentials left the session with the first
    assert MemberVote.objects.count() == 1 == VoteReceipt.objects.count()
    assert ALREADY in start(client, ballot, voter).content.decode()


def test_a_vote_cast_in_another_browser_meanwhile_stops_the_confirmation(client, ballot_and_voters):
    from django.test import Client

    ballot, [voter, *_] = ballot_and_voters
    other = Client()
    for browser in (client, other):
        start(browser, ballot, voter)
        browser.post("/vote/confirm/", {"choice": "open"})

    assert client.post("/vote/confirm/", {"choice": "open", "cast": "1"}).status_code == 303
    refused = other.post("/vote/confirm/", {"choice": "reselect", "cast": "1"})

    assert refused.status_code == 409
    assert ALREADY in refused.content.decode()
    assert "No second vote was cast" in refused.content.decode()
    assert MemberVote.objects.count() == 1


def test_a_ballot_closing_while_a_member_reads_the_paper_refuses_the_vote_with_clear_words(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)
    client.post("/vote/confirm/", {"choice": "reselect"})
    TriggerBallot.objects.filter(pk=ballot.pk).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1), opens_at=timezone.now() - dt.timedelta(days=1)
    )

    response = client.post("/vote/confirm/", {"choice": "reselect", "cast": "1"})

    assert response.status_code == 409
    assert "Voting in this ballot has closed. No more votes can be cast." in response.content.decode()
    assert not MemberVote.objects.exists()


def test_a_ballot_not_open_yet_is_refused_with_its_opening_time(client, constituency):
    ballot, [voter] = open_ballot_with_voters(
        constituency,
        voters=1,
        opens_at=timezone.now() + dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=8),
    )

    response = client.get(
        "/vote/link/?" + urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": voter.code})
    )
    page = client.get(response["Location"]).content.decode()

    assert "Voting in this ballot has not opened yet." in page
    assert "voting" not in client.session


def test_no_open_ballot_says_so_plainly(client, db):
    page = client.get("/vote/").content.decode()
    assert "No trigger ballot is open for voting at the moment." in page


def test_with_several_open_ballots_the_member_chooses_theirs_by_constituency(client, ballot_and_voters):
    other_constituency = ConstituencyFactory(name="Dover", sitting_mp="Sam Lee")
    other_ballot, [other_voter] = open_ballot_with_voters(other_constituency, voters=1)

    page = client.get("/vote/").content.decode()
    assert "<select" in page and "Canterbury: Alex Morgan" in page and "Dover: Sam Lee" in page

    response = start(client, other_ballot, other_voter)
    assert response["Location"] == "/vote/ballot/"
    assert "Dover" in client.get("/vote/ballot/").content.decode()


def test_the_personal_link_moves_the_code_out_of_the_address_and_never_shows_it_again(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    link = "/vote/link/?" + urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": voter.code})

    response = client.get(link)
    assert (response.status_code, response["Location"]) == (303, "/vote/ballot/")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]

    pages = [
        client.get("/vote/ballot/"),
        client.post("/vote/confirm/", {"choice": "reselect"}),
        client.post("/vote/confirm/", {"choice": "reselect", "cast": "1"}),
        client.get("/vote/done/"),
    ]
    for page in pages:
        assert voter.code not in page.content.decode()
        assert voter.code not in page.get("Location", "")
    assert MemberVote.objects.get().choice == "reselect"


def test_a_personal_link_with_a_wrong_code_lands_on_the_form_with_the_reason(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    response = client.get(
        "/vote/link/?" + urlencode({"ballot": ballot.pk, "member": voter.membership_number, "code": "WRONG"})
    )
    assert (response.status_code, response["Location"]) == (303, "/vote/")
    page = client.get("/vote/").content.decode()
    assert WRONG in page
    assert "WRONG" not in page


def test_a_broken_personal_link_is_explained(client, ballot_and_voters):
    response = client.get("/vote/link/?ballot=abc&member=")
    assert response["Location"] == "/vote/"
    assert "This voting link is not complete." in client.get("/vote/").content.decode()


def test_a_personal_link_whose_ballot_is_a_superscript_digit_is_explained_not_a_server_error(client, db):
    # '²'.isdigit() is true, but int('²') fails: the link must read as broken, not crash.
    response = client.get("/vote/link/?ballot=%C2%B2&member=A1&code=ABCD")
    assert response.status_code == 303
    assert response["Location"] == "/vote/"


def test_the_later_pages_without_verified_credentials_send_the_member_to_the_start(client, db):
    for url in ("/vote/ballot/", "/vote/confirm/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (303, "/vote/")
    assert client.post("/vote/confirm/", {"choice": "open", "cast": "1"})["Location"] == "/vote/"
    assert "Enter your membership number and voting code" in client.get("/vote/").content.decode()


def test_the_confirmation_without_a_choice_goes_back_to_the_ballot_paper(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)

    assert client.get("/vote/confirm/")["Location"] == "/vote/ballot/"
    response = client.post("/vote/confirm/", {"cast": "1"})
    assert response.status_code == 400 and "Choose one of the two options." in response.content.decode()
    assert client.post("/vote/confirm/", {"choice": "abstain", "cast": "1"}).status_code == 400
    assert not MemberVote.objects.exists()


def test_the_choice_is_never_kept_in_the_session_beside_the_membership_number(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)

    client.get("/vote/ballot/")
    client.post("/vote/confirm/", {"choice": "open"})

    assert client.session["voting"] == {"ballot": ballot.pk, "number": voter.membership_number, "code": voter.code}


def test_every_voting_page_is_not_stored_and_keeps_addresses_on_the_site(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    responses = [
        client.get("/vote/"),
        start(client, ballot, voter),
        client.get("/vote/ballot/"),
        client.post("/vote/confirm/", {"choice": "open"}),
        client.post("/vote/ballot/", {"choice": "open"}),
        client.post("/vote/confirm/", {"choice": "open", "cast": "1"}),
        client.get("/vote/done/"),
        client.get("/vote/receipt/"),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] in {"no-referrer", "same-origin"}
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_every_form_posts_with_a_csrf_token_and_is_refused_without_one(ballot_and_voters):
    from django.test import Client

    ballot, [voter, *_] = ballot_and_voters
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/vote/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert (
        strict.post(
            "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
        ).status_code
        == 403
    )
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


def test_the_receipt_page_says_counted_or_not_found_and_nothing_more(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    start(client, ballot, voter)
    cast(client, "open")
    receipt = receipt_on(client.get("/vote/done/").content.decode())

    counted = client.post("/vote/receipt/", {"ballot": ballot.pk, "receipt_code": receipt}).content.decode()
    missing = client.post("/vote/receipt/", {"ballot": ballot.pk, "receipt_code": "ABCD-EFGH-JKMN"}).content.decode()

    assert "Counted" in counted and "Not found" not in counted
    assert "Not found" in missing
    assert "Hold an open selection" not in counted and "Reselect" not in counted
    assert "Enter your receipt code." in client.post("/vote/receipt/", {"ballot": ballot.pk}).content.decode()


def test_a_member_votes_with_the_link_the_officers_services_make_for_a_ballot_they_opened(
    client, constituency, settings
):
    from ballots.officer.services import ballot_open, personal_voting_link, voting_codes_issue
    from tests.factories import MemberFactory, TriggerBallotFactory, WardFactory

    member = MemberFactory(ward=WardFactory(constituency=constituency))
    ballot = TriggerBallotFactory(constituency=constituency)
    ballot_open(ballot=ballot)
    [(entry, code)] = voting_codes_issue(ballot=ballot)
    link = personal_voting_link(ballot=ballot, membership_number=member.membership_number, code=code)

    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response["Location"] == "/vote/ballot/"
    cast(client, "open")

    assert RollEntry.objects.get(pk=entry.pk).has_voted
    assert MemberVote.objects.get(ballot=ballot).ward_id == member.ward_id


def test_signing_in_gives_a_fresh_session_id_so_a_planted_session_cannot_be_used(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    client.get("/vote/link/?ballot=abc")  # leaves an error message, hence a session, behind
    planted = client.cookies["sessionid"].value

    start(client, ballot, voter)

    assert client.cookies["sessionid"].value != planted
    assert "voting" in client.session
