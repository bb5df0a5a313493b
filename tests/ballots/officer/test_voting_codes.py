"""Voting codes: strong, typeable, shown once (CSV, email or one re-issue page), stored only as a keyed hash,
never in a log, an audit entry or a later page; re-issuing replaces a code; emails go in batches with counts."""

import csv
import io
import logging
import math
import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from ballots.codes import (
    CODE_ALPHABET,
    code_normalise,
    voting_code_generate,
    voting_code_hash,
    voting_code_matches,
)
from ballots.models import RollEntry
from ballots.officer import services
from ballots.officer.services import BallotStateError
from ballots.voting.services import vote_cast
from members.models import AuditEvent, Member
from tests.factories import BALLOT_PUBLIC_KEY, MemberFactory, TriggerBallotFactory

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


def test_reissuing_everyones_codes_needs_confirmation_and_stops_the_old_ones(officer_client, open_ballot):
    old = csv_rows(officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk])))
    url = reverse("ballots:codes_reissue_all", args=[open_ballot.pk])

    unconfirmed = officer_client.post(url, {"delivery": "csv"})
    assert unconfirmed.status_code == 400
    assert b"Tick the box" in unconfirmed.content

    new = csv_rows(officer_client.post(url, {"delivery": "csv", "confirm": "on"}))
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


