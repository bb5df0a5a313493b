"""Rate limiting of failed voting attempts: the shared primitive, and who can be stopped by
whose failures (pair, client, the number's slow-down and lock, the personal link)."""

import base64
import datetime as dt
import hashlib
import logging
import pickle

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from ballots import ratelimit
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
SLOW = 30
T = 1_700_000_000.0
MEMBER = "L100001"
HOME, STRANGER = "198.51.100.7", "203.0.113.66"


def fail(number, client, at):
    vote_rate_limit_failure(membership_number=number, client=client, now=at)


def check(number, client, at, **kwargs):
    return vote_rate_limit_check(membership_number=number, client=client, now=at, **kwargs)


# -- The primitive (also used by officer login) ------------------------------------------------


def test_ten_failures_are_allowed_and_the_eleventh_attempt_is_limited():
    states = [rate_limit_hit("k", limit=10, window=WINDOW, now=T + i) for i in range(10)]

    assert [state.failures for state in states] == list(range(1, 11))
    assert not any(state.limited for state in states[:9])
    assert rate_limit_check("k", limit=10, window=WINDOW, now=T + 20).limited


def test_the_limit_lifts_when_the_oldest_failure_leaves_the_window_and_says_when():
    for i in range(10):
        rate_limit_hit("k", limit=10, window=WINDOW, now=T + 60 * i)

    state = rate_limit_check("k", limit=10, window=WINDOW, now=T + 600)
    assert state.retry_at == dt.datetime.fromtimestamp(T + WINDOW, tz=dt.UTC)
    assert rate_limit_check("k", limit=10, window=WINDOW, now=T + WINDOW - 1).limited
    later = rate_limit_check("k", limit=10, window=WINDOW, now=T + WINDOW + 1)
    assert not later.limited and later.failures == 9


def test_a_new_failure_after_the_window_reuses_the_freed_slot():
    for i in range(10):
        rate_limit_hit("k", limit=10, window=WINDOW, now=T + 60 * i)

    after = rate_limit_hit("k", limit=10, window=WINDOW, now=T + WINDOW + 1)

    assert after.limited and after.failures == 10
    assert after.retry_at == dt.datetime.fromtimestamp(T + 60 + WINDOW, tz=dt.UTC)


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


# -- The pair and the client -------------------------------------------------------------------


def test_a_stranger_failing_fifty_times_on_a_number_cannot_stop_its_member_voting_from_elsewhere():
    for attempt in range(50):
        at = T + attempt
        if not check(MEMBER, STRANGER, at).limited:
            fail(MEMBER, STRANGER, at)

    assert check(MEMBER, STRANGER, T + 50).limited  # the stranger is stopped
    slowed = check(MEMBER, HOME, T + 20)  # the stranger's last failure (the tenth) was at T + 9
    assert slowed.limited and slowed.kind == "slow"  # the member waits a moment, no more
    assert slowed.retry_at == dt.datetime.fromtimestamp(T + 9 + SLOW, tz=dt.UTC)
    assert not check(MEMBER, HOME, T + 9 + SLOW).limited


def test_the_slow_down_message_says_wait_a_moment_with_the_second_in_uk_time():
    failed_at = dt.datetime(2026, 7, 1, 20, 30, 10, tzinfo=dt.UTC).timestamp()
    for index in range(3):
        fail(MEMBER, STRANGER, failed_at - 2 + index)

    state = check(MEMBER, HOME, failed_at + 5)

    with override_settings(USE_TZ=True):
        # 20:30:10 UTC + 30 seconds = 21:30:40 BST
        assert rate_limit_message(state) == "Please wait a moment: you can try again at 21:30:40 UK time."


def test_a_members_own_typos_do_not_slow_them_until_the_pair_limit():
    for attempt in range(9):
        fail(MEMBER, HOME, T + attempt)

    state = check(MEMBER, HOME, T + 9)

    assert not state.limited and state.failures == 9
    fail(MEMBER, HOME, T + 9)
    stopped = check(MEMBER, HOME, T + 10)
    assert stopped.limited and stopped.kind == "attempts"


@override_settings(VOTE_RATE_CLIENT_LIMIT=11)
def test_one_members_typos_never_lock_a_different_member_on_the_same_address():
    meeting = "192.0.2.1"
    for attempt in range(40):
        fail(MEMBER, meeting, T + attempt)  # past the pair limit too, as racing requests could

    assert check(MEMBER, meeting, T + 50).limited
    assert not check("L100002", meeting, T + 50).limited
    fail("L100003", meeting, T + 51)  # the address had 10 failures counted, one member's pair limit
    assert check("L100002", meeting, T + 52).limited


def test_the_client_limit_still_stops_one_address_trying_many_numbers():
    for index in range(60):
        fail(f"L2{index:05d}", STRANGER, T + index)

    state = check("L999999", STRANGER, T + 61)
    assert state.limited and state.kind == "attempts"
    assert not check("L999999", HOME, T + 61).limited
    with override_settings(USE_TZ=True):
        assert rate_limit_message(state).startswith("Too many attempts. You can try again after ")


# -- The number's hard lock and the personal link ----------------------------------------------


def test_three_distinct_clients_failing_lock_the_number_and_the_personal_link_still_passes():
    for index, client in enumerate(["10.0.0.1", "10.0.0.2"]):
        for repeat in range(5):
            fail(MEMBER, client, T + index * 10 + repeat)
    assert not check(MEMBER, HOME, T + 100).limited  # one client failing often is still one

    fail(MEMBER, "10.0.0.3", T + 101)

    locked = check(MEMBER, HOME, T + 200)
    assert locked.limited and locked.kind == "number_locked"
    assert locked.retry_at == dt.datetime.fromtimestamp(T + 4 + WINDOW, tz=dt.UTC)  # the first client's last
    assert not check(MEMBER, HOME, T + 200, personal_link=True).limited
    assert not check("L100002", HOME, T + 200).limited
    with override_settings(USE_TZ=True):
        assert "personal voting link" in rate_limit_message(locked)


