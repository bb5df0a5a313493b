"""The demo's ballots: a declared ballot whose votes went through the members' own service, with a
realistic result (most wards voting, some too few to disclose), and a draft ready to open; idempotent."""

import io

from django.core.management import call_command

from ballots.demo import demo_ballots_seed
from ballots.models import AffiliateVote, RollEntry, Round, SealedVote, TriggerBallot, VoteReceipt, WardVoteCount
from ballots.officer import services
from members.demo import demo_members_seed
from members.models import AuditEvent
from tests.factories import BALLOT_PUBLIC_KEY


def test_the_demo_has_a_declared_ballot_with_votes_and_a_draft_ready_to_open(db):
    members = demo_members_seed(officer_password="demo demo demo")
    made = demo_ballots_seed(constituency=members.constituency)

    declared, draft = made["declared"], made["draft"]
    declared.refresh_from_db()
    assert declared.status == TriggerBallot.Status.DECLARED
    counts = WardVoteCount.objects.filter(ballot=declared)
    voted = RollEntry.objects.filter(ballot=declared, has_voted=True).count()
    roll = RollEntry.objects.filter(ballot=declared).count()
    per_ward = {c.ward.name: c.reselect + c.open for c in counts.select_related("ward")}
    assert sum(per_ward.values()) == voted == VoteReceipt.objects.filter(ballot=declared).count()
    assert not SealedVote.objects.filter(ballot=declared).exists()  # counted with the key, then deleted
    assert 0.2 <= voted / roll <= 0.4
    assert len(per_ward) == 15
    assert sum(1 for n in per_ward.values() if n < 10) >= 2
    assert sum(c.reselect for c in counts) and sum(c.open for c in counts)
    assert AffiliateVote.objects.filter(ballot=declared).count() >= 10
    assert not RollEntry.objects.filter(ballot=declared, code_hash="").exists()
    actions = set(AuditEvent.objects.filter(ballot_id=declared.pk).values_list("action", flat=True))
    expected = {
        "ballot_opened",
        "voting_codes_issued",
        "ballot_closed_automatically",
        "votes_counted",
        "ballot_declared",
    }
    assert expected <= actions

    assert draft.status == TriggerBallot.Status.DRAFT
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft)
    assert RollEntry.objects.filter(ballot=draft).count() > 1000


def test_seeding_twice_adds_no_second_ballot(db):
    members = demo_members_seed(officer_password="demo demo demo")
    demo_ballots_seed(constituency=members.constituency)

    again = demo_ballots_seed(constituency=members.constituency)

    assert again == {"declared": None, "draft": None}
    assert TriggerBallot.objects.count() == 2


def test_seed_demo_makes_the_ballots_and_says_so(db):
    out = io.StringIO()

    call_command("seed_demo", "--officer-password", "demo demo demo", stdout=out)

    assert "Demo ballots: declared ballot" in out.getvalue()
    assert TriggerBallot.objects.filter(status="declared").count() == 1


def test_the_demo_round_holds_the_declared_ballot_and_a_draft_in_each_constituency(db):
    members = demo_members_seed(officer_password="demo demo demo")
    made = demo_ballots_seed(constituency=members.constituency, other_constituency=members.other_constituency)
    demo_round = Round.objects.get(region=members.region)
    statuses = sorted((b.constituency.name, b.status) for b in demo_round.ballots.select_related("constituency"))
    assert statuses == [
        (members.constituency.name, TriggerBallot.Status.DECLARED),
        (members.constituency.name, TriggerBallot.Status.DRAFT),
        (members.other_constituency.name, TriggerBallot.Status.DRAFT),
    ]
    assert made["declared"].pk in demo_round.ballots.values_list("pk", flat=True)
    demo_ballots_seed(constituency=members.constituency, other_constituency=members.other_constituency)
    assert demo_round.ballots.count() == 3
