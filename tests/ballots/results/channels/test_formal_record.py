"""The returning officer's report gives the votes by channel: per ward, all wards, and the batches confirmed."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ballots.officer.services.formal_record import formal_record
from ballots.officer.services.record_pdf import declaration_pdf, formal_record_pdf

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The PDF's words, with its line breaks as spaces (a long sentence wraps)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_record_holds_each_wards_votes_by_channel_and_the_batches_confirmed(ballot, confirmed_batch):
    confirmed_batch(ballot, "Barton", channel="paper", reselect=5, open_=3, spoilt=1)
    confirmed_batch(ballot, "Barton", channel="meeting", reselect=2, open_=2)

    record = formal_record(ballot)

    assert record.channels == [("Online", 88), ("By post or on paper", 13), ("At a branch meeting", 4)]
    assert [(r.name, r.online, r.paper, r.meeting, r.spoilt, r.votes) for r in record.channel_wards] == [
        ("Barton", 50, 8, 4, 1, 62),
        ("Northgate", 35, 4, 0, 2, 39),
        ("Tiny", 3, 1, 0, 0, 4),
        ("All wards", 88, 13, 4, 3, 105),
    ]
    assert record.batches_confirmed == 2


def test_the_reports_pdf_reads_the_votes_by_channel(ballot, confirmed_batch):
    confirmed_batch(ballot, "Tiny")

    report = pdf_text(formal_record_pdf(formal_record(ballot)))

    assert "Votes by channel" in report
    assert "Barton 50 8 4 1 62" in report
    assert "Tiny 3 1 0 0 4" in report
    assert "All wards 88 13 4 3 105" in report
    assert "Paper batches confirmed by a second officer: 1." in report
    assert "88 were cast online, 13 by post or on paper and 4 at branch meetings." in report


def test_the_declaration_pdf_gives_no_wards_channels(ballot):
    declaration = pdf_text(declaration_pdf(formal_record(ballot)))

    assert "Votes by channel" not in declaration
    assert "Tiny withheld withheld" in declaration
    assert "88 were cast online, 13 by post or on paper and 4 at branch meetings." in declaration


def test_the_report_page_shows_the_votes_by_channel_in_each_ward(officer_client, ballot, confirmed_batch):
    confirmed_batch(ballot, "Northgate", open_=4, reselect=0, spoilt=2)

    page = officer_client.get(reverse("ballots:formal_record", args=[ballot.pk])).content.decode()

    section = page[page.index('id="channels-heading"') :]
    section = section[: section.index("</section>")]
    assert (
        '<th scope="row">Northgate</th><td class="num">35</td><td class="num">4</td><td class="num">0</td>'
        '<td class="num">2</td><td class="num">39</td>'
    ) in section
    assert "Paper batches confirmed by a second officer: 1." in section
