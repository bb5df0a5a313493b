"""Voting pages from kept copies (ballots/voting/kept_pages.py): byte for byte the page the template
draws, each member's own token, CSRF token and receipt code put in, none of them kept, and drawn
afresh wherever a page could differ in anything else."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory

from ballots.voting import kept_pages
from ballots.voting.kept_pages import kept_page
from tests.ballots.voting.voting_pages import confirm, receipt_on, start, token_on
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

PER_REQUEST = (
    re.compile(r'(id="receipt-code">)[A-Z0-9-]+(<)'),
    re.compile(r'(name="token" value=")[^"]+(")'),
    re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")'),
)


def masked(response) -> str:
    """The page with what differs from one member or request to the next (code, tokens) blanked."""
    html = response.content.decode()
    for pattern in PER_REQUEST:
        html = pattern.sub(r"\1?\2", html)
    return html


def cast(client, ballot, voter, *, language="", query=""):
    """The whole journey in `language` ("cy" on a bilingual ballot); the cast posted to /vote/confirm/`query`."""
    paper = client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code, "language": language},
    )
    confirmation = confirm(client, paper, "keep")
    return client.post(
        "/vote/confirm/" + query, {"token": token_on(confirmation), "choice": "keep", "cast": "1", "language": language}
    )


def sign_in(client, ballot, voter, query=""):
    return client.post(
        "/vote/" + query, {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
    )


def test_each_member_of_a_ballot_gets_the_same_receipt_page_with_their_own_code(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=3)
    pages = [cast(client, ballot, voter) for voter in voters]
    assert all(page.status_code == 200 for page in pages)
    assert len({receipt_on(page) for page in pages}) == 3
    assert len({masked(page) for page in pages}) == 1
    assert ballot.sitting_mp in pages[0].content.decode()


def test_the_receipt_page_from_a_copy_is_the_page_the_template_draws(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    from_copy = cast(client, ballot, voters[0])
    # An address with a query string is drawn afresh (a language link would repeat it).
    drawn = cast(client, ballot, voters[1], query="?afresh=1")
    assert receipt_on(from_copy) != receipt_on(drawn)
    assert masked(from_copy) == masked(drawn)


def test_the_welsh_receipt_page_from_a_copy_is_the_page_the_template_draws(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=3, bilingual=True)
    from_copy = cast(client, ballot, voters[0], language="cy")
    drawn = cast(client, ballot, voters[1], language="cy", query="?afresh=1")
    english = cast(client, ballot, voters[2])
    assert '<html lang="cy">' in from_copy.content.decode()
    assert masked(from_copy) == masked(drawn).replace("?afresh=1&amp;lang=", "?lang=")
    assert '<html lang="en-GB">' in english.content.decode()  # the languages are kept apart


@pytest.mark.parametrize("bilingual", [False, True])
def test_the_ballot_paper_and_the_confirmation_from_copies_are_the_pages_the_template_draws(
    client, constituency, bilingual
):
    ballot, voters = open_ballot_with_voters(constituency, voters=2, bilingual=bilingual)
    paper, paper_drawn = sign_in(client, ballot, voters[0]), sign_in(client, ballot, voters[1], query="?afresh=1")
    assert token_on(paper) != token_on(paper_drawn)
    assert masked(paper) == masked(paper_drawn)
    for value in ("keep", "open"):
        confirmation = client.post("/vote/confirm/", {"token": token_on(paper), "choice": value})
        confirmation_drawn = client.post("/vote/confirm/?afresh=1", {"token": token_on(paper_drawn), "choice": value})
        assert confirmation.status_code == confirmation_drawn.status_code == 200
        assert masked(confirmation) == masked(confirmation_drawn)
        # "Go back and change": the paper with the choice ticked.
        back = client.post("/vote/ballot/", {"token": token_on(confirmation), "choice": value})
        back_drawn = client.post("/vote/ballot/?afresh=1", {"token": token_on(confirmation_drawn), "choice": value})
        assert "checked required" in back.content.decode()
        assert masked(back) == masked(back_drawn)


@pytest.mark.parametrize("language", ["", "cy"])
def test_the_already_voted_page_from_a_copy_is_the_page_the_template_draws(client, constituency, language):
    ballot, voters = open_ballot_with_voters(constituency, voters=2, bilingual=True)
    replays = []
    for voter, query in zip(voters, ("", "?afresh=1"), strict=True):
        paper = client.post(
            "/vote/",
            {
                "ballot": ballot.pk,
                "membership_number": voter.membership_number,
                "code": voter.code,
                "language": language,
            },
        )
        confirmation = confirm(client, paper, "keep")
        form = {"token": token_on(confirmation), "choice": "keep", "cast": "1", "language": language}
        assert client.post("/vote/confirm/", form).status_code == 200
        replays.append(client.post("/vote/confirm/" + query, form))  # the same form again: a replay
    from_copy, drawn = replays
    assert from_copy.status_code == drawn.status_code == 409
    heading = {"": "You have already voted", "cy": '<html lang="cy">'}[language]
    assert heading in from_copy.content.decode()
    assert masked(from_copy) == masked(drawn).replace("?afresh=1&amp;lang=", "?lang=")


def test_the_start_page_from_a_copy_is_the_page_the_template_draws(client, constituency):
    open_ballot_with_voters(constituency, voters=1)
    from_copy, drawn = client.get("/vote/"), client.get("/vote/?afresh=1")
    assert masked(from_copy) == masked(drawn)


def test_a_start_page_with_errors_is_drawn_with_them(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=1)
    client.get("/vote/")
    refused = start(client, ballot, voters[0], code="WRONG-CODE-0000-0000")
    assert refused.status_code == 400
    assert "We could not match that membership number and voting code" in refused.content.decode()


def test_no_kept_copy_holds_a_members_number_code_token_or_receipt(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    secrets = []
    for voter in voters:
        paper = sign_in(client, ballot, voter)
        confirmation = confirm(client, paper, "open")
        done = client.post("/vote/confirm/", {"token": token_on(confirmation), "choice": "open", "cast": "1"})
        secrets += [voter.membership_number, voter.code, token_on(paper), token_on(confirmation), receipt_on(done)]
        secrets.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', paper.content.decode()).group(1))
    kept = list(kept_pages._copies.values())
    assert len(kept) >= 3  # the paper, the confirmation and the receipt at least
    assert not [secret for secret in secrets for copy in kept if secret in copy]


def test_a_changed_closing_time_or_name_gets_a_page_that_shows_it(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    assert constituency.name in sign_in(client, ballot, voters[0]).content.decode()
    ballot.closes_at += dt.timedelta(days=1)
    ballot.save(update_fields=["closes_at"])
    constituency.name = "Canterbury and Whitstable"
    constituency.save(update_fields=["name"])
    later = sign_in(client, ballot, voters[1])
    assert "Canterbury and Whitstable" in later.content.decode()
    assert masked(later) == masked(sign_in(client, ballot, voters[1], query="?afresh=1"))


def keep(request, key, draw, blanks, *, meeting=None):
    return kept_page(
        request, key, draw, {}, blanks, template="t.html", bilingual=False, switch_action="", meeting=meeting
    )


def test_a_meeting_device_page_is_drawn_afresh_every_time():
    drawn = []

    def draw(context):
        drawn.append(context["receipt"])
        return f"<p>{context['receipt']}</p>"

    for code in ("AAAA-1111", "BBBB-2222"):
        assert keep(RequestFactory().post("/"), ("r",), draw, {"receipt": code}, meeting=object()) == f"<p>{code}</p>"
    assert drawn == ["AAAA-1111", "BBBB-2222"]
    assert not kept_pages._copies


def test_a_page_without_a_key_is_drawn_afresh():
    draws = []
    for code in ("AAAA-1111", "BBBB-2222"):
        keep(RequestFactory().post("/"), None, lambda context: draws.append(context) or "x", {"receipt": code})
    assert [context["receipt"] for context in draws] == ["AAAA-1111", "BBBB-2222"]


def test_a_blank_is_escaped_as_the_template_would_and_only_asked_for_when_shown():
    asked = []

    def csrf():
        asked.append(True)
        return "never"

    page = keep(
        RequestFactory().post("/"),
        ("r",),
        lambda context: f"<p>{context['receipt']}</p>",
        {"receipt": "<b>&", "csrf_token": csrf},
    )
    assert page == "<p>&lt;b&gt;&amp;</p>"
    assert not asked


def test_the_kept_copies_are_bounded_and_the_newest_stay():
    for pk in range(kept_pages.COPIES_KEPT + 50):
        keep(RequestFactory().post("/"), (pk,), lambda context: f"<p>{context['receipt']}</p>", {"receipt": "D"})
    assert len(kept_pages._copies) == kept_pages.COPIES_KEPT
    assert keep(RequestFactory().post("/"), (kept_pages.COPIES_KEPT + 49,), lambda context: "redrawn", {}) != "redrawn"
