"""The officer's CSV downloads of a ballot: the audit log pinned byte for byte (header words,
order, cells in words, spreadsheet safety, file name) and the voting codes CSV's columns, each
with a constant number of queries whatever the number of rows."""

import csv
import io

from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ballots.codes import voting_code_hash
from ballots.models import RollEntry
from ballots.officer import services
from ballots.officer.audit_words import audit_sentence
from ballots.officer.services.code_reissue_approval import code_reissue_request
from members.models import AuditEvent, Member
from members.services import audit_record
from tests.ballots.officer.code_reissue_approval.reissue_checks import audit_insert_batches
from tests.factories import MemberFactory, OfficerFactory


def body_of(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def audit_csv(client, ballot):
    response = client.get(reverse("ballots:ballot_audit_csv", args=[ballot.pk]))
    assert response.status_code == 200
    return response, body_of(response)


def test_the_audit_csv_is_byte_for_byte_the_log_newest_first(officer_client, open_ballot, officer, constituency):
    audit_record(
        action="affiliate_vote.recorded",
        actor=officer,
        constituency=constituency,
        ballot_id=open_ballot.pk,
        detail={"delegate_name": "=HYPERLINK(1)"},
    )
    # A plain negative number is data, not a formula: it stays as it is.
    audit_record(action="-5", constituency=constituency, ballot_id=open_ballot.pk, detail={"note": 'Zoë, "quoted"'})
    audit_record(action="elsewhere", constituency=constituency, ballot_id=open_ballot.pk + 1000)

    response, body = audit_csv(officer_client, open_ballot)

    when = [
        timezone.localtime(created).isoformat()
        for created in AuditEvent.objects.filter(ballot_id=open_ballot.pk)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
    ]
    opened = AuditEvent.objects.get(ballot_id=open_ballot.pk, action="ballot_opened")
    opened_details = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in opened.detail.items())
    opened_details = '"' + opened_details.replace('"', '""') + '"' if "," in opened_details else opened_details
    opened_sentence = audit_sentence("ballot_opened", opened.detail)
    expected = (
        "\ufeffwhen,who,what happened,action,details as recorded\r\n"
        f'{when[0]},The system,"\'-5. note: Zoë, ""quoted"".",-5,"note: Zoë, ""quoted"""\r\n'
        f"{when[1]},officer,Affiliate vote: recorded. delegate name: =HYPERLINK(1).,affiliate_vote.recorded,"
        "delegate name: =HYPERLINK(1)\r\n"
        f"{when[2]},officer,{opened_sentence},ballot_opened,{opened_details}\r\n"
    )
    assert body == expected.encode("utf-8")
    assert response["Content-Disposition"] == (
        f'attachment; filename="canterbury-ballot-{open_ballot.pk}-audit-log.csv"'
    )
    assert response["Cache-Control"] == "no-store"


def queries_of(callable_):
    with CaptureQueriesContext(connection) as captured:
        result = callable_()
    return len(captured.captured_queries), result


def test_the_audit_csv_runs_the_same_queries_for_3_and_3000_events(
    officer_client, open_ballot, officer, constituency, django_assert_num_queries
):
    def add_events(count):
        AuditEvent.objects.bulk_create(
            AuditEvent(action="test_action", actor=officer, constituency=constituency, ballot_id=open_ballot.pk)
            for _ in range(count)
        )

    add_events(2)
    audit_csv(officer_client, open_ballot)  # warm the session
    small, (_, body) = queries_of(lambda: audit_csv(officer_client, open_ballot))
    assert body.count(b"\r\n") == 1 + 3
    add_events(2_997)
    with django_assert_num_queries(small):
        _, body = audit_csv(officer_client, open_ballot)
    assert body.count(b"\r\n") == 1 + 3_000
    # Session, user, permissions (2), ballot, officer check, the filter's choices (2), and the
    # events in one query.
    assert small <= 9


def codes_rows(response):
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def test_the_codes_csv_keeps_its_columns_file_name_and_one_row_per_member(officer_client, open_ballot):
    response = officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk]))

    rows = codes_rows(response)
    assert rows[0] == ["membership_number", "first_name", "last_name", "email", "ward", "voting_code", "voting_link"]
    entries = {entry.membership_number: entry for entry in RollEntry.objects.filter(ballot=open_ballot)}
    assert sorted(row[0] for row in rows[1:]) == sorted(entries)
    for number, first, last, email, ward, code, link in rows[1:]:
        member = Member.objects.get(membership_number=number)
        assert (first, last, email, ward) == (member.first_name, member.last_name, member.email, member.ward.name)
        assert entries[number].code_hash == voting_code_hash(ballot_id=open_ballot.pk, code=code)
        assert link == services.personal_voting_link(ballot=open_ballot, membership_number=number, code=code)
    stamp = timezone.localtime().strftime("%Y-%m-%d-")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="canterbury-ballot-{open_ballot.pk}-voting-codes-{stamp}'
    )
    assert response["Cache-Control"] == "no-store"


def test_the_codes_csv_makes_its_rows_without_a_query_each(officer_client, client, open_ballot, officer, wards):
    # Once the ballot is open, every code is re-issued by a second officer's approval: its CSV is measured.
    client.force_login(OfficerFactory(username="second", constituencies=[open_ballot.constituency]))

    def reissue_all():
        asked = code_reissue_request(ballot=open_ballot, actor=officer, how="csv", reason="Codes went astray.")
        response = client.post(reverse("ballots:codes_reissue_approve", args=[open_ballot.pk, asked.pk]))
        return codes_rows(response)

    officer_client.post(reverse("ballots:codes_download", args=[open_ballot.pk]))
    small, rows = queries_of(reissue_all)
    assert len(rows) == 1 + 9
    roll = [
        RollEntry(ballot=open_ballot, member=member, ward=member.ward, membership_number=member.membership_number)
        for member in (MemberFactory(ward=wards[n % 3]) for n in range(300))
    ]
    RollEntry.objects.bulk_create(roll)
    large, rows = queries_of(reissue_all)
    assert len(rows) == 1 + 309
    # Only the members' audit events may take another bulk insert (SQLite's parameter limit splits them).
    assert large == small + audit_insert_batches(309) - audit_insert_batches(9)
