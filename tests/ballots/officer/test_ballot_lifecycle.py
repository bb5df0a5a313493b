"""A ballot's life: draft -> open -> closed -> declared, each step only from the right state;
opening freezes the roll; a ballot past its closing time is closed whether or not anyone pressed close."""

import datetime as dt
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotAffiliate, RollEntry, TriggerBallot
from ballots.officer import services
from ballots.officer.services import BallotStateError
from ballots.state import ballot_effective_status, ballot_voting_state
from ballots.voting.services import VoteRefused, vote_cast
from members.models import AuditEvent, Member
from members.services import member_update
from tests.factories import (
    BALLOT_PUBLIC_KEY,
    AffiliateFactory,
    MemberFactory,
    TriggerBallotFactory,
    ballot_count_with_key,
    members_in,
    open_ballot_with_roll,
)

HOUR = dt.timedelta(hours=1)


def valid_settings(**overrides):
    now = timezone.now()
    values = {
        "rules": "labour-2021",
        "freeze_date": timezone.localdate(),
        "opens_at": now + HOUR,
        "closes_at": now + 48 * HOUR,
    }
    values.update(overrides)
    return values


def test_a_new_ballot_is_a_draft_with_the_constituencys_mp_and_its_creation_is_audited(constituency, officer):
    ballot = services.ballot_create(actor=officer, constituency=constituency, **valid_settings())

    assert ballot.status == TriggerBallot.Status.DRAFT
    assert ballot.sitting_mp == "Rosie Duffield"
    assert ballot.created_by == officer
    event = AuditEvent.objects.get(ballot_id=ballot.pk)
    assert (event.action, event.actor) == ("ballot_created", officer)
    assert event.detail["rules"] == "labour-2021"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_at": timezone.now()}, "closes_at"),
        ({"freeze_date": timezone.localdate() + dt.timedelta(days=30)}, "freeze_date"),
        ({"rules": "labour-1918"}, "rules"),
        ({"rules": "labour-2018", "tied_branch": "sideways"}, "__all__"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(constituency, officer, overrides, field):
    with pytest.raises(ValidationError) as raised:
        services.ballot_create(actor=officer, constituency=constituency, **valid_settings(**overrides))

    assert field in raised.value.message_dict
    assert not TriggerBallot.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_draft_can_be_edited_and_the_change_is_audited_from_and_to(draft_ballot, officer):
    services.ballot_update(actor=officer, ballot=draft_ballot, min_membership_months=12, arrears_allowed=True)

    draft_ballot.refresh_from_db()
    assert (draft_ballot.min_membership_months, draft_ballot.arrears_allowed) == (12, True)
    event = AuditEvent.objects.get(action="ballot_updated")
    assert event.detail["changes"]["min_membership_months"] == {"from": 6, "to": 12}


def test_an_open_ballot_cannot_be_edited(open_ballot, officer):
    with pytest.raises(BallotStateError):
        services.ballot_update(actor=officer, ballot=open_ballot, min_membership_months=1)

    open_ballot.refresh_from_db()
    assert open_ballot.min_membership_months == 6


def test_opening_puts_exactly_the_eligible_members_on_the_roll_with_their_ward(constituency, wards, officer):
    eligible = members_in(wards, 2)
    MemberFactory(ward=wards[0], joined_on=timezone.localdate())  # too recent
    MemberFactory(ward=wards[0], status=Member.Status.LAPSED)
    MemberFactory(ward=wards[1], status=Member.Status.ARREARS)
    ballot = TriggerBallotFactory(constituency=constituency)

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    roll = {(e.member_id, e.ward_id, e.membership_number) for e in RollEntry.objects.filter(ballot=ballot)}
    assert roll == {(m.pk, m.ward_id, m.membership_number) for m in eligible}
    assert ballot.status == TriggerBallot.Status.OPEN
    assert ballot.opened_at is not None
    event = AuditEvent.objects.get(action="ballot_opened")
    assert (event.actor, event.detail["roll_size"]) == (officer, 6)


def test_members_in_arrears_are_on_the_roll_when_the_ballot_allows_them(constituency, wards, officer):
    in_arrears = MemberFactory(ward=wards[1], status=Member.Status.ARREARS)
    ballot = TriggerBallotFactory(constituency=constituency, arrears_allowed=True)

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    assert RollEntry.objects.filter(ballot=ballot, member=in_arrears).exists()


def test_later_membership_edits_do_not_change_the_frozen_roll(constituency, wards, officer):
    ballot = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=2, actor=officer)
    before = list(RollEntry.objects.filter(ballot=ballot).values_list("member_id", "ward_id", "membership_number"))
    mover = Member.objects.filter(ward=wards[0]).first()

    member_update(actor=officer, member=mover, ward=wards[2], membership_number="L999999")
    member_update(actor=officer, member=Member.objects.filter(ward=wards[1]).first(), status=Member.Status.LAPSED)
    MemberFactory(ward=wards[0])  # joins after the roll froze

    after = list(RollEntry.objects.filter(ballot=ballot).values_list("member_id", "ward_id", "membership_number"))
    assert after == before


