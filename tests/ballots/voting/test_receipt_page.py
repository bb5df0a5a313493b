"""The receipt page put together from a kept copy (ballots/voting/receipt_page.py): the same page
the template draws, each member's own code in it, no code kept, drawn afresh where it can differ."""

import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from ballots.voting import receipt_page as receipt_pages
from ballots.voting.receipt_page import receipt_page
from tests.ballots.voting.voting_pages import cast_from, confirm, receipt_on, start
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

CODE = re.compile(r'id="receipt-code">[A-Z0-9-]+<')


def without_code(response) -> str:
    return CODE.sub('id="receipt-code">?<', response.content.decode())


def cast(client, ballot, voter, *, language="", query=""):
    """The whole journey in `language` ("cy" on a bilingual ballot); the cast posted to /vote/confirm/`query`."""
    paper = client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code, "language": language},
    )
    confirmation = confirm(client, paper, "keep")
    token = re.search(r'name="token" value="([^"]+)"', confirmation.content.decode()).group(1)
    return client.post("/vote/confirm/" + query, {"token": token, "choice": "keep", "cast": "1", "language": language})


def test_each_member_of_a_ballot_gets_the_same_page_with_their_own_code(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=3)
    pages = [cast_from(client, confirm(client, start(client, ballot, voter), "open"), "open") for voter in voters]
    assert all(page.status_code == 200 for page in pages)
    assert len({receipt_on(page) for page in pages}) == 3
    assert len({without_code(page) for page in pages}) == 1
    assert ballot.sitting_mp in pages[0].content.decode()


def test_the_page_from_the_kept_copy_is_the_page_the_template_draws(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    from_copy = cast(client, ballot, voters[0])
    # An address with a query string is drawn afresh (a language link would repeat it).
    drawn = cast(client, ballot, voters[1], query="?afresh=1")
    assert receipt_on(from_copy) != receipt_on(drawn)
    assert without_code(from_copy) == without_code(drawn)


def test_the_welsh_page_from_the_kept_copy_is_the_page_the_template_draws(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=3, bilingual=True)
    from_copy = cast(client, ballot, voters[0], language="cy")
    drawn = cast(client, ballot, voters[1], language="cy", query="?afresh=1")
    english = cast(client, ballot, voters[2])
    assert '<html lang="cy">' in from_copy.content.decode()
    assert without_code(from_copy) == without_code(drawn).replace("?afresh=1&amp;lang=", "?lang=")
    # English and Welsh are kept apart.
    assert '<html lang="en-GB">' in english.content.decode()


def test_no_kept_copy_holds_a_receipt_code(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    codes = [receipt_on(cast(client, ballot, voter)) for voter in voters]
    kept = list(receipt_pages._copies.values())
    assert len(kept) == 1
    assert not any(code in copy for code in codes for copy in kept)


def fake_request():
    return RequestFactory().post("/vote/confirm/")


def ballot_named(pk, name="Canterbury"):
    """A ballot as the vote token names it."""
    return SimpleNamespace(pk=pk, sitting_mp="Alex Morgan", constituency=SimpleNamespace(name=name))


def test_a_meeting_device_page_is_drawn_afresh_every_time():
    drawn = []

    def draw(context):
        drawn.append(context["receipt"])
        return f"<p>{context['receipt']}</p>"

    for code in ("AAAA-1111", "BBBB-2222"):
        page = receipt_page(
            fake_request(), ballot=ballot_named(1), receipt=code, meeting=object(), draw=draw, bilingual=False
        )
        assert page == f"<p>{code}</p>"
    assert drawn == ["AAAA-1111", "BBBB-2222"]
    assert not receipt_pages._copies


def test_a_page_that_does_not_hold_the_marker_once_is_drawn_afresh():
    def draw(context):
        # A constituency whose name were the marker would put it on the page twice.
        return f"<h1>{context['receipt']}</h1><p>{context['receipt']}</p>"

    page = receipt_page(
        fake_request(), ballot=ballot_named(1), receipt="CCCC-3333", meeting=None, draw=draw, bilingual=False
    )
    assert page == "<h1>CCCC-3333</h1><p>CCCC-3333</p>"
    assert not receipt_pages._copies


def test_the_code_is_escaped_as_the_template_would():
    page = receipt_page(
        fake_request(),
        ballot=ballot_named(1),
        receipt="<b>&",
        meeting=None,
        draw=lambda context: f"<p>{context['receipt']}</p>",
        bilingual=False,
    )
    assert page == "<p>&lt;b&gt;&amp;</p>"


def test_the_kept_copies_are_bounded():
    for pk in range(receipt_pages._COPIES_KEPT + 50):
        receipt_page(
            fake_request(),
            ballot=ballot_named(pk),
            receipt="DDDD-4444",
            meeting=None,
            draw=lambda context: f"<p>{context['receipt']}</p>",
            bilingual=False,
        )
    assert 0 < len(receipt_pages._copies) <= receipt_pages._COPIES_KEPT


def test_a_renamed_constituency_gets_a_page_with_its_new_name():
    def draw(context):
        return f"<p>{context['ballot'].constituency.name} {context['receipt']}</p>"

    first = receipt_page(
        fake_request(), ballot=ballot_named(7), receipt="EEEE-5555", meeting=None, draw=draw, bilingual=False
    )
    renamed = receipt_page(
        fake_request(),
        ballot=ballot_named(7, name="Canterbury and Whitstable"),
        receipt="FFFF-6666",
        meeting=None,
        draw=draw,
        bilingual=False,
    )
    assert first == "<p>Canterbury EEEE-5555</p>"
    assert renamed == "<p>Canterbury and Whitstable FFFF-6666</p>"
