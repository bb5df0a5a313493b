"""The formal record of a counted ballot: the returning officer's report (page and PDF) and the declaration (PDF)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ballots.models import TriggerBallot
from ballots.officer.services.formal_record import RecordNotReady, formal_record
from ballots.officer.services.record_pdf import declaration_pdf, formal_record_pdf
from members.services import audit_record
from tests.factories import OfficerFactory, make_ballot_with_votes

pytestmark = pytest.mark.django_db

# Barton 30-20 (50 of 60 voted), Northgate 10-25 (35 of 40), Tiny 1-1 (2 of 2: withheld publicly).
WARDS = (("Barton", 30, 20, 60), ("Northgate", 10, 25, 40), ("Tiny", 1, 1, 2))
AFFILIATES = (("Unite Canterbury", "trade_union", "reselect", 120), ("Fabian Society", "socialist_society", None, 30))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def declared(constituency, officer):
    ballot = make_ballot_with_votes(constituency=constituency, wards=WARDS, affiliates=AFFILIATES)
    audit_record(action="ballot_declared", actor=officer, constituency=constituency, ballot_id=ballot.pk, detail={})
    return ballot


def test_the_record_holds_every_figure_the_codes_the_affiliates_the_timeline_and_the_log(declared, officer):
    record = formal_record(declared)

    assert not record.provisional
    assert [(row.name, row.reselect, row.open) for row in record.result.branches] == [
        ("Barton", 30, 20),
        ("Northgate", 10, 25),
        ("Tiny", 1, 1),
    ]
    assert [row.withheld for row in record.declaration.branches] == [False, False, True]
    assert record.channels == [("Online", 87)]
    assert dict(record.codes)["Members on the roll"] == 102
    assert [(a.name, a.vote, a.delegate_name) for a in record.affiliates] == [
        ("Fabian Society", "Did not vote", ""),
        ("Unite Canterbury", "Reselect", "A Delegate"),
    ]
    assert [label for label, _ in record.timeline][-3:] == ["Voting closed", "Votes counted", "Result declared"]
    assert [(event.who, event.what) for event in record.events] == [
        ("officer", "Declared the result: it is now public.")
    ]


def test_a_ballot_not_yet_counted_has_no_record_and_says_why(constituency):
    closed = make_ballot_with_votes(constituency=constituency, status=TriggerBallot.Status.CLOSED, counted_at=None)
    draft = make_ballot_with_votes(
        constituency=constituency, status=TriggerBallot.Status.DRAFT, wards=(), affiliates=()
    )

    with pytest.raises(RecordNotReady, match="still sealed"):
        formal_record(closed)
    with pytest.raises(RecordNotReady, match="once the ballot has closed"):
        formal_record(draft)


def test_the_reports_pdf_reads_with_every_figure_and_the_declarations_with_only_the_public_ones(declared):
    record = formal_record(declared)

    report = pdf_text(formal_record_pdf(record))
    declaration = pdf_text(declaration_pdf(record))

    assert "Returning officer's report" in report
    assert f"Trigger ballot for {declared.sitting_mp}, {declared.constituency.name}" in report
    assert "Tiny 1 1" in report  # every count, the small ward's too
    assert "Unite Canterbury" in report and "A Delegate" in report
    assert "Declared the result: it is now public." in report
    assert "GMT" in report or "BST" in report
    assert "Declaration of result" in declaration
    assert "Tiny withheld withheld" in declaration
    assert "Tiny 1 1" not in declaration
    assert "A Delegate" not in declaration  # who spoke for an affiliate is the officers' record


def test_the_report_page_and_pdfs_are_for_the_constituencys_officers(client, declared, officer):
    urls = [
        reverse("ballots:formal_record", args=[declared.pk]),
        reverse("ballots:formal_record_pdf", args=[declared.pk]),
        reverse("ballots:declaration_pdf", args=[declared.pk]),
    ]
    stranger = OfficerFactory(username="elsewhere")

    anonymous = [client.get(url).status_code for url in urls]
    client.force_login(stranger)
    other_officer = [client.get(url).status_code for url in urls]
    client.force_login(officer)
    own = [client.get(url) for url in urls]

    assert anonymous == [302, 302, 302]
    assert other_officer == [403, 403, 403]
    assert [response.status_code for response in own] == [200, 200, 200]
    assert "Who did what" in own[0].content.decode()
    assert own[1]["Content-Type"] == "application/pdf"
    assert own[1]["Content-Disposition"].endswith(f'-ballot-{declared.pk}-returning-officers-report.pdf"')
    assert own[2]["Content-Disposition"].endswith(f'-ballot-{declared.pk}-declaration.pdf"')
    assert all(response["Cache-Control"] == "no-store" for response in own)


def test_before_the_count_the_page_explains_and_the_pdfs_refuse(officer_client, constituency):
    closed = make_ballot_with_votes(constituency=constituency, status=TriggerBallot.Status.CLOSED, counted_at=None)

    page = officer_client.get(reverse("ballots:formal_record", args=[closed.pk]))
    report = officer_client.get(reverse("ballots:formal_record_pdf", args=[closed.pk]))

    assert page.status_code == 200
    assert "The votes are still sealed" in page.content.decode()
    assert report.status_code == 409
    assert "still sealed" in report.content.decode()


def test_the_declaration_waits_for_the_declaration(officer_client, constituency):
    counted = make_ballot_with_votes(constituency=constituency, status=TriggerBallot.Status.CLOSED)

    page = officer_client.get(reverse("ballots:formal_record", args=[counted.pk]))
    declaration = officer_client.get(reverse("ballots:declaration_pdf", args=[counted.pk]))

    assert "<strong>Provisional:</strong> the result is not yet declared." in page.content.decode()
    assert declaration.status_code == 409
    assert declaration.content.decode() == "The declaration is made once the result has been declared."


@pytest.mark.parametrize("wards", [2, 40])
def test_the_report_page_runs_the_same_queries_for_few_wards_or_many(
    officer_client, constituency, wards, django_assert_num_queries
):
    ballot = make_ballot_with_votes(
        constituency=constituency, wards=[(f"Ward {n}", 3, 2, 6) for n in range(wards)], affiliates=AFFILIATES
    )
    officer_client.get(reverse("ballots:formal_record", args=[ballot.pk]))  # warm the session

    with django_assert_num_queries(QUERIES):
        officer_client.get(reverse("ballots:formal_record", args=[ballot.pk]))


# Session, user, permissions, ballot, officer check, then the record: tallies, roll, wards,
# affiliates, codes, re-issues, affiliate votes, the log: the same whatever the size.
QUERIES = 15
