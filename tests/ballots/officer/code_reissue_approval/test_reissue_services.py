"""Re-issuing every code of an open ballot takes two officers: the services, their audit events and
the database constraints behind them."""

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots.models import CodeReissueRequest, RollEntry
from ballots.officer import services
from ballots.officer.audit_words import audit_sentence
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_reissue_approval import (
    code_reissue_approve,
    code_reissue_pending,
    code_reissue_refuse,
    code_reissue_request,
    code_reissue_withdraw,
)
from members.models import AuditEvent, Member
from tests.ballots.officer.code_reissue_approval.reissue_checks import audit_insert_batches, codes_still_working
from tests.factories import MemberFactory

REASON = "The CSV went to the wrong address."


def test_one_officer_alone_cannot_re_issue_every_code_of_an_open_ballot(open_ballot, officer, issued):
    with pytest.raises(BallotStateError, match="second officer"):
        services.voting_codes_issue(ballot=open_ballot, actor=officer, reissue_all=True)
    with pytest.raises(BallotStateError, match="second officer"):
        services.voting_codes_email_reissue_all(ballot=open_ballot, actor=officer)

    assert codes_still_working(open_ballot, issued) == 9
    assert not AuditEvent.objects.filter(action__startswith="voting_codes_reissued_all").exists()


def test_a_request_still_waiting_or_from_another_ballot_does_not_count_as_approval(
    open_ballot, officer, issued, csv_request
):
    with pytest.raises(BallotStateError, match="second officer"):
        services.voting_codes_issue(ballot=open_ballot, actor=officer, reissue_all=True, approval=csv_request)

    assert codes_still_working(open_ballot, issued) == 9


def test_a_second_officers_approval_re_issues_every_code_and_the_old_ones_stop_working(
    open_ballot, officer, second_officer, issued, csv_request
):
    done = code_reissue_approve(reissue_request=csv_request, actor=second_officer)

    assert len(done.issued) == 9
    assert codes_still_working(open_ballot, issued) == 0
    assert codes_still_working(open_ballot, done.issued) == 9
    csv_request.refresh_from_db()
    assert (csv_request.state, csv_request.decided_by) == ("approved", second_officer)
    event = AuditEvent.objects.get(action="voting_codes_reissued_all")
    assert (event.actor, event.detail["count"], event.detail["request"]) == (second_officer, 9, csv_request.pk)
    approved = AuditEvent.objects.get(action="code_reissue_approved")
    assert audit_sentence(approved.action, approved.detail) == (
        "Approved the request of officer to re-issue every voting code (to download), and re-issued them."
    )


def test_approval_by_email_withdraws_the_old_codes_and_emails_new_ones(
    open_ballot, officer, second_officer, issued, django_capture_on_commit_callbacks
):
    asked = code_reissue_request(ballot=open_ballot, actor=officer, how="email", reason=REASON)

    with django_capture_on_commit_callbacks(execute=True):
        done = code_reissue_approve(reissue_request=asked, actor=second_officer)

    assert (done.issued, done.queued) == (None, 9)
    assert len(mail.outbox) == 9
    assert codes_still_working(open_ballot, issued) == 0


def test_the_officer_who_asked_cannot_approve_their_own_request(open_ballot, officer, issued, csv_request):
    with pytest.raises(BallotStateError, match="you cannot approve it too"):
        code_reissue_approve(reissue_request=csv_request, actor=officer)

    csv_request.refresh_from_db()
    assert csv_request.state == "pending"
    assert codes_still_working(open_ballot, issued) == 9


