"""Rate limiting of failed voting attempts: per membership number and per client, in the shared cache."""

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from ballots.ratelimit import (
    client_address,
    rate_limit_check,
    rate_limit_hit,
    rate_limit_message,
    vote_rate_limit_check,
    vote_rate_limit_failure,
)
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

WINDOW = 15 * 60


def test_ten_failures_are_allowed_and_the_eleventh_attempt_is_limited():
    start = 1_700_000_000.0
    states = [rate_limit_hit("k", limit=10, window=WINDOW, now=start + i) for i in range(10)]

    assert [state.failures for state in states] == list(range(1, 11))
    assert not any(state.limited for state in states[:9])
    assert rate_limit_check("k", limit=10, window=WINDOW, now=start + 20).limited


def test_the_limit_lifts_when_the_oldest_failure_leaves_the_window_and_says_when():
    start = 1_700_000_000.0
    for i in range(10):
        rate_limit_hit("k", limit=10, window=WINDOW, now=start + 60 * i)

    state = rate_limit_check("k", limit=10, window=WINDOW, now=start + 600)
    assert state.retry_at == dt.datetime.fromtimestamp(start + WINDOW, tz=dt.UTC)
    assert rate_limit_check("k", limit=10, window=WINDOW, now=start + WINDOW - 1).limited
    later = rate_limit_check("k", limit=10, window=WINDOW, now=start + WINDOW + 1)
    assert not later.limited and later.failures == 9


def test_a_new_failure_after_the_window_reuses_the_freed_slot():
    start = 1_700_000_000.0
    for i in range(10):
        rate_limit_hit("k", limit=10, window=WINDOW, now=start + 60 * i)

    after = rate_limit_hit("k", limit=10, window=WINDOW, now=start + WINDOW + 1)

    assert after.limited and after.failures == 10
    assert after.retry_at == dt.datetime.fromtimestamp(start + 60 + WINDOW, tz=dt.UTC)


def test_keys_are_counted_separately():
    for _ in range(10):
        rate_limit_hit("a", limit=10, window=WINDOW)

    assert rate_limit_check("a", limit=10, window=WINDOW).limited
    assert not rate_limit_check("b", limit=10, window=WINDOW).limited


def test_the_message_gives_the_minute_in_uk_time_rounded_up():
    state = rate_limit_hit(
        "k", limit=1, window=WINDOW, now=dt.datetime(2026, 7, 1, 20, 30, 10, tzinfo=dt.UTC).timestamp()
    )
    # 20:30:10 UTC + 15 minutes = 21:45:10 BST, so "after 21:46"
    with override_settings(USE_TZ=True):
        message = rate_limit_message(state)
    assert message.startswith("Too many attempts. You can try again after 21:46 UK time")


def test_failures_with_one_number_from_many_clients_limit_that_number_everywhere():
    for index in range(10):
        vote_rate_limit_failure(membership_number="L100001", client=f"10.0.0.{index}")

    assert vote_rate_limit_check(membership_number="l 100001", client="10.9.9.9").limited
    assert not vote_rate_limit_check(membership_number="L100002", client="10.9.9.9").limited


def test_failures_from_one_client_with_many_numbers_limit_that_client_for_every_number():
    for index in range(10):
        vote_rate_limit_failure(membership_number=f"L2000{index:02d}", client="10.0.0.1")

    assert vote_rate_limit_check(membership_number="L999999", client="10.0.0.1").limited
    assert not vote_rate_limit_check(membership_number="L999999", client="10.0.0.2").limited


def test_the_client_address_ignores_x_forwarded_for_unless_proxies_are_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_address(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=3):
        assert client_address(request) == "10.0.0.1"  # fewer hops than proxies: not believed


def test_the_eleventh_wrong_code_on_the_page_is_refused_with_a_time_even_when_the_code_is_right(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    form = {"ballot": ballot.pk, "membership_number": voter.membership_number}
    for _ in range(10):
        response = client.post("/vote/", {**form, "code": "WRONG-CODE"})
        assert "could not match" in response.content.decode()

    response = client.post("/vote/", {**form, "code": voter.code})

    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many attempts. You can try again after " in page
    assert "UK time" in page
    assert "voting" not in client.session
    expected = timezone.localtime(timezone.now() + dt.timedelta(seconds=WINDOW + 60)).strftime("%H:%M")
    earliest = timezone.localtime(timezone.now() + dt.timedelta(seconds=WINDOW)).strftime("%H:%M")
    assert expected in page or earliest in page


def test_a_strangers_success_does_not_reset_anyones_count(client, constituency):
    ballot, [voter, other] = open_ballot_with_voters(constituency, voters=2)
    for _ in range(9):
        client.post("/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": "NOPE"})

    client.post("/vote/", {"ballot": ballot.pk, "membership_number": other.membership_number, "code": other.code})
    client.post("/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": "NOPE"})

    assert vote_rate_limit_check(membership_number=voter.membership_number, client="127.0.0.1").limited


def test_already_voted_and_closed_are_not_counted_as_failures(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    voter.entry.has_voted = True
    voter.entry.save()
    for _ in range(12):
        response = client.post(
            "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
        )

    assert "already voted" in response.content.decode()
    assert vote_rate_limit_check(membership_number=voter.membership_number, client="127.0.0.1").failures == 0
