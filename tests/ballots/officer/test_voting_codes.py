"""Voting codes: strong, typeable, shown once (CSV, email or one re-issue page), stored only as a keyed hash,
never in a log, an audit entry or a later page; re-issuing replaces a code; emails are queued,
and each is sent with a code made at that moment."""

import csv
import io
import logging
import math
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from ballots.codes import (
    CODE_ALPHABET,
    code_normalise,
    voting_code_generate,
    voting_code_hash,
    voting_code_matches,
)
from ballots.models import CodeReissueRequest, RollEntry
from ballots.officer import selectors, services
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_reissue_approval import code_reissue_approve, code_reissue_request
from ballots.voting.services import vote_cast
from members.models import AuditEvent, Member
from tests.factories import BALLOT_PUBLIC_KEY, MemberFactory, OfficerFactory, TriggerBallotFactory

CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{4}}(-[{CODE_ALPHABET}]{{4}}){{3}}$")


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def everything_stored_as_text():
    """Every roll entry's and every audit event's stored values, as one string."""
    roll = list(RollEntry.objects.values_list("code_hash", "membership_number"))
    audit = list(AuditEvent.objects.values_list("action", "detail"))
    return repr(roll) + repr(audit)


def test_a_code_carries_at_least_60_bits_without_look_alike_characters_in_groups_of_four():
    codes = {voting_code_generate() for _ in range(2000)}

    assert len(codes) == 2000
    assert all(CODE_PATTERN.match(code) for code in codes)
    assert len(code_normalise(next(iter(codes)))) * math.log2(len(CODE_ALPHABET)) >= 60
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_issuing_stores_only_a_keyed_hash_and_returns_each_code_once(open_ballot, officer):
    issued = services.voting_codes_issue(ballot=open_ballot, actor=officer)

    assert len(issued) == RollEntry.objects.filter(ballot=open_ballot).count() == 9
    stored = everything_stored_as_text()
    for entry, code in issued:
        entry.refresh_from_db()
        assert entry.code_hash == voting_code_hash(ballot_id=open_ballot.pk, code=code)
        assert entry.code_issued_at is not None
        assert code not in stored and code_normalise(code) not in stored
    assert services.voting_codes_issue(ballot=open_ballot, actor=officer) == []
    assert AuditEvent.objects.get(action="voting_codes_issued", detail__count=9).actor == officer


def test_codes_are_issued_only_while_the_ballot_is_open(draft_ballot, officer):
    with pytest.raises(BallotStateError):
        services.voting_codes_issue(ballot=draft_ballot, actor=officer)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    services.ballot_close(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.voting_codes_issue(ballot=draft_ballot, actor=officer)


def test_the_codes_csv_has_one_row_per_member_with_a_working_code_and_personal_link(
    officer_client, open_ballot, settings
):
    settings.SITE_URL = "https://ballots.example.org"

    response = officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert len(rows) == 9
    assert list(rows[0]) == [
        "membership_number",
        "first_name",
        "last_name",
        "email",
        "ward",
        "voting_code",
        "voting_link",
    ]
    for row in rows:
        entry = RollEntry.objects.select_related("member").get(
            ballot=open_ballot, membership_number=row["membership_number"]
        )
        assert row["email"] == entry.member.email
        assert row["last_name"] == entry.member.last_name
        assert voting_code_matches(ballot_id=open_ballot.pk, code=row["voting_code"], code_hash=entry.code_hash)
        assert row["voting_link"] == (
            f"https://ballots.example.org/vote/link/?ballot={open_ballot.pk}"
            f"&member={row['membership_number']}&code={row['voting_code'].replace('-', '')}"
        )


def test_a_second_download_issues_nothing_and_explains_why(officer_client, open_ballot):
    url = reverse("ballots:codes_download", args=[open_ballot.pk])
    first = csv_rows(officer_client.post(url))

    second = officer_client.post(url, follow=True)

    assert len(first) == 9
    assert second.redirect_chain[-1][0] == reverse("ballots:ballot_codes", args=[open_ballot.pk])
    assert b"already has a code" in second.content


def test_no_code_appears_on_any_officer_page_after_it_was_issued(officer_client, open_ballot):
    rows = csv_rows(officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk])))
    pages = [
        reverse("ballots:ballot_manage", args=[open_ballot.pk]),
        reverse("ballots:ballot_codes", args=[open_ballot.pk]) + f"?membership_number={rows[0]['membership_number']}",
        reverse("ballots:ballot_roll", args=[open_ballot.pk]),
        reverse("ballots:ballot_audit", args=[open_ballot.pk]),
    ]

    contents = [officer_client.get(url).content.decode() for url in pages]
    audit_csv = officer_client.get(reverse("ballots:ballot_audit_csv", args=[open_ballot.pk]))
    contents.append(b"".join(audit_csv.streaming_content).decode())

    for row in rows:
        assert not any(row["voting_code"] in c or row["voting_code"].replace("-", "") in c for c in contents)


