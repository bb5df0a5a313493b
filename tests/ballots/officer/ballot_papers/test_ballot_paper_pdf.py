"""The ballot papers' PDF: the question and both choices in the voting page's words, the ward and the
paper closing time in UK time, and every paper exactly the same (no serial, nothing per copy)."""

import re

import pytest
from django.urls import reverse

from tests.ballots.officer.ballot_papers.conftest import PAPER_CLOSES_WORDS, pdf_pages, pdf_papers

pytestmark = pytest.mark.django_db


def print_papers(client, ballot, ward, copies=""):
    return client.post(reverse("ballots:ballot_papers_pdf", args=[ballot.pk]), {"ward": ward.pk, "copies": copies})


def test_a_paper_carries_the_constituency_ward_question_both_choices_and_the_closing_time(
    officer_client, paper_ballot, wards
):
    response = print_papers(officer_client, paper_ballot, wards[0], copies=1)

    (paper,) = pdf_papers(response.content)
    assert "Constituency: Canterbury" in paper
    assert "Ward branch: Barton" in paper
    assert (
        "Do you want Rosie Duffield to be automatically reselected as the Labour candidate for "
        "Canterbury, or should there be an open selection?"
    ) in paper
    assert "Rosie Duffield to be automatically reselected" in paper
    for label in ("Reselect Rosie Duffield automatically", "Hold an open selection"):
        assert label in paper
    assert "Put a cross (X) in one box only." in paper
    assert "Fold the paper and put it in the ballot box or the return envelope." in paper
    assert f"Voting on paper closes {PAPER_CLOSES_WORDS}." in paper


def test_the_pdf_downloads_as_an_attachment_with_a_plain_filename(officer_client, paper_ballot, wards):
    response = print_papers(officer_client, paper_ballot, wards[1], copies=2)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ballot-papers-northgate.pdf"'


def test_every_paper_is_the_same_two_to_a_page(officer_client, paper_ballot, wards):
    response = print_papers(officer_client, paper_ballot, wards[0], copies=5)

    pages = pdf_pages(response.content)
    papers = pdf_papers(response.content)
    assert len(pages) == 3
    assert len(papers) == 5
    assert pages[0] == pages[1]
    assert papers[0] == papers[1]
    assert set(papers) == {papers[0]}


def test_no_paper_carries_a_number_beyond_its_closing_time(officer_client, paper_ballot, wards):
    response = print_papers(officer_client, paper_ballot, wards[0], copies=3)

    for paper in pdf_papers(response.content):
        assert re.findall(r"\d+", paper.replace(PAPER_CLOSES_WORDS, "")) == []


def test_empty_copies_prints_one_paper_for_each_member_on_the_wards_roll(officer_client, paper_ballot, wards):
    response = print_papers(officer_client, paper_ballot, wards[2])

    assert len(pdf_papers(response.content)) == 3
