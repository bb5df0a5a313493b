"""The audit log: every officer action and state change with who and when, newest first on a paginated
page and in a spreadsheet-safe CSV."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotAffiliate, RollEntry
from ballots.officer import services
from ballots.officer.audit_words import SENTENCES, audit_action_text, audit_sentence
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
    # Every one reads as a sentence of its own, not as its identifier and details spelled out.
    sentences = [audit_sentence(event.action, event.detail) for event in events]
    assert not any(
        sentence.startswith(audit_action_text(event.action)) for event, sentence in zip(events, sentences, strict=True)
    )
    assert sentences[2] == (
        f"Opened the ballot. The roll froze with {RollEntry.objects.filter(ballot=ballot).count()} members and "
        f"1 affiliated organisation. Votes are sealed to the ballot's key {events[2].detail['key']}."
    )
    assert sentences[4] == (
        f"Replaced the voting code of member {entry.membership_number}: the old code no longer works."
    )
    assert sentences[6] == (
        f"Corrected the vote of {affiliate.name}: from hold an open selection to reselect the sitting MP; "
        "delegate A then A."
    )
    assert sentences[8] == "Counted the sealed votes with the ballot's key: 0 votes."


def test_an_event_whose_details_do_not_fit_its_sentence_is_spelled_out_whole():
    assert "ballot_opened" in SENTENCES
    assert audit_sentence("ballot_opened", {"rules": "labour-2021"}) == "Ballot opened. rules: labour-2021."
    assert audit_sentence("something_new", {}) == "Something new."
    assert audit_sentence("ballot_declared", None) == "Declared the result: it is now public."


def test_the_audit_page_lists_this_ballots_events_newest_first(officer_client, open_ballot, officer, constituency):
    other = TriggerBallotFactory(constituency=constituency)
    audit_record(action="something_elsewhere", actor=officer, constituency=constituency, ballot_id=other.pk)
    services.ballot_close(ballot=open_ballot, actor=officer)

    response = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk]))

    content = response.content.decode()
    assert content.index("Closed the ballot by hand: 0 members of") < content.index("Opened the ballot.")
    assert "Something elsewhere" not in content
    assert "officer" in content
    assert "GMT" in content or "BST" in content


@pytest.mark.parametrize("events", [3, 120])
def test_the_audit_page_is_paginated_with_constant_queries(
    officer_client, open_ballot, constituency, officer, django_assert_num_queries, events
):
    for n in range(events):
        audit_record(action=f"test_action_{n}", actor=officer, constituency=constituency, ballot_id=open_ballot.pk)

    # Session, user, permissions (4), ballot (1), officer check (1), the filter's choices (2),
    # count and page (2): no write.
    with django_assert_num_queries(10):
        response = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk]))

    assert len(response.context["table"].page.object_list) == min(events + 1, 50)


def test_the_audit_csv_has_every_event_and_is_safe_in_a_spreadsheet(officer_client, open_ballot, officer):
    affiliate = BallotAffiliate.objects.filter(ballot=open_ballot).first().affiliate
    services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="=HYPERLINK(1)", actor=officer
    )

    response = officer_client.get(reverse("ballots:ballot_audit_csv", args=[open_ballot.pk]))

    rows = csv_rows(response)
    assert list(rows[0]) == ["when", "who", "what happened", "action", "details as recorded"]
    assert [row["action"] for row in rows] == ["affiliate_vote_recorded", "ballot_opened"]
    assert rows[0]["who"] == "officer"
    assert rows[0]["what happened"].startswith(f"Recorded the vote of {affiliate.name}: hold an open selection")
    assert "delegate name: =HYPERLINK(1)" in rows[0]["details as recorded"]
    assert not any(cell.startswith("=") for row in rows for cell in row.values())


def test_the_log_filters_by_what_happened_and_by_who_on_the_page_and_in_the_csv(
    officer_client, open_ballot, officer, constituency, django_user_model
):
    other_officer = django_user_model.objects.create_user("second-officer")
    audit_record(
        action="voting_codes_issued",
        actor=other_officer,
        constituency=constituency,
        ballot_id=open_ballot.pk,
        detail={"count": 5},
    )
    audit_record(
        action="voting_codes_issued",
        actor=officer,
        constituency=constituency,
        ballot_id=open_ballot.pk,
        detail={"count": 7},
    )
    audit_record(
        action="letter_pack_expired",
        actor=None,
        constituency=constituency,
        ballot_id=open_ballot.pk,
        detail={"pack": 1, "codes_withdrawn": 2},
    )
    page_url = reverse("ballots:ballot_audit", args=[open_ballot.pk])
    csv_url = reverse("ballots:ballot_audit_csv", args=[open_ballot.pk])

    by_action = officer_client.get(page_url, {"action": "voting_codes_issued"})
    by_officer = officer_client.get(page_url, {"action": "voting_codes_issued", "officer": other_officer.pk})
    by_system = csv_rows(officer_client.get(csv_url, {"officer": "system"}))

    assert [row.record.detail["count"] for row in by_action.context["table"].page.object_list] == [7, 5]
    assert [row.record.detail["count"] for row in by_officer.context["table"].page.object_list] == [5]
    assert "Made voting codes for 5 members." in by_officer.content.decode()
    csv_link = f"audit.csv?action=voting_codes_issued&amp;officer={other_officer.pk}"
    assert csv_link in by_officer.content.decode()  # the download takes the same filters
    assert [row["action"] for row in by_system] == ["letter_pack_expired"]
    assert by_system[0]["who"] == "The system"
    assert (
        by_system[0]["what happened"]
        == "The voting-code letters expired before they were downloaded; 2 codes withdrawn."
    )


@pytest.mark.parametrize(
    "query", [{"action": "no_such_action"}, {"officer": "abc"}, {"officer": "99999"}, {"action": "x" * 5000}]
)
def test_a_filter_that_is_not_offered_shows_the_whole_log_not_an_error(officer_client, open_ballot, query):
    response = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk]), query)

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 1  # the opening
