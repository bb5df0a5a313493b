"""The audit log: every officer action and state change with who and when, newest first on a paginated
page and in a spreadsheet-safe CSV."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotAffiliate
from ballots.officer import services
from members.models import AuditEvent
from members.services import audit_record
from tests.factories import BALLOT_PUBLIC_KEY, AffiliateFactory, TriggerBallotFactory, ballot_count_with_key, members_in


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_a_ballots_whole_life_is_in_its_audit_log_with_who_did_it(constituency, wards, officer):
    members_in(wards)
    ballot = services.ballot_create(
        actor=officer,
        constituency=constituency,
        rules="labour-2021",
        freeze_date=timezone.localdate(),
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=7),
    )
    services.ballot_update(actor=officer, ballot=ballot, tied_branch="split")
    AffiliateFactory(constituency=constituency)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)
    entry, _ = services.voting_codes_issue(ballot=ballot, actor=officer)[0]
    services.voting_code_reissue(roll_entry=entry, actor=officer)
    affiliate = BallotAffiliate.objects.get(ballot=ballot).affiliate
    for choice in ("open", "reselect"):
        services.affiliate_vote_record(
            ballot=ballot, affiliate=affiliate, choice=choice, delegate_name="A", actor=officer
        )
    services.ballot_close(ballot=ballot, actor=officer)
    ballot_count_with_key(ballot, actor=officer)
    services.ballot_declare(ballot=ballot, actor=officer)

    events = list(AuditEvent.objects.filter(ballot_id=ballot.pk).order_by("pk"))
    assert [event.action for event in events] == [
        "ballot_created",
        "ballot_updated",
        "ballot_opened",
        "voting_codes_issued",
        "voting_code_reissued",
        "affiliate_vote_recorded",
        "affiliate_vote_corrected",
        "ballot_closed",
        "votes_counted",
        "ballot_declared",
    ]
    assert all(event.actor == officer and event.constituency == constituency for event in events)
    assert all(event.created_at is not None for event in events)


def test_the_audit_page_lists_this_ballots_events_newest_first(officer_client, open_ballot, officer, constituency):
    other = TriggerBallotFactory(constituency=constituency)
    audit_record(action="something_elsewhere", actor=officer, constituency=constituency, ballot_id=other.pk)
    services.ballot_close(ballot=open_ballot, actor=officer)

    response = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk]))

    content = response.content.decode()
    assert content.index("Ballot closed") < content.index("Ballot opened")
    assert "Something elsewhere" not in content
    assert "officer" in content
    assert "GMT" in content or "BST" in content


@pytest.mark.parametrize("events", [3, 120])
def test_the_audit_page_is_paginated_with_constant_queries(
    officer_client, open_ballot, constituency, officer, django_assert_num_queries, events
):
    for n in range(events):
        audit_record(action=f"test_action_{n}", actor=officer, constituency=constituency, ballot_id=open_ballot.pk)

    # Session, user, permissions (4), ballot (1), officer check (1), count and page (2): no write.
    with django_assert_num_queries(8):
        response = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk]))

    assert len(response.context["table"].page.object_list) == min(events + 1, 50)


def test_the_audit_csv_has_every_event_and_is_safe_in_a_spreadsheet(officer_client, open_ballot, officer):
    affiliate = BallotAffiliate.objects.filter(ballot=open_ballot).first().affiliate
    services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="=HYPERLINK(1)", actor=officer
    )

    response = officer_client.get(reverse("ballots:ballot_audit_csv", args=[open_ballot.pk]))

    rows = csv_rows(response)
    assert list(rows[0]) == ["when", "who", "action", "what", "details"]
    assert [row["action"] for row in rows] == ["affiliate_vote_recorded", "ballot_opened"]
    assert rows[0]["who"] == "officer"
    assert "delegate name: =HYPERLINK(1)" in rows[0]["details"]
    assert not any(cell.startswith("=") for row in rows for cell in row.values())
