"""The vote token the voting pages carry between steps: sealed, expiring, and refused cleanly when it is not ours."""

import base64
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.models import SealedVote
from ballots.voting.tokens import (
    TOKEN_LIFETIME,
    TOKEN_MAX_CHARS,
    RollPlace,
    VoteToken,
    VoteTokenInvalid,
    vote_token_make,
    vote_token_read,
)
from tests.factories import open_ballot_with_voters

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
CODE = "ABCD-EFGH-JKMN-PQRS"
PLACE = RollPlace(roll_entry_id=41, ward_id=3, seal_public_key="c2VhbGluZy1rZXk")


def made(now=NOW, **values):
    fields = {
        "ballot_id": 7,
        "membership_number": "L1234567",
        "code": CODE,
        "constituency_name": "Ynys Môn",
        "sitting_mp": "Llinos Medi",
        "place": PLACE,
    }
    return vote_token_make(now=now, **{**fields, **values})


def reason_for(text, now=NOW):
    with pytest.raises(VoteTokenInvalid) as refused:
        vote_token_read(text, now=now)
    return refused.value.reason


def test_a_token_reads_back_as_what_was_put_in():
    token = vote_token_read(made(), now=NOW + dt.timedelta(minutes=5))

    assert token == VoteToken(
        ballot_id=7,
        membership_number="L1234567",
        code=CODE,
        issued_at=NOW,
        constituency_name="Ynys Môn",
        sitting_mp="Llinos Medi",
        place=PLACE,
    )


def test_the_code_and_number_are_not_in_the_token_in_clear():
    text = made()
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    for secret in (CODE, "L1234567", "ABCD"):
        assert secret not in text
        assert secret.encode() not in raw


def test_two_tokens_for_the_same_credentials_differ_but_have_one_length():
    first, second = made(), made()

    assert first != second  # a fresh nonce each time
    assert len(first) == len(second)


def test_a_token_is_good_for_its_lifetime_and_expired_after():
    text = made()

    assert vote_token_read(text, now=NOW + TOKEN_LIFETIME).code == CODE
    assert reason_for(text, now=NOW + TOKEN_LIFETIME + dt.timedelta(seconds=1)) == "expired"


def test_a_token_issued_in_the_future_is_refused():
    assert reason_for(made(now=NOW + dt.timedelta(hours=1))) == "invalid"


def test_a_token_made_with_another_secret_key_is_refused(settings):
    text = made()
    settings.SECRET_KEY = "another-key-entirely"

    assert reason_for(text) == "invalid"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t[:30],
        lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],  # one character changed
        lambda t: ("B" if t[0] != "B" else "C") + t[1:],  # the nonce changed
        lambda t: t + "AAAA",  # more appended
        lambda t: t + "==",  # padding is not part of our tokens
        lambda t: t.replace("-", "+").replace("_", "/") + "+/",  # standard base64 alphabet
        lambda t: "%" + t,  # not base64 at all
        lambda t: t + "\x00",
        lambda t: "",
        lambda t: "A" * (TOKEN_MAX_CHARS + 4),  # over-long
    ],
)
def test_a_spoilt_token_is_refused_as_invalid(spoil):
    assert reason_for(spoil(made())) == "invalid"


@given(st.text(max_size=5000))
def test_reading_any_string_gives_a_token_or_vote_token_invalid_and_nothing_else(text):
    try:
        vote_token_read(text, now=NOW)
    except VoteTokenInvalid as refused:
        assert refused.reason in {"expired", "invalid"}


@given(st.binary(max_size=400))
def test_reading_any_base64_gives_vote_token_invalid_and_nothing_else(raw):
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    with pytest.raises(VoteTokenInvalid):
        vote_token_read(text, now=NOW)


@given(st.integers(min_value=0, max_value=len(made()) - 1), st.characters(codec="ascii"))
def test_changing_any_one_character_of_a_token_spoils_it(position, character):
    text = made()
    spoilt = text[:position] + character + text[position + 1 :]
    if spoilt != text:
        with pytest.raises(VoteTokenInvalid):
            vote_token_read(spoilt, now=NOW)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("", "We could not read your ballot paper"),
        ("not a token!", "We could not read your ballot paper"),
        ("A" * 20000, "We could not read your ballot paper"),
    ],
)
def test_a_page_posted_with_a_bad_token_shows_the_start_again_with_a_clear_message(client, constituency, token, words):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)

    for url, fields in (
        ("/vote/confirm/", {"choice": "open"}),
        ("/vote/confirm/", {"choice": "open", "cast": "1"}),
        ("/vote/ballot/", {"choice": "open"}),
    ):
        response = client.post(url, {"token": token, **fields})
        assert response.status_code == 400
        assert words in response.content.decode()
        assert 'name="membership_number"' in response.content.decode()
    assert not SealedVote.objects.exists()


@pytest.mark.django_db
def test_a_page_posted_with_an_expired_token_says_it_expired_and_casts_nothing(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    issued = dt.datetime.now(dt.UTC) - TOKEN_LIFETIME - dt.timedelta(minutes=1)
    token = made(ballot_id=ballot.pk, membership_number=voter.membership_number, code=voter.code, now=issued)

    response = client.post("/vote/confirm/", {"token": token, "choice": "open", "cast": "1"})

    assert response.status_code == 400
    assert "was open for more than 60 minutes, so it has expired. No vote was cast." in response.content.decode()
    assert not SealedVote.objects.exists()


@pytest.mark.django_db
def test_a_token_from_one_ballot_cannot_be_used_on_a_ballot_that_is_gone(client, constituency):
    token = made(ballot_id=987654, now=dt.datetime.now(dt.UTC))

    response = client.post("/vote/confirm/", {"token": token, "choice": "open"})

    assert response.status_code == 400
    assert "We could not read your ballot paper" in response.content.decode()