def second_officer_approves(ballot, officer, how):
    """Every code re-issued as two officers do once the ballot is open: `officer` asks, another approves."""
    second = OfficerFactory(username="second", constituencies=[ballot.constituency])
    asked = code_reissue_request(ballot=ballot, actor=officer, how=how, reason="Codes went astray.")
    return code_reissue_approve(reissue_request=asked, actor=second)


def test_reissuing_everyones_codes_needs_a_second_officer_and_stops_the_old_ones(officer_client, open_ballot, officer):
    old = csv_rows(officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk])))
    url = reverse("ballots:codes_reissue_all", args=[open_ballot.pk])

    for data in ({"delivery": "csv"}, {"delivery": "csv", "confirm": "on"}):
        alone = officer_client.post(url, data, follow=True)
        assert b"second officer" in alone.content
    assert not AuditEvent.objects.filter(action="voting_codes_reissued_all").exists()

    new = second_officer_approves(open_ballot, officer, "csv").issued
    assert len(new) == 9
    for row in old:
        entry = RollEntry.objects.get(ballot=open_ballot, membership_number=row["membership_number"])
        assert not voting_code_matches(ballot_id=open_ballot.pk, code=row["voting_code"], code_hash=entry.code_hash)
    assert AuditEvent.objects.filter(action="voting_codes_reissued_all", detail__count=9).exists()


