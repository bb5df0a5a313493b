"""Two officers entering batches for the same ward at the same moment, on PostgreSQL: the marks can be
covered only once, so of two batches that each account for every marked member exactly one is entered
and the other is refused with the difference; every round, never both.

Each thread has its own database connection, as two app servers would; SQLite serialises writers,
so the module skips there and runs in CI's PostgreSQL pass.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from ballots.models import PaperBatch
from ballots.officer.services import BallotStateError
from ballots.officer.services.paper_batches import paper_batch_enter
from tests.ballots.officer.paper_batches.conftest import in_ward, mark
from tests.factories import ConstituencyFactory, OfficerFactory, WardFactory, open_ballot_with_voters

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent writers need PostgreSQL: SQLite serialises all writes, so these races cannot occur "
        "there. Run with DATABASE_URL=postgres://... (CI does).",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 10


def enter_in_own_connection(barrier, **batch):
    try:
        barrier.wait(timeout=30)
        paper_batch_enter(**batch)
        return "entered"
    except BallotStateError as error:
        return f"refused: {error}"
    finally:
        connections.close_all()


def test_two_batches_racing_to_cover_the_same_marks_leave_exactly_one_each_round():
    constituency = ConstituencyFactory()
    wards = [WardFactory(constituency=constituency, name=f"Ward {n}") for n in range(ROUNDS)]
    ballot, voters = open_ballot_with_voters(constituency, voters=2 * ROUNDS, wards=wards, paper_voting=True)
    officers = [OfficerFactory(constituencies=[constituency]) for _ in range(2)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        for ward in wards:
            entries = in_ward(voters, ward)
            mark(entries)
            barrier = threading.Barrier(2)
            entering = [
                pool.submit(
                    enter_in_own_connection,
                    barrier,
                    ballot=ballot,
                    ward_id=ward.pk,
                    channel="paper",
                    label=f"Box {n}",
                    reselect=len(entries),
                    open=0,
                    spoilt=0,
                    actor=officer,
                )
                for n, officer in enumerate(officers)
            ]
            outcomes = [future.result(timeout=60) for future in entering]
            assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["entered", "refused"], outcomes
            assert "too many" in next(o for o in outcomes if o.startswith("refused"))
            assert PaperBatch.objects.filter(ballot=ballot, ward=ward).count() == 1
