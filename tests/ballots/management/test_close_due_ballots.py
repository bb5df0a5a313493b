"""close_due_ballots finishes the housekeeping: a count's unfinished table rewrite, expired sessions."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ballots.models import TriggerBallot
from ballots.officer import services
from tests.factories import ConstituencyFactory, make_ballot_with_votes


def test_expired_sessions_are_removed_and_live_ones_kept(db):
    live = SessionStore()
    live.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    out = io.StringIO()

    call_command("close_due_ballots", stdout=out)

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "Removed 1 expired session." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_counted_ballot_whose_tables_were_not_rewritten_is_rewritten_by_the_next_run():
    ballot = make_ballot_with_votes(constituency=ConstituencyFactory(), status=TriggerBallot.Status.CLOSED)
    assert services.vote_storage_compact_pending()  # counted (by the factory) but never compacted
    out = io.StringIO()

    call_command("close_due_ballots", stdout=out)

    ballot.refresh_from_db()
    assert ballot.votes_compacted_at is not None
    assert not services.vote_storage_compact_pending()
    assert "Rewrote the vote tables" in out.getvalue()


def test_expired_rate_limit_entries_are_removed_from_the_database_cache(db):
    from django.core.cache import cache

    cache.set("fresh", 1, timeout=600)
    cache.set("stale", 1, timeout=600)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(settings.CACHES['default']['LOCATION'])} SET expires = %s "
            "WHERE cache_key LIKE %s",
            [timezone.now() - dt.timedelta(minutes=1), "%stale"],
        )
    out = io.StringIO()

    call_command("close_due_ballots", stdout=out)

    assert cache.get("fresh") == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(settings.CACHES['default']['LOCATION'])}")
        assert cursor.fetchone()[0] == 1
    assert "Removed 1 expired cache entry." in out.getvalue()