def test_the_database_refuses_a_request_decided_by_the_officer_who_asked(open_ballot, officer, csv_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeReissueRequest.objects.filter(pk=csv_request.pk).update(
            state="approved", decided_by=officer, decided_at=timezone.now()
        )


def test_an_officer_of_another_constituency_cannot_approve(open_ballot, issued, csv_request, other_officer):
    with pytest.raises(BallotStateError):
        code_reissue_approve(reissue_request=csv_request, actor=other_officer)

    assert codes_still_working(open_ballot, issued) == 9


def test_a_refused_request_changes_no_code_and_records_why(open_ballot, second_officer, issued, csv_request):
    with pytest.raises(BallotStateError, match="Give a reason"):
        code_reissue_refuse(reissue_request=csv_request, actor=second_officer, reason="   ")

    code_reissue_refuse(reissue_request=csv_request, actor=second_officer, reason="Nothing went astray.")

    csv_request.refresh_from_db()
    assert (csv_request.state, csv_request.refuse_reason) == ("refused", "Nothing went astray.")
    assert codes_still_working(open_ballot, issued) == 9
    event = AuditEvent.objects.get(action="code_reissue_refused")
    assert audit_sentence(event.action, event.detail) == (
        "Refused the request of officer to re-issue every voting code. Reason: Nothing went astray."
    )
    with pytest.raises(BallotStateError, match="already been decided"):
        code_reissue_approve(reissue_request=csv_request, actor=second_officer)


def test_the_officer_who_asked_refuses_nothing_but_may_withdraw(open_ballot, officer, issued, csv_request):
    with pytest.raises(BallotStateError, match="withdraw it instead"):
        code_reissue_refuse(reissue_request=csv_request, actor=officer, reason="Changed my mind.")

    code_reissue_withdraw(reissue_request=csv_request, actor=officer)

    csv_request.refresh_from_db()
    assert (csv_request.state, csv_request.decided_by) == ("withdrawn", None)
    assert code_reissue_pending(open_ballot) is None
    assert codes_still_working(open_ballot, issued) == 9
    assert AuditEvent.objects.get(action="code_reissue_withdrawn").actor == officer


def test_only_the_officer_who_asked_can_withdraw(second_officer, csv_request):
    with pytest.raises(BallotStateError, match="Only the officer who asked"):
        code_reissue_withdraw(reissue_request=csv_request, actor=second_officer)

    csv_request.refresh_from_db()
    assert csv_request.state == "pending"


def test_a_ballot_has_one_request_waiting_at_a_time(open_ballot, officer, second_officer, csv_request):
    with pytest.raises(BallotStateError, match="has already asked"):
        code_reissue_request(ballot=open_ballot, actor=second_officer, how="email", reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeReissueRequest.objects.create(
            ballot=open_ballot, requested_by=second_officer, requested_at=timezone.now(), reason=REASON, how="csv"
        )

    code_reissue_withdraw(reissue_request=csv_request, actor=officer)
    again = code_reissue_request(ballot=open_ballot, actor=second_officer, how="email", reason=REASON)
    assert code_reissue_pending(open_ballot) == again


def test_a_request_needs_a_reason_and_a_known_way(open_ballot, officer):
    with pytest.raises(BallotStateError, match="Give a reason"):
        code_reissue_request(ballot=open_ballot, actor=officer, how="csv", reason="")
    with pytest.raises(BallotStateError, match="Choose how"):
        code_reissue_request(ballot=open_ballot, actor=officer, how="fax", reason=REASON)

    assert not CodeReissueRequest.objects.exists()


def test_a_draft_ballot_has_no_request_and_its_re_issue_is_still_one_officers_refusal(draft_ballot, officer):
    with pytest.raises(BallotStateError, match="once the ballot is open"):
        code_reissue_request(ballot=draft_ballot, actor=officer, how="csv", reason=REASON)
    # One officer alone is refused for the draft's own reason, not for want of a second officer.
    with pytest.raises(BallotStateError, match="once the ballot is open"):
        services.voting_codes_issue(ballot=draft_ballot, actor=officer, reissue_all=True)

    assert not CodeReissueRequest.objects.exists()


def test_each_members_re_issue_is_an_audit_event_naming_their_number_and_never_the_code(
    open_ballot, second_officer, issued, csv_request
):
    done = code_reissue_approve(reissue_request=csv_request, actor=second_officer)

    events = list(AuditEvent.objects.filter(action="voting_code_reissued_in_bulk"))
    numbers = set(RollEntry.objects.filter(ballot=open_ballot).values_list("membership_number", flat=True))
    assert {event.detail["membership_number"] for event in events} == numbers
    assert len(events) == 9
    assert all(event.actor == second_officer and event.ballot_id == open_ballot.pk for event in events)
    stored = repr(list(AuditEvent.objects.values_list("action", "detail")))
    for _, code in issued + done.issued:
        assert code not in stored and code.replace("-", "") not in stored
    sentence = audit_sentence(events[0].action, events[0].detail)
    assert sentence.startswith(f"Replaced the voting code of member {events[0].detail['membership_number']} ")


def test_by_email_a_member_without_an_address_is_named_as_needing_their_code_another_way(
    open_ballot, officer, second_officer, issued, django_capture_on_commit_callbacks
):
    no_email = RollEntry.objects.filter(ballot=open_ballot).order_by("membership_number").first()
    Member.objects.filter(pk=no_email.member_id).update(email="")
    asked = code_reissue_request(ballot=open_ballot, actor=officer, how="email", reason=REASON)

    with django_capture_on_commit_callbacks(execute=True):
        code_reissue_approve(reissue_request=asked, actor=second_officer)

    events = {
        e.detail["membership_number"]: e for e in AuditEvent.objects.filter(action="voting_code_reissued_in_bulk")
    }
    assert len(events) == 9
    assert events[no_email.membership_number].detail == {
        "membership_number": no_email.membership_number,
        "by_email": True,
        "queued": False,
    }
    assert "no email address" in audit_sentence(
        "voting_code_reissued_in_bulk", events[no_email.membership_number].detail
    )
    assert sum(e.detail["queued"] for e in events.values()) == 8


def _audit_inserts_of_an_approval(ballot, officer, second_officer):
    asked = code_reissue_request(ballot=ballot, actor=officer, how="csv", reason=REASON)
    with CaptureQueriesContext(connection) as captured:
        code_reissue_approve(reissue_request=asked, actor=second_officer)
    return [q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "members_auditevent"')]


def test_the_per_member_events_are_bulk_inserts_not_one_query_a_member(open_ballot, officer, second_officer, wards):
    small = _audit_inserts_of_an_approval(open_ballot, officer, second_officer)
    RollEntry.objects.bulk_create(
        RollEntry(ballot=open_ballot, member=member, ward=member.ward, membership_number=member.membership_number)
        for member in (MemberFactory(ward=wards[n % 3]) for n in range(300))
    )
    large = _audit_inserts_of_an_approval(open_ballot, officer, second_officer)

    # The approval, the re-issue's count, and bulk inserts of the members' events: one for nine,
    # and for 309 no more than the database's limit on parameters makes it split them into.
    assert len(small) == 2 + 1
    assert len(large) == 2 + audit_insert_batches(309)
    assert audit_insert_batches(309) <= 2
    assert AuditEvent.objects.filter(action="voting_code_reissued_in_bulk").count() == 9 + 309