def test_opening_freezes_the_eligible_affiliates_and_their_size(constituency, wards, officer):
    early = AffiliateFactory(constituency=constituency, affiliated_members=250)
    AffiliateFactory(constituency=constituency, affiliated_on=timezone.localdate())  # too recent for 60 days
    ballot = TriggerBallotFactory(constituency=constituency, affiliate_min_days=60)

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)
    early.affiliated_members = 9999
    early.save()

    frozen = BallotAffiliate.objects.get(ballot=ballot)
    assert (frozen.affiliate_id, frozen.affiliated_members) == (early.pk, 250)


def test_a_ballot_can_be_opened_only_once(open_ballot, officer):
    with pytest.raises(BallotStateError):
        services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=open_ballot, actor=officer)

    assert AuditEvent.objects.filter(action="ballot_opened").count() == 1


def test_a_ballot_whose_closing_time_has_passed_cannot_be_opened(constituency, wards, officer):
    ballot = TriggerBallotFactory(
        constituency=constituency, opens_at=timezone.now() - 48 * HOUR, closes_at=timezone.now() - HOUR
    )

    with pytest.raises(BallotStateError):
        services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    assert not RollEntry.objects.filter(ballot=ballot).exists()


def test_close_only_an_open_ballot_and_declare_only_a_closed_one(draft_ballot, officer):
    with pytest.raises(BallotStateError):
        services.ballot_close(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.ballot_declare(ballot=draft_ballot, actor=officer)

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.ballot_declare(ballot=draft_ballot, actor=officer)

    services.ballot_close(ballot=draft_ballot, actor=officer)
    assert draft_ballot.status == TriggerBallot.Status.CLOSED
    with pytest.raises(BallotStateError):
        services.ballot_close(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError, match="still sealed"):
        services.ballot_declare(ballot=draft_ballot, actor=officer)

    ballot_count_with_key(draft_ballot, actor=officer)
    services.ballot_declare(ballot=draft_ballot, actor=officer)
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == TriggerBallot.Status.DECLARED
    assert draft_ballot.declared_at is not None
    with pytest.raises(BallotStateError):
        services.ballot_declare(ballot=draft_ballot, actor=officer)
    actions = list(AuditEvent.objects.filter(ballot_id=draft_ballot.pk).order_by("pk").values_list("action", flat=True))
    assert actions == ["ballot_opened", "ballot_closed", "votes_counted", "ballot_declared"]


def test_voting_state_follows_status_and_the_clock(constituency):
    now = timezone.now()
    ballot = TriggerBallotFactory(constituency=constituency, opens_at=now + HOUR, closes_at=now + 3 * HOUR)

    assert ballot_voting_state(ballot, now) == "not_open_yet"
    ballot.status = TriggerBallot.Status.OPEN
    assert ballot_voting_state(ballot, now) == "not_open_yet"
    assert ballot_voting_state(ballot, now + HOUR) == "open"
    assert ballot_voting_state(ballot, now + 3 * HOUR) == "closed"
    assert ballot_effective_status(ballot, now + 3 * HOUR) == "closed"
    assert ballot_effective_status(ballot, now + 2 * HOUR) == "open"
    for status in (TriggerBallot.Status.CLOSED, TriggerBallot.Status.DECLARED):
        ballot.status = status
        assert ballot_voting_state(ballot, now + HOUR) == "closed"


def test_a_vote_after_the_closing_time_is_refused_even_if_nobody_pressed_close(open_ballot, officer):
    entry, code = services.voting_codes_issue(ballot=open_ballot, actor=officer)[0]

    with pytest.raises(VoteRefused) as refused:
        vote_cast(
            ballot=open_ballot,
            membership_number=entry.membership_number,
            code=code,
            choice="open",
            now=open_ballot.closes_at,
        )

    assert refused.value.reason == "closed"
    assert not RollEntry.objects.filter(ballot=open_ballot, has_voted=True).exists()


def test_overdue_ballots_close_automatically_with_no_actor(constituency, wards):
    overdue = open_ballot_with_roll(constituency=constituency, wards=wards)
    running = TriggerBallotFactory(constituency=constituency)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=running)
    later = overdue.closes_at + dt.timedelta(minutes=5)
    TriggerBallot.objects.filter(pk=running.pk).update(closes_at=later + HOUR)

    assert services.ballot_close_due(now=later) == 1
    assert services.ballot_close_due(now=later) == 0

    overdue.refresh_from_db()
    running.refresh_from_db()
    assert (overdue.status, running.status) == ("closed", "open")
    assert overdue.closed_at == overdue.closes_at
    event = AuditEvent.objects.get(action="ballot_closed_automatically")
    assert (event.ballot_id, event.actor) == (overdue.pk, None)


