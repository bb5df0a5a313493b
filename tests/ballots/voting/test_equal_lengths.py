"""Which way a member votes does not change the length of any page or form post on the way."""

import re
from urllib.parse import urlencode

import pytest

from ballots.voting.equal_length import page_of_equal_length
from ballots.voting.forms import CHOICE_OF_VALUE, BallotPaperForm
from tests.ballots.voting.voting_pages import cast_from, confirm, receipt_on, start, token_on
from tests.factories import open_ballot_with_voters

# An odd number of letters, so a label naming the MP can never happen to match the other's length.
SITTING_MP = "Alexandra Featherstonehaugh-Ngo"


@pytest.fixture
def ballot_and_voters(constituency):
    assert len(SITTING_MP) % 2 == 1
    return open_ballot_with_voters(constituency, voters=2, sitting_mp=SITTING_MP)


def test_the_padding_makes_every_render_as_long_as_the_longest_in_bytes():
    pages = {"a": "<html><body>short</body></html>", "b": "<html><body>much longer – ü</body></html>"}

    padded = {choice: page_of_equal_length(pages.get, choice, pages) for choice in pages}

    assert len(padded["a"].encode()) == len(padded["b"].encode())
    assert padded["b"].startswith("<html><body>much longer – ü<!--")
    assert padded["a"].endswith("--></body></html>") and "short" in padded["a"]


def test_the_choice_values_posted_are_of_one_length_and_mean_the_two_choices():
    assert len({len(value) for value in CHOICE_OF_VALUE}) == 1
    cleaned = {}
    for value in CHOICE_OF_VALUE:
        form = BallotPaperForm({"choice": value})
        assert form.is_valid()
        cleaned[value] = form.cleaned_data["choice"]
    assert cleaned == {"keep": "reselect", "open": "open"}


def test_the_confirmation_is_as_long_whichever_way_the_member_chose(client, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    paper = start(client, ballot, voter)

    keep, open_ = confirm(client, paper, "keep"), confirm(client, paper, "open")

    assert f"Reselect {SITTING_MP} automatically" in keep.content.decode()
    assert "Hold an open selection" in open_.content.decode()
    assert len(keep.content) == len(open_.content)
    assert keep["Content-Length"] == open_["Content-Length"]


def test_the_ballot_paper_going_back_is_as_long_whichever_choice_is_ticked(client, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    paper = start(client, ballot, voter)
    token = token_on(confirm(client, paper, "keep"))

    keep = client.post("/vote/ballot/", {"token": token, "choice": "keep"})
    open_ = client.post("/vote/ballot/", {"token": token, "choice": "open"})

    assert 'value="keep" checked' in keep.content.decode() and 'value="open" checked' in open_.content.decode()
    assert len(keep.content) == len(open_.content)


def test_the_receipt_page_is_as_long_whichever_way_the_member_voted(client, ballot_and_voters):
    ballot, [first, second] = ballot_and_voters
    assert len(first.membership_number) == len(second.membership_number)

    keep = cast_from(client, confirm(client, start(client, ballot, first), "keep"), "keep")
    open_ = cast_from(client, confirm(client, start(client, ballot, second), "open"), "open")

    assert receipt_on(keep) and receipt_on(open_)
    assert len(keep.content) == len(open_.content)
    assert "Reselect" not in keep.content.decode() and "open selection" not in open_.content.decode()


def test_the_forms_posted_on_the_way_are_as_long_whichever_way_the_member_chose(client, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    confirmation = confirm(client, start(client, ballot, voter), "keep").content.decode()
    # What a browser posts: the form's fields, in order, url-encoded.
    fields = re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', confirmation)
    bodies = {
        value: urlencode([(name, value if name == "choice" else field) for name, field in fields] + [("cast", "1")])
        for value in CHOICE_OF_VALUE
    }

    assert {name for name, _ in fields} == {"csrfmiddlewaretoken", "token", "choice", "language"}
    assert len(bodies["keep"]) == len(bodies["open"])