def test_reissuing_one_code_stops_the_old_one_and_shows_the_new_one_once(officer_client, open_ballot):
    entry, old_code = services.voting_codes_issue(ballot=open_ballot)[0]

    response = officer_client.post(reverse("ballots:code_reissue", args=[open_ballot.pk, entry.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_code = re.search(rb'class="code">([^<]+)<', response.content).group(1).decode()
    entry.refresh_from_db()
    assert voting_code_matches(ballot_id=open_ballot.pk, code=new_code, code_hash=entry.code_hash)
    assert not voting_code_matches(ballot_id=open_ballot.pk, code=old_code, code_hash=entry.code_hash)
    event = AuditEvent.objects.get(action="voting_code_reissued")
    assert event.detail == {"membership_number": entry.membership_number}
    codes_url = reverse("ballots:ballot_codes", args=[open_ballot.pk])
    page = officer_client.get(f"{codes_url}?membership_number={entry.membership_number}")
    assert new_code.encode() not in page.content


def test_a_member_who_has_voted_cannot_be_given_a_new_code(open_ballot, officer):
    entry, code = services.voting_codes_issue(ballot=open_ballot)[0]
    vote_cast(ballot=open_ballot, membership_number=entry.membership_number, code=code, choice="reselect")

    with pytest.raises(BallotStateError):
        services.voting_code_reissue(roll_entry=entry, actor=officer)


def email_code(message):
    return re.search(r"Your voting code:\s+(\S+)", message.body).group(1)


class RefusingOneBackend(EmailBackend):
    """The locmem backend, whose server refuses one address as a real one would (550)."""

    def send_messages(self, messages):
        if any(message.to == ["broken@example.org"] for message in messages):
            raise smtplib.SMTPRecipientsRefused({"broken@example.org": (550, b"5.1.1 No such mailbox")})
        return super().send_messages(messages)


def test_emailing_codes_queues_those_without_one_and_the_worker_sends_each_a_working_code(
    constituency, wards, officer, django_capture_on_commit_callbacks
):
    MemberFactory.create_batch(5, ward=wards[0])
    MemberFactory(ward=wards[1], email="")
    ballot = TriggerBallotFactory(constituency=constituency)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        queued = services.voting_codes_email_queue(ballot=ballot, actor=officer)

    assert queued == 5
    assert len(enqueued) == 1
    assert len(mail.outbox) == 5
    for message in mail.outbox:
        number = re.search(r"Your membership number: (\S+)", message.body).group(1)
        code = email_code(message)
        entry = RollEntry.objects.get(ballot=ballot, membership_number=number)
        assert message.to == [entry.member.email]
        assert voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=entry.code_hash)
        assert (entry.delivery_state, entry.delivery_channel) == ("sent", "email")
        assert f"/vote/link/?ballot={ballot.pk}&member={number}&code={code.replace('-', '')}" in message.body
        assert "replaces any voting code" not in message.body
    no_email = RollEntry.objects.get(ballot=ballot, member__email="")
    assert (no_email.code_hash, no_email.delivery_state) == ("", "not_sent")
    assert AuditEvent.objects.get(action="voting_codes_email_queued").detail["queued"] == 5
    assert AuditEvent.objects.get(action="voting_codes_emailed").detail["sent"] == 5
    # Everyone with an email now has a code: queuing again chooses nobody and enqueues nothing.
    with django_capture_on_commit_callbacks(execute=True) as enqueued_again:
        assert services.voting_codes_email_queue(ballot=ballot, actor=officer) == 0
    assert enqueued_again == []


def test_a_refused_email_is_marked_failed_with_the_reason_and_the_rest_still_go(
    open_ballot, officer, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.ballots.officer.test_voting_codes.RefusingOneBackend"
    broken = RollEntry.objects.filter(ballot=open_ballot).first()
    Member.objects.filter(pk=broken.member_id).update(email="broken@example.org")

    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        services.voting_codes_email_queue(ballot=open_ballot, actor=officer)

    assert len(mail.outbox) == 8
    assert broken.membership_number in caplog.text
    broken.refresh_from_db()
    assert broken.delivery_state == "failed"
    assert broken.delivery_failure == "550 5.1.1 No such mailbox"
    assert broken.code_hash == ""  # never delivered, so withdrawn
    assert selectors.delivery_counts(open_ballot)["sent"] == 8
    assert list(selectors.deliveries_needing_attention(open_ballot)) == [broken]

    Member.objects.filter(pk=broken.member_id).update(email="mended@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer) == 0
        assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer, resend_failed=True) == 1
    broken.refresh_from_db()
    assert broken.delivery_state == "sent"
    assert mail.outbox[-1].to == ["mended@example.org"]


def test_codes_are_queued_for_email_only_while_the_ballot_is_open(draft_ballot, officer):
    with pytest.raises(BallotStateError):
        services.voting_codes_email_queue(ballot=draft_ballot, actor=officer)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    services.ballot_close(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.voting_codes_email_queue(ballot=draft_ballot, actor=officer)
    assert not RollEntry.objects.filter(ballot=draft_ballot, delivery_state="queued").exists()


def test_a_downloaded_code_counts_as_handed_over_and_is_not_emailed_again(
    open_ballot, officer, django_capture_on_commit_callbacks
):
    (entry, _code), *_ = services.voting_codes_issue(ballot=open_ballot, actor=officer)
    entry.refresh_from_db()

    assert (entry.delivery_state, entry.delivery_channel) == ("sent", "hand")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer) == 0


def test_reissuing_everyones_codes_by_email_withdraws_the_old_ones_first(
    open_ballot, officer, django_capture_on_commit_callbacks
):
    old = services.voting_codes_issue(ballot=open_ballot, actor=officer)

    with django_capture_on_commit_callbacks(execute=True):
        queued = second_officer_approves(open_ballot, officer, "email").queued

    assert queued == 9
    assert len(mail.outbox) == 9
    for entry, code in old:
        entry.refresh_from_db()
        assert not voting_code_matches(ballot_id=open_ballot.pk, code=code, code_hash=entry.code_hash)
        assert entry.delivery_state == "sent"
    event = AuditEvent.objects.get(action="voting_codes_reissued_all_by_email")
    assert (event.detail["codes_withdrawn"], event.detail["queued"]) == (9, 9)


def test_the_email_button_queues_and_says_how_many(officer_client, open_ballot, django_capture_on_commit_callbacks):
    Member.objects.filter(pk=RollEntry.objects.filter(ballot=open_ballot).first().member_id).update(email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("ballots:codes_email", args=[open_ballot.pk]), follow=True)

    assert b"8 emails queued." in response.content
    assert len(mail.outbox) == 8


def test_one_members_code_can_be_resent_by_email(officer_client, open_ballot, django_capture_on_commit_callbacks):
    entry, old_code = services.voting_codes_issue(ballot=open_ballot)[0]

    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("ballots:code_send", args=[open_ballot.pk, entry.pk])
        response = officer_client.post(url, follow=True)

    assert b"is queued for email" in response.content
    assert len(mail.outbox) == 1
    new_code = email_code(mail.outbox[0])
    entry.refresh_from_db()
    assert voting_code_matches(ballot_id=open_ballot.pk, code=new_code, code_hash=entry.code_hash)
    assert not voting_code_matches(ballot_id=open_ballot.pk, code=old_code, code_hash=entry.code_hash)
    assert "replaces any voting code sent to you earlier" in mail.outbox[0].body
    assert new_code not in response.content.decode()


def test_no_code_reaches_a_log_or_an_audit_entry(
    officer_client, open_ballot, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.DEBUG):
        rows = csv_rows(officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk])))
        entry = RollEntry.objects.get(ballot=open_ballot, membership_number=rows[0]["membership_number"])
        reissued = officer_client.post(reverse("ballots:code_reissue", args=[open_ballot.pk, entry.pk]))
        # Each queued email is sent (by the immediate backend) when its request's transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("ballots:code_send", args=[open_ballot.pk, entry.pk]))
        ask = reverse("ballots:codes_reissue_ask", args=[open_ballot.pk])
        officer_client.post(ask, {"how": "email", "reason": "Codes went astray.", "confirm": "on"})
        second = Client()
        second.force_login(OfficerFactory(username="second", constituencies=[open_ballot.constituency]))
        approve = reverse(
            "ballots:codes_reissue_approve", args=[open_ballot.pk, CodeReissueRequest.objects.get(state="pending").pk]
        )
        with django_capture_on_commit_callbacks(execute=True):
            second.post(approve)
        officer_client.post(reverse("ballots:codes_reissue_all", args=[open_ballot.pk]), {"delivery": "csv"})

    codes = [row["voting_code"] for row in rows]
    codes.append(re.search(rb'class="code">([^<]+)<', reissued.content).group(1).decode())
    codes += [email_code(message) for message in mail.outbox]
    assert len(codes) == 9 + 1 + 1 + 9
    logged = caplog.text
    stored = everything_stored_as_text()
    for code in codes:
        for form in (code, code_normalise(code)):
            assert form not in logged
            assert form not in stored