def test_the_close_due_ballots_command_closes_overdue_ballots(open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )
    out = io.StringIO()

    call_command("close_due_ballots", stdout=out)

    open_ballot.refresh_from_db()
    assert open_ballot.status == "closed"
    assert "Closed 1 ballot." in out.getvalue()


def test_the_close_due_ballots_command_prints_nothing_at_verbosity_0(open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )
    out = io.StringIO()

    call_command("close_due_ballots", verbosity=0, stdout=out)

    open_ballot.refresh_from_db()
    assert open_ballot.status == "closed"
    assert out.getvalue() == ""


def test_an_officer_page_shows_an_overdue_ballot_as_closed_without_writing(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )
    events_before = AuditEvent.objects.count()

    response = officer_client.get(reverse("ballots:ballot_manage", args=[open_ballot.pk]))

    assert response.status_code == 200
    assert b"Count the votes" in response.content
    assert b'<span class="status status-closed">Closed</span>' in response.content
    open_ballot.refresh_from_db()
    assert open_ballot.status == "open"
    assert AuditEvent.objects.count() == events_before


def test_no_officer_page_read_closes_an_overdue_ballot(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )
    pages = ["ballot_manage", "ballot_roll", "ballot_codes", "affiliate_votes", "ballot_audit", "ballot_audit_csv"]

    for name in pages:
        assert officer_client.get(reverse(f"ballots:{name}", args=[open_ballot.pk])).status_code == 200, name
    assert officer_client.get(reverse("ballots:ballot_list", args=[open_ballot.constituency_id])).status_code == 200

    open_ballot.refresh_from_db()
    assert open_ballot.status == "open"
    assert not AuditEvent.objects.filter(action="ballot_closed_automatically").exists()


def test_the_ballot_list_shows_an_overdue_ballot_as_closed(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )

    response = officer_client.get(reverse("ballots:ballot_list", args=[open_ballot.constituency_id]))

    assert b'<span class="status status-closed">Closed</span>' in response.content


def test_declaring_an_overdue_ballot_from_its_page_is_refused_while_its_votes_are_sealed(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )

    officer_client.post(reverse("ballots:ballot_declare", args=[open_ballot.pk]), {"confirm": "yes"})

    open_ballot.refresh_from_db()
    assert open_ballot.status == "open" and open_ballot.counted_at is None


def test_counting_an_overdue_open_ballot_closes_it_first_then_it_can_be_declared(open_ballot, officer):
    later = open_ballot.closes_at + HOUR
    ballot_count_with_key(open_ballot, actor=officer, now=later)
    services.ballot_declare(ballot=open_ballot, actor=officer, now=later)

    actions = list(AuditEvent.objects.filter(ballot_id=open_ballot.pk).order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["ballot_closed_automatically", "votes_counted", "ballot_declared"]
    assert open_ballot.status == "declared"


def test_the_close_and_declare_buttons_work_for_the_constituencys_officer(officer_client, open_ballot, officer):
    response = officer_client.post(reverse("ballots:ballot_close", args=[open_ballot.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    open_ballot.refresh_from_db()
    assert open_ballot.status == "closed"

    ballot_count_with_key(open_ballot, actor=officer)
    response = officer_client.post(reverse("ballots:ballot_declare", args=[open_ballot.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    open_ballot.refresh_from_db()
    assert open_ballot.status == "declared"


def test_a_transition_from_the_wrong_state_is_refused_with_a_message(officer_client, draft_ballot):
    response = officer_client.post(reverse("ballots:ballot_declare", args=[draft_ballot.pk]), follow=True)

    assert b"Only a closed ballot can be declared" in response.content
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "draft"


def test_transitions_are_refused_to_an_officer_of_another_constituency(client, draft_ballot, other_officer):
    client.force_login(other_officer)

    for name in ("ballot_open", "ballot_close", "ballot_declare"):
        assert client.post(reverse(f"ballots:{name}", args=[draft_ballot.pk])).status_code == 403
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "draft"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_at_once_freeze_one_roll(constituency, wards):
    members_in(wards, 20)
    ballot = TriggerBallotFactory(constituency=constituency)
    outcomes = []
    barrier = threading.Barrier(2)

    def press_open():
        try:
            barrier.wait()
            services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=TriggerBallot.objects.get(pk=ballot.pk))
            outcomes.append("opened")
        except BallotStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press_open) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["opened", "refused"]
    assert RollEntry.objects.filter(ballot=ballot).count() == 60