class CountingBackend(EmailBackend):
    """The locmem backend, counting how many times a connection is opened (once per batch)."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


class FailingForOneBackend(EmailBackend):
    def send_messages(self, messages):
        if any(message.to == ["broken@example.org"] for message in messages):
            raise OSError("mail server refused")
        return super().send_messages(messages)


def test_emailing_codes_goes_in_batches_and_counts_sent_and_skipped(constituency, wards, officer, settings):
    settings.EMAIL_BACKEND = "tests.ballots.officer.test_voting_codes.CountingBackend"
    CountingBackend.opened = 0
    MemberFactory.create_batch(5, ward=wards[0])
    MemberFactory(ward=wards[1], email="")
    ballot = TriggerBallotFactory(constituency=constituency)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    report = services.voting_codes_email(ballot=ballot, actor=officer, batch_size=2)

    assert (report.sent, report.failed, report.skipped_no_email) == (5, 0, 1)
    assert CountingBackend.opened == 3
    assert len(mail.outbox) == 5
    for message in mail.outbox:
        number = re.search(r"Your membership number: (\S+)", message.body).group(1)
        code = re.search(r"Your voting code:\s+(\S+)", message.body).group(1)
        entry = RollEntry.objects.get(ballot=ballot, membership_number=number)
        assert message.to == [entry.member.email]
        assert voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=entry.code_hash)
        assert f"/vote/link/?ballot={ballot.pk}&member={number}&code={code.replace('-', '')}" in message.body
    no_email = RollEntry.objects.get(ballot=ballot, member__email="")
    assert no_email.code_hash == ""
    event = AuditEvent.objects.get(action="voting_codes_emailed")
    assert (event.detail["sent"], event.detail["skipped_no_email"]) == (5, 1)
    # Everyone with an email now has a code: emailing again sends nothing.
    again = services.voting_codes_email(ballot=ballot, actor=officer, batch_size=2)
    assert (again.sent, again.skipped_no_email) == (0, 1)


def test_a_failed_email_is_counted_and_the_rest_still_go(open_ballot, officer, settings, caplog):
    settings.EMAIL_BACKEND = "tests.ballots.officer.test_voting_codes.FailingForOneBackend"
    broken = RollEntry.objects.filter(ballot=open_ballot).first()
    Member.objects.filter(pk=broken.member_id).update(email="broken@example.org")

    with caplog.at_level(logging.DEBUG):
        report = services.voting_codes_email(ballot=open_ballot, actor=officer, batch_size=4)

    assert (report.sent, report.failed, report.remaining) == (8, 1, 1)
    assert report.failed_numbers == [broken.membership_number]
    assert broken.membership_number in caplog.text
    broken.refresh_from_db()
    assert broken.code_hash == ""  # never delivered, so withdrawn: the next press tries again

    Member.objects.filter(pk=broken.member_id).update(email="mended@example.org")
    retry = services.voting_codes_email(ballot=open_ballot, actor=officer)
    assert (retry.sent, retry.failed) == (1, 0)


def test_one_press_sends_at_most_the_limit_and_says_how_many_wait(open_ballot, officer):
    first = services.voting_codes_email(ballot=open_ballot, actor=officer, batch_size=2, limit=5)
    second = services.voting_codes_email(ballot=open_ballot, actor=officer, batch_size=2, limit=5)

    assert (first.sent, first.remaining) == (5, 4)
    assert (second.sent, second.remaining) == (4, 0)
    assert len({message.to[0] for message in mail.outbox}) == 9


def test_reissuing_everyones_codes_by_email_withdraws_the_old_ones_first(open_ballot, officer):
    old = services.voting_codes_issue(ballot=open_ballot, actor=officer)

    report = services.voting_codes_email(ballot=open_ballot, actor=officer, reissue_all=True, limit=4)

    assert (report.sent, report.remaining) == (4, 5)
    for entry, code in old:
        entry.refresh_from_db()
        assert not voting_code_matches(ballot_id=open_ballot.pk, code=code, code_hash=entry.code_hash)
    event = AuditEvent.objects.get(action="voting_codes_reissued_all_by_email")
    assert (event.detail["codes_withdrawn"], event.detail["still_waiting"]) == (9, 5)


def test_the_email_page_reports_the_counts(officer_client, open_ballot):
    Member.objects.filter(pk=RollEntry.objects.filter(ballot=open_ballot).first().member_id).update(email="")

    response = officer_client.post(reverse("ballots:codes_email", args=[open_ballot.pk]), follow=True)

    assert b"Emails sent: 8. Failed: 0. Skipped, no email address: 1." in response.content
    assert len(mail.outbox) == 8


def test_one_members_code_can_be_resent_by_email(officer_client, open_ballot):
    entry, old_code = services.voting_codes_issue(ballot=open_ballot)[0]

    response = officer_client.post(reverse("ballots:code_send", args=[open_ballot.pk, entry.pk]), follow=True)

    assert b"A new code was emailed" in response.content
    assert len(mail.outbox) == 1
    new_code = re.search(r"Your voting code:\s+(\S+)", mail.outbox[0].body).group(1)
    entry.refresh_from_db()
    assert voting_code_matches(ballot_id=open_ballot.pk, code=new_code, code_hash=entry.code_hash)
    assert not voting_code_matches(ballot_id=open_ballot.pk, code=old_code, code_hash=entry.code_hash)
    assert new_code not in response.content.decode()


def test_no_code_reaches_a_log_or_an_audit_entry(officer_client, open_ballot, caplog):
    with caplog.at_level(logging.DEBUG):
        rows = csv_rows(officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk])))
        entry = RollEntry.objects.get(ballot=open_ballot, membership_number=rows[0]["membership_number"])
        reissued = officer_client.post(reverse("ballots:code_reissue", args=[open_ballot.pk, entry.pk]))
        officer_client.post(reverse("ballots:code_send", args=[open_ballot.pk, entry.pk]))
        reissue_all = reverse("ballots:codes_reissue_all", args=[open_ballot.pk])
        officer_client.post(reissue_all, {"delivery": "email", "confirm": "on"})
        officer_client.post(reissue_all, {"delivery": "csv"})

    codes = [row["voting_code"] for row in rows]
    codes.append(re.search(rb'class="code">([^<]+)<', reissued.content).group(1).decode())
    codes += [re.search(r"Your voting code:\s+(\S+)", message.body).group(1) for message in mail.outbox]
    assert len(codes) == 9 + 1 + 1 + 9
    logged = caplog.text
    stored = everything_stored_as_text()
    for code in codes:
        for form in (code, code_normalise(code)):
            assert form not in logged
            assert form not in stored