def test_the_personal_link_skips_the_slow_down_but_not_the_pair_limit():
    for attempt in range(10):
        fail(MEMBER, STRANGER, T + attempt)

    assert check(MEMBER, HOME, T + 10).kind == "slow"
    assert not check(MEMBER, HOME, T + 10, personal_link=True).limited
    assert check(MEMBER, STRANGER, T + 10, personal_link=True).limited


def test_the_voting_check_reads_every_counter_in_one_query_on_the_database_cache(django_assert_num_queries):
    for attempt in range(10):
        fail(MEMBER, STRANGER, T + attempt)
    # Each kind of attempt: the slow-down is still found, and the pair limit, from that one read.
    with django_assert_num_queries(1):
        assert check(MEMBER, HOME, T + 10).kind == "slow"
    with django_assert_num_queries(1):
        assert check(MEMBER, STRANGER, T + 10, personal_link=True).limited
    with django_assert_num_queries(1):
        assert check(MEMBER, STRANGER, T + 10, meeting=True).limited


def test_expiry_frees_the_pair_and_the_number():
    for index in range(3):
        for repeat in range(10):
            fail(MEMBER, f"10.0.0.{index}", T + repeat)
    assert check(MEMBER, "10.0.0.0", T + 20).limited
    assert check(MEMBER, HOME, T + 20).kind == "number_locked"

    later = T + 9 + WINDOW + 1
    assert not check(MEMBER, "10.0.0.0", later).limited
    assert not check(MEMBER, HOME, later).limited
    fail(MEMBER, "10.0.0.0", later)  # a fresh failure counts again, from one client only
    assert not check(MEMBER, HOME, later + SLOW).limited


def test_attempts_refused_by_a_limit_are_not_checked_so_never_counted(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    form = {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": "WRONG-CODE"}
    for _ in range(15):
        client.post("/vote/", form)

    assert vote_rate_limit_check(membership_number=voter.membership_number, client="127.0.0.1").failures == 10


# -- The voting page ---------------------------------------------------------------------------


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


# -- What the cache holds ----------------------------------------------------------------------

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "trigger_ballot_cache"}
}


def cache_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value, expires FROM trigger_ballot_cache")
        return [(key, pickle.loads(base64.b64decode(value)), expires) for key, value, expires in cursor.fetchall()]


@override_settings(CACHES=DATABASE_CACHE)
def test_the_cache_holds_keyed_hashes_and_whole_seconds_and_every_entry_expires():
    for index in range(3):
        fail(MEMBER, f"10.0.0.{index}", T + index + 0.654321)
    rate_limit_hit(f"login-user:{MEMBER}", limit=3, window=WINDOW, now=T + 0.5)

    rows = cache_rows()
    assert len(rows) > 5
    logical = (MEMBER, "10.0.0.1", f"vote-number:{MEMBER}", "vote-client:10.0.0.1", f"login-user:{MEMBER}")
    plain = [MEMBER, "10.0.0.1"] + [hashlib.sha256(text.encode()).hexdigest() for text in logical]
    for key, value, expires in rows:
        for text in plain:
            assert text not in key and text[:32] not in key
            assert text not in repr(value)
        stamp = value[0] if isinstance(value, list) else value
        assert isinstance(stamp, int) and int(T) <= stamp <= int(T) + 2  # whole seconds
        if timezone.is_naive(expires):  # SQLite hands back UTC without a zone
            expires = expires.replace(tzinfo=dt.UTC)
        lifetime = expires - timezone.now()
        assert dt.timedelta(0) < lifetime <= dt.timedelta(seconds=WINDOW + 5)


def test_the_keys_change_with_the_rate_limit_key():
    with override_settings(RATE_LIMIT_KEY="one"):
        first = ratelimit._slot_keys("vote-number:L1", 1)
    with override_settings(RATE_LIMIT_KEY="two"):
        second = ratelimit._slot_keys("vote-number:L1", 1)
    with override_settings(RATE_LIMIT_KEY=""):
        derived = ratelimit._slot_keys("vote-number:L1", 1)

    assert len({*first, *second, *derived}) == 3
    assert hashlib.sha256(b"vote-number:L1").hexdigest()[:32] not in derived[0]


# -- The client's address ----------------------------------------------------------------------


def test_the_client_address_ignores_x_forwarded_for_unless_proxies_are_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_address(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=3):
        assert client_address(request) == "10.0.0.1"  # fewer hops than proxies: not believed


def test_an_uncounted_proxy_is_warned_of_once_per_process_without_addresses(caplog, monkeypatch):
    monkeypatch.setattr(ratelimit, "_uncounted_proxy_warned", False)
    direct = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    proxied = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    with caplog.at_level(logging.WARNING, logger="ballots.ratelimit"):
        client_address(direct)
        assert caplog.records == []
        for _ in range(3):
            assert client_address(proxied) == "10.0.0.1"
        with override_settings(TRUSTED_PROXY_COUNT=1):
            client_address(proxied)

    [record] = caplog.records
    assert record.name == "ballots.ratelimit" and record.levelno == logging.WARNING
    assert "TRUSTED_PROXY_COUNT is 0" in record.getMessage()
    assert "10.0.0.1" not in record.getMessage() and "203.0.113.9" not in record.getMessage()
